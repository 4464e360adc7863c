"""The soundtrack of a video: narration laid on the timeline over a ducked music bed, faded out
and loudness-normalised, in one ffmpeg graph plus a normalisation pass.

- narration: each clip resampled to 48 kHz stereo, sped up with `atempo` when asked, delayed
  (`adelay`) to its place and mixed;
- music: each cue looped (`-stream_loop`) or trimmed to its span, consecutive cues crossfaded
  over `MUSIC_CROSSFADE_S`, set to `music_level_db` and ducked under the narration with
  `sidechaincompress` (narration as the sidechain key);
- a `FINAL_FADE_S` fade-out at the end, then EBU R128 loudness normalisation with two-pass
  `loudnorm` (pass 1 measures; pass 2 applies the measured values: a linear gain when the
  true-peak ceiling and loudness range allow, else loudnorm's dynamic mode), encoded as AAC
  48 kHz stereo 192 kb/s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pixora.media import timeline
from pixora.media.ffmpeg import FFmpegError, run_ffmpeg, run_ffmpeg_stderr

FINAL_FADE_S = 1.5
MUSIC_CROSSFADE_S = 1.0
TRUE_PEAK_DBTP = -1.0
LOUDNESS_RANGE_LU = 20.0
METER_FLUSH_S = 3.0
AUDIO_RATE_HZ = 48_000
AUDIO_BITRATE = "192k"
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
    # Pass 1: render the mix once and measure it (integrated, range, true peak). Meters count
    # only complete 400 ms blocks; trailing silence (below the -70 LUFS gate) lets them take
    # in the real ending.
    flush = f"apad=pad_dur={METER_FLUSH_S}"
    target = f"loudnorm=I={loudness_lufs}:TP={TRUE_PEAK_DBTP}:LRA={LOUDNESS_RANGE_LU}"
    mix = work / "mix.wav"
    graph = [*sg.graph[:-1], sg.graph[-1].removesuffix("[mix]") + ",asplit=2[mix][meas]",
             f"[meas]{flush},{target}:print_format=json[measured]"]
    log = await run_ffmpeg_stderr(
        "-y", *sg.inputs, "-filter_complex", ";".join(graph),
        "-map", "[mix]", "-c:a", "pcm_f32le", str(mix),
        "-map", "[measured]", "-f", "null", "-",
    )
    m = _loudnorm_stats(log)
    if m["input_i"] == "-inf":
        await run_ffmpeg("-i", mix, *_aac_args(), "-f", "mp4", dest)
        return None
    # Pass 2: apply the measured values, encode, and meter the result. Where loudnorm's linear
    # mode applies (the gain keeps the true peak under the ceiling and the range is within the
    # target) it is a constant gain, applied here with `volume` at 48 kHz rather than through
    # loudnorm's 192 kHz resampling; otherwise loudnorm normalises dynamically.
    gain = loudness_lufs - float(m["input_i"])
    if float(m["input_tp"]) + gain <= TRUE_PEAK_DBTP and float(m["input_lra"]) <= (
        LOUDNESS_RANGE_LU
    ):
        normalise = f"volume={gain:.3f}dB"
    else:
        normalise = (
            f"{target}:measured_I={m['input_i']}:measured_TP={m['input_tp']}"
            f":measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}"
            f":offset={m['target_offset']}:linear=true,aresample={AUDIO_RATE_HZ}"
        )
    second = f"[0:a]{normalise},asplit=2[out][check];[check]{flush},ebur128[checked]"
    log = await run_ffmpeg_stderr(
        "-y", "-i", str(mix), "-filter_complex", second,
        "-map", "[out]", *_aac_args(), "-f", "mp4", str(dest),
        "-map", "[checked]", "-f", "null", "-",
    )
    return _integrated_lufs(log)


def _aac_args() -> tuple[str, ...]:
    return ("-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(AUDIO_RATE_HZ), "-ac", "2")


def _integrated_lufs(log: str) -> float:
    """Integrated loudness (LUFS) from the ebur128 filter's summary."""
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise FFmpegError("ebur128 printed no summary")
    return float(found[-1])


def _loudnorm_stats(log: str) -> dict[str, str]:
    """The last JSON block `loudnorm` printed (print_format=json)."""
    blocks = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", log)
    if not blocks:
        raise FFmpegError("loudnorm printed no measurement")
    return json.loads(blocks[-1])
