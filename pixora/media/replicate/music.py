"""Background music from Meta's MusicGen on Replicate (`meta/musicgen`).

Source: Copet et al., "Simple and Controllable Music Generation" (2023); model page
https://replicate.com/meta/musicgen.
"""

from __future__ import annotations

import asyncio
import math
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import replicate
from replicate.exceptions import ReplicateError

from pixora.config import Settings
from pixora.context.vocabulary import MOODS, resolve_mood
from pixora.media.cost import estimate_cost_usd
from pixora.media.ffmpeg import probe
from pixora.media.protocols import ContentPolicyError, MediaFile, MusicRequest, ProviderError
from pixora.media.transfer import save_audio
from pixora.net.errors import TransientError
from pixora.net.http import TimeoutCapTransport, download
from pixora.net.retry import error_for_status, is_retryable_status, poll_in_place, redact, short

NAME = "replicate"
MODEL = "meta/musicgen"
MODEL_VERSION = "stereo-large"
MAX_DURATION_S = 30
"""MusicGen's longest single generation; the composer loops the bed to the scene span."""
REPHRASE = "rephrase the music mood or genre"
POLICY_WORDS = ("nsfw", "content policy", "flagged", "sensitive content")


def music_prompt(req: MusicRequest) -> str:
    """A MusicGen text prompt from the cue's mood category and genre (tempo, key, feel)."""
    preset = MOODS[resolve_mood(req.mood)]
    feel = ", ".join(preset.keywords)
    return (
        f"{req.genre} instrumental background music, {feel}, {preset.tempo_bpm} bpm, "
        f"in {preset.key}, no vocals, steady loopable groove"
    )


class MusicGenMusic:
    """`MusicGenerator` on Replicate: create a prediction of the latest `meta/musicgen`
    version, poll it every `settings.provider_poll_s` seconds, download its WAV output to
    `out` (converted if `out` names another format). Every request is held to
    `settings.provider_timeout_s` (the SDK sends prediction creation with no timeout), and a
    status check that fails transiently is retried in place rather than creating (and paying
    for) a second prediction.

    Durations above 30 s are generated at 30 s (MusicGen's limit) and looped by the
    composer; `MediaFile.duration_s` is the probed length.

    Raises:
        ContentPolicyError: the prediction failed on a content flag.
        TransientError: HTTP 429/5xx, timeout or network error.
        ProviderError: any other failure; a failed or cancelled prediction; no output URL.
    """

    name = NAME

    def __init__(self, settings: Settings) -> None:
        if settings.replicate_api_token is None:
            raise ProviderError(NAME, "REPLICATE_API_TOKEN is not set")
        self._key = settings.replicate_api_token.get_secret_value()
        self._timeout_s = settings.provider_timeout_s
        self._poll_s = settings.provider_poll_s
        self._poll_retries = settings.provider_retries
        self._job_timeout_s = settings.provider_job_timeout_s
        self._client = replicate.Client(
            api_token=self._key,
            base_url=settings.replicate_base_url,
            timeout=httpx.Timeout(settings.provider_timeout_s),
            event_hooks={"response": [self._raise_retryable]},
            transport=TimeoutCapTransport(settings.provider_timeout_s),
        )
        self._version: str | None = None

    async def _raise_retryable(self, response: httpx.Response) -> None:
        """Turn HTTP 408/409/425/429/5xx into `TransientError` with its Retry-After, which
        the SDK's `ReplicateError` does not keep."""
        if is_retryable_status(response.status_code):
            body = (await response.aread()).decode(errors="replace")
            raise error_for_status(NAME, response.status_code, response.headers, body, [self._key])

    def _error(self, err: Exception) -> ProviderError:
        if isinstance(err, ReplicateError):
            detail = redact(str(err.detail or err.title or ""), [self._key])
            status = err.status or 0
            if any(w in detail.lower() for w in POLICY_WORDS):
                return ContentPolicyError(NAME, f"refused ({short(detail, 160)}); {REPHRASE}")
            return error_for_status(NAME, status, {}, detail, [self._key])
        if isinstance(err, httpx.TimeoutException):
            return TransientError(NAME, "timed out")
        if isinstance(err, httpx.TransportError):
            return TransientError(NAME, f"network error ({type(err).__name__})")
        return ProviderError(NAME, f"malformed response from Replicate ({type(err).__name__})")

    async def _latest_version(self) -> str:
        if self._version is None:
            model = await self._client.models.async_get(MODEL)
            if model.latest_version is None:
                raise ProviderError(NAME, f"{MODEL} has no published version")
            self._version = model.latest_version.id
        return self._version

    async def _predict(self, req: MusicRequest) -> Any:
        prediction = await self._client.predictions.async_create(
            version=await self._latest_version(),
            input={
                "prompt": music_prompt(req),
                "model_version": MODEL_VERSION,
                "duration": min(MAX_DURATION_S, max(1, math.ceil(req.duration_s))),
                "output_format": "wav",
                "normalization_strategy": "loudness",
                "seed": req.seed,
            },
        )
        async with asyncio.timeout(self._job_timeout_s):
            while prediction.status not in ("succeeded", "failed", "canceled"):
                await asyncio.sleep(self._poll_s)
                prediction = await poll_in_place(
                    partial(self._client.predictions.async_get, prediction.id),
                    tolerance=self._poll_retries, interval_s=self._poll_s,
                )
        return prediction

    async def generate_music(self, req: MusicRequest, out: Path) -> MediaFile:
        try:
            prediction = await self._predict(req)
        except TimeoutError:
            raise ProviderError(
                NAME, f"{MODEL} gave no result within {self._job_timeout_s:g} s"
            ) from None
        except ProviderError:
            raise
        except Exception as err:
            raise self._error(err) from None
        if prediction.status != "succeeded":
            reason = short(redact(str(prediction.error or prediction.status), [self._key]))
            if any(w in reason.lower() for w in POLICY_WORDS):
                raise ContentPolicyError(NAME, f"refused ({reason}); {REPHRASE}")
            raise ProviderError(NAME, f"{MODEL} prediction {prediction.status}: {reason}")
        url = prediction.output[0] if isinstance(prediction.output, list) and \
            prediction.output else prediction.output
        data = await download(NAME, url, timeout_s=self._timeout_s, secrets=[self._key])
        await save_audio(NAME, data, ".wav", out)
        try:
            duration = probe(out).duration_s
        except ValueError:
            raise ProviderError(NAME, f"{MODEL} returned audio that does not decode") from None
        return MediaFile(path=out, provider=NAME, duration_s=duration,
                         cost_usd=estimate_cost_usd(NAME, "music", req))
