"""Colour words, and the colours a description of a person names (skin, hair, clothing)."""

from __future__ import annotations

import re
import zlib

from pixora.offline.media.scene_art.canvas import RGB, mix

COLOR_WORDS: dict[str, RGB] = {
    "red": (196, 40, 48), "crimson": (170, 20, 50), "scarlet": (220, 36, 36),
    "orange": (236, 128, 36), "amber": (240, 170, 40), "gold": (222, 180, 60),
    "golden": (222, 180, 60), "yellow": (240, 210, 60), "green": (56, 150, 80),
    "emerald": (20, 140, 100), "olive": (110, 120, 50), "teal": (20, 130, 140),
    "turquoise": (60, 200, 200), "cyan": (40, 200, 230), "blue": (50, 90, 200),
    "navy": (24, 36, 90), "azure": (70, 150, 230), "purple": (120, 60, 170),
    "violet": (140, 80, 200), "lavender": (180, 160, 220), "pink": (236, 130, 170),
    "magenta": (210, 40, 160), "brown": (110, 70, 40), "chestnut": (130, 60, 30),
    "black": (24, 24, 28), "white": (238, 238, 234), "grey": (130, 130, 136),
    "gray": (130, 130, 136), "silver": (190, 194, 200), "blonde": (230, 200, 120),
    "blond": (230, 200, 120), "auburn": (150, 60, 30), "ginger": (200, 90, 40),
    "beige": (220, 200, 170), "maroon": (110, 20, 40), "copper": (184, 110, 60),
    "bronze": (170, 120, 60),
}
SKIN_WORDS: dict[str, RGB] = {
    "pale": (246, 222, 204), "fair": (240, 212, 190), "freckled": (236, 200, 176),
    "tan": (206, 156, 116), "olive-skinned": (196, 152, 110), "brown-skinned": (150, 100, 70),
    "dark-skinned": (110, 72, 50), "dark skin": (110, 72, 50), "brown skin": (150, 100, 70),
}
HAIR_WORDS = ("blonde", "blond", "auburn", "ginger", "silver", "grey", "gray", "white",
              "black", "brown", "chestnut", "red", "pink", "blue", "purple")


def character_colors(name: str, description: str) -> tuple[RGB, RGB, RGB, RGB]:
    """(skin, hair, clothing, background) colours read from a character description.

    Colour words next to "hair" colour the hair; the first other colour word the clothing.
    Missing colours are derived from a hash of the name, so a character keeps its colours.
    """
    text = description.lower()
    h = zlib.crc32(name.encode())
    skin = next((c for w, c in SKIN_WORDS.items() if w in text),
                ((236, 196, 164), (200, 150, 110), (150, 104, 74), (240, 210, 180))[h % 4])
    hair_m = re.search(r"\b(" + "|".join(HAIR_WORDS) + r")\b[\w\s,-]{0,12}\bhair", text) or \
        re.search(r"\b(blonde|blond|auburn|ginger|bald)\b", text)
    hair = COLOR_WORDS.get(hair_m.group(1), skin) if hair_m else \
        ((40, 30, 24), (110, 70, 40), (200, 170, 110), (24, 24, 28))[(h >> 3) % 4]
    used = {hair_m.group(1)} if hair_m else set()
    others = [w for w in re.findall(r"[a-z]+", text) if w in COLOR_WORDS and w not in used]
    palette = list(COLOR_WORDS.values())
    clothing = COLOR_WORDS[others[0]] if others else palette[(h >> 6) % len(palette)]
    background = mix(COLOR_WORDS[others[1]] if len(others) > 1 else
                      palette[(h >> 11) % len(palette)], (30, 30, 40), 0.55)
    return skin, hair, clothing, background
