"""Narration from ElevenLabs multilingual v2 on fal (`fal-ai/elevenlabs/tts/multilingual-v2`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlparse

from pixora.config import Settings
from pixora.media.captions.words import estimate_file_words
from pixora.media.cost import estimate_cost_usd
from pixora.media.fal.client import NAME, FalQueue
from pixora.media.ffmpeg import probe
from pixora.media.protocols import MediaFile, ProviderError, SpeechRequest
from pixora.media.transfer import save_audio
from pixora.net.http import download

APP = "fal-ai/elevenlabs/tts/multilingual-v2"
REPHRASE = "rephrase the narration"
TONE_VOICE = {"neutral": "Rachel", "warm": "Sarah", "bright": "Aria"}
TONE_STYLE = {"neutral": 0.0, "warm": 0.3, "bright": 0.5}
SPEED_RANGE = (0.7, 1.2)
"""ElevenLabs accepts speeds from 0.7 to 1.2; requests outside are clamped."""


class ElevenLabsSpeech:
    """`SpeechSynthesizer` on ElevenLabs multilingual v2 through fal's queue.

    `req.voice.voice` is an ElevenLabs voice name ("Rachel", "Aria", ...); "default" takes the
    tone's voice. Speed is clamped to 0.7-1.2. The MP3 result (`audio.url`) is downloaded and
    converted to the format `out` names. The word timings are the text aligned to the audio
    (`estimate_words`): this fal endpoint returns no timestamps.

    Raises:
        ContentPolicyError / TransientError / ProviderError: see `FalQueue`; a result without
            `audio.url`; audio that does not decode.
    """

    name = NAME

    def __init__(self, settings: Settings, queue: FalQueue | None = None) -> None:
        self._queue = queue or FalQueue(settings)

    async def synthesize(self, req: SpeechRequest, out: Path) -> MediaFile:
        spec = req.voice
        voice = TONE_VOICE[spec.tone] if spec.voice.lower() == "default" else spec.voice
        result = await self._queue.run(APP, {
            "text": req.text,
            "voice": voice,
            "stability": 0.5,
            "similarity_boost": 0.75,
            "style": TONE_STYLE[spec.tone],
            "speed": min(max(spec.speed, SPEED_RANGE[0]), SPEED_RANGE[1]),
        }, REPHRASE)
        audio = result.get("audio")
        url = audio.get("url") if isinstance(audio, dict) else None
        if not url:
            raise ProviderError(NAME, f"{APP} result has no audio.url")
        data = await download(NAME, url, timeout_s=self._queue.timeout_s,
                              secrets=[self._queue.key])
        suffix = Path(urlparse(url).path).suffix or ".mp3"
        await save_audio(NAME, data, suffix, out)
        try:
            duration = probe(out).duration_s
        except ValueError:
            raise ProviderError(NAME, f"{APP} returned audio that does not decode") from None
        words = await asyncio.to_thread(estimate_file_words, req.text, out)
        return MediaFile(path=out, provider=NAME, duration_s=duration,
                         cost_usd=estimate_cost_usd(NAME, "speech", req), words=tuple(words))
