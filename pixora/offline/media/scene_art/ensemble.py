"""The characters a scene lists, drawn side by side as part of the picture, each at its own
relative size and in its own colours, and where each was drawn.

Sizes are relative to an adult person of height `h` px (a child is 0.62 of it, a dog 0.42,
a horse 1.15), so a character keeps its size against the others in every scene. Two or more
characters face each other (the leftmost looks right, the rightmost left).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pixora.context.models import Character
from pixora.context.traits import Traits
from pixora.offline.media.scene_art.animals import bird, fish, quadruped, shape_of
from pixora.offline.media.scene_art.canvas import Canvas, Sprite, mix
from pixora.offline.media.scene_art.figures import (
    BUILD_WIDTH,
    Colors,
    colors_of,
    creature,
    person,
    robot,
)
from pixora.offline.media.scene_art.palette import Look

Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels, right and bottom exclusive."""
Draw = Callable[[Sprite, Traits, Colors, float, float, float, float, bool], None]
"""A drawer: (sprite, traits, colours, x, base, height, facing, back), pixels."""

AGE_HEIGHT = {"child": 0.62, "teen": 0.86, "adult": 1.0, "elderly": 0.94}
HEIGHT = {"robot": 0.85, "creature": 0.7, "dog": 0.42, "cat": 0.3, "fox": 0.36, "horse": 1.15,
          "rabbit": 0.3, "bear": 0.85, "bird": 0.26, "fish": 0.24}
"""Height of each shape over an adult person's."""
WIDTH = {"person": 0.42, "robot": 0.6, "creature": 0.8, "dog": 1.6, "cat": 1.5, "fox": 1.8,
         "horse": 1.4, "rabbit": 1.1, "bear": 1.6, "bird": 1.0, "fish": 2.0}
"""Width over height of each shape, for spacing."""
GAP = 0.12
"""Space between two characters, as a fraction of the adult height."""


def shape(character: Character) -> str:
    """How `character` is drawn: "person", "robot", "creature", or an animal shape."""
    if character.kind in ("person", "robot", "creature"):
        return character.kind
    return shape_of(character.kind)


def relative_height(character: Character) -> float:
    """The character's height over an adult person's (its age scales a person)."""
    kind = shape(character)
    if kind == "person":
        return AGE_HEIGHT[character.traits.age]
    return HEIGHT[kind] * (0.7 if character.traits.age == "child" else 1.0)


def drawer(kind: str) -> Draw:
    """The function drawing shape `kind` (see `shape`); an animal seen from behind is drawn
    in profile facing away (left)."""
    if kind in ("person", "robot", "creature"):
        return {"person": person, "robot": robot, "creature": creature}[kind]
    animal = {"bird": bird, "fish": fish}.get(kind)

    def draw(s: Sprite, t: Traits, col: Colors, x: float, base: float, h: float,
             facing: float, back: bool) -> None:
        turned = -1.0 if back else facing
        if animal is None:
            quadruped(s, t, col, kind, x, base, h, turned)
        else:
            animal(s, t, col, x, base, h, turned)
    return draw


def _lit(look: Look, col: Colors) -> Colors:
    """A character's colours with a little of the frame's light: they stay recognisable."""
    return Colors(*(mix(v, look.tone(v, 0.1), 0.3) for v in (col.skin, col.hair, col.outfit,
                                                              col.accent)))


def draw_cast(c: Canvas, look: Look, cast: Sequence[Character], x: float, base: float,
              h: float) -> dict[str, Box]:
    """Draw `cast` left to right centred on column `x`, feet on row `base`, an adult being
    `h` px tall (all scaled down together to fit 92 % of the frame width). Returns each
    character id's box on the canvas (clipped to it; a character wholly outside is left out).
    """
    kinds = [shape(ch) for ch in cast]
    heights = [relative_height(ch) * h for ch in cast]
    widths = [hh * WIDTH[k] * (BUILD_WIDTH[ch.traits.build] if k == "person" else 1.0)
              for ch, k, hh in zip(cast, kinds, heights, strict=True)]
    total = sum(widths) + GAP * h * (len(cast) - 1)
    scale = min(1.0, c.w * 0.92 / total) if total else 1.0
    x = min(max(x, total * scale / 2 + c.w * 0.04), c.w * 0.96 - total * scale / 2)
    left = x - total * scale / 2
    boxes: dict[str, Box] = {}
    for i, (ch, kind, fh, fw) in enumerate(zip(cast, kinds, heights, widths, strict=True)):
        fh, fw = fh * scale, fw * scale
        cx = left + fw / 2
        left += fw + GAP * h * scale
        if len(cast) == 1:
            facing = 0.0 if kind in ("person", "robot", "creature") else (
                1.0 if cx < c.w / 2 else -1.0)
        else:
            facing = 1.0 if i < len(cast) / 2 else -1.0
        foot = base - (fh * 0.5 if kind == "fish" else 0.0)
        s = Sprite(c, (cx - fw, foot - fh * 1.1, cx + fw, foot + fh * 0.05))
        drawer(kind)(s, ch.traits, _lit(look, colors_of(ch.traits)), cx, foot, fh, facing,
                     False)
        if kind != "fish":
            c.shadow(cx, foot, fw * 0.45, fh * 0.025)
        bbox = s.img.getchannel("A").getbbox()
        s.paste(look.side * 0.25)
        if bbox is None or s.empty:
            continue
        box = (s.x0 + bbox[0] // s.ss, s.y0 + bbox[1] // s.ss,
               min(s.x0 - (-bbox[2] // s.ss), c.w), min(s.y0 - (-bbox[3] // s.ss), c.h))
        if box[2] > box[0] and box[3] > box[1]:
            boxes[ch.id] = box
    return boxes
