"""What a composition renders, decided without running ffmpeg: the timeline on the output
frame grid, the video pieces and the soundtrack, the cache file of each (named by a content
hash of everything it is made from) and the work that makes those not in the cache.

Pure: the files are known through `SceneMedia` / `MusicMedia` (`inputs.read_scenes` /
`read_music`), the cache through a `cached(path)` predicate. `runner.Composer` runs the plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pixora.context.files import content_hash
from pixora.context.vocabulary import TRANSITIONS
from pixora.media import soundtrack, timeline
from pixora.media.captions import ass
from pixora.media.captions.cues import SceneWords
from pixora.media.captions.words import retime
from pixora.media.composition import filters
from pixora.media.composition.inputs import (
    CompositionError,
    MusicInput,
    MusicMedia,
    SceneInput,
    SceneMedia,
)
from pixora.media.encoding import PIECE_FILTER, encoder_args

RECIPE_VERSION = 2
"""Bump when piece rendering changes in a way the cache key does not already capture."""


@dataclass(frozen=True)
class CompositionSettings:
    """How every composition of a `Composer` is made.

    fps: output frame rate; transition_s: xfade length in seconds (rounded to frames);
    loudness_lufs: integrated loudness target (EBU R128); music_level_db: music gain in dB
    before ducking; lead_s: narration delay after each scene start, in seconds; tail_s: quiet
    time kept after narration before the next scene begins (narration longer than its window
    is sped up, at most `timeline.MAX_NARRATION_SPEED`).
    """

    fps: int = 30
    transition_s: float = 0.5
    loudness_lufs: float = -14.0
    music_level_db: float = -14.0
    lead_s: float = 0.35
    tail_s: float = 0.6

    @property
    def transition_frames(self) -> int:
        return timeline.to_frames(self.transition_s, self.fps)


@dataclass(frozen=True)
class SceneFrames:
    """A scene on the output frame grid: `frames` in all, of which the first `overlap_in` are
    shared with the transition from the previous scene and the last `overlap_out` with the
    transition into the next. Its body is frames [overlap_in, frames - overlap_out)."""

    frames: int
    overlap_in: int
    overlap_out: int


@dataclass(frozen=True)
class Timeline:
    """The scenes on the output frame grid at `fps` frames per second."""

    fps: int
    scenes: tuple[SceneFrames, ...]

    @property
    def total_s(self) -> float:
        """The video's length in seconds."""
        return sum(s.frames - s.overlap_out for s in self.scenes) / self.fps

    @property
    def starts(self) -> list[float]:
        """Each scene's start on the final timeline, in seconds."""
        return timeline.scene_starts([s.frames / self.fps for s in self.scenes],
                                     [s.overlap_out / self.fps for s in self.scenes[:-1]])


@dataclass(frozen=True)
class Piece:
    """A video piece in the cache: kind "body" (a scene between its transitions, or part of
    one: see `body_parts`) or "transition" (the overlap of two scenes)."""

    kind: str
    path: Path


@dataclass(frozen=True)
class Render:
    """One ffmpeg run: `inputs` (input options) and `graph` (filter graph), and per output pad
    (label, frame count, the piece it makes); `scripts`: the ASS caption files (path, text)
    the graph reads, written before it runs."""

    inputs: tuple[str, ...]
    graph: str
    outputs: tuple[tuple[str, int, Piece], ...]
    scripts: tuple[tuple[Path, str], ...] = ()


@dataclass(frozen=True)
class CaptionBurn:
    """Captions to burn in: the ASS `header`, per scene its events in scene time (seconds
    from the scene's start; see `pixora.media.captions.ass`), and the `band` of rows (y0, y1)
    they may be drawn on (`ass.Layout.burn_band`)."""

    header: str
    events: tuple[tuple[ass.Event, ...], ...]
    band: tuple[int, int]


@dataclass(frozen=True)
class StreamCopy:
    """Frames [start, end) of `clip`, cut by stream copy into `piece`."""

    clip: Path
    start: int
    end: int
    piece: Piece


@dataclass(frozen=True)
class Plan:
    """A composition to run.

    pieces: the video pieces in timeline order; reused: those already in the cache; copied:
    the body pieces cut from their clip by stream copy (made now or before); work: what
    makes the pieces not in the cache, each piece made once.
    soundtrack: the mix graph; soundtrack_path: its cached AAC file; soundtrack_reused: that
    file is already in the cache.
    thumbnail: the piece the thumbnail is taken from (the one holding the middle of the first
    scene's body) and where in it, in seconds.
    """

    timeline: Timeline
    pieces: tuple[Piece, ...]
    reused: tuple[Path, ...]
    copied: tuple[Path, ...]
    work: tuple[Render | StreamCopy, ...]
    soundtrack: soundtrack.SoundtrackGraph
    soundtrack_path: Path
    soundtrack_reused: bool
    thumbnail: tuple[Path, float]


def check_size(size: tuple[int, int]) -> None:
    """Raises CompositionError unless `size` (width, height in pixels) is even and positive."""
    width, height = size
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise CompositionError(f"size {width}x{height}: width and height must be even and > 0")


def lay_out(scenes: Sequence[SceneInput], settings: CompositionSettings) -> Timeline:
    """The scenes on the output frame grid (see `pixora.media.timeline`).

    Raises:
        CompositionError: no scenes, an unknown transition, a duration that is not positive
            or shorter than the scene's transitions plus one frame.
    """
    if not scenes:
        raise CompositionError("no scenes to compose")
    for i, s in enumerate(scenes, start=1):
        if s.transition not in TRANSITIONS:
            raise CompositionError(
                f"scene {i} transition {s.transition!r}: unknown (use one of "
                f"{', '.join(TRANSITIONS)})"
            )
        if not math.isfinite(s.duration_s) or s.duration_s <= 0:
            raise CompositionError(f"scene {i} duration {s.duration_s} s: must be positive")
    fps, out = settings.fps, []
    for i, s in enumerate(scenes, start=1):
        o_in = out[-1].overlap_out if out else 0
        last = i == len(scenes)
        o_out = 0 if last or s.transition == timeline.CUT else settings.transition_frames
        frames = timeline.to_frames(s.duration_s, fps)
        if frames < o_in + o_out + 1:
            raise CompositionError(
                f"scene {i} duration {s.duration_s} s: shorter than its transitions "
                f"({(o_in + o_out) / fps:.2f} s) plus one frame"
            )
        out.append(SceneFrames(frames, o_in, o_out))
    return Timeline(fps, tuple(out))


def check_music(music: Sequence[MusicInput], total_s: float) -> None:
    """Raises CompositionError unless every cue spans start_s < end_s, starting at or after 0
    and before the video's end (`total_s` seconds)."""
    for i, m in enumerate(music, start=1):
        if not (0 <= m.start_s < m.end_s) or m.start_s >= total_s:
            raise CompositionError(
                f"music cue {i} span {m.start_s}-{m.end_s} s: must start at or after 0, "
                f"before its end and before the video ends ({total_s:.2f} s)"
            )


def reference_path(cache_dir: Path, size: tuple[int, int], fps: int) -> Path:
    """The cached reference piece (one black frame encoded like every piece at `size` and
    `fps`), whose H.264 parameter sets a clip must have to be cut by stream copy."""
    key = content_hash({"v": RECIPE_VERSION, "fps": fps, "size": list(size),
                        "enc": encoder_args(fps), "filter": PIECE_FILTER})
    return cache_dir / f"reference-{key}.mp4"


def needs_reference(
    tl: Timeline, media: Sequence[SceneMedia], size: tuple[int, int]
) -> bool:
    """Whether some clip is in the piece format but for its parameter sets, which only the
    reference piece can tell (see `reference_path`)."""
    return any(_fits(m, f, size, tl.fps)
               for m, f in zip(media, tl.scenes, strict=True))


def plan(
    tl: Timeline,
    media: Sequence[SceneMedia],
    music: Sequence[MusicMedia],
    size: tuple[int, int],
    settings: CompositionSettings,
    cache_dir: Path,
    *,
    reference: bytes | None = None,
    cached: Callable[[Path], bool] = Path.exists,
    captions: CaptionBurn | None = None,
) -> Plan:
    """Plan the composition of `media` (one per scene of `tl`, from `lay_out`) and `music` at
    `size` (width, height in pixels) in `cache_dir`.

    A body is cut by stream copy when its clip is in the piece format: H.264 with the
    `reference` parameter sets (None: no clip has them), at `size` and `fps`, exactly the
    scene's frame count and a keyframe on the body's first frame. Otherwise, when a scene's
    body and its outgoing transition are both missing, one render makes both and decodes the
    clip once.

    With `captions`, each piece gets the events shown on it burned in (`ass.piece_script`; its
    script is part of the piece's cache key, so a piece whose captions did not change is
    reused). A body with captions on it is rendered; when its clip is in the piece format, only
    the frames captions may show on are (up to the clip's next keyframe), and the caption-free
    frames before and after them are cut by stream copy (`body_parts`).
    """
    fps = tl.fps

    def script(windows: list[tuple[int, int]], frames: int) -> tuple[Path, ass.Script] | None:
        """The ASS file (path, script) of a piece `frames` long showing, per (scene, first
        frame), that scene's events from that frame on."""
        if captions is None:
            return None
        made = ass.piece_script(captions.header, [(captions.events[j], k / fps)
                                                  for j, k in windows], frames / fps)
        if made is None:
            return None
        return cache_dir / f"captions-{content_hash({'ass': made.text})}.ass", made

    def burn(file: tuple[Path, ass.Script] | None, frames: int,
             clock: int = 0) -> filters.Burn | None:
        """`file` (from `script`) burned into `frames` frames, the first at `clock` frames of
        the script's time."""
        if file is None or captions is None:
            return None
        path, made = file
        return filters.Burn(path, made.change_frames(frames, fps, clock), captions.band, size,
                            clock)

    fits = [reference is not None and _fits(m, f, size, fps)
            and m.layout.extradata == reference
            for m, f in zip(media, tl.scenes, strict=True)]
    common = {"v": RECIPE_VERSION, "fps": fps, "size": list(size), "enc": encoder_args(fps)}
    pieces: list[Piece] = []
    copied: list[Path] = []
    work: list[Render | StreamCopy] = []
    claimed: set[Path] = set()

    def missing(piece: Piece | None) -> bool:
        if piece is None or piece.path in claimed or cached(piece.path):
            return False
        claimed.add(piece.path)
        return True

    first = tl.scenes[0]
    middle = min(first.frames / 2, first.frames - first.overlap_out - 1)  # frames
    thumbnail = None
    for i, (m, f) in enumerate(zip(media, tl.scenes, strict=True)):
        a, b, n = f.overlap_in, f.frames - f.overlap_out, f.frames
        shown = None
        if captions is not None and fits[i]:
            shown = ass.shown_frames(captions.events[i], a, b, fps)
        body_script = script([(i, a)], b - a)  # timed from the body's first frame
        body = None  # the body part to render, if missing: (piece, first frame, end)
        for start, end, copy in body_parts(a, b, m.layout.keyframes if fits[i] else None,
                                           shown):
            mode = "copy" if copy else "encode"
            extra = ({"captions": body_script[0].name, "clock": start - a}
                     if body_script and not copy else {})
            key = content_hash({**common, "kind": "body", "mode": mode, "clip": m.clip_hash,
                                "frames": n, "window": [start, end], **extra})
            part = Piece("body", cache_dir / f"body-{mode}-{key}.mp4")
            pieces.append(part)
            if i == 0 and start <= middle < end:
                thumbnail = (part.path, (middle - start) / fps)
            if copy:
                copied.append(part.path)
                if missing(part):
                    work.append(StreamCopy(Path(m.scene.clip), start, end, part))
            elif missing(part):
                body = (part, start, end)
        xfade = None
        xf_script = None
        t = f.overlap_out
        if t:
            nm, nf = media[i + 1], tl.scenes[i + 1]
            xf_script = script([(i, n - t), (i + 1, 0)], t)
            extra = {"captions": xf_script[0].name} if xf_script else {}
            key = content_hash({**common, "kind": "xfade", "transition": m.scene.transition,
                                "from": [m.clip_hash, n], "to": [nm.clip_hash, nf.frames],
                                "frames": t, **extra})
            xfade = Piece("transition", cache_dir / f"xfade-{key}.mp4")
            pieces.append(xfade)
        need_xfade = missing(xfade)
        if need_xfade:
            assert xfade is not None
            head_in, head = filters.source(nm, nf.frames, 0, t, fps, copy=fits[i + 1])
            into = (f"[1:v]{head},{filters.cut(0, t, size, nm)}[b];"
                    f"{filters.xfade(m.scene.transition, t, fps, burn(xf_script, t))}")
        scripts_xf = _written(xf_script)
        if body is not None:
            piece, start, end = body
            frames = end - start
            body_cut = filters.cut(start, end, size, m)
            body_burn = burn(body_script, frames, start - a)
            if need_xfade:
                inputs, decode = filters.source(m, n, start, n, fps, copy=fits[i])
                body_graph = filters.piece("s0", body_cut, "body", frames, fps, body_burn)
                graph = (f"[0:v]{decode},split=2[s0][s1];{body_graph};"
                         f"[s1]{filters.cut(n - t, n, size, m)}[a];{into}")
                work.append(Render((*inputs, *head_in), graph,
                                   (("body", frames, piece), ("xf", t, xfade)),
                                   _written(body_script) + scripts_xf))
            else:
                inputs, decode = filters.source(m, n, start, end, fps, copy=fits[i])
                graph = filters.piece("0:v", f"{decode},{body_cut}", "body", frames, fps,
                                      body_burn)
                work.append(Render(inputs, graph, (("body", frames, piece),),
                                   _written(body_script)))
        elif need_xfade:
            tail_in, tail = filters.source(m, n, n - t, n, fps, copy=fits[i])
            graph = f"[0:v]{tail},{filters.cut(n - t, n, size, m)}[a];{into}"
            work.append(Render((*tail_in, *head_in), graph, (("xf", t, xfade),), scripts_xf))

    sg = _soundtrack(tl, media, music, settings)
    audio = cache_dir / f"audio-{_soundtrack_key(sg, media, music, settings)}.m4a"
    assert thumbnail is not None
    return Plan(
        timeline=tl,
        pieces=tuple(pieces),
        reused=tuple(p.path for p in pieces if cached(p.path)),
        copied=tuple(copied),
        work=tuple(work),
        soundtrack=sg,
        soundtrack_path=audio,
        soundtrack_reused=cached(audio),
        thumbnail=thumbnail,
    )


def body_parts(
    a: int, b: int, keyframes: Sequence[int] | None, shown: tuple[int, int] | None
) -> list[tuple[int, int, bool]]:
    """How a scene's body, its frames [a, b), is made: as (start, end, copied) parts in order,
    each cut from the clip by stream copy (copied) or rendered.

    keyframes: the clip's keyframes when it is in the piece format (None: it is not, so the
    body is rendered); shown: the frames captions may show on, [first, end) (`ass.shown_frames`;
    None: none). Only those frames are rendered, from the first of them to the clip's first
    keyframe at or after their end (or the body's end); the caption-free frames before them
    start on the body's first frame, a keyframe, and those after on that keyframe.
    """
    if keyframes is None:
        return [(a, b, False)]
    if shown is None:
        return [(a, b, True)]
    first, end = shown
    resume = min((k for k in keyframes if end <= k < b), default=b)
    return [part for part in ((a, first, True), (first, resume, False), (resume, b, True))
            if part[0] < part[1]]


def _fits(m: SceneMedia, f: SceneFrames, size: tuple[int, int], fps: int) -> bool:
    """Whether `m`'s clip is in the piece format for its scene, parameter sets aside."""
    lay = m.layout
    return (lay.codec == "h264" and (lay.width, lay.height) == size and lay.rate == fps
            and lay.frames == f.frames and f.overlap_in in lay.keyframes)


def _written(file: tuple[Path, ass.Script] | None) -> tuple[tuple[Path, str], ...]:
    """The (path, text) to write for a script file from `plan`'s `script`, if any."""
    return ((file[0], file[1].text),) if file else ()


def narration_speeds(
    tl: Timeline, media: Sequence[SceneMedia], settings: CompositionSettings
) -> list[float]:
    """The tempo each scene's narration is played at (1.0 without narration): as much as it
    needs to fit its window, at most `timeline.MAX_NARRATION_SPEED`."""
    fps = tl.fps
    return [min(timeline.narration_speed_needed(
        m.narration_s, f.frames / fps, overlap_out_s=f.overlap_out / fps,
        lead_s=settings.lead_s, tail_s=settings.tail_s,
    ), timeline.MAX_NARRATION_SPEED) if m.scene.narration is not None else 1.0
        for m, f in zip(media, tl.scenes, strict=True)]


def scene_words(
    tl: Timeline, media: Sequence[SceneMedia], settings: CompositionSettings
) -> list[SceneWords]:
    """Each narrated scene's words in scene time (seconds from the scene's start), where the
    soundtrack places them: from `lead_s`, at the narration's tempo; and the narration window
    they stay in (from `lead_s` to `tail_s` before the outgoing transition, or the
    narration's end if that is later)."""
    fps = tl.fps
    out = []
    for i, (m, f, speed) in enumerate(zip(media, tl.scenes, narration_speeds(tl, media, settings),
                                          strict=True), start=1):
        if m.scene.narration is None or not m.scene.words:
            continue
        words = retime(m.scene.words, offset_s=settings.lead_s, speed=speed,
                       limit_s=m.narration_s)
        end = (f.frames - f.overlap_out) / fps - settings.tail_s
        out.append(SceneWords(i, tuple(words), (
            settings.lead_s, max(end, settings.lead_s + m.narration_s / speed))))
    return out


def _soundtrack(
    tl: Timeline,
    media: Sequence[SceneMedia],
    music: Sequence[MusicMedia],
    settings: CompositionSettings,
) -> soundtrack.SoundtrackGraph:
    """Narration at each scene start + lead_s (sped up to fit, at most
    `timeline.MAX_NARRATION_SPEED`), over the music cues."""
    narrations = []
    for m, start, speed in zip(media, tl.starts, narration_speeds(tl, media, settings),
                               strict=True):
        if m.scene.narration is None:
            continue
        narrations.append(soundtrack.NarrationPlacement(
            Path(m.scene.narration), start + settings.lead_s, speed))
    beds = [soundtrack.Bed(Path(c.cue.path), c.cue.start_s, c.cue.end_s, c.length_s)
            for c in music]
    return soundtrack.soundtrack_graph(narrations, beds, tl.total_s, settings.music_level_db)


def _soundtrack_key(
    sg: soundtrack.SoundtrackGraph,
    media: Sequence[SceneMedia],
    music: Sequence[MusicMedia],
    settings: CompositionSettings,
) -> str:
    """Cache key of a soundtrack: its graph and input options (each file by content) and the
    loudness target."""
    hashes = {str(Path(c.cue.path)): c.file_hash for c in music}
    hashes.update((str(Path(m.scene.narration)), m.narration_hash)
                  for m in media if m.scene.narration is not None)
    inputs = [hashes[arg] if k and sg.inputs[k - 1] == "-i" else arg
              for k, arg in enumerate(sg.inputs)]
    return content_hash({"v": RECIPE_VERSION, "graph": sg.graph, "inputs": inputs,
                         "lufs": settings.loudness_lufs})
