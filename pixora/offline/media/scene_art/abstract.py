"""Abstract compositions for prompts that name nothing drawable, one of three by seed:
concentric rings of light, flowing ribbons across the sky, or standing geometric forms."""

from __future__ import annotations

import numpy as np

from pixora.offline.media.scene_art.canvas import HOLE, RGB, Canvas, Sprite, mix
from pixora.offline.media.scene_art.palette import Look
from pixora.offline.media.scene_art.prompt import SceneReading


def _accents(look: Look) -> tuple[RGB, RGB, RGB]:
    pal = look.pal
    return (mix(pal.light, pal.horizon, 0.3), mix(pal.sky_mid, (255, 255, 255), 0.25),
            mix(pal.sky_top, pal.light, 0.45))


def rings(c: Canvas, look: Look, x: float, y: float, r: float) -> None:
    """A disc of light with soft concentric rings and a partial arc, radius `r` px."""
    a, b, d = _accents(look)
    dist = np.hypot(c.xx - x, c.yy - y)
    for k, col in enumerate((b, d, a)):
        rr = r * (2.2 - 0.5 * k)
        c.blend(np.clip(1 - np.abs(dist - rr) / (r * 0.04), 0, 1) * 0.45, col)
    c.disc(x, y, r, a, glow=0.8, glow_color=mix(a, (255, 255, 255), 0.2))
    arc = np.clip(1 - np.abs(dist - r * 1.45) / (r * 0.12), 0, 1) * (c.yy < y - r * 0.2)
    c.blend(arc * 0.6 * (c.xx < x), d)


def ribbons(c: Canvas, look: Look, y: float, amp: float) -> None:
    """Three translucent ribbons waving across the frame around row `y`."""
    for k, col in enumerate(_accents(look)):
        phase, freq = c.rng.uniform(0, 6.3), c.rng.uniform(1.5, 3.0) * np.pi / c.w
        centre = y + (k - 1) * amp * 0.5 + np.sin(c.xx * freq + phase) * amp
        width = amp * (0.16 + 0.05 * k) * (1 + 0.5 * np.sin(c.xx * freq * 0.7 + k))
        d = np.abs(c.yy - centre) / width
        c.blend(np.clip(1.2 - d, 0, 1) * 0.55, col)
        c.add(np.exp(-d * d * 4) * 0.18, (255, 255, 255))


def forms(c: Canvas, look: Look, x: float, base: float, size: float) -> None:
    """Standing geometric forms (a sphere on a plinth, a pyramid, an arch) `size` px tall."""
    a, b, d = _accents(look)
    order = [0, 1, 2]
    c.rng.shuffle(order)
    s = Sprite(c, (x - size * 1.4, base - size * 1.05, x + size * 1.4, base + 2))
    for slot, kind in zip((-0.9, 0.0, 0.9), order, strict=True):
        fx, h = x + slot * size, size * (1.0 if slot == 0 else 0.62)
        col = look.tone((a, b, d)[kind], 0.2)
        if kind == 0:
            s.rect(fx - h * 0.2, base - h * 0.5, fx + h * 0.2, base, mix(col, (0, 0, 0), 0.2))
            s.ellipse(fx, base - h * 0.74, h * 0.25, h * 0.25, col)
        elif kind == 1:
            s.poly([(fx - h * 0.4, base), (fx + h * 0.4, base), (fx, base - h)], col)
        else:
            s.rect(fx - h * 0.35, base - h * 0.7, fx + h * 0.35, base, col)
            s.pie(fx, base - h * 0.7, h * 0.35, h * 0.3, 180, 360, col)
            s.rect(fx - h * 0.18, base - h * 0.5, fx + h * 0.18, base + 1, HOLE)
            s.pie(fx, base - h * 0.5, h * 0.18, h * 0.16, 180, 360, HOLE)
        c.shadow(fx + look.side * -h * 0.3, base, h * 0.45, h * 0.04)
    s.paste(look.side * 0.6)


def abstract(
    c: Canvas, look: Look, scene: SceneReading, x: float, base: float, size: float
) -> None:
    """One of the three compositions, chosen and placed by the frame's seed."""
    style = int(c.rng.integers(0, 3))
    if style == 0:
        rings(c, look, x, min(base - size * 0.6, look.horizon * 0.6), size * 0.35)
    elif style == 1:
        ribbons(c, look, look.horizon * c.rng.uniform(0.4, 0.7), c.h * 0.12)
    else:
        forms(c, look, x, base, size)
