"""A character reference sheet: one character from four angles (front, three-quarter,
profile, back) side by side, each view labelled, the name above."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pixora.context.models import Character
from pixora.offline.media.scene_art.canvas import Canvas, Sprite, mix
from pixora.offline.media.scene_art.ensemble import WIDTH, drawer, shape
from pixora.offline.media.scene_art.figures import colors_of
from pixora.offline.media.scene_art.typography import font

VIEWS: tuple[tuple[str, float, bool], ...] = (
    ("front", 0.0, False), ("three-quarter", 0.5, False), ("profile", 1.0, False),
    ("back", 0.0, True),
)
"""(label, facing, seen from behind) of each view, left to right."""
ANIMAL_FACING = {"front": 0.3, "three-quarter": 0.6, "profile": 1.0, "back": 1.0}
"""An animal has no frontal drawing: its views turn from nearly head-on to profile."""


def render_character_sheet(ch: Character, size: tuple[int, int] = (1024, 512)) -> Image.Image:
    """The sheet of `ch` at `size` (width, height) px: four views on a light backdrop in the
    character's colours, each view 70 % of the height (less when it would not fit its
    quarter of the width). Deterministic."""
    w, h = size
    kind = shape(ch)
    col = colors_of(ch.traits)
    c = Canvas(w, h, np.random.default_rng(0))
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    top = np.asarray(mix(col.outfit, (250, 250, 246), 0.85), np.float32)
    bottom = np.asarray(mix(col.outfit, (200, 200, 196), 0.7), np.float32)
    c.px[:] = top * (1 - t) + bottom * t
    panel = w / len(VIEWS)
    fh = min(h * 0.7, panel * 0.85 / max(WIDTH[kind], 0.5))
    base = h * 0.84
    draw = drawer(kind)
    for i, (label, facing, back) in enumerate(VIEWS):
        x = panel * (i + 0.5)
        if kind not in ("person", "robot", "creature"):
            facing = ANIMAL_FACING[label]
        s = Sprite(c, (x - panel / 2, base - fh * 1.15, x + panel / 2, base + 4))
        draw(s, ch.traits, col, x, base - (fh * 0.5 if kind == "fish" else 0), fh, facing, back)
        c.shadow(x, base, panel * 0.22, fh * 0.02)
        s.paste()
    img = Image.fromarray(np.clip(c.px, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    small, big = font(max(int(h * 0.045), 10)), font(max(int(h * 0.07), 12))
    for i, (label, _, _) in enumerate(VIEWS):
        d.text((panel * (i + 0.5) - small.getlength(label) / 2, h * 0.9), label,
               font=small, fill=(40, 40, 48))
    d.text((w / 2 - big.getlength(ch.name) / 2, h * 0.04), ch.name, font=big, fill=(30, 30, 36))
    return img
