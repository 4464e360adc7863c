"""One character drawn from its traits: a person, a robot or a creature (animals are in
`animals`). Every function draws on a `Sprite` in canvas pixels: `x` is the centre column,
`base` the row the feet stand on, `h` the figure's height, `facing` +1 right or -1 left
(where the face looks; 0 straight at the viewer), `back` seen from behind (no face)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pixora.context.traits import COLORS, SKINS, Traits
from pixora.offline.media.scene_art.canvas import RGB, Sprite, mix

LONG_OUTFITS = frozenset({"raincoat", "coat", "peacoat", "dress", "gown", "robe", "cloak",
                          "apron"})
"""Garments drawn down to the knees."""
BUILD_WIDTH = {"slim": 0.84, "average": 1.0, "sturdy": 1.24}
EYES: RGB = (28, 24, 28)


@dataclass(frozen=True)
class Colors:
    """The RGB a character is drawn in: skin, hair (or fur), outfit and accent."""

    skin: RGB
    hair: RGB
    outfit: RGB
    accent: RGB


def colors_of(t: Traits) -> Colors:
    """The colours of traits `t` (unknown names fall back to grey)."""
    grey = COLORS["grey"]
    return Colors(SKINS.get(t.skin, SKINS["light"]), COLORS.get(t.hair, grey),
                  COLORS.get(t.outfit_color, grey), COLORS.get(t.accent, grey))


def person(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
           facing: float, back: bool = False) -> None:
    """A standing person `h` px tall: legs, outfit, arms, head, hair and marks."""
    w = BUILD_WIDTH[t.build]
    child = t.age == "child"
    head_r = h * (0.095 if child else 0.07)
    head_y = base - h + head_r
    sh_y = head_y + head_r + h * 0.035
    hip_y = base - h * 0.45
    long = t.outfit in LONG_OUTFITS
    legs = col.skin if t.outfit in ("dress", "gown") else col.accent
    shoes = mix(col.accent, (30, 26, 24), 0.6)
    for lx in (-1, 1):
        s.line([(x + lx * h * 0.05 * w, hip_y), (x + lx * h * 0.06 * w, base - h * 0.03)],
               legs, h * 0.08 * w)
        s.ellipse(x + lx * h * 0.065 * w + facing * h * 0.02, base - h * 0.018, h * 0.05,
                  h * 0.024, shoes)
    hem = base - h * (0.2 if long else 0.42)
    top_w, hem_w = h * 0.125 * w, h * (0.15 if long else 0.11) * w
    s.poly([(x - top_w, sh_y + h * 0.02), (x + top_w, sh_y + h * 0.02), (x + hem_w, hem),
            (x - hem_w, hem)], col.outfit)
    s.ellipse(x, sh_y + h * 0.03, top_w, h * 0.04, col.outfit)
    if t.outfit == "overalls":
        s.rect(x - top_w * 0.6, sh_y + h * 0.08, x + top_w * 0.6, hem, col.accent)
    for ax in (-1, 1):
        elbow = (x + ax * h * 0.16 * w, sh_y + h * 0.17)
        hand = (x + ax * h * 0.17 * w + facing * h * 0.02, hip_y - h * 0.02)
        s.line([(x + ax * top_w * 0.85, sh_y + h * 0.04), elbow, hand], col.outfit, h * 0.065 * w)
        s.ellipse(hand[0], hand[1], h * 0.03, h * 0.03, col.skin)
    if t.outfit == "scarf" or "scarf" in t.marks:
        s.rect(x - top_w * 0.8, sh_y - h * 0.005, x + top_w * 0.8, sh_y + h * 0.045, col.accent,
               radius=h * 0.02)
    s.rect(x - h * 0.022, head_y + head_r * 0.6, x + h * 0.022, sh_y + h * 0.01, col.skin)
    if t.hair_style in ("long", "braided", "ponytail") or (child and t.hair_style == "curly"):
        s.rect(x - head_r * 1.05, head_y - head_r * 0.3, x + head_r * 1.05,
               head_y + head_r * (1.9 if t.hair_style == "long" else 1.3), col.hair,
               radius=head_r * 0.5)
    s.ellipse(x, head_y, head_r * 0.9, head_r, col.skin)
    if t.hair_style == "curly":
        for k in range(7):
            ang = math.pi * (0.95 + k * 0.185)
            s.ellipse(x + math.cos(ang) * head_r * 0.9, head_y + math.sin(ang) * head_r * 0.85,
                      head_r * 0.38, head_r * 0.38, col.hair)
    elif t.hair_style != "bald":
        s.pie(x, head_y - head_r * 0.1, head_r * 1.02, head_r * 1.0, 180, 360, col.hair)
    if back:
        if t.hair_style != "bald":
            s.ellipse(x, head_y, head_r * 0.95, head_r * 1.02, col.hair)
        _hat(s, t, col, x, head_y, head_r)
        return
    eye_dx, eye_y = head_r * 0.33, head_y + head_r * 0.08
    for ex in (-1, 1):
        s.ellipse(x + ex * eye_dx + facing * head_r * 0.25, eye_y, head_r * 0.1, head_r * 0.12,
                  EYES)
    if "glasses" in t.marks:
        for ex in (-1, 1):
            cx = x + ex * eye_dx + facing * head_r * 0.25
            s.line([(cx - head_r * 0.22, eye_y - head_r * 0.12), (cx + head_r * 0.22,
                    eye_y - head_r * 0.12)], (20, 20, 24), head_r * 0.07)
    if "beard" in t.marks or "moustache" in t.marks:
        s.pie(x + facing * head_r * 0.15, head_y + head_r * 0.5, head_r * 0.62, head_r * 0.48,
              0, 180, col.hair)
    _hat(s, t, col, x, head_y, head_r)


def _hat(s: Sprite, t: Traits, col: Colors, x: float, head_y: float, head_r: float) -> None:
    if "hat" in t.marks or "cap" in t.marks:
        s.rect(x - head_r * 1.3, head_y - head_r * 0.75, x + head_r * 1.3,
               head_y - head_r * 0.55, col.accent, radius=head_r * 0.1)
        s.rect(x - head_r * 0.8, head_y - head_r * 1.5, x + head_r * 0.8,
               head_y - head_r * 0.6, col.accent, radius=head_r * 0.2)


def robot(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
          facing: float, back: bool = False) -> None:
    """A boxy robot `h` px tall: legs, body in its plating colour, panel, head, antenna."""
    w = BUILD_WIDTH[t.build]
    body = col.hair
    dark = mix(body, (30, 34, 40), 0.5)
    for lx in (-1, 1):
        s.rect(x + lx * h * 0.09 * w - h * 0.05, base - h * 0.3, x + lx * h * 0.09 * w
               + h * 0.05, base, dark, radius=h * 0.02)
    s.rect(x - h * 0.2 * w, base - h * 0.7, x + h * 0.2 * w, base - h * 0.28, body,
           radius=h * 0.05)
    if not back:
        s.rect(x - h * 0.1, base - h * 0.6, x + h * 0.1, base - h * 0.42, col.outfit,
               radius=h * 0.02)
    for ax in (-1, 1):
        s.line([(x + ax * h * 0.22 * w, base - h * 0.64), (x + ax * h * 0.27 * w,
                base - h * 0.4)], dark, h * 0.06)
    s.rect(x - h * 0.15, base - h * 0.92, x + h * 0.15, base - h * 0.72, body, radius=h * 0.05)
    for ex in () if back else (-1, 1):
        s.ellipse(x + ex * h * 0.06 + facing * h * 0.03, base - h * 0.82, h * 0.032, h * 0.032,
                  col.accent if col.accent != body else (80, 200, 255))
    s.line([(x, base - h * 0.92), (x, base - h * 0.99)], dark, h * 0.015)
    s.ellipse(x, base - h * 0.985, h * 0.025, h * 0.025, col.outfit)


def creature(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
             facing: float, back: bool = False) -> None:
    """A round creature `h` px tall: a body in its colour, a belly, two big eyes, little feet
    (and wings when its marks say so)."""
    w = BUILD_WIDTH[t.build]
    if "wings" in t.marks:
        for ax in (-1, 1):
            s.ellipse(x + ax * h * 0.36 * w, base - h * 0.62, h * 0.2, h * 0.12, col.accent)
    for lx in (-1, 1):
        s.ellipse(x + lx * h * 0.15, base - h * 0.04, h * 0.1, h * 0.05, col.accent)
    s.ellipse(x, base - h * 0.48, h * 0.34 * w, h * 0.46, col.hair)
    if back:
        return
    s.ellipse(x, base - h * 0.36, h * 0.2 * w, h * 0.24, col.outfit)
    for ex in (-1, 1):
        cx = x + ex * h * 0.12 + facing * h * 0.05
        s.ellipse(cx, base - h * 0.7, h * 0.08, h * 0.09, (250, 250, 246))
        s.ellipse(cx + facing * h * 0.025, base - h * 0.7, h * 0.04, h * 0.05, EYES)
