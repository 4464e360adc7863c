"""Timeline rules for the final video: scene lengths, start times, clip and narration fitting.

Pure functions, no I/O. Times are seconds; frame counts are at the output frame rate `fps`.

The final timeline joins scenes with cross transitions (ffmpeg `xfade`): the last
`transition_s` of scene *i* overlaps the first `transition_s` of scene *i + 1*, so

    start_i = sum_{j < i} (d_j - o_j)        total = sum_i d_i - sum_i o_i

where `o_j` is the overlap of the boundary after scene *j*: `transition_s` for every
transition except `"cut"`, whose overlap is 0 (the next scene starts on the frame after the
last frame of this one). The last scene has no outgoing boundary.

Narration of scene *i* starts `lead_s` after `start_i` and must end `tail_s` before
`start_{i+1}` (the moment the next scene begins to appear), so a scene needs

    d_i >= lead_s + narration_i + tail_s + o_i

("its share of the transition overlap" is its outgoing overlap). Narrations therefore never
overlap one another.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pixora.context.models import MAX_SCENE_S, MIN_SCENE_S

CUT = "cut"
MAX_NARRATION_SPEED = 1.25
"""Narration may be sped up (tempo, pitch kept) by at most this factor; beyond it, the scene is
extended instead (the seed's duration rule)."""
SPEED_FIT_MIN_RATIO = 0.8
"""A clip at least this fraction of its scene's length is slowed down to fit; a shorter one is
looped (the seed's duration rule)."""
TARGET_TOLERANCE = 0.10
"""The total video length is kept within this fraction of the requested length."""


def to_frames(seconds: float, fps: int) -> int:
    """`seconds` as the nearest whole number of frames at `fps`."""
    return round(seconds * fps)


def snap(seconds: float, fps: int) -> float:
    """`seconds` rounded to the nearest whole frame at `fps`, in seconds."""
    return to_frames(seconds, fps) / fps


def overlaps(transitions: Sequence[str], transition_s: float) -> list[float]:
    """Overlap in seconds of each boundary: one entry per scene except the last.

    `transitions[i]` is the transition out of scene *i*; the last entry is ignored.
    `"cut"` overlaps by 0 s, every other transition by `transition_s`.
    """
    return [0.0 if t == CUT else transition_s for t in transitions[:-1]]


def body_edges(
    transitions: Sequence[str], index: int, duration_s: float, *, transition_s: float, fps: int
) -> tuple[float, ...]:
    """Where the body of scene `index` (0-based) starts and ends within a clip of exactly
    the scene's length `duration_s`, in seconds, as the composer cuts it: after the incoming
    overlap and before the outgoing one, whole frames at `fps`. `transitions` has one entry
    per scene (see `overlaps`). Edges on the clip's first frame or at its end are left out,
    so the result has 0-2 times, ascending.
    """
    bounds = overlaps(transitions, transition_s)
    n = to_frames(duration_s, fps)
    o_in = to_frames(bounds[index - 1], fps) if index > 0 else 0
    o_out = to_frames(bounds[index], fps) if index < len(bounds) else 0
    return tuple(k / fps for k in sorted({o_in, n - o_out}) if 0 < k < n)


def scene_starts(durations: Sequence[float], boundary_overlaps: Sequence[float]) -> list[float]:
    """Start time of each scene on the final timeline, in seconds.

    `start_i = sum_{j<i} (d_j - o_j)`: the moment scene *i* begins to appear (the start of its
    incoming transition). `boundary_overlaps` has one entry per boundary (`len(durations) - 1`).

    Raises:
        ValueError: `boundary_overlaps` has the wrong length.
    """
    if len(boundary_overlaps) != max(len(durations) - 1, 0):
        raise ValueError(
            f"{len(durations)} scenes need {len(durations) - 1} overlaps, "
            f"got {len(boundary_overlaps)}"
        )
    starts, t = [], 0.0
    for i, d in enumerate(durations):
        starts.append(t)
        if i < len(boundary_overlaps):
            t += d - boundary_overlaps[i]
    return starts


def total_duration(durations: Sequence[float], boundary_overlaps: Sequence[float]) -> float:
    """Length of the final video in seconds: `sum(d) - sum(o)`."""
    return sum(durations) - sum(boundary_overlaps)


def narration_speed_needed(
    narration_s: float,
    scene_s: float,
    *,
    overlap_out_s: float,
    lead_s: float = 0.35,
    tail_s: float = 0.6,
) -> float:
    """Tempo factor narration needs to fit its scene (1.0 = as recorded, never below 1.0).

    The narration window is `scene_s - overlap_out_s - lead_s - tail_s` seconds. A factor above
    `MAX_NARRATION_SPEED` (1.25) means the scene must be extended instead; `math.inf` means
    the window is empty.
    """
    window = scene_s - overlap_out_s - lead_s - tail_s
    if narration_s <= 0:
        return 1.0
    if window <= 0:
        return math.inf
    return max(1.0, narration_s / window)


def plan_scene_durations(
    planned: Sequence[float],
    narration: Sequence[float | None],
    *,
    transition_s: float,
    fps: int,
    lead_s: float = 0.35,
    tail_s: float = 0.6,
    target_total_s: float | None = None,
    transitions: Sequence[str] | None = None,
) -> list[float]:
    """Final scene lengths in seconds, each a whole number of frames at `fps`.

    Rules, in order:
      1. Narration drives length: a scene lasts at least
         `lead_s + narration + tail_s + overlap_out` (see the module docstring); a scene whose
         narration is shorter (or absent, `None`) keeps its planned length. Every scene also
         keeps at least one frame of its own between its incoming and outgoing transitions.
      2. With `target_total_s`, the final length (`sum(d) - overlaps`) is kept within
         `TARGET_TOLERANCE` (10 %) of it:
         - too long: scenes with slack (planned beyond what their narration needs) shrink
           first, in proportion to their slack, down to `MIN_SCENE_S`; if that is not enough,
           narrated scenes shrink as far as narration sped up to `MAX_NARRATION_SPEED` (1.25x)
           allows (see `narration_speed_needed`). Beyond that the video stays longer than
           asked: narration is never cut.
         - too short: every scene grows in proportion to its length, up to `MAX_SCENE_S`.
         Only as much as needed to reach the 10 % band is changed.
    `transitions` (one per scene; default: all cross transitions) gives each boundary's
    overlap: 0 for `"cut"`, else `transition_s`.

    Raises:
        ValueError: `planned` and `narration` differ in length, or a planned length is not
            positive.
    """
    n = len(planned)
    if len(narration) != n:
        raise ValueError(f"{n} planned scenes but {len(narration)} narration lengths")
    for i, d in enumerate(planned, start=1):
        if d <= 0:
            raise ValueError(f"scene {i}: planned duration {d} s must be positive")
    bounds = overlaps(transitions or ["fade"] * n, transition_s)
    o_frames = [to_frames(o, fps) for o in bounds] + [0]
    o_in = [0, *o_frames[:-1]]
    structural = [o_in[i] + o_frames[i] + 1 for i in range(n)]

    def need(i: int, speed: float) -> int:
        narr = narration[i] or 0.0
        if narr <= 0:
            return structural[i]
        seconds = lead_s + narr / speed + tail_s
        return max(structural[i], math.ceil(seconds * fps - 1e-6) + o_frames[i])

    frames = [max(to_frames(planned[i], fps), need(i, 1.0)) for i in range(n)]
    if target_total_s is not None and n:
        target = round(target_total_s * fps)
        high = math.floor(target * (1 + TARGET_TOLERANCE))
        low = math.ceil(target * (1 - TARGET_TOLERANCE))
        total = sum(frames) - sum(o_frames)
        if total > high:
            min_scene = to_frames(MIN_SCENE_S, fps)
            floors = [max(need(i, 1.0), min(min_scene, frames[i])) for i in range(n)]
            frames = _shrink(frames, floors, total - high)
            total = sum(frames) - sum(o_frames)
            if total > high:
                floors = [max(need(i, MAX_NARRATION_SPEED), structural[i]) for i in range(n)]
                frames = _shrink(frames, floors, total - high)
        elif total < low:
            ceilings = [max(to_frames(MAX_SCENE_S, fps), f) for f in frames]
            frames = _grow(frames, ceilings, low - total)
    return [f / fps for f in frames]


def _shrink(frames: list[int], floors: list[int], excess: int) -> list[int]:
    """Take up to `excess` frames off, in proportion to each scene's slack above its floor."""
    slack = [max(0, f - lo) for f, lo in zip(frames, floors, strict=True)]
    cut = _share(slack, min(excess, sum(slack)))
    return [f - c for f, c in zip(frames, cut, strict=True)]


def _grow(frames: list[int], ceilings: list[int], shortfall: int) -> list[int]:
    """Add up to `shortfall` frames, in proportion to each scene's length, below its ceiling."""
    room = [c - f for f, c in zip(frames, ceilings, strict=True)]
    weights = [min(f, r) for f, r in zip(frames, room, strict=True)]
    add = _share(weights, min(shortfall, sum(room)))
    add = [min(a, r) for a, r in zip(add, room, strict=True)]
    return [f + a for f, a in zip(frames, add, strict=True)]


def _share(weights: list[int], amount: int) -> list[int]:
    """Split `amount` whole units in proportion to `weights` (largest remainder method)."""
    total = sum(weights)
    if amount <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [amount * w / total for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: amount - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class ClipFit:
    """How a motion clip is fitted to its scene.

    `mode`: `"trim"` (the clip is long enough; its first `scene_s` seconds are used),
    `"speed"` (slowed down by `stretch` = scene_s / clip_s, via `setpts`), or `"loop"`
    (repeated from its start). Source time for scene time *t* is `t` (trim), `t / stretch`
    (speed) or `t mod clip_s` (loop).
    """

    mode: Literal["trim", "speed", "loop"]
    stretch: float = 1.0


def fit_clip(clip_s: float, scene_s: float) -> ClipFit:
    """The seed's rule for a clip of `clip_s` seconds in a scene of `scene_s` seconds:
    clip longer (or equal) -> trim; at least `SPEED_FIT_MIN_RATIO` (80 %) of the scene ->
    speed-adjust; shorter -> loop.

    Raises:
        ValueError: a length is not positive.
    """
    if clip_s <= 0 or scene_s <= 0:
        raise ValueError(f"clip ({clip_s} s) and scene ({scene_s} s) lengths must be positive")
    if clip_s >= scene_s:
        return ClipFit("trim")
    if clip_s >= SPEED_FIT_MIN_RATIO * scene_s:
        return ClipFit("speed", scene_s / clip_s)
    return ClipFit("loop")


def fit_music(music_s: float, span_s: float) -> Literal["trim", "loop"]:
    """Music bed fitted to a span: longer (or equal) -> trimmed, shorter -> looped. Either way
    it fades out at the end of the span (the composer adds the fade)."""
    return "trim" if music_s >= span_s else "loop"
