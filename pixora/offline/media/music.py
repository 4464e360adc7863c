"""Offline background music: a numpy synthesizer that writes seamless loops.

The mood category (`pixora.context.vocabulary.MOODS`) gives the tempo, key and chord
progression and picks the instruments; the genre nudges the arrangement. Every note, echo and
reverb tail is laid on a circular buffer (tails wrap into the head, reverb is a circular FFT
convolution), and the track is a whole number of bars (the tempo is adjusted by a few percent
to fit), so sample N-1 flows into sample 0 without a click. Output: stereo 16-bit WAV at 48 kHz,
exactly round(duration_s * 48000) samples, peak-normalised to -3 dBFS.
"""

from __future__ import annotations

import asyncio
import wave
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pixora.context.vocabulary import MOODS, resolve_mood
from pixora.media.protocols import MediaFile, MusicRequest

RATE = 48_000
PEAK = 10 ** (-3 / 20)
NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}


def parse_key(key: str) -> tuple[int, tuple[int, ...]]:
    """("E minor") -> (pitch class of the tonic 0..11, scale intervals in semitones).

    Raises:
        ValueError: not "<note>[#|b] major|minor".
    """
    parts = key.split()
    if len(parts) != 2 or parts[0][0].upper() not in NOTE_PC or parts[1] not in ("major", "minor"):
        raise ValueError(f"key must look like 'E minor' or 'D major', got {key!r}")
    note = parts[0]
    pc = NOTE_PC[note[0].upper()] + note[1:].count("#") - note[1:].count("b")
    return pc % 12, MAJOR if parts[1] == "major" else MINOR


def chord(numeral: str, tonic_pc: int, scale: tuple[int, ...], octave: int = 4) -> list[int]:
    """MIDI notes of the triad for a roman numeral (upper case major, lower case minor)."""
    root = 12 * (octave + 1) + tonic_pc + scale[ROMAN[numeral.lower()]]
    return [root, root + (4 if numeral.isupper() else 3), root + 7]


def hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


@dataclass(frozen=True)
class Arrangement:
    """Which parts play. Each field names a variant, or "" for a silent part."""

    drums: str = ""  # "full", "soft", "lofi"
    bass: str = ""  # "pulse", "root"
    lead: str = ""  # "saw", "pluck", "piano", "bell"
    pad: str = ""  # "warm", "detuned", "soft"
    arp: str = ""  # "pluck", "bell"
    chords: str = ""  # "piano": broken piano chords
    delay: float = 0.0  # echo feedback 0..0.7
    reverb: float = 0.2  # wet level
    rt60: float = 1.6  # reverb decay time, seconds
    lowpass_hz: float = 0.0
    tempo_scale: float = 1.0


MOOD_ARRANGEMENT: dict[str, Arrangement] = {
    "high_energy": Arrangement(drums="full", bass="pulse", lead="saw", pad="soft",
                               delay=0.25, reverb=0.12, rt60=1.0),
    "luxury_reveal": Arrangement(drums="soft", bass="root", pad="warm", arp="pluck",
                                 delay=0.2, reverb=0.28, rt60=2.0),
    "intimate_story": Arrangement(bass="", chords="piano", lead="piano", pad="soft",
                                  reverb=0.3, rt60=1.8),
    "surreal_trip": Arrangement(pad="detuned", arp="bell", lead="bell", delay=0.5,
                                reverb=0.45, rt60=3.2),
}


def arrange(mood: str, genre: str) -> Arrangement:
    """The arrangement for a mood category, nudged by genre words (ambient, electronic,
    orchestral/cinematic, acoustic, lofi, piano, rock)."""
    a = MOOD_ARRANGEMENT[mood]
    g = genre.lower()
    if "ambient" in g:  # the default genre: a light nudge towards space, not silence
        a = replace(a, reverb=a.reverb + 0.1, pad=a.pad or "warm")
    if any(w in g for w in ("electronic", "edm", "techno", "house", "synth", "dance")):
        a = replace(a, drums="full", bass="pulse", lead=a.lead if a.lead == "bell" else "saw")
    if any(w in g for w in ("orchestral", "cinematic", "epic", "score")):
        a = replace(a, pad="warm", bass="root", drums="soft" if a.drums else "", reverb=0.35)
    if any(w in g for w in ("acoustic", "folk", "guitar")):
        a = replace(a, lead="pluck", arp="pluck", drums="soft" if a.drums else "", pad="soft")
    if any(w in g for w in ("lofi", "lo-fi", "chill", "hip hop", "hiphop")):
        a = replace(a, drums="lofi", chords="piano", lead="", bass="root", lowpass_hz=3500,
                    tempo_scale=0.85)
    if "piano" in g:
        a = replace(a, chords="piano", lead="piano", arp="")
    if "rock" in g:
        a = replace(a, drums="full", bass="pulse", lead="saw")
    return a


# ---- instruments: each returns a mono waveform of n samples for one note ----------------


def _t(n: int) -> np.ndarray:
    return np.arange(n) / RATE


def _adsr(n: int, attack: float, release: float) -> np.ndarray:
    t = _t(n)
    env = np.minimum(t / max(attack, 1e-3), 1.0)
    rel = max(min(release, n / RATE / 2), 1e-3)
    return env * np.clip((n / RATE - t) / rel, 0.0, 1.0)


TABLE = 4096


def osc(f: float, n: int, amps: np.ndarray, detune_cents: float = 0.0) -> np.ndarray:
    """A band-limited wavetable oscillator: harmonic k of `f` Hz has amplitude amps[k-1].

    Harmonics above 0.45 x the sample rate are left out (no aliasing).
    """
    f0 = f * 2 ** (detune_cents / 1200)
    k = np.arange(1, len(amps) + 1)
    keep = k * f0 < RATE * 0.45
    cycle = np.sin(2 * np.pi * np.outer(np.arange(TABLE) / TABLE, k[keep])) @ amps[keep]
    table = np.append(cycle, cycle[0])
    ph = (f0 / RATE * np.arange(n)) % 1.0 * TABLE
    i = ph.astype(np.int64)
    frac = ph - i
    return table[i] + (table[i + 1] - table[i]) * frac


def _decaying(f: float, n: int, amps: np.ndarray, fade: float, detune: float = 0.0,
              ) -> np.ndarray:
    """Bright at the attack, fading to the fundamental at rate `fade` per second."""
    bright = osc(f, n, amps, detune)
    dull = osc(f, n, amps[:1], detune)
    return dull + (bright - dull) * np.exp(-_t(n) * fade)


def saw(f: float, n: int) -> np.ndarray:
    amps = 1 / np.arange(1, 25)
    wave_ = osc(f, n, amps, -6) + osc(f, n, amps, 6)
    return wave_ * 0.35 * _adsr(n, 0.01, 0.05)


def pad(f: float, n: int, detune: float) -> np.ndarray:
    amps = 1 / np.arange(1, 9) ** 1.6
    wave_ = sum(osc(f, n, amps, c) for c in (-detune, 0.0, detune))
    if detune > 10:  # slow vibrato for the dreamy pad
        wave_ = wave_ * (1 + 0.15 * np.sin(2 * np.pi * 0.3 * _t(n)))
    return wave_ * 0.18 * _adsr(n, min(0.6, n / RATE / 3), 0.4)


def pluck(f: float, n: int) -> np.ndarray:
    wave_ = _decaying(f, n, 1 / np.arange(1, 13), 12.0)
    return wave_ * np.exp(-_t(n) * 4.0) * 0.5 * _adsr(n, 0.003, 0.03)


def piano(f: float, n: int) -> np.ndarray:
    amps = np.array([1, 0.45, 0.28, 0.16, 0.1, 0.06, 0.04, 0.025])
    wave_ = _decaying(f, n, amps, 4.0, -1.5) + _decaying(f, n, amps, 4.0, 1.5)
    return wave_ * np.exp(-_t(n) * 1.6) * 0.32 * _adsr(n, 0.004, 0.08)


def bell(f: float, n: int) -> np.ndarray:
    t = _t(n)
    index = 2.5 * np.exp(-t * 3)
    wave_ = np.sin(2 * np.pi * f * t + index * np.sin(2 * np.pi * f * 3.5 * t))
    return wave_ * np.exp(-t * 1.6) * 0.4 * _adsr(n, 0.002, 0.1)


def bass(f: float, n: int) -> np.ndarray:
    amps = np.array([1, 0.5, 0.33, 0.2, 0.12, 0.07])
    return osc(f, n, amps) * 0.55 * _adsr(n, 0.005, 0.04)


def kick(n: int, soft: bool) -> np.ndarray:
    t = _t(n)
    freq = 45 + (70 if soft else 110) * np.exp(-t * 30)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    return np.sin(phase) * np.exp(-t * (6 if soft else 8)) * (0.55 if soft else 0.95)


def snare(n: int, noise: np.ndarray) -> np.ndarray:
    t = _t(n)
    body = np.sin(2 * np.pi * 185 * t) * np.exp(-t * 25)
    hiss = np.diff(noise[: n + 1]) * np.exp(-t * 16)
    return (0.35 * body + 0.45 * hiss) * 0.8


def hat(n: int, noise: np.ndarray) -> np.ndarray:
    t = _t(n)
    return np.diff(noise[: n + 2], 2) * np.exp(-t * 55) * 0.12


# ---- the score and the circular mixer -------------------------------------------------------


@dataclass
class Mix:
    """A circular mixer of `n` samples with echo and reverb sends.

    Notes are summed into mono buses per pan position (pan quantised to steps of 0.25,
    -1 left .. 1 right), panned with equal power when the buses are read.
    """

    n: int

    def __post_init__(self) -> None:
        self.pans: dict[float, np.ndarray] = {}

    def add(self, start: int, wave_: np.ndarray, pan: float = 0.0, echo: float = 0.0,
            verb: float = 1.0) -> None:
        """Add `wave_` from sample `start` (wrapping past the end to the head) at send levels
        `echo` and `verb`."""
        key = round(float(pan) * 4) / 4
        buses = self.pans.get(key)
        if buses is None:
            buses = self.pans[key] = np.zeros((3, self.n), np.float32)
        gains = [(0, 1.0), *([(1, echo)] if echo else []), *([(2, verb)] if verb else [])]
        pos, i = start % self.n, 0
        while i < len(wave_):
            m = min(self.n - pos, len(wave_) - i)
            seg = wave_[i:i + m]
            for bus, g in gains:
                buses[bus, pos:pos + m] += seg * g if g != 1.0 else seg
            i += m
            pos = 0

    def buses(self) -> np.ndarray:
        """The stereo dry, echo-send and reverb-send buses, shape (3, 2, n)."""
        out = np.zeros((3, 2, self.n), np.float32)
        for pan, mono in self.pans.items():
            angle = (pan + 1) * np.pi / 4
            out[:, 0] += mono * np.float32(np.cos(angle) * np.sqrt(2))
            out[:, 1] += mono * np.float32(np.sin(angle) * np.sqrt(2))
        return out


def _circular_echo(send: np.ndarray, delay: int, feedback: float) -> np.ndarray:
    """Ping-pong echoes of a stereo send, wrapping around the loop."""
    out = np.zeros_like(send)
    gain = 1.0
    for k in range(1, 9):
        gain *= feedback
        if gain < 0.02:
            break
        shifted = np.roll(send, k * delay, axis=1)
        out += gain * (shifted[::-1] if k % 2 else shifted)
    return out


def _circular_reverb(send: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    """A stereo reverb: circular FFT convolution with decaying, darkened noise impulses."""
    n = send.shape[1]
    length = int(min(rt60 * 1.2, 6.0) * RATE)
    t = _t(length)
    out = np.empty_like(send)
    for ch in (0, 1):
        ir = rng.standard_normal(length, np.float32) * np.exp(-6.9 * t / rt60, dtype=np.float32)
        ir = np.convolve(ir, np.ones(6) / 6, mode="same")
        ir[: int(0.012 * RATE)] = 0.0  # pre-delay
        folded = np.zeros(n, np.float32)
        for s in range(0, length, n):
            chunk = ir[s:s + n]
            folded[: len(chunk)] += chunk
        folded /= np.sqrt(np.sum(ir**2)) * 8
        out[ch] = np.fft.irfft(np.fft.rfft(send[ch]) * np.fft.rfft(folded), n=n)
    return out


def fit_beats(duration_s: float, tempo_bpm: float) -> int:
    """How many beats fill `duration_s` exactly: a whole number of 4/4 bars (preferring 4,
    then 2, then 1 bar multiples) when that moves the tempo by 8 % or less, else whole beats.
    """
    raw = duration_s * tempo_bpm / 60
    for multiple in (16, 8, 4):
        beats = round(raw / multiple) * multiple
        if beats and abs(beats / raw - 1) <= 0.08:
            return beats
    return max(round(raw), 1)


@dataclass(frozen=True)
class Plan:
    """Everything the score needs: samples, beats, tempo and harmony."""

    n: int
    beats: int
    beat_samples: float
    tempo_bpm: float
    tonic_pc: int
    scale: tuple[int, ...]
    progression: tuple[str, ...]


def plan(req: MusicRequest, arrangement: Arrangement) -> Plan:
    """The sample count, beat grid and harmony of a request."""
    preset = MOODS[resolve_mood(req.mood)]
    n = max(round(req.duration_s * RATE), 1)
    beats = fit_beats(req.duration_s, preset.tempo_bpm * arrangement.tempo_scale)
    tonic, scale = parse_key(preset.key)
    return Plan(n, beats, n / beats, beats * 60 / (n / RATE), tonic, scale,
                preset.progression)


def score(p: Plan, a: Arrangement, rng: np.random.Generator, mix: Mix) -> None:
    """Lay every note of the arrangement onto `mix`."""
    cache: dict[tuple[str, int, int], np.ndarray] = {}
    noise = np.random.default_rng(7).standard_normal(RATE)

    def note(kind: str, midi: int, beats: float, make: Callable[[float, int], np.ndarray],
             ) -> np.ndarray:
        n = max(int(beats * p.beat_samples), 16)
        key = (kind, midi, n)
        if key not in cache:
            cache[key] = make(hz(midi), n)
        return cache[key]

    def at(beat: float) -> int:
        return round(beat * p.beat_samples)

    def vel() -> float:
        return float(rng.uniform(0.85, 1.0))

    kick_w = kick(int(0.45 * RATE), a.drums != "full")
    snare_w = snare(int(0.3 * RATE), noise)
    hat_w = hat(int(0.08 * RATE), noise)
    scale_notes = [12 * 5 + p.tonic_pc + s for s in p.scale]
    motif = [(int(b), int(rng.integers(0, 5))) for b in
             sorted(rng.choice(8, size=int(rng.integers(4, 7)), replace=False))]
    for bar in range(-(-p.beats // 4)):
        b0 = bar * 4
        beats_per_bar = min(4, p.beats - b0)
        numeral = p.progression[bar % len(p.progression)]
        tri = chord(numeral, p.tonic_pc, p.scale, 3)
        hold = beats_per_bar + 0.5
        if a.pad:
            detune = {"warm": 7.0, "detuned": 18.0, "soft": 4.0}[a.pad]
            for i, m in enumerate((*tri, tri[0] + 12)):
                w = note(f"pad{a.pad}", m + 12, hold,
                         lambda f, n, d=detune: pad(f, n, d))
                mix.add(at(b0), w * (0.5 if a.pad == "soft" else 0.8), pan=(i - 1.5) * 0.35,
                        verb=1.2)
        if a.bass:
            root = tri[0] - 12
            steps = [(s * 0.5, 0.45) for s in range(2 * beats_per_bar)] if a.bass == "pulse" \
                else [(0.0, min(2.0, beats_per_bar) - 0.1), (2.0, 1.9)][: 1 + (beats_per_bar > 2)]
            for beat, length in steps:
                mix.add(at(b0 + beat), note("bass", root, length, bass) * vel(), verb=0.1)
        if a.chords == "piano":
            pattern = [tri[0] - 12, tri[2], tri[1] + 12, tri[2], tri[0] + 12, tri[2],
                       tri[1] + 12, tri[2]]
            for i, m in enumerate(pattern[: 2 * beats_per_bar]):
                mix.add(at(b0 + i * 0.5), note("piano", m, 3.0, piano) * 0.6 * vel(),
                        pan=-0.2 + 0.05 * (i % 3))
        if a.arp:
            make = pluck if a.arp == "pluck" else bell
            tones = [*tri, tri[0] + 12, tri[1] + 12]
            for i in range(2 * beats_per_bar):
                if a.arp == "bell" and rng.random() < 0.5:
                    continue
                m = tones[i % len(tones)] + 12
                mix.add(at(b0 + i * 0.5), note(a.arp, m, 1.5, make) * 0.45 * vel(),
                        pan=0.5 * np.sin(i), echo=0.6, verb=0.8)
        if a.lead:
            make = {"saw": saw, "pluck": pluck, "piano": piano, "bell": bell}[a.lead]
            shift = 0 if bar % 2 == 0 else int(rng.integers(-1, 2))
            for eighth, degree in motif:
                if eighth >= 2 * beats_per_bar or (a.lead != "saw" and bar % 2):
                    continue
                idx = ROMAN[numeral.lower()] + [0, 2, 4, 1, 3][degree] + shift
                m = scale_notes[idx % 7] + 12 * (idx // 7)
                length = 0.45 if a.lead == "saw" else 2.0
                gain = 0.35 if a.lead == "saw" else 0.5
                mix.add(at(b0 + eighth * 0.5), note(a.lead, m, length, make) * gain * vel(),
                        pan=0.15, echo=0.5, verb=0.7)
        if a.drums:
            soft = a.drums != "full"
            kicks = [0.0, 2.0] if a.drums == "soft" else (
                [0.0, 1.5, 2.5] if a.drums == "lofi" else [0.0, 1.0, 2.0, 3.0])
            for beat in kicks:
                if beat < beats_per_bar:
                    mix.add(at(b0 + beat), kick_w * vel(), verb=0.05)
            if a.drums != "soft":
                for beat in (1.0, 3.0):
                    if beat < beats_per_bar:
                        gain = 0.6 if soft else 1.0
                        mix.add(at(b0 + beat), snare_w * gain * vel(),
                                pan=0.05, verb=0.5)
            swing = 1 / 6 if a.drums == "lofi" else 0.0
            for i in range(2 * beats_per_bar):
                off = i % 2
                mix.add(at(b0 + i * 0.5 + off * swing), hat_w
                        * (1.0 if off else 0.6) * vel() * (0.6 if soft else 1.0),
                        pan=0.3, verb=0.1)


def render(req: MusicRequest) -> np.ndarray:
    """The music for `req` as float stereo samples, shape (2, N), peak 0.708 (-3 dBFS)."""
    mood = resolve_mood(req.mood)
    a = arrange(mood, req.genre)
    p = plan(req, a)
    rng = np.random.default_rng(zlib.crc32(f"{req.seed}|{mood}|{req.genre}".encode()))
    mix = Mix(p.n)
    score(p, a, rng, mix)
    out, echo_send, verb_send = mix.buses()
    if a.delay:
        echo_delay = max(round(p.beat_samples * 0.75), 1)  # dotted eighth
        out += _circular_echo(echo_send, echo_delay, a.delay)
    if a.reverb:
        out += np.float32(a.reverb) * _circular_reverb(verb_send, a.rt60, rng)
    if a.lowpass_hz:
        f = np.fft.rfftfreq(p.n, 1 / RATE)
        gain = 1 / np.sqrt(1 + (f / a.lowpass_hz) ** 4)
        out = np.fft.irfft(np.fft.rfft(out, axis=1) * gain, n=p.n, axis=1)
    peak = float(np.abs(out).max())
    if peak < 1e-9:
        return out
    out = np.tanh(out / peak * 1.4) / float(np.tanh(1.4))  # gentle saturation tames drum peaks
    return out * (PEAK / float(np.abs(out).max()))


def write_wav(samples: np.ndarray, out: Path) -> None:
    """Write (2, N) float samples as a 16-bit stereo WAV at 48 kHz."""
    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2").T.copy()
    out.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


class SynthMusic:
    """Loopable background music from a numpy synthesizer (`MusicGenerator` protocol).

    Mood sets tempo, key, progression and instruments (high_energy: drums, pulse bass, saw
    lead; luxury_reveal: warm pad, plucked arpeggio, soft kick; intimate_story: piano and a
    soft pad; surreal_trip: detuned pads, bells, long echoes and reverb).
    """

    name = "local"

    async def generate_music(self, req: MusicRequest, out: Path) -> MediaFile:
        """Write `req.duration_s` seconds (to the sample) of stereo 48 kHz music to `out`.

        Raises:
            ValueError: non-positive duration.
        """
        if req.duration_s <= 0:
            raise ValueError(f"music duration must be positive, got {req.duration_s}")

        await asyncio.to_thread(lambda: write_wav(render(req), out))
        return MediaFile(out, self.name, duration_s=round(req.duration_s * RATE) / RATE)
