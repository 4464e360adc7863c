"""Offline scene stills: a Pillow + numpy scene renderer driven by the visual prompt.

The renderer reads the prompt for a time of day or setting (night, sunset, dawn, day, neon,
underwater, space) and for landscape motifs (mountains, hills, city skyline, sea, trees,
desert, planets), takes its palette from the mood category and the lighting, then grades the
frame (saturation, vignette, film grain) and sets the title as a lower third. Output is a PNG
of exactly the requested size. The same request and seed always give the same pixels.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pixora.media.presets import resolve_mood
from pixora.media.protocols import ImageRequest, MediaFile

RGB = tuple[int, int, int]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


SETTING_WORDS: dict[str, re.Pattern[str]] = {
    "underwater": _words("underwater", "under the sea", "undersea", "reef", "coral", "deep sea",
                         "submarine", "scuba"),
    "space": _words("space", "galaxy", "galaxies", "cosmos", "cosmic", "nebula", "astronaut",
                    "outer space", "orbit", "planet", "star ?field"),
    "neon": _words("neon", "cyberpunk", "synthwave", "vaporwave", "club", "arcade", "laser"),
    "night": _words("night", "midnight", "moon", "starry", "starlit", "dark sky", "after dark"),
    "sunset": _words("sunset", "dusk", "golden hour", "twilight", "evening", "sundown"),
    "dawn": _words("dawn", "sunrise", "daybreak", "early morning", "first light", "morning"),
    "day": _words("day", "sunny", "noon", "midday", "afternoon", "bright sun", "blue sky",
                  "summer"),
}
"""Settings in priority order: the first whose words appear in the prompt wins."""

LIGHTING_SETTING: dict[str, str] = {
    "golden_hour": "sunset", "neon_glow": "neon", "neon_noir": "neon", "natural": "day",
    "warm_ambient": "dawn", "soft_key": "sunset", "high_contrast": "day", "volumetric": "dream",
    "moonlight": "night", "night": "night",
}
MOOD_SETTING: dict[str, str] = {
    "high_energy": "day", "luxury_reveal": "sunset", "intimate_story": "dawn",
    "surreal_trip": "dream",
}

MOTIF_WORDS: dict[str, re.Pattern[str]] = {
    "mountains": _words("mountain", "peak", "alp", "summit", "cliff", "volcano", "ridge",
                        "highland", "glacier"),
    "hills": _words("hill", "meadow", "field", "countryside", "valley", "farm", "grass",
                    "prairie", "vineyard", "garden", "park"),
    "city": _words("city", "cities", "skyline", "street", "urban", "building", "downtown",
                   "skyscraper", "tower", "town", "metropolis", "rooftop", "cyberpunk"),
    "sea": _words("sea", "ocean", "beach", "coast", "lake", "wave", "harbo", "shore", "river",
                  "bay", "island", "sail", "boat", "surf"),
    "trees": _words("forest", "tree", "wood", "jungle", "pine", "grove", "park", "garden"),
    "desert": _words("desert", "dune", "sand", "canyon", "sahara"),
    "planets": _words("planet", "galaxy", "cosmos", "saturn", "jupiter", "mars", "nebula",
                      "astronaut", "space", "orbit"),
}
WEATHER_WORDS: dict[str, re.Pattern[str]] = {
    "snow": _words("snow", "winter", "blizzard", "frost", "ice", "icy", "arctic"),
    "rain": _words("rain", "storm", "drizzle", "downpour"),
    "fog": _words("fog", "mist", "haze", "smoke"),
}


@dataclass(frozen=True)
class Palette:
    """Colours of one setting: sky stops top to horizon, ground, light source, haze."""

    sky_top: RGB
    sky_mid: RGB
    horizon: RGB
    ground: RGB
    far: RGB
    light: RGB
    light_kind: str  # "sun", "moon" or ""
    light_height: float  # 0 = on the horizon, 1 = top of the frame
    stars: float  # star density, 0..1
    windows: RGB  # lit windows in a skyline


PALETTES: dict[str, Palette] = {
    "day": Palette((62, 120, 204), (128, 178, 228), (204, 226, 242), (72, 122, 78),
                   (120, 150, 178), (255, 250, 228), "sun", 0.78, 0.0, (200, 220, 235)),
    "sunset": Palette((38, 40, 96), (196, 92, 96), (255, 178, 96), (58, 40, 52),
                      (140, 80, 96), (255, 214, 140), "sun", 0.12, 0.0, (255, 200, 120)),
    "dawn": Palette((84, 106, 168), (206, 158, 176), (255, 212, 176), (82, 92, 88),
                    (150, 140, 166), (255, 236, 200), "sun", 0.16, 0.0, (255, 220, 170)),
    "night": Palette((4, 7, 22), (14, 22, 52), (34, 48, 88), (10, 14, 26), (22, 30, 56),
                     (236, 236, 220), "moon", 0.7, 0.8, (255, 206, 120)),
    "neon": Palette((12, 4, 32), (58, 12, 86), (196, 36, 150), (16, 8, 30), (70, 20, 96),
                    (255, 96, 200), "sun", 0.22, 0.3, (60, 240, 255)),
    "snow": Palette((150, 172, 204), (196, 210, 226), (232, 236, 242), (236, 240, 246),
                    (188, 198, 214), (255, 255, 250), "sun", 0.6, 0.0, (255, 230, 180)),
    "underwater": Palette((40, 170, 190), (16, 96, 140), (6, 44, 84), (200, 184, 140),
                          (10, 60, 100), (210, 255, 250), "", 1.0, 0.0, (180, 255, 240)),
    "space": Palette((2, 2, 10), (8, 6, 26), (22, 12, 48), (30, 26, 46), (40, 30, 70),
                     (255, 240, 210), "", 0.0, 1.0, (255, 255, 255)),
    "dream": Palette((48, 26, 104), (150, 80, 170), (250, 160, 186), (60, 40, 96),
                     (130, 96, 170), (255, 236, 246), "moon", 0.55, 0.25, (255, 190, 240)),
}

MOOD_GRADE: dict[str, tuple[float, float, RGB]] = {
    "high_energy": (1.25, 1.12, (255, 244, 236)),
    "luxury_reveal": (1.05, 1.04, (255, 236, 204)),
    "intimate_story": (0.92, 0.96, (255, 232, 212)),
    "surreal_trip": (1.15, 1.0, (236, 214, 255)),
}
"""Per mood: saturation factor, contrast factor, tint (multiplied in)."""


@dataclass(frozen=True)
class Scene:
    """What the prompt asks for: a setting, landscape motifs and weather."""

    setting: str
    motifs: frozenset[str]
    weather: frozenset[str]


def read_scene(prompt: str, mood: str, lighting: str = "", seed: int = 0) -> Scene:
    """The setting, motifs and weather named by a visual prompt, with mood-based fallbacks."""
    weather = {name for name, rx in WEATHER_WORDS.items() if rx.search(prompt)}
    setting = next((name for name, rx in SETTING_WORDS.items() if rx.search(prompt)), None)
    if setting is None or (setting == "day" and "snow" in weather):
        light = lighting.strip().lower().replace(" ", "_")
        setting = "snow" if "snow" in weather else (
            LIGHTING_SETTING.get(light) or MOOD_SETTING[resolve_mood(mood)])
    motifs = {name for name, rx in MOTIF_WORDS.items() if rx.search(prompt)}
    if setting == "space":
        motifs = {"planets"}
    elif setting == "underwater":
        motifs = {"seabed"}
    else:
        motifs.discard("planets")
        if not motifs & {"mountains", "hills", "city", "sea", "desert"}:
            fallback = ("hills", "mountains", "sea")[seed % 3]
            motifs |= {fallback, "mountains"} if fallback == "hills" else {fallback}
    return Scene(setting, frozenset(motifs), frozenset(weather))


class _Canvas:
    """A float32 RGB frame with anti-aliased blending helpers."""

    def __init__(self, w: int, h: int, rng: np.random.Generator) -> None:
        self.w, self.h, self.rng = w, h, rng
        self.px = np.zeros((h, w, 3), np.float32)
        self.yy = np.arange(h, dtype=np.float32)[:, None]
        self.xx = np.arange(w, dtype=np.float32)[None, :]

    def blend(self, alpha: np.ndarray, color: RGB | np.ndarray, box: tuple[int, int] = (0, 0),
              ) -> None:
        """Blend `color` over the region starting at row `box[0]`, using `alpha` (0..1)."""
        y0, x0 = box
        h, w = alpha.shape
        region = self.px[y0:y0 + h, x0:x0 + w]
        a = alpha[..., None]
        region += (np.asarray(color, np.float32) - region) * a

    def ridge_fill(self, ridge: np.ndarray, color: RGB, shade: float = 0.0) -> None:
        """Fill below the curve `ridge` (one row value per column), darker with depth."""
        top = max(int(ridge.min()) - 1, 0)
        alpha = np.clip(self.yy[top:] - ridge[None, :] + 0.5, 0.0, 1.0)
        if shade:
            depth = np.clip((self.yy[top:] - ridge[None, :]) / (self.h * 0.5), 0, 1)
            col = np.asarray(color, np.float32) * (1 - shade * depth[..., None])
            self.blend(alpha, col, (top, 0))
        else:
            self.blend(alpha, color, (top, 0))

    def disc(self, cx: float, cy: float, r: float, color: RGB, glow: float = 0.0,
             glow_color: RGB | None = None) -> None:
        """An anti-aliased disc of radius `r` px with an optional soft glow `glow` x r wide."""
        reach = r * (1 + glow * 3) + 2
        x0, x1 = max(int(cx - reach), 0), min(int(cx + reach) + 1, self.w)
        y0, y1 = max(int(cy - reach), 0), min(int(cy + reach) + 1, self.h)
        if x0 >= x1 or y0 >= y1:
            return
        d = np.hypot(self.xx[:, x0:x1] - cx, self.yy[y0:y1] - cy)
        if glow:
            halo = np.exp(-np.maximum(d - r, 0) / (r * glow)) * 0.55
            self.blend(halo, glow_color or color, (y0, x0))
        self.blend(np.clip(r - d + 0.5, 0, 1), color, (y0, x0))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _noise1d(n: int, rng: np.random.Generator, octaves: int = 5, base: int = 4) -> np.ndarray:
    """Fractal value noise over `n` samples, roughly in -1..1."""
    x = np.linspace(0, 1, n)
    out = np.zeros(n)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        k = base * 2**o + 1
        out += amp * np.interp(x, np.linspace(0, 1, k), rng.uniform(-1, 1, k))
        total += amp
        amp *= 0.5
    return out / total


def _sky(c: _Canvas, pal: Palette, horizon: float) -> None:
    t = np.clip(c.yy / max(horizon, 1.0), 0, 1)
    stops = np.array([pal.sky_top, pal.sky_mid, pal.horizon], np.float32)
    lo = np.clip(t * 2, 0, 1)
    hi = np.clip(t * 2 - 1, 0, 1)
    col = stops[0] + (stops[1] - stops[0]) * lo[..., None]
    col = col + (stops[2] - stops[1]) * hi[..., None]
    c.px[:] = col
    below = c.yy[:, 0] > horizon
    c.px[below] = np.asarray(pal.ground, np.float32) * 0.6 + np.asarray(pal.far) * 0.4


def _stars(c: _Canvas, density: float, horizon: float) -> None:
    n = int(density * c.w * c.h / 900)
    if n <= 0:
        return
    xs = c.rng.integers(0, c.w, n)
    ys = (c.rng.random(n) ** 1.4 * max(horizon - 2, 1)).astype(int)
    bright = c.rng.random(n) ** 3 * 200 + 55
    c.px[ys, xs] = np.maximum(c.px[ys, xs], bright[:, None].astype(np.float32))
    for _ in range(max(n // 60, 1)):
        x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, horizon * 0.7)
        c.disc(x, y, 1.2 + c.rng.random(), (255, 255, 240), glow=1.5)


def _light(c: _Canvas, pal: Palette, horizon: float, scale: float) -> tuple[float, float]:
    cx = c.w * c.rng.uniform(0.55, 0.8)
    cy = horizon - pal.light_height * horizon * 0.85
    if pal.light_kind == "sun":
        r = scale * (0.075 if pal.light_height < 0.3 else 0.05)
        c.disc(cx, cy, r, pal.light, glow=2.2, glow_color=pal.light)
    elif pal.light_kind == "moon":
        r = scale * 0.055
        c.disc(cx, cy, r, pal.light, glow=1.6, glow_color=_mix(pal.light, pal.sky_mid, 0.5))
        for _ in range(3):  # craters
            c.disc(cx + c.rng.uniform(-0.5, 0.5) * r, cy + c.rng.uniform(-0.5, 0.5) * r,
                   r * c.rng.uniform(0.12, 0.22), _mix(pal.light, (150, 150, 150), 0.35))
    return cx, cy


def _mountains(c: _Canvas, pal: Palette, horizon: float, layers: int, snowy: bool) -> None:
    for i in range(layers):
        depth = (i + 1) / layers
        height = c.h * (0.28 - 0.07 * i)
        ridge = horizon - height * (0.55 + 0.45 * _noise1d(c.w, c.rng, 6, 3 + i))
        ridge = np.minimum(ridge, horizon + 2)
        col = _mix(pal.horizon, _mix(pal.far, pal.ground, depth * 0.7), 0.35 + 0.5 * depth)
        c.ridge_fill(ridge, col, shade=0.3)
        if i == 0 and (snowy or pal.light_kind == "sun"):
            wobble = c.h * 0.02 * _noise1d(c.w, c.rng, 4, 12)
            line = horizon - height * (0.62 - 0.3 * snowy) + wobble
            top = max(int(ridge.min()) - 1, 0)
            alpha = np.clip(c.yy[top:] - ridge + 0.5, 0, 1) * np.clip(line - c.yy[top:], 0, 1)
            c.blend(alpha, _mix((245, 248, 252), col, 0.2), (top, 0))


def _hills(c: _Canvas, pal: Palette, horizon: float) -> None:
    for i in range(2):
        depth = (i + 1) / 2
        ridge = horizon + c.h * 0.02 * i - c.h * (0.07 - 0.03 * i) * (
            1 + _noise1d(c.w, c.rng, 3, 2))
        c.ridge_fill(ridge, _mix(pal.far, pal.ground, 0.5 + 0.5 * depth), shade=0.45)


def _desert(c: _Canvas, pal: Palette, horizon: float) -> None:
    sand = _mix((214, 170, 112), pal.ground, 0.35)
    for i in range(3):
        ridge = horizon + c.h * 0.06 * i - c.h * 0.05 * (1 + np.abs(_noise1d(c.w, c.rng, 2, 2)))
        c.ridge_fill(ridge, _mix(sand, pal.horizon, 0.3 - 0.1 * i), shade=0.35)


def _city(c: _Canvas, pal: Palette, horizon: float, night: bool) -> None:
    x = 0.0
    base = _mix(pal.far, pal.sky_top, 0.45)
    unit = max(c.w, c.h) / 1280
    while x < c.w:
        bw = c.rng.uniform(28, 90) * unit
        bh = c.h * c.rng.uniform(0.08, 0.32) * (1.0 if c.rng.random() > 0.15 else 1.5)
        x0, x1 = int(x), min(int(x + bw), c.w)
        y0, y1 = max(int(horizon - bh), 0), int(horizon) + 1
        c.px[y0:y1, x0:x1] = np.asarray(_mix(base, pal.ground, c.rng.uniform(0, 0.4)), np.float32)
        lit = 0.35 if night else 0.12
        step = max(int(9 * unit), 5)
        for wy in range(y0 + step, y1 - step, step):
            for wx in range(x0 + step // 2, x1 - step // 2, step):
                if c.rng.random() < lit:
                    c.px[wy:wy + step // 2, wx:wx + max(step // 3, 2)] = pal.windows
        x += bw + c.rng.uniform(0, 10) * unit


def _sea(c: _Canvas, pal: Palette, horizon: float, light_x: float) -> None:
    top = int(horizon)
    rows = np.maximum(c.yy[top:, 0] - horizon, 0)
    t = np.clip(rows / max(c.h - horizon, 1), 0, 1)[:, None]
    water = (np.asarray(_mix(pal.horizon, pal.sky_top, 0.4), np.float32) * (1 - t[..., None])
             + np.asarray(_mix(pal.sky_top, pal.ground, 0.3), np.float32) * t[..., None])
    c.px[top:] = water
    if pal.light_kind:
        spread = (c.w * 0.05) * (1 + 3 * t)
        glint = np.exp(-(((c.xx - light_x) / spread) ** 2))
        ripple = 0.5 + 0.5 * np.sin(rows[:, None] ** 1.15 * 0.9 + c.rng.uniform(0, 6.28))
        c.blend(np.clip(glint * ripple * 0.8, 0, 1), pal.light, (top, 0))


def _trees(c: _Canvas, pal: Palette, horizon: float) -> None:
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
    c.blend(alpha, _mix(pal.ground, (0, 0, 0), 0.55))


def _planets(c: _Canvas, pal: Palette, scale: float) -> None:
    hues = [(214, 120, 80), (110, 160, 220), (200, 170, 230), (230, 200, 140)]
    for i in range(2 + int(c.rng.integers(0, 2))):
        r = scale * c.rng.uniform(0.05, 0.2) / (1 + i * 0.5)
        cx, cy = c.rng.uniform(0.1, 0.9) * c.w, c.rng.uniform(0.15, 0.7) * c.h
        base = hues[int(c.rng.integers(0, len(hues)))]
        c.disc(cx, cy, r, base, glow=0.25, glow_color=_mix(base, (255, 255, 255), 0.3))
        x0, x1 = max(int(cx - r), 0), min(int(cx + r) + 1, c.w)
        y0, y1 = max(int(cy - r), 0), min(int(cy + r) + 1, c.h)
        d = np.hypot(c.xx[:, x0:x1] - cx, c.yy[y0:y1] - cy)
        lit = np.clip(((c.xx[:, x0:x1] - cx) - (c.yy[y0:y1] - cy)) / (r * 1.6) + 0.5, 0, 1)
        c.blend(np.clip(r - d + 0.5, 0, 1) * (1 - lit) * 0.8, (4, 4, 14), (y0, x0))
        if i == 0:
            ring = np.abs(np.hypot(c.xx[:, x0:x1] - cx, (c.yy[y0:y1] - cy) * 3.2) - r * 1.45)
            c.blend(np.clip(1 - ring / (r * 0.09), 0, 1) * 0.7 * (d > r * 0.98),
                    _mix(base, (255, 255, 255), 0.5), (y0, x0))
    for _ in range(3):  # nebula clouds
        cx, cy = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h)
        d = np.hypot(c.xx - cx, (c.yy - cy) * 1.6) / (scale * c.rng.uniform(0.3, 0.6))
        c.blend(np.exp(-d * d) * 0.35, hues[int(c.rng.integers(0, len(hues)))])


def _underwater(c: _Canvas, pal: Palette) -> None:
    for _ in range(6):  # light shafts from the surface
        x = c.rng.uniform(0, c.w)
        slope = c.rng.uniform(-0.35, 0.35)
        width = c.w * c.rng.uniform(0.02, 0.06)
        dist = np.abs(c.xx - (x + slope * c.yy)) / width
        c.blend(np.exp(-dist * dist) * np.exp(-c.yy / (c.h * 0.7)) * 0.35, pal.light)
    ridge = c.h * 0.86 - c.h * 0.05 * (1 + _noise1d(c.w, c.rng, 4, 3))
    c.ridge_fill(ridge, pal.ground, shade=0.6)
    for _ in range(int(c.w / 40)):
        c.disc(c.rng.uniform(0, c.w), c.rng.uniform(0, c.h * 0.85),
               c.rng.uniform(1.5, 6) * c.h / 720, (220, 250, 255), glow=0.3)


def _weather(c: _Canvas, weather: frozenset[str], pal: Palette) -> None:
    if "fog" in weather:
        band = np.exp(-(((c.yy - c.h * 0.6) / (c.h * 0.25)) ** 2))
        c.blend(np.broadcast_to(band * 0.45, (c.h, c.w)).copy(), _mix(pal.horizon, (230,) * 3, 0.5))
    if "snow" in weather:
        for _ in range(int(c.w * c.h / 2500)):
            c.disc(c.rng.uniform(0, c.w), c.rng.uniform(0, c.h),
                   c.rng.uniform(0.8, 2.6) * c.h / 720, (250, 250, 255))
    if "rain" in weather:
        img = Image.new("L", (c.w, c.h), 0)
        draw = ImageDraw.Draw(img)
        for _ in range(int(c.w * c.h / 1800)):
            x, y = c.rng.uniform(0, c.w), c.rng.uniform(0, c.h)
            ln = c.rng.uniform(8, 22) * c.h / 720
            draw.line([(x, y), (x - ln * 0.2, y + ln)], fill=90, width=1)
        c.blend(np.asarray(img, np.float32) / 255, (210, 220, 235))


def _grade(c: _Canvas, mood: str, style: str) -> np.ndarray:
    sat, contrast, tint = MOOD_GRADE[mood]
    style = style.lower()
    grain = 5.0
    if any(s in style for s in ("noir", "black and white", "monochrome")):
        sat, contrast = 0.0, contrast * 1.2
    elif any(s in style for s in ("vintage", "retro", "film")):
        sat, tint, grain = sat * 0.75, (255, 226, 186), 9.0
    elif any(s in style for s in ("anime", "cartoon", "illustrat", "comic", "pixar", "3d")):
        sat, grain = sat * 1.2, 0.0
    elif any(s in style for s in ("watercolor", "pastel", "minimal")):
        sat, contrast, grain = sat * 0.8, contrast * 0.85, 2.0
    px = c.px
    gray = px.mean(axis=2, keepdims=True)
    px = gray + (px - gray) * sat
    px = (px - 128) * contrast + 128
    px *= np.asarray(tint, np.float32) / 255
    nx = (c.xx / c.w - 0.5) * 2
    ny = (c.yy / c.h - 0.5) * 2
    vignette = 1 - 0.32 * np.clip((nx * nx + ny * ny) / 2, 0, 1) ** 1.5
    px *= vignette[..., None]
    if grain:
        px += c.rng.normal(0, grain, (c.h, c.w, 1)).astype(np.float32)
    return np.clip(px, 0, 255).astype(np.uint8)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float,
          ) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_title(img: Image.Image, title: str) -> Image.Image:
    """Set `title` as a lower third: wrapped to 84 % of the width, at most 3 lines, shadowed."""
    w, h = img.size
    size = max(int(min(w, h) * 0.07), 12)
    while True:
        font = _font(size)
        lines = _wrap(title, font, w * 0.84)
        if (len(lines) <= 3 and all(font.getlength(ln) <= w * 0.84 for ln in lines)) or size <= 12:
            break
        size = int(size * 0.88)
    line_h = int(size * 1.18)
    block = line_h * len(lines)
    x0, y0 = int(w * 0.08), int(h * 0.9) - block
    scrim_top = max(y0 - block, 0)
    ramp = np.clip((np.arange(h - scrim_top) / max(h - scrim_top, 1)) * 1.6, 0, 1) * 0.55
    arr = np.asarray(img, np.float32)
    arr[scrim_top:] *= (1 - ramp)[:, None, None]
    img = Image.fromarray(arr.astype(np.uint8))
    shadow = Image.new("L", img.size, 0)
    sdraw = ImageDraw.Draw(shadow)
    off = max(size // 18, 1)
    for i, line in enumerate(lines):
        sdraw.text((x0 + off, y0 + i * line_h + off), line, font=font, fill=220)
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(size / 12, 1)))
    img.paste((0, 0, 0), mask=shadow)
    draw = ImageDraw.Draw(img)
    bar_w = max(size // 8, 3)
    draw.rectangle([x0 - bar_w * 3, y0 + size * 0.12, x0 - bar_w * 2, y0 + block - size * 0.1],
                   fill=(255, 214, 120))
    for i, line in enumerate(lines):
        draw.text((x0, y0 + i * line_h), line, font=font, fill=(255, 255, 255))
    return img


def _round_portrait(path: Path, d: int) -> tuple[Image.Image, Image.Image]:
    src = Image.open(path).convert("RGB")
    side = min(src.size)
    left, top = (src.width - side) // 2, (src.height - side) // 2
    face = src.crop((left, top, left + side, top + side)).resize((d, d), Image.Resampling.LANCZOS)
    ss = 4
    mask = Image.new("L", (d * ss, d * ss), 0)
    ImageDraw.Draw(mask).ellipse([0, 0, d * ss - 1, d * ss - 1], fill=255)
    return face, mask.resize((d, d), Image.Resampling.BOX)


def composite_references(img: Image.Image, refs: tuple[Path, ...]) -> Image.Image:
    """Place up to three character references as ringed round portraits, top right."""
    w, h = img.size
    d = int(min(w, h) * 0.2)
    ring = max(d // 28, 2)
    margin = int(min(w, h) * 0.05)
    for i, ref in enumerate(refs[:3]):
        face, mask = _round_portrait(ref, d)
        x = w - margin - (i + 1) * d - i * margin // 2
        y = margin
        shadow = Image.new("L", img.size, 0)
        ImageDraw.Draw(shadow).ellipse([x - ring, y, x + d + ring, y + d + ring * 3], fill=150)
        img.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(ring * 3)))
        ImageDraw.Draw(img).ellipse([x - ring, y - ring, x + d + ring, y + d + ring],
                                    fill=(250, 246, 236))
        img.paste(face, (x, y), mask)
    return img


def _seed_for(req: ImageRequest) -> int:
    return zlib.crc32(f"{req.seed}|{req.prompt}|{req.mood}|{req.style}".encode())


def render_scene(req: ImageRequest) -> Image.Image:
    """Render the still for `req` (size req.width x req.height px), deterministic per seed."""
    mood = resolve_mood(req.mood)
    scene = read_scene(req.prompt, mood, req.lighting, req.seed)
    pal = PALETTES[scene.setting]
    if "snow" in scene.weather and scene.setting not in ("underwater", "space"):
        pal = replace(pal, ground=_mix(pal.ground, (236, 240, 246), 0.7))
    c = _Canvas(req.width, req.height, np.random.default_rng(_seed_for(req)))
    scale = min(c.w, c.h)
    horizon = c.h * (0.62 if c.h <= c.w else 0.58)
    if scene.setting in ("underwater", "space"):
        horizon = float(c.h)
    _sky(c, pal, horizon)
    _stars(c, pal.stars, horizon)
    if scene.setting == "underwater":
        _underwater(c, pal)
    elif scene.setting == "space":
        _planets(c, pal, scale)
    light_x, _ = _light(c, pal, horizon, scale) if pal.light_kind else (c.w / 2, 0.0)
    night = scene.setting in ("night", "neon", "dream")
    if "mountains" in scene.motifs:
        _mountains(c, pal, horizon, 2 if "city" in scene.motifs else 3, "snow" in scene.weather)
    if "city" in scene.motifs:
        _city(c, pal, horizon, night)
    if "desert" in scene.motifs:
        _desert(c, pal, horizon)
    if "sea" in scene.motifs:
        _sea(c, pal, horizon, light_x)
    if "hills" in scene.motifs and "sea" not in scene.motifs:
        _hills(c, pal, horizon)
    if "trees" in scene.motifs:
        _trees(c, pal, horizon)
    _weather(c, scene.weather, pal)
    img = Image.fromarray(_grade(c, mood, req.style))
    if req.references:
        img = composite_references(img, req.references)
    if req.title.strip():
        img = draw_title(img, req.title.strip())
    return img


class LocalImageGenerator:
    """Scene stills rendered offline with Pillow and numpy (`ImageGenerator` protocol)."""

    name = "local"

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile:
        """Render `req` to a PNG at `out` of exactly req.width x req.height px.

        Raises:
            ValueError: a non-positive size.
            FileNotFoundError: a reference image does not exist.
        """
        if req.width <= 0 or req.height <= 0:
            raise ValueError(f"image size must be positive, got {req.width}x{req.height}")
        for ref in req.references:
            if not Path(ref).is_file():
                raise FileNotFoundError(f"{ref}: no such reference image")

        def work() -> None:
            out.parent.mkdir(parents=True, exist_ok=True)
            render_scene(req).save(out, format="PNG", compress_level=1)

        await asyncio.to_thread(work)
        return MediaFile(out, self.name, width=req.width, height=req.height,
                         note=f"setting={read_scene(req.prompt, req.mood, req.lighting).setting}")


COLOR_WORDS: dict[str, RGB] = {
    "red": (196, 40, 48), "crimson": (170, 20, 50), "scarlet": (220, 36, 36),
    "orange": (236, 128, 36), "amber": (240, 170, 40), "gold": (222, 180, 60),
    "golden": (222, 180, 60), "yellow": (240, 210, 60), "green": (56, 150, 80),
    "emerald": (20, 140, 100), "olive": (110, 120, 50), "teal": (20, 130, 140),
    "turquoise": (60, 200, 200), "cyan": (40, 200, 230), "blue": (50, 90, 200),
    "navy": (24, 36, 90), "azure": (70, 150, 230), "purple": (120, 60, 170),
    "violet": (140, 80, 200), "lavender": (180, 160, 220), "pink": (236, 130, 170),
    "magenta": (210, 40, 160), "brown": (110, 70, 40), "chestnut": (130, 60, 30),
    "black": (24, 24, 28), "white": (238, 238, 234), "grey": (130, 130, 136),
    "gray": (130, 130, 136), "silver": (190, 194, 200), "blonde": (230, 200, 120),
    "blond": (230, 200, 120), "auburn": (150, 60, 30), "ginger": (200, 90, 40),
    "beige": (220, 200, 170), "maroon": (110, 20, 40), "copper": (184, 110, 60),
    "bronze": (170, 120, 60),
}
SKIN_WORDS: dict[str, RGB] = {
    "pale": (246, 222, 204), "fair": (240, 212, 190), "freckled": (236, 200, 176),
    "tan": (206, 156, 116), "olive-skinned": (196, 152, 110), "brown-skinned": (150, 100, 70),
    "dark-skinned": (110, 72, 50), "dark skin": (110, 72, 50), "brown skin": (150, 100, 70),
}
HAIR_WORDS = ("blonde", "blond", "auburn", "ginger", "silver", "grey", "gray", "white",
              "black", "brown", "chestnut", "red", "pink", "blue", "purple")


def character_colors(name: str, description: str) -> tuple[RGB, RGB, RGB, RGB]:
    """(skin, hair, clothing, background) colours read from a character description.

    Colour words next to "hair" colour the hair; the first other colour word the clothing.
    Missing colours are derived from a hash of the name, so a character keeps its colours.
    """
    text = description.lower()
    h = zlib.crc32(name.encode())
    skin = next((c for w, c in SKIN_WORDS.items() if w in text),
                ((236, 196, 164), (200, 150, 110), (150, 104, 74), (240, 210, 180))[h % 4])
    hair_m = re.search(r"\b(" + "|".join(HAIR_WORDS) + r")\b[\w\s,-]{0,12}\bhair", text) or \
        re.search(r"\b(blonde|blond|auburn|ginger|bald)\b", text)
    hair = COLOR_WORDS.get(hair_m.group(1), skin) if hair_m else \
        ((40, 30, 24), (110, 70, 40), (200, 170, 110), (24, 24, 28))[(h >> 3) % 4]
    used = {hair_m.group(1)} if hair_m else set()
    others = [w for w in re.findall(r"[a-z]+", text) if w in COLOR_WORDS and w not in used]
    palette = list(COLOR_WORDS.values())
    clothing = COLOR_WORDS[others[0]] if others else palette[(h >> 6) % len(palette)]
    background = _mix(COLOR_WORDS[others[1]] if len(others) > 1 else
                      palette[(h >> 11) % len(palette)], (30, 30, 40), 0.55)
    return skin, hair, clothing, background


def render_character_portrait(name: str, description: str, size: tuple[int, int] = (512, 512),
                              ) -> Image.Image:
    """A stylised head-and-shoulders figure in the character's colours, labelled with `name`.

    Size is (width, height) in px. The same name and description give the same image.
    """
    w, h = size
    skin, hair, clothing, bg = character_colors(name, description)
    text = description.lower()
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    top = np.asarray(_mix(bg, (255, 255, 255), 0.25), np.float32)
    arr = top * (1 - t) + np.asarray(_mix(bg, (0, 0, 0), 0.4), np.float32) * t
    img = Image.fromarray(np.broadcast_to(arr, (h, w, 3)).astype(np.uint8))
    ss = 3
    layer = Image.new("RGBA", (w * ss, h * ss), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    u = min(w, h) * ss
    cx = w * ss / 2
    head_r, head_cy = u * 0.16, h * ss * 0.4
    d.ellipse([cx - u * 0.36, h * ss * 0.64, cx + u * 0.36, h * ss * 1.2], fill=clothing)
    d.rectangle([cx - u * 0.06, head_cy + head_r * 0.6, cx + u * 0.06, h * ss * 0.68], fill=skin)
    long_hair = "long" in text and "bald" not in text
    if long_hair:
        d.rounded_rectangle([cx - head_r * 1.15, head_cy - head_r * 1.1, cx + head_r * 1.15,
                             head_cy + head_r * 1.9], radius=int(head_r * 0.8), fill=hair)
    d.ellipse([cx - head_r * 0.86, head_cy - head_r, cx + head_r * 0.86, head_cy + head_r],
              fill=skin)
    if "bald" not in text:
        d.chord([cx - head_r * 0.95, head_cy - head_r * 1.12, cx + head_r * 0.95,
                 head_cy + head_r * 0.5], 180, 360, fill=hair)
    eye_y, eye_dx, eye_r = head_cy + head_r * 0.05, head_r * 0.34, head_r * 0.08
    for sx in (-1, 1):
        d.ellipse([cx + sx * eye_dx - eye_r, eye_y - eye_r, cx + sx * eye_dx + eye_r,
                   eye_y + eye_r], fill=(30, 26, 30))
    if "glasses" in text:
        for sx in (-1, 1):
            d.ellipse([cx + sx * eye_dx - eye_r * 3, eye_y - eye_r * 2.4, cx + sx * eye_dx
                       + eye_r * 3, eye_y + eye_r * 2.4], outline=(20, 20, 20),
                      width=max(int(eye_r * 0.6), 1))
    d.arc([cx - head_r * 0.3, head_cy + head_r * 0.3, cx + head_r * 0.3, head_cy + head_r * 0.6],
          10, 170, fill=(120, 50, 50), width=max(int(head_r * 0.05), 1))
    img.paste(layer.resize((w, h), Image.Resampling.LANCZOS), (0, 0),
              layer.resize((w, h), Image.Resampling.LANCZOS))
    font = _font(max(int(min(w, h) * 0.08), 10))
    label = name.strip() or "Character"
    tw = font.getlength(label)
    draw = ImageDraw.Draw(img)
    y = int(h * 0.88)
    draw.rounded_rectangle([w / 2 - tw / 2 - 12, y - 6, w / 2 + tw / 2 + 12,
                            y + font.size * 1.2 + 2], radius=8, fill=(0, 0, 0))
    draw.text((w / 2 - tw / 2, y), label, font=font, fill=(255, 255, 255))
    return img


async def generate_character_portrait(name: str, description: str, out: Path,
                                      size: tuple[int, int] = (512, 512)) -> MediaFile:
    """Write a character reference portrait PNG (`size` px) to `out`; see
    `render_character_portrait`."""

    def work() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        render_character_portrait(name, description, size).save(out, format="PNG")

    await asyncio.to_thread(work)
    return MediaFile(out, "local", width=size[0], height=size[1])
