"""Indoor subjects on a table or a stage: cups, bread, plates, pans, candles, papers, a
compass; saxophone, grand piano and guitar; a gallery wall of framed paintings.

Every motif takes (canvas, look, scene, x, base, size): it stands centred on column `x` with
its foot on row `base` and is `size` px tall.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from pixora.offline.media.scene_art.canvas import HOLE, RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.prompt import SceneReading

BRASS: RGB = (222, 170, 70)


def cup(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
        ) -> None:
    """A cup of coffee on a saucer, with steam."""
    china = look.tone((240, 236, 228), 0.1)
    s.ellipse(x, base - h * 0.05, h * 0.62, h * 0.12, mix(china, (0, 0, 0), 0.12))
    s.ellipse(x, base - h * 0.08, h * 0.55, h * 0.09, china)
    hx = x + look.side * -h * 0.36
    s.ellipse(hx, base - h * 0.42, h * 0.17, h * 0.15, china)
    s.ellipse(hx, base - h * 0.42, h * 0.09, h * 0.08, HOLE)
    s.poly([(x - h * 0.34, base - h * 0.68), (x + h * 0.34, base - h * 0.68),
            (x + h * 0.26, base - h * 0.1), (x - h * 0.26, base - h * 0.1)], china)
    s.ellipse(x, base - h * 0.68, h * 0.34, h * 0.07, mix(china, (0, 0, 0), 0.1))
    s.ellipse(x, base - h * 0.675, h * 0.3, h * 0.055, look.tone((92, 54, 30)))
    steam = Sprite(c, (x - h * 0.4, base - h * 1.4, x + h * 0.4, base - h * 0.7), ss=2)
    for k in (-1, 0, 1):
        pts = [(x + k * h * 0.12 + math.sin(t * 2.4 + k) * h * 0.06, base - h * (0.74 + t * 0.6))
               for t in np.linspace(0, 1, 8)]
        steam.line(pts, (250, 250, 250), h * 0.025)
    steam.paste(opacity=0.35, subject=False)


def bread(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
          ) -> None:
    """A scored loaf of bread."""
    crust = look.tone((196, 128, 58), 0.08)
    s.pie(x, base - h * 0.05, h * 0.9, h * 0.62, 180, 360, crust)
    s.rect(x - h * 0.9, base - h * 0.06, x + h * 0.9, base, mix(crust, (0, 0, 0), 0.2),
           radius=h * 0.05)
    s.pie(x - look.side * h * 0.15, base - h * 0.1, h * 0.6, h * 0.45, 200, 320,
          mix(crust, (255, 230, 160), 0.25))
    for k in (-1, 0, 1):
        s.line([(x + (k * 0.36 - 0.12) * h, base - h * (0.44 - 0.05 * abs(k))),
                (x + (k * 0.36 + 0.12) * h, base - h * (0.56 - 0.05 * abs(k)))],
               look.tone((240, 214, 160)), h * 0.05)


def dough(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
          ) -> None:
    """A ball of dough in a drift of flour."""
    for _ in range(40):
        c.disc(x + c.rng.normal(0, 0.6) * h, base - abs(c.rng.normal(0, 0.5)) * h,
               h * c.rng.uniform(0.005, 0.015), (250, 248, 240))
    s.ellipse(x, base - h * 0.02, h * 1.0, h * 0.12, look.tone((244, 240, 232)))
    s.pie(x, base - h * 0.04, h * 0.7, h * 0.5, 180, 360, look.tone((236, 214, 176), 0.08))


def plate(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
          ) -> None:
    """A plate of food: greens, tomatoes, a golden piece; steam when the dish is hot."""
    china = look.tone((244, 242, 236), 0.1)
    s.ellipse(x, base - h * 0.12, h * 0.95, h * 0.22, mix(china, (0, 0, 0), 0.15))
    s.ellipse(x, base - h * 0.16, h * 0.9, h * 0.2, china)
    s.ellipse(x, base - h * 0.16, h * 0.6, h * 0.13, mix(china, (0, 0, 0), 0.06))
    for col, dx, dy, r in (((90, 150, 70), -0.25, -0.22, 0.2), ((210, 60, 50), 0.2, -0.24, 0.13),
                           ((230, 180, 80), 0.05, -0.3, 0.22), ((70, 130, 60), 0.32, -0.2, 0.1)):
        s.ellipse(x + dx * h, base + dy * h, r * h, r * h * 0.6, look.tone(col, 0.05))


def pan(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
        ) -> None:
    """A pan on a flame with vegetables tossed above it."""
    iron = look.tone((44, 44, 48))
    flaming = "flam" in text
    if flaming:
        c.glow(x, base - h * 0.5, h * 0.7, h * 0.5, (255, 150, 60), 0.8)
    s.line([(x + look.side * h * 0.6, base - h * 0.2), (x + look.side * h * 1.3, base - h * 0.35)],
           iron, h * 0.07)
    s.ellipse(x, base - h * 0.2, h * 0.7, h * 0.16, iron)
    s.rect(x - h * 0.66, base - h * 0.2, x + h * 0.66, base - h * 0.05, iron, radius=h * 0.05)
    if flaming:
        for k in range(6):
            fx = x + (k - 2.5) * h * 0.2
            top = base - h * (0.6 + 0.5 * c.rng.random())
            s.poly([(fx - h * 0.1, base - h * 0.28), (fx + h * 0.1, base - h * 0.28), (fx, top)],
                   (255, 150 + k * 12, 50))
            s.poly([(fx - h * 0.05, base - h * 0.28), (fx + h * 0.05, base - h * 0.28),
                    (fx, base - h * 0.28 - (base - h * 0.28 - top) * 0.6)], (255, 236, 160))
    for k in range(7):
        s.ellipse(x + c.rng.uniform(-0.5, 0.5) * h, base - h * c.rng.uniform(0.5, 1.1),
                  h * 0.06, h * 0.05, look.tone(((80, 160, 60), (220, 60, 40),
                                                 (240, 190, 50))[k % 3]))


def candle(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
           ) -> None:
    """A lit candle with a warm halo."""
    c.glow(x, base - h * 0.95, h * 0.9, h * 0.9, (255, 190, 100), 0.55)
    s.rect(x - h * 0.1, base - h * 0.7, x + h * 0.1, base, look.tone((244, 232, 204)),
           radius=h * 0.03)
    s.poly([(x - h * 0.05, base - h * 0.74), (x + h * 0.05, base - h * 0.74), (x, base - h)],
           (255, 210, 110))
    s.ellipse(x, base - h * 0.78, h * 0.035, h * 0.05, (255, 250, 220))


def papers(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
           ) -> None:
    """A map, an open book or photographs lying on the table, seen in perspective."""
    paper = look.tone((236, 222, 186), 0.08)
    w = h * 1.5

    def sheet(cx: float, cy: float, sw: float, sh: float, col: RGB, skew: float) -> list:
        pts = [(cx - sw / 2 + skew, cy - sh / 2), (cx + sw / 2 + skew, cy - sh / 2),
               (cx + sw / 2 - skew, cy + sh / 2), (cx - sw / 2 - skew, cy + sh / 2)]
        s.poly(pts, col)
        return pts

    cy = base - h * 0.2
    if re.search("photo|archiv|postcard", text):
        for k in range(4):
            px = x + (k - 1.5) * w * 0.45
            sheet(px, cy + (k % 2) * h * 0.06, w * 0.4, h * 0.32, look.tone((246, 244, 238)),
                  (k - 1.5) * h * 0.05)
            sheet(px, cy + (k % 2) * h * 0.06 - h * 0.02, w * 0.32, h * 0.22,
                  look.tone(((120, 100, 80), (90, 100, 110), (150, 120, 90), (80, 80, 86))[k]),
                  (k - 1.5) * h * 0.05)
    elif re.search("book|manuscript|pages|journal|recipe|letter|notebook", text):
        for side in (-1, 1):
            sheet(x + side * w * 0.26, cy, w * 0.5, h * 0.36, paper, side * -h * 0.04)
            for k in range(6):
                ly = cy - h * 0.12 + k * h * 0.05
                s.line([(x + side * w * 0.08, ly), (x + side * w * 0.44, ly)],
                       mix(paper, (60, 40, 30), 0.45), h * 0.01)
    else:
        sheet(x, cy, w * 1.2, h * 0.45, paper, h * 0.08)
        river = [(x - w * 0.55 + k * w * 0.11, cy + math.sin(k * 0.9) * h * 0.08)
                 for k in range(11)]
        s.line(river, look.tone((90, 140, 200)), h * 0.015)
        for k in range(5):
            rx, ry = x - w * 0.4 + k * w * 0.17, cy - h * 0.1 + math.cos(k * 1.3) * h * 0.06
            s.line([(rx, ry), (rx + w * 0.08, ry + h * 0.02)], look.tone((200, 50, 40)),
                   h * 0.015)


def compass(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
            ) -> None:
    """A brass compass lying on the table."""
    cy = base - h * 0.2
    s.ellipse(x, cy + h * 0.03, h * 0.5, h * 0.22, look.tone(mix(BRASS, (0, 0, 0), 0.3)))
    s.ellipse(x, cy, h * 0.5, h * 0.22, look.tone(BRASS))
    s.ellipse(x, cy, h * 0.42, h * 0.18, look.tone((240, 232, 210)))
    s.poly([(x - h * 0.05, cy), (x, cy - h * 0.15), (x + h * 0.05, cy)], (200, 50, 40))
    s.poly([(x - h * 0.05, cy), (x, cy + h * 0.15), (x + h * 0.05, cy)], (40, 40, 46))


def beans(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
          ) -> None:
    """A scatter of roasted coffee beans."""
    for _ in range(16):
        bx, by = x + c.rng.normal(0, 0.45) * h, base - h * 0.05 + c.rng.normal(0, 0.06) * h
        s.ellipse(bx, by, h * 0.07, h * 0.045, look.tone((96, 56, 32)))
        s.line([(bx - h * 0.05, by), (bx + h * 0.05, by)], look.tone((50, 28, 16)), h * 0.012)


def plant(c: Canvas, s: Sprite, look: Look, text: str, x: float, base: float, h: float,
          ) -> None:
    """A potted plant."""
    green = look.tone((70, 130, 80))
    for k in range(7):
        a = math.radians(200 + k * 140 / 6)
        s.line([(x, base - h * 0.4), (x + math.cos(a) * h * 0.5, base - h * 0.4
                                      + math.sin(a) * h * 0.7)], green, h * 0.07)
    s.poly([(x - h * 0.25, base - h * 0.42), (x + h * 0.25, base - h * 0.42),
            (x + h * 0.18, base), (x - h * 0.18, base)], look.tone((190, 110, 80)))


OBJECTS: tuple[tuple[re.Pattern[str], Callable[[Canvas, Sprite, Look, str, float, float,
                                                      float], None]], ...] = (
    (re.compile(r"coffee|espresso|latte|\bcup\b|\bmug\b|\btea\b|caf[eé]"), cup),
    (re.compile(r"bread|loaf|bakery|baguette|croissant"), bread),
    (re.compile(r"dough|flour|knead"), dough),
    (re.compile(r"\bpan\b|chef|flaming|tossing|\bwok\b|cooking|vegetables"), pan),
    (re.compile(r"meal|food|dish|plate|breakfast|dinner|lunch|restaurant"), plate),
    (re.compile(r"candle"), candle),
    (re.compile(r"\bmap\b|route|manuscript|book|pages|journal|letter|recipe|photo|archiv"),
     papers),
    (re.compile(r"compass"), compass),
    (re.compile(r"\bbeans?\b|roast"), beans),
    (re.compile(r"\bplants?\b|herbs"), plant),
)
PROPS = (beans, plant, bread, candle, papers)
"""Things a seed may add beside the named ones in a wide or medium shot."""


def table(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """Things on a table, the first named the largest at column `x`; a cup and bread, or a
    plate and a candle, when none is named."""
    found = [(m.start(), draw) for rx, draw in OBJECTS if (m := rx.search(scene.text))]
    items = [draw for _, draw in sorted(found, key=lambda f: f[0])]
    if not items:
        items = [((cup, bread), (plate, candle), (cup, papers))[int(c.rng.integers(0, 3))]]
        items = list(items[0])
    close = scene.shot == "close"
    items = items[:1] if close else items[:3]
    if not close and len(items) < 3:
        extra = [p for p in PROPS if p not in items]
        items.append(extra[int(c.rng.integers(0, len(extra)))])
    spots = [x] + [x + d * size * 1.25 for d in ((-1, 1) if c.rng.random() < 0.5
                                                  else (1, -1))]
    s = Sprite(c, (0, 0, c.w, c.h))
    for i, draw in reversed(list(enumerate(items))):
        h = size * (1.0 if i == 0 else 0.6)
        y = base - (0 if i == 0 else size * 0.12)
        c.shadow(spots[i] + look.side * -h * 0.2, y - h * 0.02, h * 0.7, h * 0.08, 0.35)
        draw(c, s, look, scene.text, spots[i], y, h)
    s.paste(look.side * 0.3)


def saxophone(s: Sprite, look: Look, x: float, base: float, h: float) -> None:
    """A brass saxophone standing on its bell bow, `h` px tall."""
    brass = look.tone(BRASS, 0.05)
    dark = mix(brass, (60, 30, 10), 0.45)
    body = [(x - h * 0.1, base - h * 0.86), (x - h * 0.06, base - h * 0.6),
            (x - h * 0.04, base - h * 0.3), (x, base - h * 0.1), (x + h * 0.1, base - h * 0.06),
            (x + h * 0.17, base - h * 0.14), (x + h * 0.2, base - h * 0.36)]
    for k in range(len(body) - 1):
        s.line(body[k:k + 2], brass, h * (0.04 + 0.018 * k))
    s.line([(x - h * 0.1, base - h * 0.86), (x - h * 0.06, base - h * 0.96),
            (x + h * 0.03, base - h * 1.0)], brass, h * 0.03)
    s.ellipse(x + h * 0.05, base - h * 1.0, h * 0.035, h * 0.02, look.tone((30, 30, 30)))
    s.ellipse(x + h * 0.21, base - h * 0.38, h * 0.13, h * 0.05, brass)
    s.ellipse(x + h * 0.21, base - h * 0.38, h * 0.1, h * 0.032, dark)
    for k in range(6):
        t = 0.32 + k * 0.08
        s.ellipse(x - h * (0.06 - t * 0.05) + h * 0.03, base - h * (0.78 - t * 0.7), h * 0.022,
                  h * 0.022, mix(brass, (255, 250, 220), 0.5))
    s.line([(x - h * 0.075, base - h * 0.85), (x - h * 0.045, base - h * 0.35)],
           mix(brass, (255, 250, 220), 0.6), h * 0.008)


def piano(s: Sprite, look: Look, x: float, base: float, h: float) -> None:
    """A grand piano seen from the side, lid raised, `h` px tall to the lid tip."""
    black = look.tone((30, 28, 34), 0.2)
    shine = mix(black, (255, 255, 255), 0.25)
    w = h * 1.6
    top = base - h * 0.52
    s.poly([(x - w * 0.42, top), (x + w * 0.42, top - h * 0.45), (x + w * 0.46, top - h * 0.42),
            (x - w * 0.3, top + h * 0.02)], mix(black, (80, 60, 50), 0.3))
    s.line([(x + w * 0.1, top), (x + w * 0.16, top - h * 0.3)], shine, h * 0.012)
    for lx in (-0.42, 0.1, 0.4):
        s.rect(x + w * lx - h * 0.025, top + h * 0.12, x + w * lx + h * 0.025, base, black)
    s.rect(x - w * 0.46, top, x + w * 0.44, top + h * 0.14, black, radius=h * 0.05)
    s.ellipse(x + w * 0.38, top + h * 0.07, h * 0.14, h * 0.07, black)
    s.line([(x - w * 0.44, top + h * 0.02), (x + w * 0.4, top + h * 0.02)], shine, h * 0.01)
    s.rect(x - w * 0.56, top + h * 0.02, x - w * 0.44, top + h * 0.07, look.tone((240, 236, 226)))
    s.rect(x - w * 0.6, base - h * 0.24, x - w * 0.48, base - h * 0.2, black)
    s.rect(x - w * 0.59, base - h * 0.2, x - w * 0.58, base, black)
    s.rect(x - w * 0.5, base - h * 0.2, x - w * 0.49, base, black)


def guitar(s: Sprite, look: Look, x: float, base: float, h: float) -> None:
    """An acoustic guitar standing upright, `h` px tall."""
    wood = look.tone((200, 130, 60), 0.05)
    s.rect(x - h * 0.03, base - h, x + h * 0.03, base - h * 0.45, look.tone((80, 50, 30)))
    s.rect(x - h * 0.05, base - h * 1.02, x + h * 0.05, base - h * 0.92, look.tone((50, 30, 20)))
    s.ellipse(x, base - h * 0.22, h * 0.2, h * 0.2, wood)
    s.ellipse(x, base - h * 0.45, h * 0.15, h * 0.14, wood)
    s.ellipse(x, base - h * 0.36, h * 0.06, h * 0.06, look.tone((40, 24, 14)))
    s.rect(x - h * 0.07, base - h * 0.16, x + h * 0.07, base - h * 0.13, look.tone((40, 24, 14)))


def music(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """Instruments on a spotlit stage: a saxophone (jazz, brass), a grand piano, a guitar,
    with musical notes drifting up; the first named instrument is the hero at column `x`."""
    text = scene.text
    found = [name for name, rx in (("sax", r"sax|jazz|brass|swing|blues|trumpet"),
                                   ("piano", r"piano|keys|jazz"), ("guitar", r"guitar"))
             if re.search(rx, text)]
    if not found:
        found = [("sax", "piano"), ("piano", "sax"), ("guitar", "piano")][
            int(c.rng.integers(0, 3))]
    c.glow(x, base - size * 0.5, size * 0.7, size * 0.9, (255, 214, 150), 0.45)
    spot = np.clip(1 - np.abs(c.xx - x - (c.yy - base) * 0.15) / (
        size * 0.25 + (c.yy / c.h) * size * 0.35), 0, 1)
    c.add(spot * 0.16 * np.clip(base - c.yy, 0, 1), (255, 230, 190))
    s = Sprite(c, (0, 0, c.w, c.h))
    close = scene.shot == "close"
    draw = {"sax": saxophone, "piano": piano, "guitar": guitar}
    if not close and len(found) > 1:
        draw[found[1]](s, look, x - look.side * size * 0.9, base - size * 0.1, size * 0.75)
    draw[found[0]](s, look, x, base, size if found[0] != "piano" else size * 0.8)
    for _ in range(5):
        nx, ny = x + c.rng.uniform(-0.8, 0.8) * size, base - size * c.rng.uniform(0.9, 1.4)
        r = size * 0.035
        col = look.tone((250, 236, 200))
        s.ellipse(nx, ny, r * 1.2, r, col)
        s.line([(nx + r, ny), (nx + r, ny - r * 4)], col, r * 0.35)
        s.line([(nx + r, ny - r * 4), (nx + r * 2.4, ny - r * 3)], col, r * 0.35)
    s.paste(look.side * 0.3)
    c.shadow(x, base, size * 0.5, size * 0.04)


def gallery(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A gallery wall: framed paintings under spotlights, an urn on a plinth at column `x`."""
    gold = look.tone((196, 156, 80), 0.05)
    s = Sprite(c, (0, 0, c.w, c.h))
    n = 3
    fw, fh = c.w * 0.16, c.h * 0.26
    for k in range(n):
        fx = c.w * (0.2 + 0.3 * k)
        fy = base - size * 1.1 - fh / 2
        c.glow(fx, fy - fh * 0.3, fw * 0.7, fh * 0.9, (255, 230, 180), 0.3)
        s.rect(fx - fw / 2, fy - fh / 2, fx + fw / 2, fy + fh / 2, gold)
        sky_t, ground = ((90, 120, 170), (200, 160, 120), (120, 90, 140))[k], (70, 90, 60)
        s.rect(fx - fw * 0.42, fy - fh * 0.4, fx + fw * 0.42, fy + fh * 0.4, look.tone(sky_t))
        s.pie(fx, fy + fh * 0.4, fw * 0.42, fh * 0.35, 180, 360, look.tone(ground))
        s.ellipse(fx + fw * 0.2, fy - fh * 0.18, fh * 0.07, fh * 0.07, look.tone((250, 220, 150)))
    stone = look.tone((226, 222, 214), 0.1)
    s.rect(x - size * 0.2, base - size * 0.55, x + size * 0.2, base, stone)
    s.rect(x - size * 0.24, base - size * 0.6, x + size * 0.24, base - size * 0.55, stone)
    clay = look.tone((176, 96, 60), 0.05)
    s.ellipse(x, base - size * 0.8, size * 0.16, size * 0.2, clay)
    s.rect(x - size * 0.07, base - size * 1.02, x + size * 0.07, base - size * 0.9, clay)
    s.rect(x - size * 0.1, base - size * 1.04, x + size * 0.1, base - size * 1.0, clay)
    s.line([(x - size * 0.15, base - size * 0.8), (x + size * 0.15, base - size * 0.8)],
           look.tone((40, 30, 26)), size * 0.015)
    s.paste(look.side * 0.3)
