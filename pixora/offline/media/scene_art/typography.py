"""Lettering on a finished frame: the title lower third."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's built-in scalable font at `size` px."""
    return ImageFont.load_default(size=size)


def _wrap(text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float,
          ) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_title(img: Image.Image, title: str) -> Image.Image:
    """Set `title` as a lower third: wrapped to 84 % of the width, at most 3 lines, shadowed."""
    w, h = img.size
    size = max(int(min(w, h) * 0.07), 12)
    while True:
        face = font(size)
        lines = _wrap(title, face, w * 0.84)
        if (len(lines) <= 3 and all(face.getlength(ln) <= w * 0.84 for ln in lines)) or size <= 12:
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
        sdraw.text((x0 + off, y0 + i * line_h + off), line, font=face, fill=220)
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(size / 12, 1)))
    img.paste((0, 0, 0), mask=shadow)
    draw = ImageDraw.Draw(img)
    bar_w = max(size // 8, 3)
    draw.rectangle([x0 - bar_w * 3, y0 + size * 0.12, x0 - bar_w * 2, y0 + block - size * 0.1],
                   fill=(255, 214, 120))
    for i, line in enumerate(lines):
        draw.text((x0, y0 + i * line_h), line, font=face, fill=(255, 255, 255))
    return img
