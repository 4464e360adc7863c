"""Saving a cloud provider's result into the `out` path it was given.

Nothing downstream keeps a provider's temporary URL: results are downloaded, images are
fitted to the requested frame, and audio is converted to the format `out` names.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pixora.media.ffmpeg import FFmpegError, run_ffmpeg
from pixora.net.errors import ProviderError


def _fit(data: bytes, out: Path, width: int, height: int) -> None:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        frame = ImageOps.fit(img.convert("RGB"), (width, height), Image.Resampling.LANCZOS)
    frame.save(out)


async def save_fitted_image(provider: str, data: bytes, out: Path, width: int, height: int) -> None:
    """Decode `data`, scale and centre-crop it to `width`x`height` pixels, save it to `out`.

    Raises:
        ProviderError: `data` is not a readable image.
    """
    try:
        await asyncio.to_thread(_fit, data, out, width, height)
    except (UnidentifiedImageError, OSError, ValueError):
        raise ProviderError(provider, "returned data that is not a readable image") from None


async def save_audio(provider: str, data: bytes, source_suffix: str, out: Path) -> None:
    """Write audio to `out`, converting with ffmpeg when `out` has another format.

    Raises:
        ProviderError: the audio cannot be decoded.
    """
    if out.suffix.lower() == source_suffix.lower():
        out.write_bytes(data)
        return
    raw = out.with_name(f".{out.stem}.download{source_suffix}")
    raw.write_bytes(data)
    try:
        await run_ffmpeg("-i", raw, "-vn", out)
    except FFmpegError:
        raise ProviderError(provider, "returned audio that ffmpeg cannot decode") from None
    finally:
        raw.unlink(missing_ok=True)
