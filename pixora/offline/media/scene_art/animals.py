"""Animals drawn from their traits: four-legged ones from one parametric body (dog, cat, fox,
horse, rabbit, bear and their kin), birds and fish. Canvas pixels throughout: `x` is the
centre column, `base` the row the feet stand on (a fish swims with its belly there), `h`
the height, `facing` +1 right or -1 left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pixora.context.traits import Traits
from pixora.offline.media.scene_art.canvas import Sprite, mix
from pixora.offline.media.scene_art.figures import EYES, Colors


@dataclass(frozen=True)
class Body:
    """A four-legged body, in fractions of the height: body length, leg length, neck rise,
    head size, ear and tail shapes."""

    length: float
    legs: float
    neck: float
    head: float
    ears: Literal["floppy", "pointed", "round", "long"]
    tail: Literal["thin", "bushy", "stub", "mane"]


BODIES: dict[str, Body] = {
    "dog": Body(0.95, 0.4, 0.25, 0.17, "floppy", "thin"),
    "cat": Body(0.9, 0.32, 0.2, 0.17, "pointed", "thin"),
    "fox": Body(0.95, 0.36, 0.2, 0.16, "pointed", "bushy"),
    "horse": Body(0.95, 0.46, 0.26, 0.15, "pointed", "mane"),
    "rabbit": Body(0.7, 0.14, 0.18, 0.2, "long", "stub"),
    "bear": Body(1.1, 0.3, 0.15, 0.18, "round", "stub"),
}
KIN = {"puppy": "dog", "wolf": "dog", "kitten": "cat", "lion": "cat", "tiger": "cat",
       "cheetah": "cat", "leopard": "cat", "pony": "horse", "donkey": "horse",
       "unicorn": "horse", "deer": "horse", "bunny": "rabbit", "hare": "rabbit",
       "panda": "bear", "owl": "bird", "parrot": "bird", "duck": "bird", "chicken": "bird",
       "penguin": "bird", "eagle": "bird", "goldfish": "fish", "shark": "fish",
       "dolphin": "fish", "whale": "fish"}
"""Species drawn with another species' shape."""


def shape_of(kind: str) -> str:
    """The shape a species is drawn with: a `BODIES` key, "bird" or "fish" ("dog" for any
    other animal)."""
    kind = KIN.get(kind, kind)
    return kind if kind in BODIES or kind in ("bird", "fish") else "dog"


def quadruped(s: Sprite, t: Traits, col: Colors, kind: str, x: float, base: float, h: float,
              facing: float) -> None:
    """A four-legged animal of shape `kind` (a `BODIES` key), `h` px tall at the ears."""
    b = BODIES[kind]
    fur = col.hair
    dark = mix(fur, (30, 24, 20), 0.4)
    half = h * b.length * 0.5
    back_y = base - h * (b.legs + 0.28)
    body_cy = back_y + h * 0.14
    if b.tail == "thin":
        s.line([(x - facing * half * 0.9, body_cy - h * 0.05),
                (x - facing * half * 1.35, back_y - h * 0.2)], fur, h * 0.06)
    elif b.tail == "bushy":
        s.ellipse(x - facing * half * 1.2, body_cy - h * 0.02, h * 0.22, h * 0.09, fur)
        s.ellipse(x - facing * half * 1.38, body_cy - h * 0.04, h * 0.07, h * 0.06,
                  (246, 244, 240))
    elif b.tail == "mane":
        s.line([(x - facing * half * 0.95, body_cy - h * 0.05),
                (x - facing * half * 1.2, body_cy + h * 0.25)], col.accent, h * 0.08)
    else:
        s.ellipse(x - facing * half * 0.95, body_cy - h * 0.05, h * 0.06, h * 0.06,
                  (246, 244, 240) if kind == "rabbit" else fur)
    for k, lx in enumerate((-0.75, -0.5, 0.5, 0.75)):
        s.line([(x + facing * lx * half, body_cy), (x + facing * lx * half, base - h * 0.02)],
               dark if k in (1, 2) else fur, h * (0.11 if kind == "bear" else 0.08))
    s.ellipse(x, body_cy, half, h * (0.2 if kind != "bear" else 0.26), fur)
    head_r = h * b.head
    hx = x + facing * (half * 0.95 + head_r * 0.3)
    hy = back_y - h * b.neck
    s.line([(x + facing * half * 0.6, body_cy - h * 0.04), (hx, hy)], fur, head_r * 1.3)
    if kind == "horse":
        s.line([(x + facing * half * 0.55, back_y - h * 0.02), (hx - facing * head_r * 0.4,
                hy - head_r * 0.4)], col.accent, h * 0.06)
    if b.ears == "pointed":
        for ex in (-0.5, 0.3):
            s.poly([(hx + facing * (ex - 0.35) * head_r, hy - head_r * 0.6),
                    (hx + facing * ex * head_r, hy - head_r * 1.7),
                    (hx + facing * (ex + 0.4) * head_r, hy - head_r * 0.6)], fur)
    elif b.ears == "long":
        for ex in (-0.35, 0.25):
            s.ellipse(hx + facing * ex * head_r, hy - head_r * 1.5, head_r * 0.25,
                      head_r * 0.8, fur)
    elif b.ears == "round":
        for ex in (-0.6, 0.5):
            s.ellipse(hx + facing * ex * head_r, hy - head_r * 0.85, head_r * 0.35,
                      head_r * 0.35, dark)
    s.ellipse(hx, hy, head_r, head_r * 0.95, fur)
    snout = 1.3 if kind == "horse" else 0.75
    s.ellipse(hx + facing * head_r * 0.8, hy + head_r * 0.3, head_r * snout * 0.6,
              head_r * 0.45, mix(fur, (255, 255, 255), 0.25))
    s.ellipse(hx + facing * head_r * (0.8 + snout * 0.5), hy + head_r * 0.15, head_r * 0.16,
              head_r * 0.14, EYES)
    s.ellipse(hx + facing * head_r * 0.3, hy - head_r * 0.2, head_r * 0.14, head_r * 0.14,
              EYES)
    if b.ears == "floppy":
        s.ellipse(hx - facing * head_r * 0.55, hy + head_r * 0.2, head_r * 0.35, head_r * 0.8,
                  dark)
    if t.outfit in ("collar", "bandana"):
        s.line([(hx - facing * head_r * 0.7, hy + head_r * 0.9), (hx + facing * head_r * 0.3,
                hy + head_r * 1.1)], col.outfit, head_r * 0.4)
    if "patch" in t.marks or "spots" in t.marks:
        s.ellipse(x - facing * half * 0.2, body_cy - h * 0.05, half * 0.3, h * 0.1,
                  col.accent)


def bird(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
         facing: float) -> None:
    """A standing bird `h` px tall: legs, round body, wing, head, beak."""
    feathers = col.hair
    for lx in (-0.1, 0.1):
        s.line([(x + lx * h, base - h * 0.25), (x + lx * h, base)], (200, 140, 40), h * 0.04)
    s.ellipse(x - facing * h * 0.32, base - h * 0.38, h * 0.2, h * 0.08, feathers)
    s.ellipse(x, base - h * 0.42, h * 0.32, h * 0.22, feathers)
    s.ellipse(x - facing * h * 0.05, base - h * 0.42, h * 0.2, h * 0.12, col.outfit)
    hx, hy = x + facing * h * 0.24, base - h * 0.72
    s.ellipse(hx, hy, h * 0.17, h * 0.17, feathers)
    s.poly([(hx + facing * h * 0.14, hy - h * 0.05), (hx + facing * h * 0.34, hy + h * 0.02),
            (hx + facing * h * 0.14, hy + h * 0.07)], (236, 170, 40))
    s.ellipse(hx + facing * h * 0.06, hy - h * 0.03, h * 0.035, h * 0.035, EYES)


def fish(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
         facing: float) -> None:
    """A fish `h` px tall: tail fin, body, a stripe in its second colour, eye."""
    cy = base - h * 0.5
    s.poly([(x - facing * h * 0.55, cy), (x - facing * h * 0.95, cy - h * 0.35),
            (x - facing * h * 0.95, cy + h * 0.35)], col.accent)
    s.ellipse(x, cy, h * 0.7, h * 0.42, col.hair)
    s.rect(x - h * 0.08, cy - h * 0.38, x + h * 0.08, cy + h * 0.38, col.outfit)
    s.ellipse(x + facing * h * 0.42, cy - h * 0.08, h * 0.07, h * 0.07, EYES)
