"""fal.ai through the official `fal_client` SDK: queue jobs and file uploads.

`FalQueue.run(app, arguments)` submits to fal's queue (`POST queue.fal.run/<app>`), polls
the request's status with logs until it completes, and fetches the result; `upload` puts a
local file in fal storage and returns its URL, which is what fal models take as input.

Two things are adapted on the SDK's HTTP client, through `_FalTransport`:

- `settings.fal_base_url` (FAL_BASE_URL), when set, receives the requests fal_client
  sends to its own hosts (queue.fal.run, fal.run, rest.fal.ai): a gateway, a proxy, or a
  local server speaking fal's API.
- Retryable failures (HTTP 408/409/425/429/5xx, timeouts, network errors) surface at once as
  `TransientError`, so Pixora's policy (backoff honouring Retry-After) applies instead of
  fal_client's internal loop of up to 10 quick attempts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fal_client
import httpx
from asyncstdlib import cached_property as async_cached_property
from fal_client.client import USER_AGENT, AsyncBackupDomainTransport

from pixora.config import Settings
from pixora.media.protocols import ContentPolicyError, ProviderError
from pixora.net.errors import TransientError
from pixora.net.http import cap_timeouts
from pixora.net.retry import error_for_status, poll_in_place, redact, short

NAME = "fal"
FAL_HOSTS = frozenset({"fal.run", "queue.fal.run", "rest.fal.ai", "falrun.com",
                       "queue.falrun.com"})
POLICY_WORDS = ("content_policy", "content policy", "nsfw", "safety checker", "flagged")

log = logging.getLogger("pixora.media.fal")


class _FalTransport(httpx.AsyncBaseTransport):
    """Routes fal's hosts to `base_url` (if given), caps every timeout at `timeout_s` (the
    SDK polls status with a fixed 120 s read timeout), and raises `TransientError` on
    retryable failures; everything else goes to fal_client unchanged."""

    def __init__(self, base_url: str | None, timeout_s: float, secrets: tuple[str, ...]) -> None:
        self._base = httpx.URL(base_url) if base_url else None
        self._timeout_s = timeout_s
        self._inner = AsyncBackupDomainTransport()
        self._secrets = secrets

    def _route(self, request: httpx.Request) -> httpx.Request:
        cap_timeouts(request, self._timeout_s)
        if self._base is None or request.url.host not in FAL_HOSTS:
            return request
        prefix = self._base.path.rstrip("/")
        url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port,
            path=prefix + request.url.path,
        )
        headers = request.headers.copy()
        headers["Host"] = url.netloc.decode("ascii")
        return httpx.Request(request.method, url, headers=headers, stream=request.stream,
                             extensions=request.extensions)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(self._route(request))
        except httpx.TimeoutException:
            raise TransientError(NAME, "timed out") from None
        except httpx.TransportError as err:
            raise TransientError(NAME, f"network error ({type(err).__name__})") from None
        if response.status_code in (408, 409, 425, 429) or response.status_code >= 500:
            body = (await response.aread()).decode(errors="replace")
            await response.aclose()
            raise error_for_status(NAME, response.status_code, response.headers, body,
                                   self._secrets)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(unsafe_hash=True)
class _RoutedAsyncClient(fal_client.AsyncClient):
    """fal_client's `AsyncClient` with its HTTP client built on `_FalTransport`."""

    base_url: str | None = None

    @async_cached_property(asyncio.Lock)
    async def _client(self) -> httpx.AsyncClient:
        auth = await self._auth
        return httpx.AsyncClient(
            transport=_FalTransport(self.base_url, self.default_timeout, (self.key or "",)),
            headers={"Authorization": auth.header_value, "User-Agent": USER_AGENT},
            timeout=self.default_timeout,
        )


def _detail_text(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(
            str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail
        )
    return str(detail)


def is_policy_refusal(detail: Any, error_type: str | None = None) -> bool:
    """Whether a fal error (its `detail` and `error_type`) is a content-policy refusal."""
    if error_type and "content_policy" in error_type:
        return True
    if isinstance(detail, list) and any(
        isinstance(d, dict) and "content_policy" in str(d.get("type", "")) for d in detail
    ):
        return True
    text = _detail_text(detail).lower()
    return any(word in text for word in POLICY_WORDS)


class FalQueue:
    """fal's queue API and storage upload, for one API key.

    A status or result request that fails transiently is retried in place (up to
    `settings.provider_retries` times in a row), so a flaky poll never submits a second,
    separately billed job.

    Raises (from every method):
        ContentPolicyError: fal refused the input (`content_policy_violation`).
        TransientError: HTTP 408/409/425/429/5xx, timeout or network error.
        ProviderError: any other failure; a job with no result within
            `settings.provider_job_timeout_s`; a result of the wrong shape.
    """

    def __init__(self, settings: Settings) -> None:
        if settings.fal_key is None:
            raise ProviderError(NAME, "FAL_KEY is not set")
        self.key = settings.fal_key.get_secret_value()
        self.poll_s = settings.provider_poll_s
        self.poll_retries = settings.provider_retries
        self.job_timeout_s = settings.provider_job_timeout_s
        self.timeout_s = settings.provider_timeout_s
        self._client = _RoutedAsyncClient(
            key=self.key, default_timeout=settings.provider_timeout_s,
            base_url=settings.fal_base_url,
        )

    def _error(self, err: Exception, rephrase: str) -> ProviderError:
        if isinstance(err, fal_client.FalClientHTTPError):
            text = redact(_detail_text(err.message), [self.key])
            if is_policy_refusal(err.message, err.error_type):
                return ContentPolicyError(
                    NAME, f"refused by fal's content checker ({short(text, 160)}); {rephrase}"
                )
            return error_for_status(NAME, err.status_code, err.response_headers, text, [self.key])
        if isinstance(err, httpx.TimeoutException):
            return TransientError(NAME, "timed out")
        if isinstance(err, httpx.TransportError):
            return TransientError(NAME, f"network error ({type(err).__name__})")
        return ProviderError(NAME, f"malformed response from fal ({type(err).__name__}: "
                                   f"{short(redact(str(err), [self.key]), 120)})")

    async def upload(self, path: Path, rephrase: str = "") -> str:
        """Upload `path` to fal storage; returns the file's URL for use as a model input."""
        try:
            url = await self._client.upload_file(path, repository="fal")
        except ProviderError:
            raise
        except Exception as err:
            raise self._error(err, rephrase) from None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ProviderError(NAME, "storage upload returned no file URL")
        return url

    async def run(self, app: str, arguments: dict[str, Any], rephrase: str) -> dict[str, Any]:
        """Submit `arguments` to the queue of `app`, wait for it, return the result JSON.

        `rephrase` ends a content-policy message ("rephrase the visual prompt").
        """
        try:
            handle = await self._client.submit(app, arguments)
            async with asyncio.timeout(self.job_timeout_s):
                while True:
                    status = await poll_in_place(
                        lambda: handle.status(with_logs=True),
                        tolerance=self.poll_retries, interval_s=self.poll_s,
                    )
                    for entry in getattr(status, "logs", None) or []:
                        log.debug("%s %s: %s", app, handle.request_id,
                                  redact(str(entry.get("message", "")), [self.key]))
                    if isinstance(status, fal_client.Completed):
                        break
                    await asyncio.sleep(self.poll_s)
            if status.error:
                if is_policy_refusal(status.error, status.error_type):
                    raise ContentPolicyError(
                        NAME, f"refused by fal's content checker "
                        f"({short(redact(status.error, [self.key]), 160)}); {rephrase}",
                    )
                reason = short(redact(status.error, [self.key]))
                raise ProviderError(NAME, f"{app} failed: {reason}")
            result = await poll_in_place(lambda: handle.get(interval=self.poll_s),
                                         tolerance=self.poll_retries, interval_s=self.poll_s)
        except TimeoutError:
            raise ProviderError(
                NAME, f"{app} gave no result within {self.job_timeout_s:g} s"
            ) from None
        except ProviderError:
            raise
        except Exception as err:
            raise self._error(err, rephrase) from None
        if not isinstance(result, dict):
            raise ProviderError(NAME, f"{app} result is not a JSON object")
        return result
