"""Colour words, and the colours a description of a person names (skin, hair, clothing)."""

from __future__ import annotations

import re
import zlib

from pixora.context.traits import COLORS
from pixora.offline.media.scene_art.canvas import RGB, mix

COLOR_WORDS: dict[str, RGB] = {
    name: rgb for name, rgb in COLORS.items()
    if name not in {"cream", "tan", "sandy", "chocolate", "dark", "denim"}
}
"""Trait colours that read as a colour anywhere in a scene prompt ("dark", "tan" and the like
also describe light, skin or food there, so they are left out)."""
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
