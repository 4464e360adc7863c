"""HTTP helpers for cloud SDK clients: timeouts that cover every phase, and downloads."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from pixora.net.errors import ProviderError, TransientError
from pixora.net.retry import error_for_status


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
