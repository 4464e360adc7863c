"""People and animals: one figure, two, a group; a child and a dog (or a fox, or a cat).

`cast` reads the prompt for how many people, a child, raised arms, a backpack, clothing and
hair colours (from character descriptions such as "blond hair, wearing a green sweater") and
the animal's coat colour ("a scruffy cream dog").
"""

from __future__ import annotations

import re

import numpy as np

from pixora.offline.media.scene_art.canvas import RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.portrait import COLOR_WORDS, character_colors
from pixora.offline.media.scene_art.prompt import SceneReading

CLOTHES: tuple[RGB, ...] = ((60, 90, 150), (170, 70, 60), (70, 120, 90), (200, 150, 60),
                            (110, 80, 130), (90, 90, 100), (220, 210, 190))
SKINS: tuple[RGB, ...] = ((236, 196, 164), (200, 150, 110), (150, 104, 74), (240, 210, 180))
COATS: dict[str, RGB] = {**COLOR_WORDS, "cream": (236, 222, 190), "tan": (196, 150, 100),
                         "golden": (214, 160, 80), "spotted": (240, 240, 236)}
GROUP = re.compile(r"\b(crowd|group|friends|people|team|family|engineers|crew|audience|"
                   r"astronauts|children|commuters|tourists|students|workers|families)\b")
PAIR = re.compile(r"\b(two|couple|pair|both|together)\b")
CHILD = re.compile(r"\b(girl|boy|child|kid|daughter|son|toddler)\b")
ROLE = re.compile(r"\(\s*an?\s+([^)]*)\)")
"""A character's description in a writer's prompt: "Mia (a young girl with ...)"."""
ANIMAL = re.compile(r"\b(dog|puppy|cat|kitten|fox|horse|bird|rabbit)\b")


def figure(s: Sprite, look: Look, x: float, base: float, h: float, clothes: RGB, skin: RGB,
           hair: RGB, raised: bool = False, pack: bool = False, child: bool = False) -> None:
    """A standing person `h` px tall, feet on row `base`: head, hair, torso, arms, legs."""
    clothes, skin, hair = look.tone(clothes, 0.1), look.tone(skin, 0.1), look.tone(hair, 0.1)
    legs = mix(clothes, (30, 34, 50), 0.6)
    head_r = h * (0.09 if child else 0.068)
    head_y = base - h + head_r
    sh_y = head_y + head_r + h * 0.04
    if pack:
        s.rect(x - look.side * h * 0.2, sh_y, x - look.side * h * 0.06, base - h * 0.5,
               look.tone((150, 96, 60)), radius=h * 0.03)
    for lx in (-1, 1):
        s.line([(x + lx * h * 0.05, base - h * 0.46), (x + lx * h * 0.065, base - h * 0.02)],
               legs, h * 0.075)
        s.ellipse(x + lx * h * 0.075, base - h * 0.015, h * 0.05, h * 0.022,
                  look.tone((40, 34, 30)))
    for ax in (-1, 1):
        hand = (x + ax * h * 0.21, sh_y - h * 0.22) if raised else (x + ax * h * 0.16,
                                                                     base - h * 0.47)
        elbow = (x + ax * h * 0.19, sh_y + h * 0.03) if raised else (x + ax * h * 0.15,
                                                                      sh_y + h * 0.17)
        s.line([(x + ax * h * 0.1, sh_y + h * 0.03), elbow, hand], clothes, h * 0.06)
        s.ellipse(hand[0], hand[1], h * 0.028, h * 0.028, skin)
    s.poly([(x - h * 0.12, sh_y + h * 0.02), (x + h * 0.12, sh_y + h * 0.02),
            (x + h * 0.1, base - h * 0.42), (x - h * 0.1, base - h * 0.42)], clothes)
    s.ellipse(x, sh_y + h * 0.025, h * 0.12, h * 0.035, clothes)
    s.rect(x - h * 0.022, head_y + head_r * 0.6, x + h * 0.022, sh_y + h * 0.01, skin)
    s.ellipse(x, head_y, head_r * 0.9, head_r, skin)
    s.pie(x, head_y - head_r * 0.1, head_r * 1.02, head_r * 1.0, 180, 360, hair)
    if child:
        s.rect(x - head_r * 1.0, head_y - head_r * 0.2, x - head_r * 0.6, head_y + head_r * 1.3,
               hair, radius=head_r * 0.3)
        s.rect(x + head_r * 0.6, head_y - head_r * 0.2, x + head_r * 1.0, head_y + head_r * 1.3,
               hair, radius=head_r * 0.3)


def animal(s: Sprite, look: Look, x: float, base: float, h: float, coat: RGB, facing: float,
           kind: str = "dog") -> None:
    """A dog, fox or cat `h` px tall at the head, standing on row `base`, facing +1 right."""
    coat = look.tone(coat, 0.1)
    dark = mix(coat, (30, 24, 20), 0.45)
    cx, cy = x, base - h * 0.52
    tail_tip = (x - facing * h * 0.85, base - h * (0.95 if kind != "fox" else 0.55))
    s.line([(x - facing * h * 0.45, cy - h * 0.05), tail_tip], coat,
           h * (0.16 if kind == "fox" else 0.08))
    if kind == "fox":
        s.ellipse(tail_tip[0], tail_tip[1], h * 0.09, h * 0.09, look.tone((246, 244, 240)))
    for lx in (-0.32, -0.18, 0.22, 0.36):
        s.line([(x + facing * lx * h, cy), (x + facing * lx * h, base - h * 0.02)],
               dark if lx in (-0.18, 0.22) else coat, h * 0.1)
    s.ellipse(cx, cy, h * 0.5, h * 0.2, coat)
    hx, hy = x + facing * h * 0.5, base - h * 0.82
    s.line([(x + facing * h * 0.3, cy), (hx, hy)], coat, h * 0.2)
    s.ellipse(hx, hy, h * 0.17, h * 0.16, coat)
    s.ellipse(hx + facing * h * 0.16, hy + h * 0.05, h * 0.11, h * 0.07,
              coat if kind != "dog" else mix(coat, (255, 255, 255), 0.2))
    s.ellipse(hx + facing * h * 0.26, hy + h * 0.03, h * 0.035, h * 0.03, (30, 24, 22))
    s.ellipse(hx + facing * h * 0.07, hy - h * 0.03, h * 0.025, h * 0.025, (20, 16, 14))
    if kind == "dog":
        s.ellipse(hx - facing * h * 0.08, hy + h * 0.04, h * 0.06, h * 0.14, dark)
    else:
        for ex in (-0.1, 0.04):
            s.poly([(hx + facing * (ex - 0.05) * h, hy - h * 0.1), (hx + facing * ex * h,
                    hy - h * 0.32), (hx + facing * (ex + 0.06) * h, hy - h * 0.1)], coat)


def _coat(text: str, kind: str) -> RGB:
    if kind == "fox":
        return (214, 104, 44)
    m = re.search(rf"\b(\w+)(?:[ ,-]+\w+)? {kind}\b", text)
    for word in (m.group(0).split()[:-1] if m else ()):
        if word.strip(",") in COATS:
            return COATS[word.strip(",")]
    return (150, 102, 64)


def cast(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, h: float) -> None:
    """The people and animals the prompt names, `h` px tall for an adult, centred on `x`."""
    text = scene.text
    people = "people" in scene.subjects
    roles = [r for r in ROLE.findall(text) if not ANIMAL.search(r)]
    count = 0
    if people:
        count = len(roles) or (int(c.rng.integers(3, 6)) if GROUP.search(text) else (
            2 if PAIR.search(text) else 1))
    kids = [bool(CHILD.search(r)) for r in roles] if roles else [
        bool(CHILD.search(text)) and (i == 0 or (count > 2 and i % 2 == 1)) for i in range(count)]
    kind = "fox" if "fox" in text else ("cat" if re.search(r"\b(cat|kitten)", text) else "dog")
    pet = "dog" in scene.subjects
    raised = bool(re.search("arms raised|raised arms|triumph|cheer|celebrat", text))
    pack = bool(re.search("hiker|travell?er|backpack|explorer", text))
    described = re.search("hair|wearing|sweater|jacket|dress|shirt|coat\\b", text)
    skin0, hair0, clothes0, _ = character_colors(text[:40], text)
    suits = bool(re.search("astronaut|heat suit|space ?suit", text))
    spacing = h * (0.3 if count > 2 else 0.36)
    members: list[tuple[float, float, float, bool]] = []
    for i in range(count):
        offset = (i - (count - 1) / 2) * spacing * c.rng.uniform(0.85, 1.25)
        small = kids[i] if i < len(kids) else False
        back = count > 2 and i % 2 == 1
        fh = h * (0.62 if small else c.rng.uniform(0.9, 1.04)) * (0.9 if back else 1.0)
        members.append((-h * 0.04 if back else 0.0, x + offset, fh, small))
    members.sort(key=lambda m: m[0])
    box = (x - spacing * (count + 2) - h, base - h * 1.2, x + spacing * (count + 2) + h, base + 2)
    s = Sprite(c, box)
    for i, (dy, fx, fh, small) in enumerate(members):
        if i == 0 and described:
            clothes, skin, hair = clothes0, skin0, hair0
        else:
            clothes = CLOTHES[int(c.rng.integers(0, len(CLOTHES)))]
            skin = SKINS[int(c.rng.integers(0, len(SKINS)))]
            hair = ((40, 30, 24), (110, 70, 40), (200, 170, 110), (24, 24, 28))[
                int(c.rng.integers(0, 4))]
        if suits:
            clothes = (214, 214, 220)
        figure(s, look, fx, base + dy, fh, clothes, skin, hair, raised, pack and i == 0, small)
        c.shadow(fx, base + dy, fh * 0.16, fh * 0.025)
    if pet:
        px = x + (spacing * (count / 2 + 0.3) if count else 0.0) * (1 if c.rng.random() < 0.6
                                                                    else -1)
        ph = h * (0.3 if count else 0.8)
        facing = float(np.sign(x - px)) or -look.side
        animal(s, look, px, base, ph, _coat(text, kind), facing, kind)
        c.shadow(px, base, ph * 0.5, ph * 0.06)
    s.paste(look.side * 0.35)
