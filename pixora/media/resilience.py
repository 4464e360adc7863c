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
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)

from pixora.media.protocols import MediaFile
from pixora.net.errors import ContentPolicyError, ProviderError, TransientError
from pixora.net.retry import Gate, RetryPolicy

log = logging.getLogger("pixora.media")

CAPABILITIES: dict[str, tuple[str, str]] = {
    "generate_image": ("image", "local scene renderer"),
    "animate": ("image-to-video", "local Ken Burns"),
    "synthesize": ("speech", "local Piper voice"),
    "generate_music": ("music", "local synthesizer"),
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

    async def generate_music(self, req: Any, out: Path) -> MediaFile:
        return await self._run("generate_music", req, out)

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
