"""One resilience policy for every cloud media provider.

`ResilientProvider` wraps a cloud provider and its local counterpart. Each call:

1. waits for a slot (an `asyncio.Semaphore` of `settings.provider_concurrency` per provider)
   and for the provider's rate limit (`aiolimiter`, `settings.provider_rate_per_min` calls
   per minute);
2. retries `TransientError` (HTTP 408/409/425/429/5xx, timeouts, network errors) with
   exponential backoff and jitter (tenacity), waiting at least the server's `Retry-After`;
3. lets `ContentPolicyError` through at once: no retry and no fallback, because the prompt
   has to change;
4. on any other failure, or when the retries run out, renders the asset with the local
   provider and says so in `MediaFile.note`, e.g.
   "fal image-to-video failed after 3 attempts (HTTP 500); used local Ken Burns".

Providers raise `TransientError` / `ProviderError` / `ContentPolicyError` with messages that
went through `redact`, so no key reaches a log line, an event or a note.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from pixora.config import Settings
from pixora.media.protocols import ContentPolicyError, MediaFile, ProviderError

log = logging.getLogger("pixora.media")

MAX_RETRY_AFTER_S = 120.0
"""The longest `Retry-After` Pixora waits out; a longer one is treated as this long."""

RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
T = TypeVar("T")


class TransientError(ProviderError):
    """A failure worth retrying: HTTP 408/409/425/429/5xx, a timeout, a dropped connection.

    `reason` is short ("HTTP 500", "timed out"); `retry_after_s` is the server's wait hint.
    """

    def __init__(
        self, provider: str, reason: str, *, status: int | None = None,
        retry_after_s: float | None = None, detail: str = "",
    ) -> None:
        super().__init__(provider, f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s


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


CAPABILITIES: dict[str, tuple[str, str]] = {
    "generate_image": ("image", "local scene renderer"),
    "animate": ("image-to-video", "local Ken Burns"),
    "synthesize": ("speech", "local Piper voice"),
    "compose_music": ("music", "local synthesizer"),
}
"""Provider method -> (what it makes, how the local fallback is described in notes)."""


class ResilientProvider:
    """A cloud provider behind retries, limits and a local fallback (see the module doc).

    Implements whichever of `ImageGenerator`, `ImageToVideo`, `SpeechSynthesizer` and
    `MusicGenerator` the wrapped provider implements; `name` is the cloud provider's.

    Raises:
        ContentPolicyError: the provider refused the prompt (never retried or replaced).
    """

    def __init__(
        self, primary: Any, fallback: Any | None, *, policy: RetryPolicy, gate: Gate,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.policy = policy
        self.gate = gate
        self.name: str = primary.name

    async def generate_image(self, req: Any, out: Path) -> MediaFile:
        return await self._run("generate_image", req, out)

    def depends_on(self, req: Any) -> dict[str, object]:
        return dict(self.primary.depends_on(req))

    async def animate(self, req: Any, out: Path) -> MediaFile:
        return await self._run("animate", req, out)

    async def synthesize(self, req: Any, out: Path) -> MediaFile:
        return await self._run("synthesize", req, out)

    async def compose_music(self, req: Any, out: Path) -> MediaFile:
        return await self._run("compose_music", req, out)

    async def _run(self, method: str, req: Any, out: Path) -> MediaFile:
        call: Callable[[Any, Path], Awaitable[MediaFile]] = getattr(self.primary, method)
        what, local_label = CAPABILITIES[method]
        attempts = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self.policy.attempts),
                wait=self.policy.wait,
                retry=retry_if_exception_type(TransientError),
                before_sleep=self._log_retry(what),
                reraise=True,
            ):
                with attempt:
                    attempts += 1
                    async with self.gate:
                        try:
                            async with asyncio.timeout(self.policy.job_timeout_s):
                                return await call(req, out)
                        except TimeoutError:
                            raise ProviderError(
                                self.name,
                                f"no result within {self.policy.job_timeout_s:g} s",
                            ) from None
        except ContentPolicyError:
            raise
        except ProviderError as err:
            reason = err.reason if isinstance(err, TransientError) else _message(err)
        except Exception as err:  # an SDK raising something unexpected is a provider failure
            log.warning("%s %s: unexpected %s", self.name, what, type(err).__name__)
            reason = f"unexpected {type(err).__name__}"
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        if self.fallback is None:
            raise ProviderError(self.name, f"{what} failed {tries} ({reason})")
        note = f"{self.name} {what} failed {tries} ({reason}); used {local_label}"
        log.warning(note)
        result: MediaFile = await getattr(self.fallback, method)(req, out)
        return replace(result, note=f"{result.note}; {note}" if result.note else note)

    def _log_retry(self, what: str) -> Callable[[RetryCallState], None]:
        def log_it(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            log.info(
                "%s %s attempt %d failed (%s); retrying in %.2f s",
                self.name, what, state.attempt_number, getattr(exc, "reason", exc), wait,
            )
        return log_it


def _message(err: ProviderError) -> str:
    return str(err).removeprefix(f"{err.provider}: ")
