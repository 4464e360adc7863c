"""The `video` metric: is the rendered file what the breakdown describes? (Only with `--render`.)

Checks, on the latest video of the task:
- `duration`: the file's duration (PyAV probe) within `duration_tolerance` (default 15 %) of
  the breakdown's total. Narration length sets each scene's final length, so a render may
  differ a little from the plan.
- `frame_size`: width x height equal `FRAME_SIZES[aspect_ratio]` (pixels).
- `audio`: an audio stream exists and is not silent (integrated loudness above -50 LUFS).
- `loudness`: integrated loudness within 2 LU of the target (`Settings.loudness_lufs`),
  measured with ffmpeg's `ebur128` filter (EBU R128, ITU-R BS.1770), padded with 1 s of
  silence so the meter takes in the last 400 ms block.
- `scene_cuts`: scenes detected in the picture equal the breakdown's scene count +/- 1.

Scene-cut detection: the transitions are 0.5 s crossfades, so at 30 fps a scene change is
spread over 15 frames and no single frame-to-frame difference looks like a cut (the usual
`select='gt(scene,0.3)'` finds none). The video is therefore sampled at 4 frames per second and
scaled to 160 px wide, and ffmpeg's scene score (`select='gte(scene,0)'`, printed by
`metadata=print`; the normalised sum of absolute luma differences from the previous sample,
0..1) is read for every sample. A crossfade then spans two or three samples. A sample is a cut
candidate when its score is at least `CUT_FLOOR` and at least `CUT_CONTRAST` times the median
score (the steady background of Ken Burns motion); samples in the first and last `EDGE_S`
(fade in and out) are ignored and candidates closer than `CUT_MERGE_S` are one cut. Detected
scenes = cuts + 1. Measured on local renders (720p, Pillow stills, Ken Burns): crossfade samples
score 0.02 to 0.29, motion between them 0.000 to 0.004 (median about 0.001), even for two
consecutive stills of the same palette. Burned-in captions change with every cue and word, so
when the breakdown burns them in, only the larger strip of the frame above or below their text
band is scored.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from pixora.context.vocabulary import FRAME_SIZES
from pixora.evals.metrics import CaseRun, Check, MetricResult
from pixora.media.captions.ass import layout
from pixora.media.ffmpeg import FFmpegError, probe, run_ffmpeg_stderr

NAME = "video"
SAMPLE_FPS = 4
CUT_FLOOR = 0.008
CUT_CONTRAST = 5.0
CUT_MERGE_S = 1.0
EDGE_S = 0.5
SILENT_LUFS = -50.0
LOUDNESS_TOLERANCE_LU = 2.0


@dataclass(frozen=True)
class SceneCuts:
    """Detected cut times (s) and every sample's (time s, scene score 0..1)."""

    cuts: list[float]
    scores: list[tuple[float, float]]

    @property
    def scenes(self) -> int:
        return len(self.cuts) + 1


def cuts_from_scores(scores: list[tuple[float, float]]) -> list[float]:
    """Cut times (s) from sampled (time s, scene score) pairs (see the module docstring)."""
    if len(scores) < 3:
        return []
    end = scores[-1][0]
    inner = [(t, s) for t, s in scores if EDGE_S <= t <= end - EDGE_S]
    if not inner:
        return []
    floor = statistics.median(s for _, s in inner)
    cuts: list[tuple[float, float]] = []
    for t, s in inner:
        if s < CUT_FLOOR or s < CUT_CONTRAST * floor:
            continue
        if cuts and t - cuts[-1][0] < CUT_MERGE_S:
            if s > cuts[-1][1]:
                cuts[-1] = (t, s)
            continue
        cuts.append((t, s))
    return [round(t, 2) for t, _ in cuts]


def _outside(band: tuple[int, int], height: int) -> str:
    """An ffmpeg crop keeping the taller strip of rows above or below `band` (y0, y1 px)."""
    y0, y1 = band
    return f"crop=iw:{y0}:0:0," if y0 >= height - y1 else f"crop=iw:{height - y1}:0:{y1},"


async def detect_scene_cuts(path: Path, skip_rows: tuple[int, int] | None = None) -> SceneCuts:
    """Scene cuts of a video file (see the module docstring). `skip_rows` (y0, y1 pixels):
    a band left out of the scoring (burned-in captions); the taller strip beside it is scored.

    Raises:
        FFmpegError: ffmpeg cannot read the file.
    """
    crop = _outside(skip_rows, probe(path).height) if skip_rows else ""
    log = await run_ffmpeg_stderr(
        "-i", str(path), "-an", "-vf",
        f"fps={SAMPLE_FPS},{crop}scale=160:-2,select='gte(scene\\,0)',metadata=print",
        "-f", "null", "-",
    )
    scores: list[tuple[float, float]] = []
    at: float | None = None
    for line in log.splitlines():
        t = re.search(r"pts_time:(-?[\d.]+)", line)
        if t:
            at = float(t.group(1))
            continue
        s = re.search(r"lavfi\.scene_score=([\d.]+)", line)
        if s and at is not None:
            scores.append((at, float(s.group(1))))
            at = None
    return SceneCuts(cuts_from_scores(scores), scores)


async def integrated_loudness(path: Path) -> float | None:
    """Integrated loudness of the file's audio in LUFS (None: -inf, i.e. silence).

    Raises:
        FFmpegError: ffmpeg cannot read the audio, or the meter printed no summary.
    """
    log = await run_ffmpeg_stderr(
        "-nostats", "-i", str(path), "-vn", "-af", "apad=pad_dur=1,ebur128", "-f", "null", "-",
    )
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise FFmpegError(f"{path}: ebur128 printed no loudness summary")
    return None if found[-1] == "-inf" else float(found[-1])


async def score(run: CaseRun, target_lufs: float) -> MetricResult:
    exp = run.case.expect.video
    if not run.rendered:
        return MetricResult.skipped(NAME, "not rendered (run with --render)")
    if not run.case.renders or not exp.rendered:
        return MetricResult.skipped(NAME, "the case does not render")
    bd = run.task.breakdown
    path = run.video_path
    if bd is None or path is None or not path.is_file():
        return MetricResult.from_checks(NAME, [Check(
            name="rendered", ok=False,
            detail=f"no video file (stage {run.task.stage}, error {run.task.error})")])
    checks = [Check(name="rendered", ok=True, detail=path.name)]
    info = probe(path)
    planned = bd.total_duration
    off = abs(info.duration_s - planned) / planned
    checks.append(Check(name="duration", ok=off <= exp.duration_tolerance,
                        detail=f"{info.duration_s:.2f} s vs {planned:g} s planned ({off:.0%})"))
    want_w, want_h = FRAME_SIZES[bd.aspect_ratio]
    checks.append(Check(name="frame_size", ok=(info.width, info.height) == (want_w, want_h),
                        detail=f"{info.width}x{info.height} (expected {want_w}x{want_h} for "
                               f"{bd.aspect_ratio})"))
    lufs = await integrated_loudness(path) if info.audio_codec else None
    audible = lufs is not None and lufs > SILENT_LUFS
    checks.append(Check(name="audio", ok=audible,
                        detail="no audio stream" if not info.audio_codec
                        else f"integrated {lufs} LUFS (silent below {SILENT_LUFS:g})"))
    if audible and lufs is not None:
        checks.append(Check(name="loudness", ok=abs(lufs - target_lufs) <= LOUDNESS_TOLERANCE_LU,
                            detail=f"{lufs:.1f} LUFS (target {target_lufs:g} +/- "
                                   f"{LOUDNESS_TOLERANCE_LU:g} LU)"))
    burned = bd.captions != "off"
    band = layout((info.width, info.height), bd.captions, bd.caption_look).text_band()
    cuts = await detect_scene_cuts(path, band if burned else None)
    n = len(bd.scenes)
    checks.append(Check(name="scene_cuts", ok=abs(cuts.scenes - n) <= 1,
                        detail=f"{cuts.scenes} scenes detected (cuts at {cuts.cuts} s) for "
                               f"{n} planned"))
    return MetricResult.from_checks(
        NAME, checks, duration_s=round(info.duration_s, 3), width=info.width,
        height=info.height, lufs=lufs, detected_scenes=cuts.scenes, cuts_s=cuts.cuts,
    )
