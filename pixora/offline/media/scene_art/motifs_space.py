"""Space-exploration subjects: rocket, astronaut, rover, space station or satellite, radio dish.

Every motif takes (canvas, look, scene, x, base, size): it stands centred on column `x` with
its foot on row `base` (floating motifs are centred there) and is `size` px tall.
"""

from __future__ import annotations

import math

from pixora.offline.media.scene_art.canvas import RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.prompt import LAUNCH_WORDS, SceneReading

WHITE: RGB = (236, 236, 240)
STEEL: RGB = (150, 156, 168)
DARK: RGB = (46, 50, 60)
ACCENT: RGB = (208, 64, 48)
GOLD: RGB = (214, 168, 72)
PANEL: RGB = (46, 70, 140)


def _cylinder(s: Sprite, x0: float, y0: float, x1: float, y1: float, col: RGB, side: float,
              ) -> None:
    """A vertical cylinder face: base colour with a shaded band on the side away from light."""
    s.rect(x0, y0, x1, y1, col)
    w = x1 - x0
    if side > 0:
        s.rect(x0, y0, x0 + w * 0.3, y1, mix(col, (0, 0, 0), 0.22))
        s.rect(x1 - w * 0.18, y0, x1 - w * 0.06, y1, mix(col, (255, 255, 255), 0.35))
    else:
        s.rect(x1 - w * 0.3, y0, x1, y1, mix(col, (0, 0, 0), 0.22))
        s.rect(x0 + w * 0.06, y0, x0 + w * 0.18, y1, mix(col, (255, 255, 255), 0.35))


def rocket(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A white rocket with a red nose and fins; lifting off on a flame and a smoke cloud when
    the prompt says launch or liftoff, otherwise on its pad beside a launch tower."""
    launch = bool(LAUNCH_WORDS.search(scene.text))
    u = size / 100
    lift = 28 * u if launch else 0
    top, bottom = base - 100 * u - lift, base - 8 * u - lift
    bw = 15 * u
    body_top = top + 24 * u
    white, accent, dark = look.tone(WHITE, 0.1), look.tone(ACCENT, 0.1), look.tone(DARK)
    if launch:
        fy = bottom + 5 * u
        smoke = look.tone((226, 222, 218), 0.2)
        for i in range(26):
            t = i / 25
            sx = x + (t - 0.5) * 150 * u * c.rng.uniform(0.8, 1.2)
            r = (12 + 14 * (1 - abs(t - 0.5) * 2)) * u * c.rng.uniform(0.7, 1.2)
            sy = base - r * 0.4 + c.rng.uniform(-4, 4) * u
            c.disc(sx, sy, r, mix(smoke, (255, 190, 140), 0.35 * (1 - abs(t - 0.5) * 2)))
            c.disc(sx - look.side * r * 0.25, sy - r * 0.2, r * 0.75,
                   mix(smoke, (255, 255, 255), 0.25))
        flame = Sprite(c, (x - 12 * u, fy - 2 * u, x + 12 * u, fy + 40 * u))
        flame.poly([(x - 7 * u, fy), (x + 7 * u, fy), (x + 2.5 * u, fy + 38 * u),
                    (x - 2.5 * u, fy + 38 * u)], (255, 150, 60))
        flame.poly([(x - 4.5 * u, fy), (x + 4.5 * u, fy), (x, fy + 26 * u)], (255, 236, 170))
        flame.paste()
        c.glow(x, fy + 16 * u, 20 * u, 28 * u, (255, 170, 80), 0.8)
        c.glow(x, base - 6 * u, 60 * u, 16 * u, (255, 150, 70), 0.45)
    else:
        tower = Sprite(c, (x + 9 * u, top - 4 * u, x + 34 * u, base + 2 * u), ss=2)
        steel = look.tone(mix(STEEL, DARK, 0.4))
        tx0, tx1 = x + 14 * u, x + 28 * u
        for tx in (tx0, tx1):
            tower.rect(tx - 1.2 * u, top + 4 * u, tx + 1.2 * u, base, steel)
        step = 10 * u
        y = base
        while y > top + 8 * u:
            tower.line([(tx0, y), (tx1, y - step)], steel, 0.8 * u)
            tower.line([(tx1, y), (tx0, y - step)], steel, 0.8 * u)
            tower.rect(tx0, y - 0.7 * u, tx1, y + 0.7 * u, steel)
            y -= step
        tower.rect(x + 7 * u, top + 30 * u, tx0, top + 32 * u, steel)
        tower.paste(look.side * 0.4)
        c.shadow(x + 6 * u, base, 34 * u, 4 * u)
        pad = Sprite(c, (x - 30 * u, base - 6 * u, x + 40 * u, base + 2 * u), ss=2)
        pad.rect(x - 28 * u, base - 4 * u, x + 38 * u, base, look.tone((110, 110, 116)))
        pad.paste(0.2)
    s = Sprite(c, (x - 16 * u, top - 2 * u, x + 16 * u, bottom + 8 * u))
    s.poly([(x - 5 * u, bottom), (x + 5 * u, bottom), (x + 7 * u, bottom + 7 * u),
            (x - 7 * u, bottom + 7 * u)], dark)
    for sx in (-1, 1):
        s.poly([(x + sx * bw / 2, bottom - 20 * u), (x + sx * (bw / 2 + 9 * u), bottom + 3 * u),
                (x + sx * bw / 2, bottom)], accent)
    _cylinder(s, x - bw / 2, body_top, x + bw / 2, bottom, white, look.side)
    nose = [(x + bw / 2 * (1 - t**1.7) ** 0.55 * sx, body_top - t * 24 * u)
            for sx in (-1, 1) for t in ((0, 0.2, 0.4, 0.6, 0.8, 1) if sx < 0 else
                                        (1, 0.8, 0.6, 0.4, 0.2, 0))]
    s.poly(nose, accent)
    s.rect(x - bw / 2, body_top + 4 * u, x + bw / 2, body_top + 7 * u, dark)
    s.rect(x - bw / 2, bottom - 12 * u, x + bw / 2, bottom - 9 * u, accent)
    s.ellipse(x, body_top + 16 * u, 3.6 * u, 3.6 * u, mix(white, dark, 0.5))
    s.ellipse(x, body_top + 16 * u, 2.6 * u, 2.6 * u, look.tone((60, 110, 170)))
    s.paste(look.side * 0.5)


def astronaut(
    c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float
) -> None:
    """A spacesuited figure with a gold visor; floating and tilted when there is no ground."""
    u = size / 100
    floating = scene.setting == "space" and "lunar" not in scene.motifs
    suit, shade = look.tone((232, 232, 236), 0.1), look.tone((176, 180, 192), 0.1)
    top = base - 100 * u
    s = Sprite(c, (x - 40 * u, top - 6 * u, x + 40 * u, base + 4 * u))
    s.rect(x - 22 * u, top + 24 * u, x + 22 * u, top + 62 * u, shade, radius=6 * u)  # pack
    for lx in (-1, 1):  # legs and boots
        s.rect(x + lx * 2 * u - (lx < 0) * 16 * u, top + 58 * u,
               x + lx * 2 * u + (lx > 0) * 16 * u, base - 8 * u, suit, radius=6 * u)
        s.rect(x + lx * 2 * u - (lx < 0) * 18 * u, base - 12 * u,
               x + lx * 2 * u + (lx > 0) * 18 * u, base, look.tone((90, 92, 100)), radius=3 * u)
    s.rect(x - 19 * u, top + 26 * u, x + 19 * u, top + 66 * u, suit, radius=9 * u)  # torso
    for ax in (-1, 1):
        reach = -14 if floating and ax > 0 else 8
        s.line([(x + ax * 17 * u, top + 32 * u), (x + ax * 26 * u, top + 46 * u),
                (x + ax * 24 * u, top + 56 * u + reach * u)], suit, 9 * u)
        s.ellipse(x + ax * 24 * u, top + 58 * u + reach * u, 5 * u, 5 * u, shade)
    s.rect(x - 9 * u, top + 36 * u, x + 9 * u, top + 48 * u, look.tone((200, 204, 214)),
           radius=2 * u)
    for i, col in enumerate(((210, 60, 50), (60, 140, 220), (250, 200, 60))):
        s.ellipse(x - 5 * u + i * 5 * u, top + 42 * u, 1.6 * u, 1.6 * u, look.tone(col))
    s.ellipse(x, top + 15 * u, 16 * u, 16 * u, suit)  # helmet
    visor = look.tone(GOLD, 0.05)
    s.ellipse(x + look.side * 1.5 * u, top + 15 * u, 11.5 * u, 10 * u, mix(visor, (0, 0, 0), 0.3))
    s.ellipse(x + look.side * 1.5 * u, top + 14 * u, 10 * u, 8.5 * u, visor)
    s.ellipse(x - look.side * 3 * u, top + 10.5 * u, 3.2 * u, 2.2 * u, (255, 250, 236))
    angle = c.rng.uniform(-28, 28) if floating else 0.0
    s.paste(look.side * 0.5, angle=angle)
    if not floating:
        c.shadow(x, base, 26 * u, 3 * u)


def rover(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A six-wheeled rover (three wheels seen) with a solar deck and a camera mast."""
    u = size / 100
    body, foil = look.tone((222, 214, 196), 0.1), look.tone(GOLD, 0.1)
    dark, wheel = look.tone(DARK), look.tone((70, 70, 76))
    d = look.side
    s = Sprite(c, (x - 76 * u, base - 102 * u, x + 76 * u, base + 2 * u))
    c.shadow(x, base, 72 * u, 5 * u, 0.5)
    wx = (-52, 0, 52)
    for i in range(2):  # rocker-bogie legs
        s.line([(x + wx[i] * u, base - 14 * u), (x + (wx[i] + wx[i + 1]) / 2 * u, base - 34 * u),
                (x + wx[i + 1] * u, base - 14 * u)], dark, 3 * u)
    for w in wx:
        s.ellipse(x + w * u, base - 14 * u, 14 * u, 14 * u, wheel)
        s.ellipse(x + w * u, base - 14 * u, 8 * u, 8 * u, mix(wheel, (200, 200, 200), 0.3))
        s.ellipse(x + w * u, base - 14 * u, 3 * u, 3 * u, dark)
    s.rect(x - 46 * u, base - 56 * u, x + 40 * u, base - 32 * u, body, radius=3 * u)
    s.rect(x - 46 * u, base - 40 * u, x + 40 * u, base - 32 * u, foil)
    s.rect(x - 56 * u, base - 62 * u, x + 50 * u, base - 56 * u, look.tone(PANEL, 0.1))
    mx = x + d * 30 * u
    s.line([(mx, base - 62 * u), (mx, base - 90 * u)], body, 4 * u)
    s.rect(mx - 10 * u, base - 100 * u, mx + 10 * u, base - 88 * u, body, radius=2 * u)
    s.ellipse(mx + d * 4 * u, base - 94 * u, 2.6 * u, 2.6 * u, dark)
    s.ellipse(mx - d * 3 * u, base - 94 * u, 2.6 * u, 2.6 * u, dark)
    s.line([(x - d * 34 * u, base - 62 * u), (x - d * 40 * u, base - 82 * u)], body, 1.5 * u)
    s.pie(x - d * 40 * u, base - 80 * u, 9 * u, 5 * u, 0, 180, body)
    s.paste(d * 0.5)
    if scene.setting in ("mars", "sunset", "day") or "desert" in scene.motifs:
        dust = mix(look.pal.horizon, look.pal.ground, 0.4)
        for _ in range(10):
            c.disc(x - d * c.rng.uniform(50, 90) * u, base - c.rng.uniform(0, 14) * u,
                   c.rng.uniform(3, 8) * u, dust, opacity=0.45)


def station(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A space station (truss, modules and four solar wings), or a satellite (gold body,
    two panels, a dish) when the prompt names a satellite; centred on (x, base - size / 2)."""
    u = size / 100
    cy = base - 50 * u
    panel, frame = look.tone(PANEL, 0.05), look.tone((190, 190, 200))
    body, foil = look.tone((226, 226, 232)), look.tone(GOLD, 0.05)
    single = "satellite" in scene.text and "station" not in scene.text
    span = 70 if single else 100
    s = Sprite(c, (x - span * 1.05 * u, cy - 50 * u, x + span * 1.05 * u, cy + 50 * u))

    def wing(x0: float, x1: float, y0: float, y1: float) -> None:
        s.rect(x0, y0, x1, y1, frame)
        inset = 0.8 * u
        s.rect(x0 + inset, y0 + inset, x1 - inset, y1 - inset, panel)
        n = max(int(abs(x1 - x0) / (5 * u)), 2)
        for i in range(1, n):
            gx = x0 + (x1 - x0) * i / n
            s.line([(gx, y0), (gx, y1)], mix(panel, frame, 0.45), 0.5 * u)
        s.line([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], mix(panel, frame, 0.45), 0.5 * u)

    if single:
        for sx in (-1, 1):
            s.line([(x + sx * 12 * u, cy), (x + sx * 20 * u, cy)], frame, 1.5 * u)
            wing(x + sx * 20 * u, x + sx * 68 * u, cy - 12 * u, cy + 12 * u)
        s.rect(x - 13 * u, cy - 16 * u, x + 13 * u, cy + 16 * u, foil, radius=2 * u)
        s.rect(x - 13 * u, cy - 4 * u, x + 13 * u, cy + 4 * u, mix(foil, (0, 0, 0), 0.25))
        s.line([(x, cy - 16 * u), (x, cy - 26 * u)], frame, 1.2 * u)
        s.pie(x, cy - 26 * u, 12 * u, 6 * u, 180, 360, body)
    else:
        s.rect(x - 92 * u, cy - 2 * u, x + 92 * u, cy + 2 * u, frame)
        for sx in (-1, 1):
            for px in (52, 84):
                for sy in (-1, 1):
                    wing(x + sx * (px - 13) * u, x + sx * (px + 13) * u,
                         cy + sy * 5 * u, cy + sy * 46 * u)
            s.rect(x + sx * 24 * u, cy - 10 * u, x + sx * 34 * u, cy + 10 * u,
                   look.tone((240, 240, 244)))
        s.rect(x - 22 * u, cy - 7 * u, x + 22 * u, cy + 7 * u, body, radius=6 * u)
        s.rect(x - 6 * u, cy - 20 * u, x + 6 * u, cy + 20 * u, body, radius=5 * u)
        s.rect(x - 22 * u, cy - 1.5 * u, x + 22 * u, cy + 1.5 * u, mix(body, (0, 0, 0), 0.2))
    s.paste(look.side * 0.45, angle=c.rng.uniform(-16, 16))
    c.glow(x + look.side * span * 0.6 * u, cy - 20 * u, 8 * u, 8 * u, (255, 250, 230), 0.6)


def dish(c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float) -> None:
    """A radio telescope: a white dish tilted at the sky on a pedestal, with its feed."""
    u = size / 100
    white, steel = look.tone((232, 232, 236), 0.1), look.tone(STEEL)
    tilt = -look.side * c.rng.uniform(22, 38)
    ped = Sprite(c, (x - 26 * u, base - 52 * u, x + 26 * u, base + 2 * u))
    ped.poly([(x - 22 * u, base), (x + 22 * u, base), (x + 8 * u, base - 50 * u),
              (x - 8 * u, base - 50 * u)], steel)
    ped.rect(x - 24 * u, base - 6 * u, x + 24 * u, base, mix(steel, (0, 0, 0), 0.25))
    ped.paste(look.side * 0.5)
    c.shadow(x, base, 30 * u, 3 * u)
    cy = base - 62 * u
    s = Sprite(c, (x - 58 * u, cy - 58 * u, x + 58 * u, cy + 58 * u))
    s.ellipse(x, cy, 50 * u, 20 * u, white)
    s.ellipse(x, cy - 1.5 * u, 46 * u, 17 * u, mix(white, (120, 130, 150), 0.35))
    for i in range(1, 4):
        s.ellipse(x, cy - 1.5 * u, 46 * u * i / 4, 17 * u * i / 4,
                  mix(white, (120, 130, 150), 0.35 - 0.08 * i))
    s.rect(x - 6 * u, cy + 12 * u, x + 6 * u, cy + 26 * u, steel)
    for fx in (-30, 0, 30):
        s.line([(x + fx * u, cy + (4 if fx else -2) * u), (x, cy - 44 * u)], steel, 1.2 * u)
    s.rect(x - 4 * u, cy - 50 * u, x + 4 * u, cy - 40 * u, white, radius=1.5 * u)
    s.paste(look.side * 0.3, angle=tilt)
    if look.night:
        c.glow(x - math.copysign(30 * u, tilt), cy - 60 * u, 6 * u, 6 * u, (255, 90, 70), 0.6)
