"""Palettes per setting, the light that tints foreground subjects, and the final colour grade."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pixora.offline.media.scene_art.canvas import RGB, Canvas, mix


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
    key: RGB = (255, 255, 255)  # light falling on foreground subjects (multiplied in)


PALETTES: dict[str, Palette] = {
    "day": Palette((62, 120, 204), (128, 178, 228), (204, 226, 242), (72, 122, 78),
                   (120, 150, 178), (255, 250, 228), "sun", 0.78, 0.0, (200, 220, 235),
                   (255, 252, 244)),
    "sunset": Palette((38, 40, 96), (196, 92, 96), (255, 178, 96), (58, 40, 52),
                      (140, 80, 96), (255, 214, 140), "sun", 0.12, 0.0, (255, 200, 120),
                      (236, 178, 150)),
    "dawn": Palette((84, 106, 168), (206, 158, 176), (255, 212, 176), (82, 92, 88),
                    (150, 140, 166), (255, 236, 200), "sun", 0.16, 0.0, (255, 220, 170),
                    (246, 214, 204)),
    "night": Palette((4, 7, 22), (14, 22, 52), (34, 48, 88), (10, 14, 26), (22, 30, 56),
                     (236, 236, 220), "moon", 0.7, 0.8, (255, 206, 120), (92, 104, 150)),
    "neon": Palette((12, 4, 32), (58, 12, 86), (196, 36, 150), (16, 8, 30), (70, 20, 96),
                    (255, 96, 200), "sun", 0.22, 0.3, (60, 240, 255), (170, 110, 200)),
    "snow": Palette((150, 172, 204), (196, 210, 226), (232, 236, 242), (236, 240, 246),
                    (188, 198, 214), (255, 255, 250), "sun", 0.6, 0.0, (255, 230, 180),
                    (240, 246, 255)),
    "underwater": Palette((40, 170, 190), (16, 96, 140), (6, 44, 84), (200, 184, 140),
                          (10, 60, 100), (210, 255, 250), "", 1.0, 0.0, (180, 255, 240),
                          (150, 214, 220)),
    "space": Palette((2, 2, 10), (8, 6, 26), (22, 12, 48), (30, 26, 46), (40, 30, 70),
                     (255, 240, 210), "", 0.0, 1.0, (255, 255, 255), (236, 236, 244)),
    "mars": Palette((120, 74, 60), (196, 130, 92), (236, 182, 132), (150, 70, 42),
                    (184, 110, 80), (255, 236, 214), "sun", 0.55, 0.0, (255, 210, 160),
                    (250, 208, 180)),
    "dream": Palette((48, 26, 104), (150, 80, 170), (250, 160, 186), (60, 40, 96),
                     (130, 96, 170), (255, 236, 246), "moon", 0.55, 0.25, (255, 190, 240),
                     (220, 190, 240)),
}

NIGHT_SETTINGS = frozenset({"night", "neon", "dream", "space"})

MOOD_GRADE: dict[str, tuple[float, float, RGB]] = {
    "high_energy": (1.25, 1.12, (255, 244, 236)),
    "luxury_reveal": (1.05, 1.04, (255, 236, 204)),
    "intimate_story": (0.92, 0.96, (255, 232, 212)),
    "surreal_trip": (1.15, 1.0, (236, 214, 255)),
}
"""Per mood: saturation factor, contrast factor, tint (multiplied in)."""


@dataclass(frozen=True)
class Look:
    """The light of one frame, shared by every motif drawn on it.

    horizon: row of the horizon in px. light_x: column of the sun or moon in px. side: +1
    when the light comes from the right, -1 from the left (sprite shading direction).
    """

    pal: Palette
    setting: str
    horizon: float
    light_x: float
    side: float

    @property
    def night(self) -> bool:
        return self.setting in NIGHT_SETTINGS

    def tone(self, color: RGB, ambient: float = 0.15) -> RGB:
        """`color` lit by the frame's key light, with a little sky bounce mixed in."""
        lit = tuple(round(c * k / 255) for c, k in zip(color, self.pal.key, strict=True))
        return mix(lit, self.pal.sky_mid, ambient)  # type: ignore[arg-type]

    def far(self, color: RGB, depth: float) -> RGB:
        """`color` faded toward the horizon haze by `depth` (0 near, 1 on the horizon)."""
        return mix(self.tone(color), self.pal.horizon, 0.6 * depth)


def hue_matrix(degrees: float, warmth: float) -> np.ndarray:
    """A 3x3 RGB matrix rotating hue by `degrees` about the grey axis (YIQ rotation) and
    scaling red up / blue down by `warmth` (-0.1..0.1)."""
    to_yiq = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322],
                       [0.211, -0.523, 0.312]], np.float32)
    a = math.radians(degrees)
    rot = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]],
                   np.float32)
    m = np.linalg.inv(to_yiq) @ rot @ to_yiq
    return np.diag([1 + warmth, 1.0, 1 - warmth]).astype(np.float32) @ m


def grade(c: Canvas, mood: str, style: str, hue: float = 0.0, warmth: float = 0.0,
          ) -> np.ndarray:
    """Colour-grade the canvas (saturation, contrast, tint, hue shift of `hue` degrees,
    `warmth`, vignette, film grain) into a uint8 h x w x 3 frame."""
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
    if hue or warmth:
        px = px @ hue_matrix(hue, warmth).T
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
