"""Built and travelling subjects: lighthouse, boats, buildings, house, car, train, airliner,
birds.

Every motif takes (canvas, look, scene, x, base, size): it stands centred on column `x` with
its foot on row `base` (flying motifs are centred there) and is `size` px tall.
"""

from __future__ import annotations

import re

import numpy as np

from pixora.offline.media.scene_art.canvas import HOLE, RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.landscape import cliff
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.prompt import SceneReading

PAINT: tuple[RGB, ...] = ((200, 44, 48), (236, 236, 232), (40, 90, 170), (30, 32, 38),
                          (232, 180, 50), (60, 140, 110))
COLOUR_NAMES: dict[str, RGB] = {"red": (200, 44, 48), "white": (236, 236, 232),
                                "blue": (40, 90, 170), "black": (30, 32, 38),
                                "yellow": (232, 180, 50), "green": (60, 140, 110),
                                "silver": (186, 190, 198), "orange": (236, 120, 40)}


def _named_colour(text: str, rng: np.random.Generator) -> RGB:
    for name, col in COLOUR_NAMES.items():
        if re.search(rf"\b{name}\b", text):
            return col
    return PAINT[int(rng.integers(0, len(PAINT)))]


def _beam(c: Canvas, x: float, y: float, angle: float, spread: float, strength: float,
          color: RGB) -> None:
    """A soft light beam from (x, y) toward `angle` degrees, `spread` degrees wide."""
    dx, dy = c.xx - x, c.yy - y
    ang = np.degrees(np.arctan2(dy, dx)) - angle
    ang = (ang + 180) % 360 - 180
    dist = np.hypot(dx, dy) / c.w
    c.add(np.exp(-(ang / spread) ** 2) * np.exp(-dist * 1.3) * strength * np.clip(
        dist * 30, 0, 1), color)


def lighthouse(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float,
               ) -> None:
    """A red-and-white banded lighthouse on a rocky headland, its lamp throwing two beams."""
    u = size / 100
    cliff(c, look, x, base)
    bright = 0.75 if look.night or look.setting in ("sunset", "dawn", "dream") else 0.3
    lamp_y = base - 84 * u
    warm = (255, 236, 170)
    for side in (-1, 1):
        angle = (180 if side < 0 else 0) + c.rng.uniform(-8, 8)
        _beam(c, x, lamp_y, angle, 4.5, bright, warm)
    white, red = look.tone((240, 238, 232), 0.1), look.tone((196, 46, 44), 0.1)
    dark = look.tone((40, 40, 46))
    s = Sprite(c, (x - 30 * u, base - 104 * u, x + 30 * u, base + 2 * u))
    s.rect(x + 8 * u, base - 14 * u, x + 28 * u, base, white)  # keeper's house
    s.poly([(x + 6 * u, base - 14 * u), (x + 30 * u, base - 14 * u), (x + 18 * u, base - 22 * u)],
           red)
    s.rect(x + 15 * u, base - 9 * u, x + 20 * u, base - 4 * u, look.tone(warm))

    def half_width(y: float) -> float:
        return 11 * u - 4.5 * u * (base - y) / (74 * u)

    tower = [(x - half_width(base), base), (x + half_width(base), base),
             (x + half_width(base - 74 * u), base - 74 * u),
             (x - half_width(base - 74 * u), base - 74 * u)]
    s.poly(tower, white)
    for k in range(3):
        y0, y1 = base - (10 + 22 * k) * u, base - (21 + 22 * k) * u
        s.poly([(x - half_width(y0), y0), (x + half_width(y0), y0), (x + half_width(y1), y1),
                (x - half_width(y1), y1)], red)
    shade = mix(white, (0, 0, 0), 0.2)
    s.poly([(x + look.side * 2 * u, base), (x + look.side * half_width(base), base),
            (x + look.side * half_width(base - 74 * u), base - 74 * u),
            (x + look.side * 1.5 * u, base - 74 * u)], mix(shade, red, 0.2))
    s.rect(x - 10 * u, base - 77 * u, x + 10 * u, base - 74 * u, dark)
    s.rect(x - 6 * u, base - 90 * u, x + 6 * u, base - 77 * u, dark)
    s.rect(x - 5 * u, base - 89 * u, x + 5 * u, base - 78 * u, warm)
    s.poly([(x - 8 * u, base - 90 * u), (x + 8 * u, base - 90 * u), (x, base - 100 * u)], red)
    s.paste(look.side * 0.4)
    c.glow(x, lamp_y, 8 * u, 8 * u, warm, 0.9)


def boat(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A sailboat (hull, mast, mainsail and jib) or, for a ship, a hull with a bridge and a
    funnel; sitting on the water line at `base`, mirrored in the water below."""
    u = size / 100
    d = look.side
    ship = bool(re.search("ship|ferry|freighter|liner|vessel|cargo", scene.text))
    hull = look.tone(_named_colour(scene.text, c.rng) if ship else (34, 44, 70), 0.1)
    white = look.tone((244, 240, 232), 0.08)
    box = (x - 110 * u, base - 100 * u, x + 110 * u, base + 2 * u) if ship else (
        x - 50 * u, base - 102 * u, x + 50 * u, base + 2 * u)
    s = Sprite(c, box)
    if ship:
        s.poly([(x - 100 * u, base - 30 * u), (x + 106 * u, base - 32 * u),
                (x + 92 * u, base), (x - 92 * u, base)], hull)
        s.rect(x - 100 * u, base - 30 * u, x + 104 * u, base - 26 * u, white)
        s.rect(x - 70 * u, base - 58 * u, x - 10 * u, base - 30 * u, white)
        s.rect(x - 60 * u, base - 74 * u, x - 24 * u, base - 58 * u, white)
        for k in range(8):
            s.rect(x - 66 * u + k * 7 * u, base - 46 * u, x - 62 * u + k * 7 * u, base - 42 * u,
                   look.tone((60, 80, 110)))
        s.rect(x - 2 * u, base - 80 * u, x + 14 * u, base - 30 * u, hull)
        s.rect(x - 2 * u, base - 72 * u, x + 14 * u, base - 66 * u, white)
        for k in range(3):
            s.rect(x + (24 + 24 * k) * u, base - 48 * u, x + (44 + 24 * k) * u, base - 30 * u,
                   look.tone(PAINT[k * 2 % 6]))
    else:
        s.poly([(x - 40 * u, base - 14 * u), (x + 44 * u, base - 14 * u), (x + 30 * u, base),
                (x - 32 * u, base)], hull)
        s.rect(x - 40 * u, base - 15 * u, x + 44 * u, base - 12 * u, white)
        s.line([(x, base - 14 * u), (x, base - 100 * u)], look.tone((90, 80, 70)), 1.6 * u)
        s.poly([(x - 2 * u, base - 96 * u), (x - 2 * u, base - 20 * u),
                (x - 38 * u, base - 20 * u)], white)
        s.poly([(x + 2 * u, base - 90 * u), (x + 2 * u, base - 20 * u),
                (x + 34 * u, base - 20 * u)], mix(white, look.pal.sky_mid, 0.2))
        s.poly([(x, base - 100 * u), (x + 10 * u, base - 97 * u), (x, base - 94 * u)],
               look.tone((200, 50, 50)))
    s.paste(d * 0.4)
    _reflect(c, s, base)


def _reflect(c: Canvas, s: Sprite, base: float) -> None:
    """Mirror the rows of the canvas above `base` covered by sprite `s` into the water below,
    faint and rippled."""
    y0, y1, x0, x1 = s.y0, int(base), s.x0, s.x1
    n = min(y1 - y0, c.h - y1)
    if n <= 2:
        return
    src = c.px[y1 - n:y1, x0:x1][::-1]
    cov = c.subject[y1 - n:y1, x0:x1][::-1]
    shift = (np.sin(np.arange(n) * 0.9) * 2).astype(int)
    for k in range(n):
        src[k] = np.roll(src[k], shift[k], axis=0)
    fade = np.linspace(0.45, 0.0, n, dtype=np.float32)[:, None]
    c.blend(cov * fade, src.copy(), (y1, x0))


def buildings(
    c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float
) -> None:
    """A block of four to six buildings with window grids (lit at night), rooftop details and
    shop fronts with awnings; glowing signs and wet-street reflections when the prompt says so.
    """
    u = size / 100
    night = look.night or look.setting == "sunset"
    wet = bool(re.search("rain|wet|slick|puddle|reflect", scene.text))
    n = int(c.rng.integers(4, 7))
    widths = c.rng.uniform(24, 44, n) * u
    left = x - widths.sum() / 2
    s = Sprite(c, (left - 2, base - 104 * u, left + widths.sum() + 2, base + 2))
    wall_cols = ((176, 120, 96), (150, 150, 160), (200, 184, 160), (110, 110, 126),
                 (186, 150, 120))
    glass = look.tone((80, 110, 150), 0.3)
    lit_col = (255, 206, 120) if night else look.tone((170, 200, 226), 0.3)
    for i, bw in enumerate(widths):
        bh = size * c.rng.uniform(0.55, 1.0)
        x0, x1 = left, left + bw
        wall = look.tone(wall_cols[int(c.rng.integers(0, len(wall_cols)))], 0.2)
        s.rect(x0, base - bh, x1, base, wall)
        s.rect(x0, base - bh, x1, base - bh + 3 * u, mix(wall, (0, 0, 0), 0.25))
        cols = max(int(bw / (8 * u)), 2)
        rows = max(int((bh - 22 * u) / (10 * u)), 1)
        for r in range(rows):
            for k in range(cols):
                wx = x0 + bw * (k + 0.5) / cols
                wy = base - 22 * u - r * 10 * u
                on = c.rng.random() < (0.55 if night else 0.25)
                s.rect(wx - 2.2 * u, wy - 6 * u, wx + 2.2 * u, wy, lit_col if on else glass)
        awning = look.tone(PAINT[(i * 3) % len(PAINT)], 0.1)
        s.rect(x0 + 2 * u, base - 14 * u, x1 - 2 * u, base, mix(glass, (255, 220, 160),
                                                                 0.5 if night else 0.1))
        s.poly([(x0 + 1 * u, base - 18 * u), (x1 - 1 * u, base - 18 * u),
                (x1 + 1 * u, base - 13 * u), (x0 - 1 * u, base - 13 * u)], awning)
        if c.rng.random() < 0.3:
            s.rect(x0 + bw * 0.3, base - bh - 8 * u, x0 + bw * 0.55, base - bh, wall)
        if night:
            sign = ((255, 80, 160), (60, 230, 255), (255, 190, 60))[i % 3]
            s.rect(x0 + bw * 0.2, base - 26 * u, x1 - bw * 0.2, base - 21 * u, sign)
            c.glow((x0 + x1) / 2, base - 23 * u, bw * 0.5, 6 * u, sign, 0.5)
        left = x1
    s.paste(look.side * 0.3)
    if wet and base < c.h:
        c.px[int(base):] *= 0.55
        _reflect(c, s, base)


def house(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A cosy two-storey house: pitched roof, chimney, warm-lit windows, porch and a path."""
    u = size / 100
    warm = look.night or look.setting in ("sunset", "dawn", "dream")
    wall = look.tone((232, 214, 186), 0.12)
    roof = look.tone((150, 64, 52), 0.1)
    trim = look.tone((250, 248, 240), 0.1)
    pane = (255, 214, 140) if warm else look.tone((150, 184, 210), 0.2)
    s = Sprite(c, (x - 64 * u, base - 104 * u, x + 64 * u, base + 2 * u))
    s.rect(x + 22 * u, base - 96 * u, x + 32 * u, base - 64 * u, look.tone((140, 90, 70)))
    s.rect(x - 50 * u, base - 60 * u, x + 50 * u, base, wall)
    s.poly([(x - 60 * u, base - 58 * u), (x + 60 * u, base - 58 * u), (x + 36 * u, base - 92 * u),
            (x - 36 * u, base - 92 * u)], roof)
    s.rect(x - 60 * u, base - 60 * u, x + 60 * u, base - 56 * u, mix(roof, (0, 0, 0), 0.3))
    for wx, wy in ((-32, -44), (32, -44), (-32, -20), (32, -20), (0, -44)):
        s.rect(x + (wx - 8) * u, base + (wy - 8) * u, x + (wx + 8) * u, base + (wy + 8) * u, trim)
        s.rect(x + (wx - 6.5) * u, base + (wy - 6.5) * u, x + (wx + 6.5) * u,
               base + (wy + 6.5) * u, pane)
        s.rect(x + (wx - 0.6) * u, base + (wy - 6.5) * u, x + (wx + 0.6) * u,
               base + (wy + 6.5) * u, trim)
    s.rect(x - 8 * u, base - 28 * u, x + 8 * u, base, look.tone((110, 60, 46)))
    s.rect(x - 14 * u, base - 32 * u, x + 14 * u, base - 28 * u, trim)
    s.paste(look.side * 0.4)
    if warm:
        for wx in (-32, 32):
            c.glow(x + wx * u, base - 32 * u, 14 * u, 22 * u, (255, 190, 100), 0.25)
    path = Sprite(c, (x - 30 * u, base - 1, x + 40 * u, c.h), ss=2)
    path.poly([(x - 7 * u, base), (x + 7 * u, base), (x + 36 * u, c.h + 2), (x - 22 * u, c.h + 2)],
              look.tone((196, 176, 146), 0.2))
    path.paste(subject=False)


def car(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A side-on car on a road band (a low sports car when named), headlights on at night,
    light trails streaming past when the prompt names them. `size` is the car's height x 2."""
    u = size / 100
    d = look.side if c.rng.random() < 0.5 else -look.side
    sporty = bool(re.search("sport|race|fast|speed", scene.text))
    night = look.night or look.setting == "sunset" or "headlight" in scene.text
    road = look.tone((58, 60, 66), 0.2)
    ry0, ry1 = base - 10 * u, base + 16 * u
    c.blend(np.clip(np.minimum(c.yy[int(max(ry0, 0)):int(min(ry1, c.h))] - ry0,
                               ry1 - c.yy[int(max(ry0, 0)):int(min(ry1, c.h))]), 0, 1)
            * np.ones((1, c.w), np.float32), road, (int(max(ry0, 0)), 0))
    for k in range(int(c.w / (40 * u)) + 1):
        dx = k * 40 * u + c.rng.uniform(0, 4) * u
        c.px[int(base + 3 * u):int(base + 4.5 * u) + 1, int(dx):int(dx + 18 * u)] = (
            np.asarray(look.tone((236, 226, 180)), np.float32))
    if re.search("light trails|streaming|long exposure", scene.text):
        for k in range(6):
            y = base - 4 * u + k * 3.5 * u
            col = (255, 70, 60) if k % 2 else (255, 244, 220)
            c.add(np.exp(-((c.yy[int(y - 6 * u):int(y + 6 * u)] - y) / (1.2 * u)) ** 2)
                  * np.ones((1, c.w), np.float32) * 0.8, col, (int(y - 6 * u), 0))
    paint = look.tone(_named_colour(scene.text, c.rng), 0.08)
    glass = look.tone((70, 90, 120), 0.3)
    dark = look.tone((26, 26, 30))
    roof = 30 if sporty else 40
    s = Sprite(c, (x - 54 * u, base - roof * u - 24 * u, x + 54 * u, base + 2 * u))
    s.rect(x - 50 * u, base - 24 * u, x + 50 * u, base - 7 * u, paint, radius=7 * u)
    s.poly([(x - d * 30 * u, base - 22 * u), (x - d * 20 * u, base - (roof + 20) * u),
            (x + d * 12 * u, base - (roof + 20) * u), (x + d * 32 * u, base - 22 * u)], paint)
    s.poly([(x - d * 26 * u, base - 23 * u), (x - d * 18 * u, base - (roof + 16) * u),
            (x + d * 10 * u, base - (roof + 16) * u), (x + d * 27 * u, base - 23 * u)], glass)
    s.rect(x - 1 * u, base - (roof + 18) * u, x + 1 * u, base - 22 * u, paint)
    for wx in (-32, 32):
        s.ellipse(x + wx * u, base - 8 * u, 10 * u, 10 * u, dark)
        s.ellipse(x + wx * u, base - 8 * u, 5 * u, 5 * u, look.tone((170, 172, 180)))
    s.rect(x + d * 44 * u - 3 * u, base - 20 * u, x + d * 44 * u + 3 * u, base - 16 * u,
           (255, 244, 210))
    s.rect(x - d * 48 * u - 2 * u, base - 20 * u, x - d * 48 * u + 2 * u, base - 16 * u,
           (220, 40, 40))
    s.paste(look.side * 0.4)
    c.shadow(x, base, 48 * u, 3 * u, 0.5)
    if night:
        _beam(c, x + d * 48 * u, base - 18 * u, 0 if d > 0 else 180, 9, 0.5, (255, 240, 200))
        c.glow(x + d * 48 * u, base - 18 * u, 5 * u, 4 * u, (255, 250, 230), 0.9)
        c.glow(x - d * 49 * u, base - 18 * u, 5 * u, 4 * u, (255, 40, 40), 0.7)
    if "charg" in scene.text:
        post = Sprite(c, (x - d * 70 * u - 8 * u, base - 50 * u, x - d * 70 * u + 8 * u, base))
        post.rect(x - d * 70 * u - 6 * u, base - 46 * u, x - d * 70 * u + 6 * u, base,
                  look.tone((230, 232, 236)), radius=2 * u)
        post.rect(x - d * 70 * u - 4 * u, base - 40 * u, x - d * 70 * u + 4 * u,
                  base - 30 * u, (80, 230, 140))
        post.paste(look.side * 0.3)


def train(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A streamlined train of carriages with a lit window band running across the frame; on
    a stone viaduct of arches when the prompt names one (`size` is then the viaduct height)."""
    u = size / 100
    viaduct = "viaduct" in scene.text or "bridge" in scene.text
    deck = base - (70 * u if viaduct else 0)
    th = 22 * u if viaduct else 60 * u
    if viaduct:
        stone = look.tone((170, 150, 130), 0.15)
        s = Sprite(c, (0, deck - 2, c.w, base + 2), ss=2)
        s.rect(0, deck, c.w, base, stone)
        span = 34 * u
        for k in range(int(c.w / span) + 2):
            ax = k * span + (x % span)
            s.rect(ax - span * 0.36, deck + 16 * u, ax + span * 0.36, base + 2, HOLE)
            s.ellipse(ax, deck + 16 * u, span * 0.36, span * 0.36, HOLE)
        s.rect(0, deck, c.w, deck + 5 * u, mix(stone, (0, 0, 0), 0.2))
        s.paste(look.side * 0.2, subject=False)
    body = look.tone((226, 228, 232), 0.1)
    stripe = look.tone(_named_colour(scene.text, c.rng), 0.1)
    glass = (255, 210, 130) if look.night else look.tone((70, 90, 120), 0.3)
    d = -look.side
    length = c.w * 0.75
    head = x + d * length / 2
    s = Sprite(c, (min(x - length / 2, head) - th, deck - th - 2, max(x + length / 2, head) + th,
                   deck + 2))
    s.rect(x - length / 2, deck - th, x + length / 2, deck - th * 0.08, body, radius=th * 0.2)
    s.ellipse(head, deck - th * 0.55, th * 0.9, th * 0.47, body)
    s.rect(x - length / 2, deck - th * 0.34, x + length / 2, deck - th * 0.24, stripe)
    s.ellipse(head, deck - th * 0.3, th * 0.85, th * 0.06, stripe)
    car_len = th * 3.2
    k = x - length / 2
    while k < x + length / 2 - car_len * 0.3:
        s.rect(k + th * 0.2, deck - th * 0.78, k + car_len - th * 0.2, deck - th * 0.46, glass)
        s.rect(k + car_len - th * 0.04, deck - th, k + car_len + th * 0.04, deck - th * 0.08,
               mix(body, (0, 0, 0), 0.35))
        k += car_len
    s.ellipse(head + d * th * 0.45, deck - th * 0.62, th * 0.3, th * 0.16, glass)
    s.paste(look.side * 0.3)


def plane(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """An airliner climbing across the sky, centred on (x, base - size / 2)."""
    u = size / 100
    d = look.side
    cy = base - 50 * u
    body = look.tone((238, 240, 244), 0.08)
    tail = look.tone(_named_colour(scene.text, c.rng), 0.1)
    s = Sprite(c, (x - 110 * u, cy - 60 * u, x + 110 * u, cy + 60 * u))
    s.poly([(x - d * 10 * u, cy), (x + d * 18 * u, cy + 40 * u), (x + d * 30 * u, cy + 40 * u),
            (x + d * 20 * u, cy)], mix(body, (0, 0, 0), 0.15))
    s.rect(x - 96 * u, cy - 8 * u, x + 96 * u, cy + 8 * u, body, radius=8 * u)
    s.poly([(x - d * 80 * u, cy - 6 * u), (x - d * 96 * u, cy - 40 * u),
            (x - d * 86 * u, cy - 40 * u), (x - d * 62 * u, cy - 6 * u)], tail)
    for k in range(16):
        wx = x - d * (60 - k * 9) * u
        s.ellipse(wx, cy - 2.5 * u, 1.5 * u, 1.8 * u, look.tone((60, 80, 110)))
    s.ellipse(x + d * 86 * u, cy - 3 * u, 5 * u, 2.5 * u, look.tone((60, 80, 110)))
    s.rect(x + d * 18 * u - 8 * u, cy + 8 * u, x + d * 18 * u + 8 * u, cy + 15 * u,
           mix(body, (0, 0, 0), 0.3), radius=3 * u)
    s.paste(d * 0.3, angle=8 * d)


def birds(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A loose flock of gliding birds (white gulls by the sea, dark silhouettes elsewhere)."""
    light = "sea" in scene.motifs and not look.night
    col = look.tone((246, 246, 242) if light else (40, 40, 48), 0.1)
    s = Sprite(c, (0, 0, c.w, c.h), ss=2)
    n = int(c.rng.integers(5, 11))
    for _ in range(n):
        bx = x + c.rng.normal(0, 0.8) * size
        by = base - size * 0.5 + c.rng.normal(0, 0.35) * size
        w = size * c.rng.uniform(0.06, 0.14)
        flap = c.rng.uniform(0.2, 0.5)
        s.line([(bx - w, by - w * flap), (bx - w * 0.4, by - w * flap * 0.6), (bx, by),
                (bx + w * 0.4, by - w * flap * 0.6), (bx + w, by - w * flap)], col,
               max(w * 0.12, 1.2))
    s.paste()



def castle(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A castle (keep, two round-roofed towers, crenellated walls, gate, flag) or, for ruins,
    temples and columns, a row of broken columns under a fragment of lintel."""
    u = size / 100
    stone = look.tone((178, 166, 150), 0.15)
    shade = mix(stone, (20, 20, 30), 0.3)
    dark = look.tone((40, 36, 40))
    if re.search("ruin|temple|colonnade|column|pillar|acropolis", scene.text):
        s = Sprite(c, (x - 80 * u, base - 102 * u, x + 80 * u, base + 2 * u))
        s.rect(x - 76 * u, base - 6 * u, x + 76 * u, base, shade)
        heights = c.rng.uniform(0.45, 1.0, 6)
        heights[1] = heights[2] = 1.0
        for k, hgt in enumerate(heights):
            cx = x + (k - 2.5) * 26 * u
            top = base - 6 * u - 80 * u * hgt
            s.rect(cx - 7 * u, top, cx + 7 * u, base - 6 * u, stone)
            s.rect(cx - look.side * 7 * u, top, cx - look.side * 3 * u, base - 6 * u, shade)
            s.rect(cx - 10 * u, top - 4 * u, cx + 10 * u, top, stone)
        s.rect(x - 52 * u, base - 98 * u, x + 4 * u, base - 90 * u, stone)
        s.rect(x + 40 * u, base - 12 * u, x + 60 * u, base - 6 * u, shade)
        s.paste(look.side * 0.4)
        return
    s = Sprite(c, (x - 70 * u, base - 104 * u, x + 70 * u, base + 2 * u))
    roof = look.tone((70, 80, 130), 0.1)
    s.rect(x - 50 * u, base - 40 * u, x + 50 * u, base, stone)
    for k in range(9):
        bx = x - 50 * u + k * 12.5 * u
        s.rect(bx, base - 46 * u, bx + 6 * u, base - 40 * u, stone)
    s.rect(x - 18 * u, base - 72 * u, x + 18 * u, base - 40 * u, stone)
    for k in range(4):
        bx = x - 18 * u + k * 10 * u
        s.rect(bx, base - 78 * u, bx + 6 * u, base - 72 * u, stone)
    for sx in (-1, 1):
        tx = x + sx * 50 * u
        s.rect(tx - 10 * u, base - 66 * u, tx + 10 * u, base, stone)
        s.rect(tx - look.side * 10 * u, base - 66 * u, tx - look.side * 4 * u, base, shade)
        s.poly([(tx - 13 * u, base - 66 * u), (tx + 13 * u, base - 66 * u),
                (tx, base - 92 * u)], roof)
        s.rect(tx - 1.5 * u, base - 50 * u, tx + 1.5 * u, base - 42 * u, dark)
    s.line([(x, base - 78 * u), (x, base - 100 * u)], dark, 1 * u)
    s.poly([(x, base - 100 * u), (x + look.side * 12 * u, base - 96 * u), (x, base - 92 * u)],
           look.tone((200, 50, 50)))
    s.rect(x - 9 * u, base - 24 * u, x + 9 * u, base, dark)
    s.pie(x, base - 24 * u, 9 * u, 9 * u, 180, 360, dark)
    for wx in (-8, 8):
        s.rect(x + wx * u - 1.5 * u, base - 62 * u, x + wx * u + 1.5 * u, base - 52 * u, dark)
    s.paste(look.side * 0.4)
    c.shadow(x, base, 60 * u, 4 * u)


def market(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A market stall: a striped awning on poles over a counter of crates piled with produce
    (or sacks of coffee beans when the prompt names coffee)."""
    u = size / 100
    wood = look.tone((150, 104, 64), 0.1)
    stripe = look.tone(PAINT[int(c.rng.integers(0, 3)) * 2 % 6], 0.1)
    cream = look.tone((244, 236, 220), 0.1)
    s = Sprite(c, (x - 84 * u, base - 102 * u, x + 84 * u, base + 2 * u))
    for px in (-74, 74):
        s.rect(x + (px - 2) * u, base - 92 * u, x + (px + 2) * u, base, wood)
    for k in range(8):
        col = stripe if k % 2 == 0 else cream
        x0 = x - 80 * u + k * 20 * u
        s.poly([(x0, base - 96 * u), (x0 + 20 * u, base - 96 * u), (x0 + 20 * u, base - 80 * u),
                (x0, base - 80 * u)], col)
        s.pie(x0 + 10 * u, base - 80 * u, 10 * u, 6 * u, 0, 180, col)
    s.rect(x - 70 * u, base - 36 * u, x + 70 * u, base, wood)
    s.rect(x - 70 * u, base - 38 * u, x + 70 * u, base - 34 * u, mix(wood, (0, 0, 0), 0.25))
    coffee = "coffee" in scene.text or "bean" in scene.text
    goods = ((110, 66, 40), (80, 48, 30)) if coffee else (
        (220, 60, 50), (240, 160, 40), (110, 170, 60), (250, 210, 70), (150, 60, 120))
    for k in range(6):
        cx = x - 58 * u + k * 23 * u
        if coffee:
            s.rect(cx - 10 * u, base - 56 * u, cx + 10 * u, base - 36 * u,
                   look.tone((200, 176, 130)), radius=5 * u)
            s.ellipse(cx, base - 56 * u, 9 * u, 3 * u, look.tone(goods[k % 2]))
        else:
            for j in range(7):
                s.ellipse(cx + (j % 4 - 1.5) * 4.5 * u, base - 40 * u - (j // 4) * 5 * u,
                          3.2 * u, 3.2 * u, look.tone(goods[k % len(goods)]))
    s.paste(look.side * 0.35)
    c.shadow(x, base, 80 * u, 4 * u)
