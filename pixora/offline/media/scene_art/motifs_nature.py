"""Nature subjects: volcano, trees in season colours, flowers, bees, coral reef, fish, diver.

Every motif takes (canvas, look, scene, x, base, size): it stands centred on column `x` with
its foot on row `base` (swimming and flying motifs are centred there) and is `size` px tall.
"""

from __future__ import annotations

import math
import re

import numpy as np

from pixora.offline.media.scene_art.canvas import RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.prompt import SceneReading

LEAVES: dict[str, tuple[RGB, ...]] = {
    "summer": ((62, 124, 62), (84, 146, 72), (44, 104, 66), (104, 160, 80)),
    "autumn": ((206, 92, 40), (226, 146, 44), (172, 54, 40), (232, 184, 70), (150, 86, 44)),
    "spring": ((126, 184, 92), (242, 184, 206), (156, 204, 112), (250, 210, 222)),
    "winter": ((70, 96, 84), (88, 110, 100)),
}
PETALS: tuple[RGB, ...] = ((236, 84, 110), (250, 200, 60), (170, 110, 220), (250, 250, 246),
                           (246, 140, 60), (90, 140, 230))
CORALS: tuple[RGB, ...] = ((242, 112, 122), (250, 160, 90), (196, 104, 206), (252, 204, 96),
                           (96, 206, 196))
LAVA: RGB = (255, 122, 36)


def volcano(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A dark cone with glowing lava flows and crater, under a plume of ash (or steam)."""
    u = size / 100
    steam = "steam" in scene.text or "geyser" in scene.text
    rock = look.tone((74, 58, 58), 0.15)
    top = base - 72 * u
    plume = look.tone((236, 236, 240) if steam else (96, 90, 96), 0.2)
    for i in range(22):
        t = i / 21
        r = (10 + 26 * t) * u * c.rng.uniform(0.8, 1.2)
        px = x + (math.sin(t * 3 + c.rng.random()) * 14 + look.side * 30 * t) * u
        c.disc(px, top - (8 + 90 * t) * u, r, mix(plume, (255, 140, 70), 0.5 * (1 - t) ** 2))
        c.disc(px + look.side * r * 0.3, top - (10 + 90 * t) * u, r * 0.7,
               mix(plume, (255, 255, 255), 0.12))
    if not steam:
        c.glow(x, top, 30 * u, 16 * u, (255, 120, 50), 0.9)
    s = Sprite(c, (x - 96 * u, top - 4 * u, x + 96 * u, base + 2 * u), ss=2)
    n = 24
    left = [(x - 92 * u + 77 * u * (i / n) ** 0.8, base - 72 * u * (i / n) ** 1.6
             + c.rng.uniform(-1.5, 1.5) * u) for i in range(n + 1)]
    right = [(2 * x - px, py + c.rng.uniform(-1.5, 1.5) * u) for px, py in reversed(left)]
    crater = [(x - 12 * u, top + 2 * u), (x - 5 * u, top + 5 * u), (x + 5 * u, top + 5 * u),
              (x + 12 * u, top + 2 * u)]
    s.poly(left + crater + right, rock)
    for i in range(4):  # gullies
        gx = x + (i - 1.5) * 16 * u
        s.line([(x + (i - 1.5) * 5 * u, top + 8 * u), (gx * 1.0, base - 10 * u)],
               mix(rock, (0, 0, 0), 0.25), 2 * u)
    s.paste(look.side * 0.6)
    if not steam:
        for i in range(3):  # lava flows
            side = (-1, 1, -1)[i] * (1 + 0.3 * i)
            pts = [(x + side * 3 * u, top + 4 * u)]
            for k in range(1, 9):
                t = k / 8
                pts.append((x + side * (4 + 50 * t) * u + math.sin(k * 1.7 + i) * 4 * u,
                            top + 4 * u + (base - top - 4 * u) * t * (0.7 + 0.1 * i)))
            flow = Sprite(c, (x - 96 * u, top, x + 96 * u, base), ss=2)
            flow.line(pts, LAVA, (2.6 - 0.5 * i) * u)
            flow.paste()
            for px, py in pts[::2]:
                c.glow(px, py, 9 * u, 9 * u, (255, 110, 40), 0.35)
        c.glow(x, top + 3 * u, 14 * u, 5 * u, (255, 220, 120), 0.9)
        if re.search("river|molten|flow", scene.text):
            lava_river(c, look, base)


def lava_river(c: Canvas, look: Look, top: float) -> None:
    """A glowing river of lava winding across black rock from row `top` to the frame bottom."""
    rock = look.tone((40, 32, 34))
    y0 = int(max(top, 0))
    c.px[y0:] += (np.asarray(rock, np.float32) - c.px[y0:]) * 0.85
    rows = c.yy[y0:] - top
    span = max(c.h - top, 1)
    path = c.w * (0.5 + 0.28 * np.sin(rows / span * 3.2 + c.rng.uniform(0, 6)))
    width = c.w * 0.01 + rows * 0.35
    d = np.abs(c.xx - path) / width
    c.blend(np.clip(1.4 - d, 0, 1), LAVA, (y0, 0))
    c.add(np.exp(-d * d * 0.6) * 0.6, (255, 200, 90), (y0, 0))
    crust = 0.5 + 0.5 * np.sin(c.xx * 0.09 + np.sin(rows * 0.07) * 4) * np.sin(rows * 0.21)
    c.blend(np.clip(1 - d, 0, 1) * np.clip(crust - 0.6, 0, 1) * 1.5, (70, 30, 20), (y0, 0))


def tree(s: Sprite, look: Look, x: float, base: float, h: float, season: str, kind: str,
         rng: np.random.Generator, haze: float = 0.0) -> None:
    """One tree `h` px tall: "conifer" (stacked tiers) or "broadleaf" (round crown)."""
    trunk = look.far((96, 66, 46), haze)
    leaves = LEAVES[season]
    if kind == "conifer":
        green = look.far(leaves[0] if season != "autumn" else (52, 92, 64), haze)
        s.rect(x - h * 0.03, base - h * 0.2, x + h * 0.03, base, trunk)
        for i in range(4):
            y = base - h * (0.14 + 0.2 * i)
            w = h * (0.3 - 0.06 * i)
            s.poly([(x - w, y), (x + w, y), (x, y - h * 0.34)], green)
            if season == "winter":
                s.poly([(x - w * 0.35, y - h * 0.22), (x + w * 0.35, y - h * 0.22),
                        (x, y - h * 0.34)], look.tone((244, 246, 250)))
        return
    s.poly([(x - h * 0.05, base), (x + h * 0.05, base), (x + h * 0.025, base - h * 0.6),
            (x - h * 0.025, base - h * 0.6)], trunk)
    for bx in (-1, 1):
        s.line([(x, base - h * 0.45), (x + bx * h * 0.16, base - h * 0.7)], trunk, h * 0.025)
    if season == "winter":
        for bx in (-1, -0.4, 0.4, 1):
            s.line([(x, base - h * 0.55), (x + bx * h * 0.22, base - h * 0.95)], trunk,
                   h * 0.012)
        return
    for _ in range(7):
        col = look.far(leaves[int(rng.integers(0, len(leaves)))], haze)
        r = h * rng.uniform(0.14, 0.22)
        s.ellipse(x + rng.uniform(-0.18, 0.18) * h, base - h * rng.uniform(0.6, 0.82), r, r, col)


def forest(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """Rows of broadleaf and conifer trees in the season's colours, nearer rows larger; a
    winding path when the prompt names one, falling leaves in autumn."""
    season = scene.season
    s = Sprite(c, (0, base - size * 1.1, c.w, c.h), ss=2)
    rows = 3 if size < c.h * 0.5 else 2
    for r in range(rows):
        depth = 1 - r / max(rows - 1, 1) if rows > 1 else 0.0
        h = size * (0.45 + 0.55 * r / max(rows - 1, 1))
        y = base - (rows - 1 - r) * size * 0.12
        n = int(c.w / (h * 0.3)) + 2
        for i in range(n):
            tx = (i + c.rng.uniform(-0.3, 0.3)) * c.w / (n - 1)
            if abs(tx - x) < size * 0.12 and r == rows - 1 and re.search("path|trail", scene.text):
                continue
            kind = "conifer" if c.rng.random() < (0.3 if season != "winter" else 0.6) else "broad"
            tree(s, look, tx, y + c.rng.uniform(-0.03, 0.03) * h, h * c.rng.uniform(0.8, 1.1),
                 season, kind, c.rng, haze=depth * 0.7)
    if re.search("path|trail", scene.text):
        ground = look.tone((176, 146, 104))
        top, bend = base - size * 0.12, c.rng.choice([-1.0, 1.0]) * size * 0.35
        rows = np.linspace(0, 1, 12)
        centre = [x + bend * math.sin(t * math.pi * 0.9) * t for t in rows]
        ys = [top + (c.h + 2 - top) * t for t in rows]
        half = [size * (0.02 + 0.5 * t * t) for t in rows]
        s.poly([(cx - hw, y) for cx, hw, y in zip(centre, half, ys, strict=True)]
               + [(cx + hw, y) for cx, hw, y in reversed(list(zip(centre, half, ys, strict=True)))],
               ground)
    s.paste(look.side * 0.35)
    if season == "autumn":
        for _ in range(40):
            col = LEAVES["autumn"][int(c.rng.integers(0, 5))]
            c.disc(c.rng.uniform(0, c.w), c.rng.uniform(0, c.h), c.h * 0.005, look.tone(col))


def big_tree(
    c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float
) -> None:
    """One large broadleaf tree (a close-up or low-angle hero) with smaller ones beside it."""
    s = Sprite(c, (x - size * 0.7, base - size * 1.05, x + size * 0.7, base + 2), ss=2)
    for dx in (-0.55, 0.5):
        tree(s, look, x + dx * size, base - size * 0.05, size * 0.6, scene.season, "broad",
             c.rng, haze=0.4)
    tree(s, look, x, base, size, scene.season, "broad", c.rng)
    s.paste(look.side * 0.45)
    c.shadow(x, base, size * 0.3, size * 0.03)


def flower(s: Sprite, look: Look, x: float, base: float, h: float, petal: RGB,
           rng: np.random.Generator) -> None:
    """A flower `h` px tall: a curved stem, two leaves and a round-petalled head."""
    green = look.tone((70, 140, 70))
    bend = rng.uniform(-0.15, 0.15) * h
    head = (x + bend, base - h)
    s.line([(x, base), (x + bend * 0.4, base - h * 0.5), head], green, max(h * 0.03, 1))
    for lx in (-1, 1):
        s.ellipse(x + lx * h * 0.08 + bend * 0.3, base - h * 0.35, h * 0.08, h * 0.03, green)
    r = h * 0.12
    n = int(rng.integers(5, 8))
    col = look.tone(petal, 0.05)
    for k in range(n):
        a = 2 * math.pi * k / n
        s.ellipse(head[0] + math.cos(a) * r, head[1] + math.sin(a) * r, r * 0.75, r * 0.75, col)
    s.ellipse(head[0], head[1], r * 0.55, r * 0.55, look.tone((236, 176, 40)))


def flowers(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A drift of wildflowers across the foreground, nearer ones larger; one large bloom when
    the flowers are the close-up hero."""
    s = Sprite(c, (0, min(base, look.horizon) - size * 1.2, c.w, c.h), ss=2)
    colours = PETALS[int(c.rng.integers(0, len(PETALS))):] + PETALS
    if scene.shot == "close" and scene.subjects[0] == "flowers":
        for i, dx in enumerate((0.0, -0.45, 0.5)):
            flower(s, look, x + dx * size, base + (i > 0) * size * 0.1, size * (1 - 0.3 * (i > 0)),
                   colours[i], c.rng)
    else:
        top = max(look.horizon, c.h * 0.45)
        for _ in range(int(60 * c.w / 1280)):
            y = c.rng.uniform(top, c.h * 1.05)
            depth = (y - top) / max(c.h - top, 1)
            flower(s, look, c.rng.uniform(0, c.w), y, size * (0.25 + 0.75 * depth),
                   colours[int(c.rng.integers(0, 4))], c.rng)
    s.paste(look.side * 0.3)


def bee(s: Sprite, look: Look, x: float, y: float, r: float, facing: float) -> None:
    """A honeybee of body half-length `r` px at (x, y), head toward `facing` (+1 right)."""
    wing = mix(look.tone((226, 236, 248)), (255, 255, 255), 0.3)
    s.ellipse(x - facing * r * 0.2, y - r * 0.75, r * 0.55, r * 0.4, wing)
    s.ellipse(x + facing * r * 0.25, y - r * 0.7, r * 0.45, r * 0.32, wing)
    body, black = look.tone((242, 186, 40), 0.05), look.tone((34, 28, 24), 0.05)
    s.ellipse(x, y, r, r * 0.62, body)
    for k in (-0.45, 0.0, 0.4):
        s.ellipse(x + facing * k * r, y, r * 0.12, r * 0.58, black)
    s.ellipse(x + facing * r * 0.95, y - r * 0.05, r * 0.38, r * 0.38, black)
    s.poly([(x - facing * r, y - r * 0.1), (x - facing * r * 1.35, y),
            (x - facing * r, y + r * 0.1)], black)


def bees(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """Bees on the wing above the subject (one large bee for a close-up hero), and a straw
    hive when the prompt names a hive or honey."""
    s = Sprite(c, (0, 0, c.w, c.h), ss=2)
    if re.search("hive|honey|beekeep", scene.text) and size < c.h * 0.7:
        hx = x + size * 0.1
        straw = look.tone((212, 164, 80))
        for k in range(6):
            w = size * (0.34 - 0.045 * k)
            s.ellipse(hx, base - size * (0.06 + 0.09 * k), w, size * 0.07,
                      mix(straw, (0, 0, 0), 0.12 * (k % 2)))
        s.ellipse(hx, base - size * 0.05, size * 0.06, size * 0.04, look.tone((40, 30, 20)))
    if scene.shot == "close" and scene.subjects[0] == "bees":
        bee(s, look, x, base - size * 0.55, size * 0.3, -look.side)
    else:
        for _ in range(int(c.rng.integers(4, 8))):
            bee(s, look, x + c.rng.uniform(-0.6, 0.6) * size,
                base - size * c.rng.uniform(0.4, 1.1), size * c.rng.uniform(0.035, 0.06),
                c.rng.choice([-1.0, 1.0]))
    s.paste(look.side * 0.2)


def coral(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A reef bed: branching corals, fan corals, brain corals and anemones; starfish on the
    sand when the prompt names them. The tallest coral stands at column `x`."""
    s = Sprite(c, (0, base - size * 1.1, c.w, c.h), ss=2)
    span = max(size * 0.5, c.w * 0.05)
    spots = sorted({x, *(x + d * span for d in (-2.6, -1.7, -0.9, 0.8, 1.6, 2.5))},
                   key=lambda px: abs(px - x), reverse=True)
    for px in spots:
        h = size * (1.0 if px == x else c.rng.uniform(0.35, 0.7))
        col = look.tone(CORALS[int(c.rng.integers(0, len(CORALS)))], 0.1)
        kind = int(c.rng.integers(0, 3)) if px != x else 0
        y = base + (0 if px == x else c.rng.uniform(0, 0.1) * size)
        if kind == 0:
            _branch(s, px, y, h * 0.45, -90, 4, col, h * 0.05, c.rng)
        elif kind == 1:
            s.pie(px, y, h * 0.5, h * 0.7, 180, 360, col)
            for k in range(7):
                a = math.radians(190 + k * 160 / 6)
                s.line([(px, y), (px + math.cos(a) * h * 0.48, y + math.sin(a) * h * 0.66)],
                       mix(col, (0, 0, 0), 0.25), h * 0.012)
        else:
            s.pie(px, y, h * 0.35, h * 0.3, 180, 360, col)
            for k in range(4):
                s.pie(px, y, h * (0.3 - 0.07 * k), h * (0.25 - 0.06 * k), 180, 360,
                      mix(col, (0, 0, 0) if k % 2 else (255, 255, 255), 0.15))
    for _ in range(int(6 * c.w / 1280) + 2):
        ax, ay = c.rng.uniform(0, c.w), base + c.rng.uniform(0, 0.15) * size
        col = look.tone((240, 150, 190) if c.rng.random() < 0.5 else (150, 230, 170))
        for k in range(9):
            a = math.radians(200 + k * 140 / 8)
            s.line([(ax, ay), (ax + math.cos(a) * size * 0.12, ay + math.sin(a) * size * 0.16)],
                   col, size * 0.012)
    if re.search("starfish|tide pool", scene.text):
        for _ in range(3):
            sx, sy, r = c.rng.uniform(0, c.w), base + c.rng.uniform(0.05, 0.25) * size, size * 0.09
            pts = [(sx + math.cos(math.radians(90 * 0 + k * 36 - 90)) * r * (1 if k % 2 == 0 else
                                                                            0.42),
                    sy + math.sin(math.radians(k * 36 - 90)) * r * (1 if k % 2 == 0 else 0.42))
                   for k in range(10)]
            s.poly(pts, look.tone((246, 120, 60)))
    s.paste(look.side * 0.35)


def _branch(s: Sprite, x: float, y: float, length: float, angle: float, depth: int, col: RGB,
            width: float, rng: np.random.Generator) -> None:
    a = math.radians(angle)
    x2, y2 = x + math.cos(a) * length, y + math.sin(a) * length
    s.line([(x, y), (x2, y2)], col, width)
    if depth == 0:
        s.ellipse(x2, y2, width * 0.8, width * 0.8, mix(col, (255, 255, 255), 0.3))
        return
    for turn in (-1, 1):
        _branch(s, x2, y2, length * rng.uniform(0.55, 0.75), angle + turn * rng.uniform(18, 34),
                depth - 1, col, width * 0.78, rng)


def fish(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A school of small fish swimming one way and a few striped tropical fish; one large
    fish when the fish are the close-up hero. Centred on (x, base - size / 2)."""
    s = Sprite(c, (0, 0, c.w, c.h), ss=2)
    facing = -look.side
    cy = base - size * 0.5
    if scene.shot == "close" and scene.subjects[0] == "fish":
        _fish(s, look, x, cy, size * 0.45, facing, PETALS[int(c.rng.integers(0, 6))])
    else:
        for _ in range(int(c.rng.integers(14, 26))):
            _fish(s, look, x + c.rng.normal(0, 0.5) * size, cy + c.rng.normal(0, 0.22) * size,
                  size * 0.05, facing, mix(look.pal.horizon, (200, 230, 240), 0.6))
        for _ in range(3):
            _fish(s, look, c.rng.uniform(0.1, 0.9) * c.w, c.rng.uniform(0.3, 0.7) * c.h,
                  size * c.rng.uniform(0.1, 0.16), facing,
                  ((250, 150, 50), (250, 210, 70), (80, 140, 240))[int(c.rng.integers(0, 3))])
    s.paste(look.side * 0.3)


def _fish(s: Sprite, look: Look, x: float, y: float, r: float, facing: float, col: RGB) -> None:
    col = look.tone(col, 0.1)
    s.poly([(x - facing * r * 0.8, y), (x - facing * r * 1.35, y - r * 0.45),
            (x - facing * r * 1.35, y + r * 0.45)], mix(col, (0, 0, 0), 0.15))
    s.poly([(x - facing * r * 0.1, y - r * 0.4), (x - facing * r * 0.4, y - r * 0.75),
            (x + facing * r * 0.3, y - r * 0.35)], mix(col, (0, 0, 0), 0.15))
    s.ellipse(x, y, r, r * 0.48, col)
    if r > 6:
        for k in (-0.25, 0.3):
            s.ellipse(x + facing * k * r, y, r * 0.08, r * 0.44, mix(col, (255, 255, 255), 0.7))
    s.ellipse(x + facing * r * 0.6, y - r * 0.1, r * 0.1, r * 0.1, (20, 20, 26))


def diver(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A scuba diver swimming across the frame, tank on the back, trailing bubbles;
    `size` is the diver's length, centred on (x, base - size / 3)."""
    u = size / 100
    cy = base - 33 * u
    d = -look.side
    suit, tank = look.tone((30, 34, 44), 0.2), look.tone((240, 196, 50), 0.1)
    skin = look.tone((214, 170, 140))
    s = Sprite(c, (x - 60 * u, cy - 30 * u, x + 60 * u, cy + 30 * u))
    s.rect(x - d * 10 * u - 14 * u, cy - 12 * u, x - d * 10 * u + 14 * u, cy - 4 * u, tank,
           radius=4 * u)
    for k, dy in enumerate((-3, 4)):  # legs and fins
        tip = x - d * (44 + 4 * k) * u
        s.line([(x - d * 18 * u, cy + dy * u), (tip, cy + dy * u + 4 * u)], suit, 7 * u)
        s.poly([(tip, cy + dy * u), (tip - d * 14 * u, cy + dy * u - 4 * u + k * 6 * u),
                (tip - d * 14 * u, cy + dy * u + 8 * u + k * 4 * u)],
               look.tone((60, 160, 210), 0.1))
    s.rect(x - 20 * u, cy - 7 * u, x + 22 * u, cy + 8 * u, suit, radius=7 * u)
    s.line([(x + d * 14 * u, cy), (x + d * 30 * u, cy + 8 * u)], suit, 5 * u)
    s.ellipse(x + d * 29 * u, cy - 2 * u, 8 * u, 8 * u, skin)
    s.ellipse(x + d * 33 * u, cy - 3 * u, 4 * u, 4 * u, look.tone((120, 200, 230)))
    s.paste(look.side * 0.3)
    for k in range(12):
        c.disc(x + d * 30 * u + c.rng.normal(0, 3) * u, cy - (12 + k * 9) * u,
               (1 + k * 0.25) * u, (220, 250, 255), glow=0.3)

