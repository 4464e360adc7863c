"""Bringing a cloud provider's result into the `out` path it was given.

Nothing downstream keeps a provider's temporary URL: results are downloaded, images are
fitted to the requested frame, and audio is converted to the format `out` names.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from pathlib import Path

import httpx
from PIL import Image, ImageOps, UnidentifiedImageError

from pixora.media.ffmpeg import FFmpegError, run_ffmpeg
from pixora.media.protocols import ProviderError
from pixora.media.resilience import TransientError, error_for_status


def cap_timeouts(request: httpx.Request, timeout_s: float) -> None:
    """Limit every phase of `request`'s timeout (connect, read, write, pool) to `timeout_s`
    seconds, including phases an SDK left unlimited."""
    timeouts = request.extensions.get("timeout", {})
    request.extensions["timeout"] = {
        k: timeout_s if v is None else min(v, timeout_s)
        for k, v in {"connect": None, "read": None, "write": None, "pool": None,
                     **timeouts}.items()
    }


class TimeoutCapTransport(httpx.AsyncBaseTransport):
    """An httpx transport that applies `cap_timeouts` to every request it sends."""

    def __init__(self, timeout_s: float, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._timeout_s = timeout_s
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        cap_timeouts(request, self._timeout_s)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def download(
    provider: str, url: object, *, timeout_s: float, secrets: Iterable[str | None] = (),
) -> bytes:
    """GET a result file and return its bytes.

    Raises:
        TransientError: HTTP 408/409/425/429/5xx, a timeout or a network error.
        ProviderError: any other HTTP error, or `url` is not an http(s) URL.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ProviderError(provider, f"result has no downloadable URL (got {type(url).__name__})")
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=True) as client:
            response = await client.get(url)
    except httpx.TimeoutException:
        raise TransientError(provider, "timed out downloading the result") from None
    except httpx.TransportError as err:
        raise TransientError(provider, f"network error ({type(err).__name__})") from None
    if response.status_code >= 400:
        raise error_for_status(
            provider, response.status_code, response.headers, response.text, secrets
        )
    return response.content


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
