"""Narration from OpenAI's Speech API (model gpt-4o-mini-tts)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import openai

from pixora.config import Settings
from pixora.media.captions.words import estimate_file_words
from pixora.media.cost import estimate_cost_usd
from pixora.media.ffmpeg import probe
from pixora.media.openai.client import NAME, make_client, map_error
from pixora.media.protocols import MediaFile, ProviderError, SpeechRequest
from pixora.media.transfer import save_audio

MODEL = "gpt-4o-mini-tts"
REPHRASE = "rephrase the narration"
VOICES = frozenset({
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
    "verse", "marin", "cedar",
})
TONE_VOICE = {"neutral": "alloy", "warm": "coral", "bright": "nova"}
TONE_INSTRUCTIONS = {
    "neutral": "Speak as a clear, even documentary narrator.",
    "warm": "Speak as a warm, friendly narrator, unhurried and close to the listener.",
    "bright": "Speak as an upbeat, bright narrator with energy and a smile.",
}
FORMATS = {".wav": "wav", ".mp3": "mp3", ".flac": "flac", ".aac": "aac", ".opus": "opus"}


class OpenAISpeech:
    """`SpeechSynthesizer` on `POST /v1/audio/speech` with gpt-4o-mini-tts.

    `req.voice.voice` names an OpenAI voice (alloy, coral, nova, ...); "default" or an
    unknown name takes the tone's voice. `req.voice.speed` is sent as `speed` (0.5-2.0 of
    the API's 0.25-4.0) and the tone becomes the `instructions`. The audio is written to
    `out` in the format its suffix names (wav by default). The Speech API gives no
    timestamps: the word timings are the text aligned to the audio (`estimate_words`).

    Raises:
        ContentPolicyError: the text was refused.
        TransientError: HTTP 429/5xx, timeout or network error.
        ProviderError: any other failure, including audio that does not decode.
    """

    name = NAME

    def __init__(self, settings: Settings) -> None:
        self._client, self._key = make_client(settings)

    async def synthesize(self, req: SpeechRequest, out: Path) -> MediaFile:
        spec = req.voice
        voice = spec.voice.lower() if spec.voice.lower() in VOICES else TONE_VOICE[spec.tone]
        fmt = FORMATS.get(out.suffix.lower(), "wav")
        try:
            response = await self._client.audio.speech.create(
                model=MODEL, voice=voice, input=req.text, speed=spec.speed,
                instructions=TONE_INSTRUCTIONS[spec.tone], response_format=fmt,  # type: ignore[arg-type]
            )
        except openai.OpenAIError as err:
            raise map_error(err, self._key, REPHRASE) from None
        await save_audio(NAME, response.content, f".{fmt}", out)
        try:
            duration = probe(out).duration_s
        except ValueError:
            raise ProviderError(NAME, "speech response is not readable audio") from None
        words = await asyncio.to_thread(estimate_file_words, req.text, out)
        return MediaFile(
            path=out, provider=NAME, duration_s=duration,
            cost_usd=estimate_cost_usd(NAME, "speech", req), words=tuple(words),
        )
