"""Retries, rate limits and error mapping for every cloud call (media providers and storage).

`RetryPolicy` gives tenacity's backoff with jitter, never shorter than the server's
`Retry-After`; `Gate` is one service's concurrency slots and rate limit (aiolimiter);
`error_for_status` maps an HTTP status to `TransientError` or `ProviderError`; `redact`
keeps keys out of every message.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from aiolimiter import AsyncLimiter
from tenacity import RetryCallState, wait_exponential_jitter

from pixora.config import Settings
from pixora.net.errors import ProviderError, TransientError

MAX_RETRY_AFTER_S = 120.0
"""The longest `Retry-After` Pixora waits out; a longer one is treated as this long."""

RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
T = TypeVar("T")




def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUS or status >= 500


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `Retry-After` (seconds or an HTTP date)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if ms := lower.get("retry-after-ms"):
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = (lower.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every occurrence of each secret replaced by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_for_status(
    provider: str, status: int, headers: Mapping[str, str], detail: str,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """The error for a failed HTTP response: `TransientError` when worth retrying."""
    detail = short(redact(detail, secrets))
    if is_retryable_status(status):
        return TransientError(
            provider, f"HTTP {status}", status=status,
            retry_after_s=parse_retry_after(headers), detail=detail,
        )
    return ProviderError(provider, f"HTTP {status}: {detail}" if detail else f"HTTP {status}")


async def poll_in_place(
    poll: Callable[[], Awaitable[T]], *, tolerance: int, interval_s: float,
) -> T:
    """`await poll()`, retrying up to `tolerance` `TransientError`s in a row in place.

    A queued job's status check that fails must not cost a second job: retrying the whole
    call would submit (and pay for) the generation again. Waits `Retry-After` or
    `interval_s` seconds between tries; the last error is raised when the tolerance is spent.
    """
    failures = 0
    while True:
        try:
            return await poll()
        except TransientError as err:
            failures += 1
            if failures > tolerance:
                raise
            await asyncio.sleep(max(interval_s, min(err.retry_after_s or 0.0, MAX_RETRY_AFTER_S)))


@dataclass
class Gate:
    """A provider's concurrency slots and rate limit, shared by all its capabilities."""

    concurrency: int
    rate_per_min: float
    _sem: asyncio.Semaphore | None = field(default=None, repr=False)
    _limiter: AsyncLimiter | None = field(default=None, repr=False)

    async def __aenter__(self) -> Gate:
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.concurrency)
            self._limiter = AsyncLimiter(self.rate_per_min, 60.0)
        await self._sem.acquire()
        try:
            assert self._limiter is not None
            await self._limiter.acquire()
        except BaseException:
            self._sem.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._sem is not None
        self._sem.release()

    @classmethod
    def from_settings(cls, settings: Settings) -> Gate:
        return cls(settings.provider_concurrency, settings.provider_rate_per_min)


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per call and the backoff between them, in seconds."""

    attempts: int = 4
    base_s: float = 1.0
    max_s: float = 30.0
    job_timeout_s: float = 900.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            attempts=settings.provider_retries + 1,
            base_s=settings.provider_retry_base_s,
            max_s=settings.provider_retry_max_s,
            job_timeout_s=settings.provider_job_timeout_s,
        )

    def wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.base_s, max=self.max_s, jitter=self.base_s
        )(state)
        exc = state.outcome.exception() if state.outcome else None
        hint = getattr(exc, "retry_after_s", None)
        return max(backoff, min(hint, MAX_RETRY_AFTER_S)) if hint is not None else backoff
