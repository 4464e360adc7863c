"""Backdrops behind the subjects: sky, sun or moon, landforms, water, space, interiors, weather."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pixora.offline.media.scene_art.canvas import RGB, Canvas, Sprite, mix, noise1d
from pixora.offline.media.scene_art.palette import Look, Palette


def sky(c: Canvas, pal: Palette, horizon: float) -> None:
    """Three-stop sky gradient down to `horizon` (px); flat ground colour below."""
    t = np.clip(c.yy / max(horizon, 1.0), 0, 1)
    stops = np.array([pal.sky_top, pal.sky_mid, pal.horizon], np.float32)
    lo = np.clip(t * 2, 0, 1)
    hi = np.clip(t * 2 - 1, 0, 1)
    col = stops[0] + (stops[1] - stops[0]) * lo[..., None]
    col = col + (stops[2] - stops[1]) * hi[..., None]
    c.px[:] = col
    below = c.yy[:, 0] > horizon
    c.px[below] = np.asarray(pal.ground, np.float32) * 0.6 + np.asarray(pal.far) * 0.4


def stars(c: Canvas, density: float, horizon: float) -> None:
    """Point stars above the horizon, `density` 0..1, a few with a glow."""
    n = int(density * c.w * c.h / 900)
    if n <= 0:
        return
    xs = c.rng.integers(0, c.w, n)
    ys = np.minimum((c.rng.random(n) ** 1.4 * max(horizon - 2, 1)).astype(int), c.h - 1)
    bright = c.rng.random(n) ** 3 * 200 + 55
    c.px[ys, xs] = np.maximum(c.px[ys, xs], bright[:, None].astype(np.float32))
    for _ in range(max(n // 60, 1)):
        x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, horizon * 0.7)
        c.disc(x, y, 1.2 + c.rng.random(), (255, 255, 240), glow=1.5)


def light_source(c: Canvas, pal: Palette, horizon: float, x: float) -> None:
    """The sun or moon of the palette at column `x`, its height from `pal.light_height`."""
    scale = min(c.w, c.h)
    cy = horizon - pal.light_height * horizon * 0.85
    if pal.light_kind == "sun":
        r = scale * (0.075 if pal.light_height < 0.3 else 0.05)
        c.disc(x, cy, r, pal.light, glow=2.2, glow_color=pal.light)
    elif pal.light_kind == "moon":
        r = scale * 0.055
        c.disc(x, cy, r, pal.light, glow=1.6, glow_color=mix(pal.light, pal.sky_mid, 0.5))
        for _ in range(3):  # craters
            c.disc(x + c.rng.uniform(-0.5, 0.5) * r, cy + c.rng.uniform(-0.5, 0.5) * r,
                   r * c.rng.uniform(0.12, 0.22), mix(pal.light, (150, 150, 150), 0.35))


def mountains(c: Canvas, pal: Palette, horizon: float, layers: int, snowy: bool,
              tall: float = 1.0) -> None:
    """`layers` ridges of mountains standing on the horizon, `tall` x the usual height."""
    for i in range(layers):
        depth = (i + 1) / layers
        height = c.h * (0.28 - 0.07 * i) * tall
        ridge = horizon - height * (0.55 + 0.45 * noise1d(c.w, c.rng, 6, 3 + i))
        ridge = np.minimum(ridge, horizon + 2)
        col = mix(pal.horizon, mix(pal.far, pal.ground, depth * 0.7), 0.35 + 0.5 * depth)
        c.ridge_fill(ridge, col, shade=0.3)
        if i == 0 and (snowy or pal.light_kind == "sun"):
            wobble = c.h * 0.02 * noise1d(c.w, c.rng, 4, 12)
            line = horizon - height * (0.62 - 0.3 * snowy) + wobble
            top = max(int(ridge.min()) - 1, 0)
            alpha = np.clip(c.yy[top:] - ridge + 0.5, 0, 1) * np.clip(line - c.yy[top:], 0, 1)
            c.blend(alpha, mix((245, 248, 252), col, 0.2), (top, 0))


def hills(c: Canvas, pal: Palette, horizon: float) -> None:
    """Two rolling hill lines just below the horizon."""
    for i in range(2):
        depth = (i + 1) / 2
        ridge = horizon + c.h * 0.02 * i - c.h * (0.07 - 0.03 * i) * (
            1 + noise1d(c.w, c.rng, 3, 2))
        c.ridge_fill(ridge, mix(pal.far, pal.ground, 0.5 + 0.5 * depth), shade=0.45)


def dunes(c: Canvas, pal: Palette, horizon: float, sand: RGB = (214, 170, 112)) -> None:
    """Three dune lines with lit windward faces and shaded lee faces."""
    sand = mix(sand, pal.ground, 0.3)
    flip = 1 if c.rng.random() < 0.5 else -1
    for i in range(3):
        ridge = horizon + c.h * 0.07 * i - c.h * (0.05 + 0.02 * i) * (
            1 + np.abs(noise1d(c.w, c.rng, 3, 2 + i)))
        k = max(c.w // 14, 3)
        ridge = np.convolve(np.pad(ridge, k, mode="edge"), np.ones(k) / k, mode="same")[k:-k]
        slope = np.gradient(ridge) * flip * (720 / c.h)
        shade = np.clip(slope * 3, -0.6, 1)  # 1: lee face, in shadow
        top = max(int(ridge.min()) - 1, 0)
        below = c.yy[top:] - ridge[None, :]
        alpha = np.clip(below + 0.5, 0, 1)
        base = np.asarray(mix(sand, pal.horizon, 0.3 - 0.12 * i), np.float32)
        depth = np.clip(below / (c.h * 0.25), 0, 1)
        crest = np.exp(-np.maximum(below, 0) / (c.h * 0.08))
        factor = 1 - 0.3 * shade[None, :] * crest - 0.15 * depth
        c.blend(alpha, base[None, None, :] * factor[..., None], (top, 0))


def city(c: Canvas, pal: Palette, horizon: float, night: bool) -> None:
    """A skyline of block buildings with lit windows standing on the horizon."""
    x = 0.0
    base = mix(pal.far, pal.sky_top, 0.45)
    unit = max(c.w, c.h) / 1280
    while x < c.w:
        bw = c.rng.uniform(28, 90) * unit
        bh = c.h * c.rng.uniform(0.08, 0.32) * (1.0 if c.rng.random() > 0.15 else 1.5)
        x0, x1 = int(x), min(int(x + bw), c.w)
        y0, y1 = max(int(horizon - bh), 0), int(horizon) + 1
        c.px[y0:y1, x0:x1] = np.asarray(mix(base, pal.ground, c.rng.uniform(0, 0.4)), np.float32)
        lit = 0.35 if night else 0.12
        step = max(int(9 * unit), 5)
        for wy in range(y0 + step, y1 - step, step):
            for wx in range(x0 + step // 2, x1 - step // 2, step):
                if c.rng.random() < lit:
                    c.px[wy:wy + step // 2, wx:wx + max(step // 3, 2)] = pal.windows
        x += bw + c.rng.uniform(0, 10) * unit


def sea(c: Canvas, pal: Palette, horizon: float, light_x: float) -> None:
    """Water from the horizon down with a rippled glint under the light source."""
    top = int(horizon)
    rows = np.maximum(c.yy[top:, 0] - horizon, 0)
    t = np.clip(rows / max(c.h - horizon, 1), 0, 1)[:, None]
    water = (np.asarray(mix(pal.horizon, pal.sky_top, 0.4), np.float32) * (1 - t[..., None])
             + np.asarray(mix(pal.sky_top, pal.ground, 0.3), np.float32) * t[..., None])
    c.px[top:] = water
    if pal.light_kind:
        spread = (c.w * 0.05) * (1 + 3 * t)
        glint = np.exp(-(((c.xx - light_x) / spread) ** 2))
        ripple = 0.5 + 0.5 * np.sin(rows[:, None] ** 1.15 * 0.9 + c.rng.uniform(0, 6.28))
        c.blend(np.clip(glint * ripple * 0.8, 0, 1), pal.light, (top, 0))


def cliff(c: Canvas, look: Look, x: float, top: float) -> None:
    """A rocky headland with a grassy top at row `top`, centred on column `x`: a lit face, a
    shaded face, strata, and surf where it meets the water."""
    pal = look.pal
    half = c.w * c.rng.uniform(0.12, 0.18)
    rock = look.tone(mix((110, 96, 86), pal.ground, 0.25))
    shade = mix(rock, (10, 10, 20), 0.35)
    s = Sprite(c, (x - half * 2.2, top - c.h * 0.03, x + half * 2.2, c.h), ss=2)
    n = 7
    jag = c.rng.uniform(-1, 1, (2, n + 1)) * c.h * 0.015
    sides = []
    for k, sign in enumerate((-1, 1)):
        sides.append([(x + sign * half * (0.75 + 1.3 * (i / n) ** 1.6) + jag[k, i] * 2,
                       top + (c.h - top) * i / n) for i in range(n + 1)])
    outline = sides[0][::-1] + sides[1]
    s.poly(outline, rock)
    away = -look.side
    s.poly([(x + away * half * 0.1, top), *sides[0 if away < 0 else 1],
            (x + away * half * 0.4, c.h)], shade)
    for i in range(1, 5):  # strata
        y = top + (c.h - top) * 0.18 * i
        s.line([(x - half * (0.8 + 0.3 * i), y), (x + half * (0.8 + 0.3 * i), y + c.h * 0.01)],
               mix(rock, (0, 0, 0), 0.2), max(c.h * 0.003, 1))
    cap = look.tone((96, 130, 70) if look.setting != "snow" else (240, 244, 250), 0.2)
    s.poly([(x - half * 0.8, top + c.h * 0.012), (x - half * 0.74, top - c.h * 0.006),
            (x + half * 0.74, top - c.h * 0.006), (x + half * 0.8, top + c.h * 0.012)], cap)
    s.paste(look.side * 0.3, subject=False)
    water = max(look.horizon, top) + (c.h - max(look.horizon, top)) * 0.45
    foam = Sprite(c, (x - half * 2.4, water - c.h * 0.05, x + half * 2.4, water + c.h * 0.05),
                  ss=2)
    edge = half * (0.75 + 1.3 * ((water - top) / max(c.h - top, 1)) ** 1.6)
    for sign in (-1, 1):
        for _ in range(6):
            fx = x + sign * (edge + c.rng.uniform(-0.05, 0.5) * half)
            foam.ellipse(fx, water + c.rng.uniform(-0.01, 0.02) * c.h,
                         half * c.rng.uniform(0.1, 0.3), c.h * 0.008,
                         mix((250, 252, 255), pal.horizon, 0.15))
    foam.paste(opacity=0.85, subject=False)


def conifers(c: Canvas, pal: Palette, horizon: float) -> None:
    """Scattered conifer silhouettes on the ground in front of the horizon."""
    ss = 2
    mask = Image.new("L", (c.w * ss, c.h * ss), 0)
    draw = ImageDraw.Draw(mask)
    unit = min(c.w, c.h) / 720
    for _ in range(int(c.w / (26 * unit))):
        x = c.rng.uniform(0, c.w)
        base = horizon + c.rng.uniform(0.02, 0.38) * (c.h - horizon)
        th = c.rng.uniform(60, 170) * unit * (0.5 + (base - horizon) / (c.h - horizon + 1))
        tw = th * 0.32
        pts = [(x, base - th), (x - tw, base), (x + tw, base)]
        draw.polygon([(px * ss, py * ss) for px, py in pts], fill=255)
        draw.rectangle([(x - tw * 0.1) * ss, base * ss, (x + tw * 0.1) * ss,
                        (base + th * 0.12) * ss], fill=255)
    alpha = np.asarray(mask.resize((c.w, c.h), Image.Resampling.BOX), np.float32) / 255
    c.blend(alpha, mix(pal.ground, (0, 0, 0), 0.55))


def clouds(c: Canvas, look: Look, y: float) -> None:
    """A sea of clouds: soft lit puffs whose tops sit near row `y`."""
    pal = look.pal
    top_col = mix((255, 255, 255), pal.light, 0.35)
    under = mix(pal.horizon, pal.sky_mid, 0.5)
    unit = c.h / 720
    for row in range(3):
        n = int(c.w / (60 * unit)) + 2
        for i in range(n):
            r = c.rng.uniform(40, 90) * unit * (1 + 0.4 * row)
            cx = (i + c.rng.uniform(-0.4, 0.4)) * c.w / (n - 1)
            cy = y + row * 40 * unit + r * 0.5
            c.disc(cx, cy + r * 0.18, r, mix(under, top_col, 0.3 + 0.15 * row))
            c.disc(cx - r * 0.1, cy, r * 0.92, mix(top_col, under, 0.2 - 0.05 * row))
    c.px[int(min(y + 140 * unit, c.h)):] = np.asarray(mix(top_col, under, 0.35), np.float32)


def planets(c: Canvas, pal: Palette, count: int = 3) -> None:
    """Up to `count` ringed or shaded planets and soft nebula clouds on a space sky."""
    scale = min(c.w, c.h)
    hues = [(214, 120, 80), (110, 160, 220), (200, 170, 230), (230, 200, 140)]
    for i in range(min(count, 2 + int(c.rng.integers(0, 2)))):
        r = scale * c.rng.uniform(0.05, 0.2) / (1 + i * 0.5)
        cx, cy = c.rng.uniform(0.1, 0.9) * c.w, c.rng.uniform(0.15, 0.7) * c.h
        base = hues[int(c.rng.integers(0, len(hues)))]
        c.disc(cx, cy, r, base, glow=0.25, glow_color=mix(base, (255, 255, 255), 0.3))
        x0, x1 = max(int(cx - r), 0), min(int(cx + r) + 1, c.w)
        y0, y1 = max(int(cy - r), 0), min(int(cy + r) + 1, c.h)
        d = np.hypot(c.xx[:, x0:x1] - cx, c.yy[y0:y1] - cy)
        lit = np.clip(((c.xx[:, x0:x1] - cx) - (c.yy[y0:y1] - cy)) / (r * 1.6) + 0.5, 0, 1)
        c.blend(np.clip(r - d + 0.5, 0, 1) * (1 - lit) * 0.8, (4, 4, 14), (y0, x0))
        if i == 0:
            ring = np.abs(np.hypot(c.xx[:, x0:x1] - cx, (c.yy[y0:y1] - cy) * 3.2) - r * 1.45)
            c.blend(np.clip(1 - ring / (r * 0.09), 0, 1) * 0.7 * (d > r * 0.98),
                    mix(base, (255, 255, 255), 0.5), (y0, x0))
    nebula(c)


def nebula(c: Canvas) -> None:
    """Three soft coloured clouds over the whole frame."""
    scale = min(c.w, c.h)
    hues = [(214, 120, 80), (110, 160, 220), (200, 170, 230), (120, 90, 200)]
    for _ in range(3):
        cx, cy = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h)
        d = np.hypot(c.xx - cx, (c.yy - cy) * 1.6) / (scale * c.rng.uniform(0.3, 0.6))
        c.blend(np.exp(-d * d) * 0.3, hues[int(c.rng.integers(0, len(hues)))])


def earth(c: Canvas, cx: float, cy: float, r: float) -> None:
    """Earth as a lit disc of radius `r` px: ocean, land, cloud bands, a thin blue halo."""
    c.disc(cx, cy, r, (46, 96, 186), glow=0.08, glow_color=(120, 180, 255))
    x0, x1 = max(int(cx - r), 0), min(int(cx + r) + 1, c.w)
    y0, y1 = max(int(cy - r), 0), min(int(cy + r) + 1, c.h)
    if x0 >= x1 or y0 >= y1:
        return
    u, v = (c.xx[:, x0:x1] - cx) / r, (c.yy[y0:y1] - cy) / r
    inside = np.clip((1 - np.hypot(u, v)) * r + 0.5, 0, 1)
    land = np.sin(u * 5.1 + 1.3) * np.cos(v * 4.3 - 0.7) + 0.4 * np.sin(u * 11 + v * 9)
    c.blend(inside * np.clip((land - 0.35) * 4, 0, 1), (70, 130, 70), (y0, x0))
    cloud = np.sin(v * 14 + np.sin(u * 6) * 2) * np.cos(u * 3 - v)
    c.blend(inside * np.clip((cloud - 0.4) * 2, 0, 0.8), (240, 244, 250), (y0, x0))
    lit = np.clip((u * 0.6 - v * 0.8) * 1.4 + 0.3, 0, 1)
    c.blend(inside * (1 - lit) * 0.85, (2, 4, 14), (y0, x0))


def orbit_limb(c: Canvas) -> None:
    """The curved edge of Earth along the bottom of the frame, seen from orbit."""
    r = c.w * 1.6
    earth(c, c.w * c.rng.uniform(0.3, 0.7), c.h * 0.78 + r, r)
    c.glow(c.w / 2, c.h * 0.8, c.w * 0.8, c.h * 0.05, (110, 170, 255), 0.5)


def lunar(c: Canvas, look: Look) -> None:
    """Grey cratered ground from the horizon down, with Earth rising above it."""
    horizon = look.horizon
    ridge = horizon - c.h * 0.03 * (1 + noise1d(c.w, c.rng, 4, 3))
    c.ridge_fill(ridge, (120, 118, 122), shade=0.55)
    s = Sprite(c, (0, horizon - c.h * 0.05, c.w, c.h), ss=2)
    for y in np.sort(c.rng.uniform(horizon + c.h * 0.03, c.h, 12)):
        depth = (y - horizon) / max(c.h - horizon, 1)
        rx = c.w * c.rng.uniform(0.025, 0.06) * (0.3 + depth)
        x = c.rng.uniform(0, c.w)
        s.ellipse(x, y, rx * 1.12, rx * 0.32, (150, 148, 152))
        s.ellipse(x, y + rx * 0.03, rx, rx * 0.26, (84, 82, 90))
        s.ellipse(x + look.side * rx * 0.12, y + rx * 0.08, rx * 0.8, rx * 0.16, (104, 102, 108))
    s.paste(subject=False)
    ex = c.w * (0.25 if look.light_x > c.w / 2 else 0.72)
    earth(c, ex, horizon - c.h * c.rng.uniform(0.12, 0.3), min(c.w, c.h) * 0.09)


def galaxy(c: Canvas, x: float, y: float, r: float) -> None:
    """A tilted two-armed spiral galaxy of radius `r` px centred on (x, y)."""
    win = c._window(x, y, r * 1.3, r * 1.3)
    if win is None:
        return
    x0, y0, x1, y1 = win
    tilt = c.rng.uniform(-0.6, 0.6)
    u, v = c.xx[:, x0:x1] - x, c.yy[y0:y1] - y
    ur = u * np.cos(tilt) + v * np.sin(tilt)
    vr = (-u * np.sin(tilt) + v * np.cos(tilt)) / 0.42
    rad = np.hypot(ur, vr) / r
    theta = np.arctan2(vr, ur)
    arms = np.clip(np.cos(2 * (theta - 3.6 * np.log(rad + 0.06))), 0, 1) ** 2.5
    arms = arms * np.exp(-rad * 2.4) * (rad < 1.3)
    c.add(arms * 0.9, (150, 170, 255), (y0, x0))
    c.add(np.exp(-rad * 3.2) * 0.35, (200, 160, 255), (y0, x0))
    c.add(np.exp(-(rad / 0.1) ** 2) * 0.95, (255, 236, 200), (y0, x0))
    n = int(r * 1.5)
    sx = c.rng.normal(0, 0.45, n) * r
    sy = c.rng.normal(0, 0.18, n) * r
    px = np.clip((x + sx * np.cos(tilt) - sy * np.sin(tilt)).astype(int), 0, c.w - 1)
    py = np.clip((y + sx * np.sin(tilt) + sy * np.cos(tilt)).astype(int), 0, c.h - 1)
    c.px[py, px] = np.maximum(c.px[py, px], 230.0)


def seabed(c: Canvas, pal: Palette) -> None:
    """Light shafts from the surface, a sandy floor and drifting bubbles."""
    for _ in range(6):
        x = c.rng.uniform(0, c.w)
        slope = c.rng.uniform(-0.35, 0.35)
        width = c.w * c.rng.uniform(0.02, 0.06)
        dist = np.abs(c.xx - (x + slope * c.yy)) / width
        c.blend(np.exp(-dist * dist) * np.exp(-c.yy / (c.h * 0.7)) * 0.35, pal.light)
    ridge = c.h * 0.86 - c.h * 0.05 * (1 + noise1d(c.w, c.rng, 4, 3))
    c.ridge_fill(ridge, pal.ground, shade=0.6)
    for _ in range(int(c.w / 40)):
        c.disc(c.rng.uniform(0, c.w), c.rng.uniform(0, c.h * 0.85),
               c.rng.uniform(1.5, 6) * c.h / 720, (220, 250, 255), glow=0.3)


def interior(c: Canvas, look: Look, table_y: float, window_x: float, dark: bool) -> None:
    """A room: a warm wall with a window showing the sky of the palette, light spilling from
    it, and a wooden table top from row `table_y` down. `dark` gives a dim, lamp-lit room."""
    pal = look.pal
    walls = ((214, 190, 160), (170, 186, 164), (160, 178, 196), (204, 150, 120), (226, 218, 204))
    wall = mix(walls[int(c.rng.integers(0, len(walls)))], pal.sky_mid, 0.2)
    wall = mix(wall, (40, 30, 36), 0.72 if dark else 0.15)
    t = c.yy / max(table_y, 1)
    c.px[:] = (np.asarray(mix(wall, (0, 0, 0), 0.25), np.float32) * (1 - t[..., None])
               + np.asarray(wall, np.float32) * t[..., None])
    ww, wh = c.w * 0.2, c.h * 0.42
    wx0, wy0 = window_x - ww / 2, table_y - wh - c.h * 0.12
    if wy0 > c.h * 0.02:
        y0, y1 = int(max(wy0, 0)), int(wy0 + wh)
        x0, x1 = int(max(wx0, 0)), int(min(wx0 + ww, c.w))
        if x1 > x0:
            tt = np.linspace(0, 1, y1 - y0, dtype=np.float32)[:, None, None]
            c.px[y0:y1, x0:x1] = (np.asarray(pal.sky_top, np.float32) * (1 - tt)
                                  + np.asarray(pal.horizon, np.float32) * tt)
        frame = mix(wall, (255, 255, 255), 0.35) if not dark else mix(wall, (0, 0, 0), 0.3)
        s = Sprite(c, (wx0 - 10, wy0 - 10, wx0 + ww + 10, wy0 + wh + 10), ss=2)
        bar = max(c.h * 0.012, 2)
        for fx in (wx0, wx0 + ww / 2, wx0 + ww):
            s.rect(fx - bar, wy0, fx + bar, wy0 + wh, frame)
        for fy in (wy0, wy0 + wh / 2, wy0 + wh):
            s.rect(wx0 - bar, fy - bar, wx0 + ww + bar, fy + bar, frame)
        s.paste(subject=False)
        if not dark:
            c.glow(window_x + look.side * c.w * 0.1, table_y, c.w * 0.3, c.h * 0.25,
                   pal.light, 0.35)
    if dark:
        c.glow(window_x, table_y, c.w * 0.35, c.h * 0.3, (255, 190, 110), 0.45)
    shelf_x = c.w - window_x
    if c.rng.random() < 0.6:
        sy = table_y - c.h * c.rng.uniform(0.3, 0.42)
        s = Sprite(c, (shelf_x - c.w * 0.14, sy - c.h * 0.14, shelf_x + c.w * 0.14, sy + 8),
                   ss=2)
        board = look.tone(mix((120, 84, 56), wall, 0.2))
        s.rect(shelf_x - c.w * 0.12, sy, shelf_x + c.w * 0.12, sy + c.h * 0.012, board)
        for k in range(int(c.rng.integers(3, 6))):
            jx = shelf_x - c.w * 0.1 + k * c.w * 0.045
            jh = c.h * c.rng.uniform(0.05, 0.11)
            col = look.tone(((90, 130, 110), (200, 170, 120), (150, 80, 60), (230, 226, 214),
                             (70, 90, 140))[int(c.rng.integers(0, 5))])
            s.rect(jx - c.w * 0.014, sy - jh, jx + c.w * 0.014, sy, col, radius=c.h * 0.006)
        s.paste(look.side * 0.3, subject=False)
    elif dark:
        lx = shelf_x
        s = Sprite(c, (lx - c.w * 0.06, 0, lx + c.w * 0.06, c.h * 0.3), ss=2)
        s.line([(lx, 0), (lx, c.h * 0.2)], (30, 26, 24), max(c.h * 0.003, 1))
        s.pie(lx, c.h * 0.26, c.w * 0.05, c.h * 0.06, 180, 360, look.tone((60, 56, 50)))
        s.paste(subject=False)
        c.glow(lx, c.h * 0.27, c.w * 0.12, c.h * 0.12, (255, 200, 120), 0.6)
    table_top(c, look, table_y)


def table_top(c: Canvas, look: Look, table_y: float) -> None:
    """A wooden table top with grain from row `table_y` to the bottom of the frame."""
    y0 = int(table_y)
    wood = look.tone((150, 100, 62), 0.1)
    rows = c.yy[y0:, 0] - table_y
    depth = (rows / max(c.h - table_y, 1))[:, None, None]
    grain = 1 + 0.05 * np.sin(c.xx[..., None] * 0.02 + rows[:, None, None] * 0.3
                               + np.sin(c.xx[..., None] * 0.005) * 3)
    c.px[y0:] = np.asarray(wood, np.float32) * (0.8 + 0.35 * depth) * grain
    c.px[y0:y0 + max(int(c.h * 0.006), 1)] = np.asarray(mix(wood, (255, 255, 255), 0.25),
                                                       np.float32)


def weather(c: Canvas, kinds: frozenset[str], pal: Palette) -> None:
    """Fog band, snowflakes and rain streaks over the whole frame."""
    if "fog" in kinds:
        band = np.exp(-(((c.yy - c.h * 0.6) / (c.h * 0.25)) ** 2))
        c.blend(np.broadcast_to(band * 0.45, (c.h, c.w)).copy(), mix(pal.horizon, (230,) * 3, 0.5))
    if "snow" in kinds:
        for _ in range(int(c.w * c.h / 2500)):
            c.disc(c.rng.uniform(0, c.w), c.rng.uniform(0, c.h),
                   c.rng.uniform(0.8, 2.6) * c.h / 720, (250, 250, 255))
    if "rain" in kinds:
        img = Image.new("L", (c.w, c.h), 0)
        draw = ImageDraw.Draw(img)
        for _ in range(int(c.w * c.h / 1800)):
            x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h)
            ln = c.rng.uniform(8, 22) * c.h / 720
            draw.line([(x, y), (x - ln * 0.2, y + ln)], fill=90, width=1)
        c.blend(np.asarray(img, np.float32) / 255, (210, 220, 235))
