"""Character reference portraits: a stylised head-and-shoulders figure in the colours its
description names."""

from __future__ import annotations

import re
import zlib

import numpy as np
from PIL import Image, ImageDraw

from pixora.offline.media.scene_art.canvas import RGB, mix
from pixora.offline.media.scene_art.typography import font

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


def render_character_portrait(name: str, description: str, size: tuple[int, int] = (512, 512),
                              ) -> Image.Image:
    """A stylised head-and-shoulders figure in the character's colours, labelled with `name`.

    Size is (width, height) in px. The same name and description give the same image.
    """
    w, h = size
    skin, hair, clothing, bg = character_colors(name, description)
    text = description.lower()
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    top = np.asarray(mix(bg, (255, 255, 255), 0.25), np.float32)
    arr = top * (1 - t) + np.asarray(mix(bg, (0, 0, 0), 0.4), np.float32) * t
    img = Image.fromarray(np.broadcast_to(arr, (h, w, 3)).astype(np.uint8))
    ss = 3
    layer = Image.new("RGBA", (w * ss, h * ss), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    u = min(w, h) * ss
    cx = w * ss / 2
    head_r, head_cy = u * 0.16, h * ss * 0.4
    d.ellipse([cx - u * 0.36, h * ss * 0.64, cx + u * 0.36, h * ss * 1.2], fill=clothing)
    d.rectangle([cx - u * 0.06, head_cy + head_r * 0.6, cx + u * 0.06, h * ss * 0.68], fill=skin)
    long_hair = "long" in text and "bald" not in text
    if long_hair:
        d.rounded_rectangle([cx - head_r * 1.15, head_cy - head_r * 1.1, cx + head_r * 1.15,
                             head_cy + head_r * 1.9], radius=int(head_r * 0.8), fill=hair)
    d.ellipse([cx - head_r * 0.86, head_cy - head_r, cx + head_r * 0.86, head_cy + head_r],
              fill=skin)
    if "bald" not in text:
        d.chord([cx - head_r * 0.95, head_cy - head_r * 1.12, cx + head_r * 0.95,
                 head_cy + head_r * 0.5], 180, 360, fill=hair)
    eye_y, eye_dx, eye_r = head_cy + head_r * 0.05, head_r * 0.34, head_r * 0.08
    for sx in (-1, 1):
        d.ellipse([cx + sx * eye_dx - eye_r, eye_y - eye_r, cx + sx * eye_dx + eye_r,
                   eye_y + eye_r], fill=(30, 26, 30))
    if "glasses" in text:
        for sx in (-1, 1):
            d.ellipse([cx + sx * eye_dx - eye_r * 3, eye_y - eye_r * 2.4, cx + sx * eye_dx
                       + eye_r * 3, eye_y + eye_r * 2.4], outline=(20, 20, 20),
                      width=max(int(eye_r * 0.6), 1))
    d.arc([cx - head_r * 0.3, head_cy + head_r * 0.3, cx + head_r * 0.3, head_cy + head_r * 0.6],
          10, 170, fill=(120, 50, 50), width=max(int(head_r * 0.05), 1))
    img.paste(layer.resize((w, h), Image.Resampling.LANCZOS), (0, 0),
              layer.resize((w, h), Image.Resampling.LANCZOS))
    face = font(max(int(min(w, h) * 0.08), 10))
    label = name.strip() or "Character"
    tw = face.getlength(label)
    draw = ImageDraw.Draw(img)
    y = int(h * 0.88)
    draw.rounded_rectangle([w / 2 - tw / 2 - 12, y - 6, w / 2 + tw / 2 + 12,
                            y + face.size * 1.2 + 2], radius=8, fill=(0, 0, 0))
    draw.text((w / 2 - tw / 2, y), label, font=face, fill=(255, 255, 255))
    return img
