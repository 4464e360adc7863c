"""The drawing surface: a float32 RGB frame, supersampled vector sprites and soft glows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
Point = tuple[float, float]
Fill = tuple[int, ...]
HOLE: Fill = (0, 0, 0, 0)
"""A sprite fill that cuts a transparent hole into what was drawn before."""


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear mix of two colours, `t` = 0 gives `a`, 1 gives `b`."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def noise1d(n: int, rng: np.random.Generator, octaves: int = 5, base: int = 4) -> np.ndarray:
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


class Canvas:
    """A float32 RGB frame (h x w x 3, 0..255) with anti-aliased blending helpers."""

    def __init__(self, w: int, h: int, rng: np.random.Generator) -> None:
        self.w, self.h, self.rng = w, h, rng
        self.px = np.zeros((h, w, 3), np.float32)
        self.yy = np.arange(h, dtype=np.float32)[:, None]
        self.xx = np.arange(w, dtype=np.float32)[None, :]
        self.subject = np.zeros((h, w), np.float32)
        """Coverage of the foreground subjects (0..1), filled by `Sprite.paste`."""
        self.boxes: dict[str, tuple[int, int, int, int]] = {}
        """Where each listed character was drawn, by id: (left, top, right, bottom) px."""

    def blend(self, alpha: np.ndarray, color: RGB | np.ndarray, box: tuple[int, int] = (0, 0),
              ) -> None:
        """Blend `color` (an RGB or an h x w x 3 array) over the region whose top-left corner
        is (row, column) `box`, with opacity `alpha` (0..1, h x w)."""
        y0, x0 = box
        h, w = alpha.shape
        region = self.px[y0:y0 + h, x0:x0 + w]
        if region.shape[:2] != alpha.shape:
            return
        region += (np.asarray(color, np.float32) - region) * alpha[..., None]

    def add(self, alpha: np.ndarray, color: RGB, box: tuple[int, int] = (0, 0)) -> None:
        """Add light: `color` x `alpha` screened onto the region at (row, column) `box`."""
        y0, x0 = box
        region = self.px[y0:y0 + alpha.shape[0], x0:x0 + alpha.shape[1]]
        col = np.asarray(color, np.float32)
        region += (255 - region) * (col / 255) * alpha[..., None]

    def ridge_fill(self, ridge: np.ndarray, color: RGB, shade: float = 0.0) -> None:
        """Fill below the curve `ridge` (one row value per column), darker with depth."""
        top = min(max(int(ridge.min()) - 1, 0), self.h - 1)
        alpha = np.clip(self.yy[top:] - ridge[None, :] + 0.5, 0.0, 1.0)
        if shade:
            depth = np.clip((self.yy[top:] - ridge[None, :]) / (self.h * 0.5), 0, 1)
            col = np.asarray(color, np.float32) * (1 - shade * depth[..., None])
            self.blend(alpha, col, (top, 0))
        else:
            self.blend(alpha, color, (top, 0))

    def _window(self, cx: float, cy: float, rx: float, ry: float,
                ) -> tuple[int, int, int, int] | None:
        x0, x1 = max(int(cx - rx), 0), min(int(cx + rx) + 1, self.w)
        y0, y1 = max(int(cy - ry), 0), min(int(cy + ry) + 1, self.h)
        return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None

    def disc(self, cx: float, cy: float, r: float, color: RGB, glow: float = 0.0,
             glow_color: RGB | None = None, opacity: float = 1.0) -> None:
        """An anti-aliased disc of radius `r` px with an optional soft glow `glow` x r wide."""
        reach = r * (1 + glow * 3) + 2
        win = self._window(cx, cy, reach, reach)
        if win is None:
            return
        x0, y0, x1, y1 = win
        d = np.hypot(self.xx[:, x0:x1] - cx, self.yy[y0:y1] - cy)
        if glow:
            halo = np.exp(-np.maximum(d - r, 0) / (r * glow)) * 0.55
            self.blend(halo, glow_color or color, (y0, x0))
        self.blend(np.clip(r - d + 0.5, 0, 1) * opacity, color, (y0, x0))

    def glow(self, cx: float, cy: float, rx: float, ry: float, color: RGB,
             strength: float = 0.6) -> None:
        """A soft Gaussian light of radii `rx`, `ry` px added at (cx, cy)."""
        win = self._window(cx, cy, rx * 2.5, ry * 2.5)
        if win is None:
            return
        x0, y0, x1, y1 = win
        d2 = ((self.xx[:, x0:x1] - cx) / rx) ** 2 + ((self.yy[y0:y1] - cy) / ry) ** 2
        self.add(np.exp(-d2) * strength, color, (y0, x0))

    def shadow(self, cx: float, cy: float, rx: float, ry: float, strength: float = 0.45,
               ) -> None:
        """A soft contact shadow (darkening ellipse of radii `rx`, `ry` px) at (cx, cy)."""
        win = self._window(cx, cy, rx * 1.6, ry * 1.6)
        if win is None:
            return
        x0, y0, x1, y1 = win
        d2 = ((self.xx[:, x0:x1] - cx) / rx) ** 2 + ((self.yy[y0:y1] - cy) / ry) ** 2
        self.blend(np.exp(-d2 * 1.5) * strength, (0, 0, 0), (y0, x0))


class Sprite:
    """A supersampled RGBA drawing over a box of the canvas, in canvas coordinates.

    Shapes are drawn opaque, in order, with Pillow; `paste` box-filters the drawing down,
    lights it with a soft left-to-right ramp and blends it onto the canvas.
    """

    def __init__(self, c: Canvas, box: Sequence[float], ss: int = 3) -> None:
        self.c, self.ss = c, ss
        self.x0, self.y0 = max(int(box[0]) - 1, 0), max(int(box[1]) - 1, 0)
        self.x1, self.y1 = min(int(box[2]) + 2, c.w), min(int(box[3]) + 2, c.h)
        self.empty = self.x0 >= self.x1 or self.y0 >= self.y1
        size = (max(self.x1 - self.x0, 1) * ss, max(self.y1 - self.y0, 1) * ss)
        self.img = Image.new("RGBA", size, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)

    def _p(self, pts: Sequence[Point]) -> list[Point]:
        return [((x - self.x0) * self.ss, (y - self.y0) * self.ss) for x, y in pts]

    def poly(self, pts: Sequence[Point], color: Fill) -> None:
        """A filled polygon."""
        self.draw.polygon(self._p(pts), fill=color)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, color: Fill) -> None:
        """A filled ellipse centred on (cx, cy) with radii `rx`, `ry` px."""
        (ax, ay), (bx, by) = self._p([(cx - rx, cy - ry), (cx + rx, cy + ry)])
        if bx > ax and by > ay:
            self.draw.ellipse([ax, ay, bx, by], fill=color)

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Fill,
             radius: float = 0.0) -> None:
        """A filled rectangle, rounded by `radius` px."""
        (ax, ay), (bx, by) = self._p([(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))])
        if bx - ax < 1 or by - ay < 1:
            return
        if radius > 0:
            r = min(radius * self.ss, (bx - ax) / 2, (by - ay) / 2)
            self.draw.rounded_rectangle([ax, ay, bx, by], radius=r, fill=color)
        else:
            self.draw.rectangle([ax, ay, bx, by], fill=color)

    def line(self, pts: Sequence[Point], color: Fill, width: float) -> None:
        """A polyline `width` px wide with round joints."""
        w = max(int(width * self.ss), 1)
        self.draw.line(self._p(pts), fill=color, width=w, joint="curve")
        if w > 2:
            for x, y in pts:
                self.ellipse(x, y, width / 2, width / 2, color)

    def pie(self, cx: float, cy: float, rx: float, ry: float, start: float, end: float,
            color: Fill) -> None:
        """A filled ellipse sector from `start` to `end` degrees (clockwise from 3 o'clock)."""
        (ax, ay), (bx, by) = self._p([(cx - rx, cy - ry), (cx + rx, cy + ry)])
        if bx > ax and by > ay:
            self.draw.pieslice([ax, ay, bx, by], start, end, fill=color)

    def paste(self, light: float = 0.0, haze: RGB | None = None, haze_amount: float = 0.0,
              opacity: float = 1.0, angle: float = 0.0, subject: bool = True) -> None:
        """Blend the drawing onto the canvas; with `subject`, add it to `Canvas.subject`.

        light: -1..1, brightens the right side (positive) or the left side (negative) by up to
        that fraction and darkens the other. haze: a colour mixed in by `haze_amount` (aerial
        perspective). angle: degrees counter-clockwise to rotate the drawing about its centre.
        """
        if self.empty:
            return
        img = self.img.rotate(angle, Image.Resampling.BICUBIC) if angle else self.img
        small = np.asarray(img.resize((self.x1 - self.x0, self.y1 - self.y0),
                                      Image.Resampling.BOX), np.float32)
        rgb, alpha = small[..., :3], small[..., 3] / 255 * opacity
        if light:
            ramp = np.linspace(-light, light, rgb.shape[1], dtype=np.float32)
            rgb = rgb * (1 + 0.5 * ramp)[None, :, None]
        if haze is not None and haze_amount:
            rgb = rgb + (np.asarray(haze, np.float32) - rgb) * haze_amount
        self.c.blend(alpha, np.clip(rgb, 0, 255), (self.y0, self.x0))
        if subject:
            region = self.c.subject[self.y0:self.y1, self.x0:self.x1]
            np.maximum(region, alpha, out=region)
