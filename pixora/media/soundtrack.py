"""The soundtrack of a video: narration laid on the timeline over a ducked music bed, faded out
and loudness-normalised, in one ffmpeg graph plus a normalisation pass.

- narration: each clip resampled to 48 kHz stereo, sped up with `atempo` when asked, delayed
  (`adelay`) to its place and mixed;
- music: each cue looped (`-stream_loop`) or trimmed to its span, consecutive cues crossfaded
  over `MUSIC_CROSSFADE_S`, set to `music_level_db` and ducked under the narration with
  `sidechaincompress` (narration as the sidechain key);
- a `FINAL_FADE_S` fade-out at the end, then EBU R128 loudness normalisation in two passes:
  pass 1 renders the mix (48 kHz float WAV) and meters it with `ebur128` (integrated loudness,
  true peak); pass 2 applies the gain to the target, with `alimiter` holding the peaks under
  the true-peak ceiling when the gain alone would cross it, encodes AAC 48 kHz stereo
  192 kb/s and meters the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pixora.media import timeline
from pixora.media.ffmpeg import FFmpegError, run_ffmpeg, run_ffmpeg_stderr

FINAL_FADE_S = 1.5
MUSIC_CROSSFADE_S = 1.0
TRUE_PEAK_DBTP = -1.0
METER_FLUSH_S = 3.0
SILENCE_LUFS = -70.0
LIMITER_HEADROOM_DB = 0.5
"""How far under the true-peak ceiling the limiter holds sample peaks."""
"""ebur128's absolute gate: audio metered at or below it is silence."""
AUDIO_RATE_HZ = 48_000
AUDIO_BITRATE = "192k"
FORMAT = f"aformat=sample_fmts=flt:sample_rates={AUDIO_RATE_HZ}:channel_layouts=stereo"
QUIET_METER = "framelog=verbose"
"""ebur128 option logging its per-block lines (10 a second) at the verbose level: only its
summary reaches the info-level log read back, not a pipe write per block."""
DUCKING = "sidechaincompress=threshold=0.01:ratio=20:attack=20:release=350"
"""Measured: about 14 dB of gain reduction on the music under narration at -11 dBFS RMS."""


@dataclass(frozen=True)
class NarrationPlacement:
    """A narration clip starting at `at_s` on the timeline, played `tempo` times as fast."""

    path: Path
    at_s: float
    tempo: float = 1.0


@dataclass(frozen=True)
class Bed:
    """A music cue covering `start_s`..`end_s` of the timeline; `length_s` is the file's."""

    path: Path
    start_s: float
    end_s: float
    length_s: float


@dataclass(frozen=True)
class SoundtrackGraph:
    """ffmpeg input options and filter graph producing the `[mix]` pad (before loudnorm)."""

    inputs: tuple[str, ...]
    graph: tuple[str, ...]
    silent: bool


def soundtrack_graph(
    narrations: Sequence[NarrationPlacement],
    beds: Sequence[Bed],
    total_s: float,
    music_level_db: float,
) -> SoundtrackGraph:
    """Build the mix graph for a `total_s`-second timeline (see the module docstring)."""
    inputs: list[str] = []
    graph: list[str] = []
    fmt = f"aresample={AUDIO_RATE_HZ},aformat=sample_fmts=fltp:channel_layouts=stereo"
    pad = f"apad=whole_dur={total_s:.6f},atrim=end={total_s:.6f}"
    voice_pads, bed_pads = [], []
    for v in narrations:
        tempo = f"atempo={v.tempo:.4f}," if v.tempo > 1.0 else ""
        k = len(voice_pads) + len(bed_pads)
        graph.append(f"[{k}:a]{fmt},{tempo}adelay=delays={round(v.at_s * 1000)}:all=1[n{k}]")
        inputs += ["-i", str(v.path)]
        voice_pads.append(f"[n{k}]")
    for b in beds:
        begin = max(0.0, b.start_s - MUSIC_CROSSFADE_S / 2)
        end = min(total_s, b.end_s + MUSIC_CROSSFADE_S / 2)
        span = end - begin
        fades = []
        if begin > 0:
            fades.append(f"afade=t=in:d={MUSIC_CROSSFADE_S}")
        if end < total_s:
            fades.append(f"afade=t=out:st={span - MUSIC_CROSSFADE_S:.6f}:d={MUSIC_CROSSFADE_S}")
        k = len(voice_pads) + len(bed_pads)
        loop = ["-stream_loop", "-1"] if timeline.fit_music(b.length_s, span) == "loop" else []
        inputs += [*loop, "-i", str(b.path)]
        chain = ",".join([fmt, f"atrim=end={span:.6f}", "asetpts=PTS-STARTPTS", *fades,
                          f"adelay=delays={round(begin * 1000)}:all=1"])
        graph.append(f"[{k}:a]{chain}[m{k}]")
        bed_pads.append(f"[m{k}]")
    if not voice_pads and not bed_pads:
        graph.append(f"anullsrc=r={AUDIO_RATE_HZ}:cl=stereo,atrim=end={total_s:.6f}[mix]")
        return SoundtrackGraph(tuple(inputs), tuple(graph), silent=True)

    def mixed(pads: list[str], out: str) -> str:
        if len(pads) == 1:
            return f"{pads[0]}{pad}[{out}]"
        return f"{''.join(pads)}amix=inputs={len(pads)}:normalize=0,{pad}[{out}]"

    fade_d = min(FINAL_FADE_S, total_s / 2)
    ending = f"afade=t=out:st={total_s - fade_d:.6f}:d={fade_d:.6f}"
    if voice_pads:
        graph.append(mixed(voice_pads, "voice"))
    if bed_pads:
        graph.append(mixed(bed_pads, "bed"))
        graph.append(f"[bed]volume={music_level_db}dB[music]")
    if voice_pads and bed_pads:
        graph.append("[voice]asplit=2[vmix][vkey]")
        graph.append(f"[music][vkey]{DUCKING}[ducked]")
        graph.append(f"[ducked][vmix]amix=inputs=2:normalize=0,{ending}[mix]")
    else:
        graph.append(f"[{'voice' if voice_pads else 'music'}]{ending}[mix]")
    return SoundtrackGraph(tuple(inputs), tuple(graph), silent=False)


async def render_soundtrack(
    sg: SoundtrackGraph, loudness_lufs: float, dest: Path, work: Path
) -> float | None:
    """Render `sg` to `dest` (AAC in MP4/M4A), normalised to `loudness_lufs` integrated.

    Returns the integrated loudness of the result in LUFS, metered with the ebur128 filter
    (None when silent). `work` holds the intermediate float WAV.

    Raises:
        FFmpegError: ffmpeg failed or printed no measurement.
    """
    if sg.silent:
        await run_ffmpeg("-filter_complex", ";".join(sg.graph), "-map", "[mix]",
                         *_aac_args(), "-f", "mp4", dest)
        return None
    # Pass 1: render the mix once and meter it. Meters count only complete 400 ms blocks;
    # trailing silence (below the -70 LUFS gate) lets them take in the real ending. The mix is
    # pinned to 48 kHz so that no filter downstream negotiates the graph to another rate.
    flush = f"apad=pad_dur={METER_FLUSH_S}"
    mix = work / "mix.wav"
    graph = [*sg.graph[:-1],
             sg.graph[-1].removesuffix("[mix]") + f",{FORMAT},asplit=2[mix][meas]",
             f"[meas]{flush},ebur128=peak=true:{QUIET_METER}[measured]"]
    log = await run_ffmpeg_stderr(
        "-y", *sg.inputs, "-filter_complex", ";".join(graph),
        "-map", "[mix]", "-c:a", "pcm_f32le", str(mix),
        "-map", "[measured]", "-f", "null", "-",
    )
    m = _ebur128_summary(log)
    if m.integrated is None:
        await run_ffmpeg("-i", mix, *_aac_args(), "-f", "mp4", dest)
        return None
    # Pass 2: the gain that brings the mix to the target (loudnorm's linear mode, applied at
    # 48 kHz rather than through loudnorm's 192 kHz resampling). Where it would push the true
    # peak over the ceiling, a look-ahead limiter holds the peaks under it (with headroom for
    # inter-sample peaks, which a sample-peak limiter does not see); short peaks carry little
    # energy, so the integrated loudness stays on target.
    gain = loudness_lufs - m.integrated
    normalise = f"volume={gain:.3f}dB"
    if m.true_peak + gain > TRUE_PEAK_DBTP:
        ceiling = 10 ** ((TRUE_PEAK_DBTP - LIMITER_HEADROOM_DB) / 20)
        normalise += f",alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false"
    second = (f"[0:a]{normalise},asplit=2[out][check];"
              f"[check]{flush},ebur128={QUIET_METER}[checked]")
    log = await run_ffmpeg_stderr(
        "-y", "-i", str(mix), "-filter_complex", second,
        "-map", "[out]", *_aac_args(), "-f", "mp4", str(dest),
        "-map", "[checked]", "-f", "null", "-",
    )
    loudness = _ebur128_summary(log).integrated
    if loudness is None:
        raise FFmpegError("ebur128 metered the normalised soundtrack as silent")
    return loudness


def _aac_args() -> tuple[str, ...]:
    return ("-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(AUDIO_RATE_HZ), "-ac", "2")


@dataclass(frozen=True)
class Loudness:
    """An `ebur128` summary: integrated loudness (LUFS; None when the audio is silent, at or
    below `SILENCE_LUFS`) and true peak (dBTP; -inf as -200)."""

    integrated: float | None
    true_peak: float


def _ebur128_summary(log: str) -> Loudness:
    """The last summary the ebur128 filter printed in an ffmpeg log.

    Raises:
        FFmpegError: the log holds no summary.
    """
    at = log.rfind("Summary:")
    if at < 0:
        raise FFmpegError("ebur128 printed no summary")
    summary = log[at:]

    def value(label: str) -> float | None:
        found = re.search(rf"{label}:\s+(-?[\d.]+|-inf)", summary)
        if not found:
            raise FFmpegError(f"ebur128 summary has no {label}")
        return None if found.group(1) == "-inf" else float(found.group(1))

    integrated = value("I")
    peak = value("Peak") if "Peak:" in summary else None
    return Loudness(None if integrated is None or integrated <= SILENCE_LUFS else integrated,
                    -200.0 if peak is None else peak)
