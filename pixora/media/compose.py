"""The composer: scene clips, narration and music into one H.264/AAC MP4, with ffmpeg.

The video is made of pieces, each rendered once and cached under a SHA-256 of its inputs:

- the *body* of each scene: its clip fitted to the scene length (trim / speed / loop, see
  `pixora.media.timeline.fit_clip`), without the transition overlaps at its edges;
- each *transition*: ffmpeg `xfade` between the last `transition_s` of a scene and the first
  `transition_s` of the next (none for `"cut"`).

Every piece is a whole number of frames, starts on a keyframe and uses the same fixed x264
settings (`pixora.media.encoding`), so the pieces join by stream copy (concat demuxer,
`-c copy`) and an edit re-encodes only the pieces whose inputs changed.

A body is rendered (decoded, fitted, encoded) unless its clip is already in the piece format:
H.264 with the same parameter sets (SPS/PPS) as a reference piece, at the output size and
frame rate, exactly the scene's frame count and a keyframe on the body's first frame. Such a
body is cut out of the clip by stream copy instead, so each of its frames is encoded once
(`pixora.offline.media.motion.KenBurnsAnimator` makes such clips when asked for the keyframes).

The soundtrack (`pixora.media.soundtrack`: narration over ducked music, fade-out, two-pass
`loudnorm`) is cached the same way, so a clip edit does not remix it and a narration edit
renders no video. Timeline rules: `pixora.media.timeline`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from pixora.context.vocabulary import TRANSITIONS
from pixora.media import soundtrack, timeline
from pixora.media.encoding import (
    PIECE_FILTER,
    Layout,
    copy_frames,
    encoder_args,
    read_layout,
)
from pixora.media.ffmpeg import probe, run_ffmpeg

RECIPE_VERSION = 2
"""Bump when piece rendering changes in a way the cache key does not already capture."""
SEEK_MARGIN_S = 0.5


class CompositionError(ValueError):
    """Bad composition input. The one-line message names the scene, cue or file at fault."""


@dataclass(frozen=True)
class SceneInput:
    """One scene of the final video.

    clip: motion clip (any container/codec ffmpeg reads, any length and frame rate).
    duration_s: final scene length in seconds (see `timeline.plan_scene_durations`), rounded
        to whole frames.
    narration: audio placed at the scene start + `lead_s`, or None.
    transition: into the next scene, one of `TRANSITIONS`; ignored on the last scene.
    """

    clip: Path
    duration_s: float
    narration: Path | None = None
    transition: str = "fade"


@dataclass(frozen=True)
class MusicInput:
    """A music bed covering `start_s`..`end_s` (seconds) of the final timeline; it is looped
    or trimmed to that span, and consecutive cues crossfade over `MUSIC_CROSSFADE_S`."""

    path: Path
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ComposeResult:
    """What `Composer.compose` produced. Times in seconds, loudness in LUFS (integrated, as
    metered with the ebur128 filter on the soundtrack; None for a silent video).

    pieces: the video pieces in timeline order; reused: those that came from the cache;
    copied: the scene bodies cut from their clip by stream copy (not re-encoded), whether
    made now or reused.
    soundtrack: the cached AAC soundtrack; soundtrack_reused: it came from the cache.
    """

    out: Path
    thumbnail: Path
    duration_s: float
    scene_starts: list[float]
    pieces: list[Path]
    reused: list[Path] = field(default_factory=list)
    copied: list[Path] = field(default_factory=list)
    soundtrack: Path | None = None
    soundtrack_reused: bool = False
    loudness_lufs: float | None = None


@dataclass(frozen=True)
class _Scene:
    """A validated scene: frame counts at the output rate, the clip's length, digest and
    stream layout; `copy`: the clip is in the piece format and the body is cut by stream
    copy."""

    clip: Path
    clip_s: float
    digest: str
    layout: Layout
    frames: int
    overlap_in: int
    overlap_out: int
    transition: str
    narration: Path | None
    narration_s: float
    copy: bool = False


@dataclass(frozen=True)
class _Piece:
    kind: str
    path: Path


@dataclass(frozen=True)
class _Job:
    """One ffmpeg run: `inputs` and `graph`, and per output pad (label, frames, piece)."""

    inputs: tuple[str, ...]
    graph: str
    outputs: tuple[tuple[str, int, _Piece], ...]


@dataclass(frozen=True)
class _Copy:
    """Frames [start, end) of `clip`, cut by stream copy into `piece`."""

    clip: Path
    start: int
    end: int
    piece: _Piece


ProgressFn = Callable[[float, str], None]


class Composer:
    """Renders, caches and joins the pieces of a video (see the module docstring).

    cache_dir: where pieces and soundtracks live (created if missing); safe to share between
        composes, even concurrent ones (every file is renamed into place complete).
    fps: output frame rate; transition_s: xfade length in seconds (rounded to frames);
    loudness_lufs: integrated loudness target (EBU R128); music_level_db: music gain in dB
        before ducking; lead_s: narration delay after each scene start, in seconds; tail_s:
        quiet time kept after narration before the next scene begins (narration longer than
        its window is sped up, at most `timeline.MAX_NARRATION_SPEED`);
    jobs: ffmpeg processes run at once.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        fps: int = 30,
        transition_s: float = 0.5,
        loudness_lufs: float = -14.0,
        music_level_db: float = -14.0,
        lead_s: float = 0.35,
        tail_s: float = 0.6,
        jobs: int = 2,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.fps = fps
        self.transition_frames = timeline.to_frames(transition_s, fps)
        self.loudness_lufs = loudness_lufs
        self.music_level_db = music_level_db
        self.lead_s = lead_s
        self.tail_s = tail_s
        self.jobs = max(1, jobs)

    async def compose(
        self,
        scenes: Sequence[SceneInput],
        music: Sequence[MusicInput],
        size: tuple[int, int],
        out: Path,
        thumbnail: Path,
        on_progress: ProgressFn | None = None,
    ) -> ComposeResult:
        """Compose `scenes` and `music` into `out` (MP4: H.264 at `size` (width, height) pixels
        and `fps`, AAC 48 kHz stereo 192 kb/s, faststart) and a JPEG `thumbnail` from the
        middle of the first scene.

        All inputs are checked before any work starts. `out` and `thumbnail` are written under
        temporary names and renamed into place, so they are either complete or untouched.
        `on_progress(fraction 0..1, message)` is called as pieces and passes finish.

        Raises:
            CompositionError: bad input (missing or unreadable file, unknown transition,
                non-positive or too short duration, bad size or music span).
            FFmpegError: ffmpeg failed while rendering.
        """
        report = on_progress or (lambda _f, _m: None)
        width, height = size
        if width <= 0 or height <= 0 or width % 2 or height % 2:
            raise CompositionError(f"size {width}x{height}: width and height must be even and > 0")
        vs = await self._validate_scenes(scenes)
        total_frames = sum(s.frames for s in vs) - sum(s.overlap_out for s in vs)
        total_s = total_frames / self.fps
        starts = timeline.scene_starts(
            [s.frames / self.fps for s in vs], [s.overlap_out / self.fps for s in vs[:-1]]
        )
        cues = await self._validate_music(music, total_s)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        thumbnail.parent.mkdir(parents=True, exist_ok=True)

        vs = await self._mark_copyable(vs, width, height)
        pieces, to_render = self._plan(vs, width, height)
        reused = [p.path for p in pieces if p.path.exists()]
        copied = [p.path for p, s in zip(
            [p for p in pieces if p.kind == "body"], vs, strict=True) if s.copy]
        sg = self._soundtrack(vs, starts, cues, total_s)
        audio = self.cache_dir / f"audio-{await self._soundtrack_key(sg)}.m4a"
        audio_reused = audio.exists()
        steps = len(to_render) + (not audio_reused) + 1
        done = 0

        def step(message: str) -> None:
            nonlocal done
            done += 1
            report(min(done / steps, 1.0), message)

        fresh = sum(1 if isinstance(j, _Copy) else len(j.outputs) for j in to_render)
        report(0.0, f"{fresh} of {len(pieces)} pieces to render")
        sem = asyncio.Semaphore(self.jobs)
        failed = asyncio.Event()

        async def job(what: str, work: Callable[[], Awaitable[None]]) -> None:
            async with sem:
                if failed.is_set():
                    return
                try:
                    await work()
                except BaseException:
                    failed.set()
                    raise
            step(what)

        enc = encoder_args(self.fps)
        jobs = [job("copied body", partial(_copy_atomically, j)) if isinstance(j, _Copy)
                else job("rendered " + " and ".join(p.kind for _, _, p in j.outputs),
                         partial(_render_atomically, j, enc))
                for j in to_render]
        if not audio_reused:
            jobs.insert(0, job(
                "mixed soundtrack", partial(_render_soundtrack, sg, self.loudness_lufs, audio)
            ))
        outcomes = await asyncio.gather(*jobs, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        tag = uuid.uuid4().hex[:8]
        out_part = out.with_name(f".{out.name}.{tag}.part")
        thumb_part = thumbnail.with_name(f".{thumbnail.name}.{tag}.part")
        try:
            await _mux([p.path for p in pieces], audio, out_part)
            thumb_at = min(vs[0].frames / 2, vs[0].frames - vs[0].overlap_out - 1) / self.fps
            await run_ffmpeg("-ss", f"{thumb_at:.3f}", "-i", pieces[0].path, "-frames:v", "1",
                             "-q:v", "3", "-f", "image2", "-update", "1", thumb_part)
            os.replace(out_part, out)
            os.replace(thumb_part, thumbnail)
        finally:
            out_part.unlink(missing_ok=True)
            thumb_part.unlink(missing_ok=True)
        step("joined pieces")
        return ComposeResult(
            out=out,
            thumbnail=thumbnail,
            duration_s=total_s,
            scene_starts=starts,
            pieces=[p.path for p in pieces],
            reused=reused,
            copied=copied,
            soundtrack=audio,
            soundtrack_reused=audio_reused,
            loudness_lufs=_read_loudness(audio),
        )

    async def _soundtrack_key(self, sg: soundtrack.SoundtrackGraph) -> str:
        """Cache key of a soundtrack: its graph and input options (each file by content) and
        the loudness target."""
        inputs = list(sg.inputs)
        for k in range(1, len(inputs)):
            if inputs[k - 1] == "-i":
                inputs[k] = await asyncio.to_thread(_file_digest, Path(inputs[k]))
        return _key({"v": RECIPE_VERSION, "graph": sg.graph, "inputs": inputs,
                     "lufs": self.loudness_lufs})

    async def _validate_scenes(self, scenes: Sequence[SceneInput]) -> list[_Scene]:
        if not scenes:
            raise CompositionError("no scenes to compose")
        digests: dict[Path, str] = {}
        layouts: dict[Path, Layout] = {}
        out: list[_Scene] = []
        t = self.transition_frames
        for i, s in enumerate(scenes, start=1):
            if s.transition not in TRANSITIONS:
                raise CompositionError(
                    f"scene {i} transition {s.transition!r}: unknown (use one of "
                    f"{', '.join(TRANSITIONS)})"
                )
            if not math.isfinite(s.duration_s) or s.duration_s <= 0:
                raise CompositionError(f"scene {i} duration {s.duration_s} s: must be positive")
        for i, s in enumerate(scenes, start=1):
            last = i == len(scenes)
            o_in = out[-1].overlap_out if out else 0
            o_out = 0 if last or s.transition == timeline.CUT else t
            frames = timeline.to_frames(s.duration_s, self.fps)
            if frames < o_in + o_out + 1:
                raise CompositionError(
                    f"scene {i} duration {s.duration_s} s: shorter than its transitions "
                    f"({(o_in + o_out) / self.fps:.2f} s) plus one frame"
                )
            clip_s = await _media_length(Path(s.clip), f"scene {i} clip", "video")
            if s.clip not in digests:
                digests[s.clip] = await asyncio.to_thread(_file_digest, Path(s.clip))
                try:
                    layouts[s.clip] = await asyncio.to_thread(read_layout, Path(s.clip))
                except ValueError:
                    raise CompositionError(
                        f"scene {i} clip {s.clip}: not readable media") from None
            narration_s = 0.0
            if s.narration is not None:
                narration_s = await _media_length(
                    Path(s.narration), f"scene {i} narration", "audio"
                )
            out.append(_Scene(
                clip=Path(s.clip), clip_s=clip_s, digest=digests[s.clip],
                layout=layouts[s.clip], frames=frames,
                overlap_in=o_in, overlap_out=o_out, transition=s.transition,
                narration=Path(s.narration) if s.narration else None, narration_s=narration_s,
            ))
        return out

    @staticmethod
    async def _validate_music(
        music: Sequence[MusicInput], total_s: float
    ) -> list[tuple[MusicInput, float]]:
        cues = []
        for i, m in enumerate(music, start=1):
            if not (0 <= m.start_s < m.end_s) or m.start_s >= total_s:
                raise CompositionError(
                    f"music cue {i} span {m.start_s}-{m.end_s} s: must start at or after 0, "
                    f"before its end and before the video ends ({total_s:.2f} s)"
                )
            length = await _media_length(Path(m.path), f"music cue {i}", "audio")
            cues.append((m, length))
        return cues

    async def _mark_copyable(self, vs: list[_Scene], width: int, height: int) -> list[_Scene]:
        """`vs` with `copy` set on the scenes whose clip is in the piece format (see the
        module docstring). The reference parameter sets are made only if some clip passes
        the other checks."""
        rate = self.fps

        def fits(s: _Scene) -> bool:
            lay = s.layout
            return (lay.codec == "h264" and (lay.width, lay.height) == (width, height)
                    and lay.rate == rate and lay.frames == s.frames
                    and s.overlap_in in lay.keyframes)

        if not any(fits(s) for s in vs):
            return vs
        reference = await self._reference_extradata(width, height)
        return [replace(s, copy=fits(s) and s.layout.extradata == reference) for s in vs]

    async def _reference_extradata(self, width: int, height: int) -> bytes:
        """The H.264 parameter sets (avcC) of a piece at this size and frame rate: one black
        frame encoded like every piece, cached in `cache_dir`."""
        key = _key({"v": RECIPE_VERSION, "fps": self.fps, "size": [width, height],
                    "enc": encoder_args(self.fps), "filter": PIECE_FILTER})
        ref = self.cache_dir / f"reference-{key}.mp4"
        if not ref.exists():
            part = ref.with_name(f".{ref.stem}.{uuid.uuid4().hex[:8]}.part")
            try:
                await run_ffmpeg(
                    "-f", "lavfi", "-i", f"color=c=black:s={width}x{height}:r={self.fps}",
                    "-vf", PIECE_FILTER, "-frames:v", "1", *encoder_args(self.fps), "-an",
                    "-f", "mp4", part,
                )
                os.replace(part, ref)
            finally:
                part.unlink(missing_ok=True)
        return (await asyncio.to_thread(read_layout, ref)).extradata

    def _plan(
        self, vs: list[_Scene], width: int, height: int
    ) -> tuple[list[_Piece], list[_Job | _Copy]]:
        """The pieces in timeline order, and the jobs making those not in the cache. A body
        of a `copy` scene is cut by stream copy; otherwise, when a scene's body and its
        outgoing transition are both missing, one job renders both and decodes the clip
        once."""
        common = {"v": RECIPE_VERSION, "fps": self.fps, "size": [width, height],
                  "enc": encoder_args(self.fps)}
        pieces: list[_Piece] = []
        jobs: list[_Job | _Copy] = []
        claimed: set[Path] = set()

        def missing(piece: _Piece | None) -> bool:
            if piece is None or piece.path in claimed or piece.path.exists():
                return False
            claimed.add(piece.path)
            return True

        for i, s in enumerate(vs):
            a, b, n = s.overlap_in, s.frames - s.overlap_out, s.frames
            mode = "copy" if s.copy else "encode"
            key = _key({**common, "kind": "body", "mode": mode, "clip": s.digest, "frames": n,
                        "window": [a, b]})
            body = _Piece("body", self.cache_dir / f"body-{mode}-{key}.mp4")
            pieces.append(body)
            xfade = None
            if s.overlap_out:
                nxt = vs[i + 1]
                key = _key({**common, "kind": "xfade", "transition": s.transition,
                            "from": [s.digest, n], "to": [nxt.digest, nxt.frames],
                            "frames": s.overlap_out})
                xfade = _Piece("transition", self.cache_dir / f"xfade-{key}.mp4")
                pieces.append(xfade)
            need_body, need_xfade = missing(body), missing(xfade)
            size = (width, height)
            if need_body and s.copy:
                jobs.append(_Copy(s.clip, a, b, body))
                need_body = False
            if need_body and need_xfade and xfade:
                inputs, decode = self._source(s, a, n)
                head_in, head = self._source(vs[i + 1], 0, s.overlap_out)
                t = s.overlap_out
                graph = (
                    f"[0:v]{decode},split=2[s0][s1];[s0]{_cut(a, b, size, s)}[body];"
                    f"[s1]{_cut(n - t, n, size, s)}[a];"
                    f"[1:v]{head},{_cut(0, t, size, vs[i + 1])}[b];"
                    f"{self._xfade(s.transition, t)}"
                )
                jobs.append(_Job((*inputs, *head_in), graph,
                                 (("body", b - a, body), ("xf", t, xfade))))
            elif need_body:
                inputs, decode = self._source(s, a, b)
                jobs.append(_Job(inputs, f"[0:v]{decode},{_cut(a, b, size, s)}[body]",
                                 (("body", b - a, body),)))
            elif need_xfade and xfade:
                t = s.overlap_out
                tail_in, tail = self._source(s, n - t, n)
                head_in, head = self._source(vs[i + 1], 0, t)
                graph = (
                    f"[0:v]{tail},{_cut(n - t, n, size, s)}[a];"
                    f"[1:v]{head},{_cut(0, t, size, vs[i + 1])}[b];{self._xfade(s.transition, t)}"
                )
                jobs.append(_Job((*tail_in, *head_in), graph, (("xf", t, xfade),)))
        return pieces, jobs

    def _source(self, s: _Scene, a: int, b: int) -> tuple[tuple[str, ...], str]:
        """ffmpeg input options and the filter chain decoding the fitted scene `s` at the
        output rate, covering at least its frames [a, b). Frames keep their scene-time
        timestamps (in 1/fps units), so every piece of a scene samples the same frame grid
        and pieces join without a jump. A `copy` clip is decoded from its last keyframe at
        or before frame a (half a frame past it, without accurate seek, lands on it)."""
        fps = self.fps
        if s.copy:
            k = max(f for f in s.layout.keyframes if f <= a)
            seek = (k + 0.5) / fps if k else 0.0
            inputs = ("-noaccurate_seek", "-ss", f"{seek:.6f}",
                      "-t", f"{(b - k) / fps + SEEK_MARGIN_S:.6f}", "-i", str(s.clip))
            return inputs, f"setpts=PTS+{seek:.6f}/TB,fps={fps}"
        fit = timeline.fit_clip(s.clip_s, s.frames / fps)
        if fit.mode == "loop":
            return ("-stream_loop", "-1", "-i", str(s.clip)), f"fps={fps}"
        src_start, src_end = a / fps / fit.stretch, b / fps / fit.stretch
        seek = max(0.0, src_start - SEEK_MARGIN_S)
        length = src_end - seek + SEEK_MARGIN_S
        inputs = ("-ss", f"{seek:.6f}", "-t", f"{length:.6f}", "-i", str(s.clip))
        return inputs, f"setpts=(PTS+{seek:.6f}/TB)*{fit.stretch:.9f},fps={fps}"

    def _xfade(self, transition: str, frames: int) -> str:
        return f"[a][b]xfade=transition={transition}:duration={frames / self.fps}:offset=0[xf]"

    def _soundtrack(
        self,
        vs: list[_Scene],
        starts: list[float],
        cues: list[tuple[MusicInput, float]],
        total_s: float,
    ) -> soundtrack.SoundtrackGraph:
        """Narration at each scene start + lead_s (sped up to fit, at most
        `timeline.MAX_NARRATION_SPEED`), over the music cues."""
        voices = []
        for s, start in zip(vs, starts, strict=True):
            if s.narration is None:
                continue
            speed = timeline.narration_speed_needed(
                s.narration_s, s.frames / self.fps, overlap_out_s=s.overlap_out / self.fps,
                lead_s=self.lead_s, tail_s=self.tail_s,
            )
            voices.append(soundtrack.Voice(
                s.narration, start + self.lead_s, min(speed, timeline.MAX_NARRATION_SPEED)
            ))
        beds = [soundtrack.Bed(c.path, c.start_s, c.end_s, length) for c, length in cues]
        return soundtrack.soundtrack_graph(voices, beds, total_s, self.music_level_db)


def _cut(a: int, b: int, size: tuple[int, int], s: _Scene) -> str:
    """Filter chain taking frames [a, b) of a `_source` chain of scene `s`: exactly b - a
    frames from timestamp 0 (the last frame repeated if the clip ends early), scaled to fit
    and padded to `size` (unless the clip already has that size), in the piece format."""
    n = b - a
    chain = (f"trim=start_pts={a}:end_pts={b},setpts=PTS-STARTPTS,"
             f"tpad=stop_mode=clone:stop={n},trim=end_frame={n},")
    w, h = size
    if (s.layout.width, s.layout.height) != size:
        chain += (f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                  f"pad={w}:{h}:-1:-1:color=black,")
    return chain + PIECE_FILTER


async def _render_soundtrack(sg: soundtrack.SoundtrackGraph, lufs: float, dest: Path) -> None:
    """Render the soundtrack to a temporary name, then rename it (and its loudness sidecar,
    `<dest>.json`) into the cache."""
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".soundtrack-") as tmp:
        work = Path(tmp)
        loudness = await soundtrack.render_soundtrack(sg, lufs, work / "audio.m4a", work)
        (work / "loudness.json").write_text(json.dumps({"loudness_lufs": loudness}))
        os.replace(work / "loudness.json", dest.with_suffix(".json"))
        os.replace(work / "audio.m4a", dest)


def _read_loudness(audio: Path) -> float | None:
    sidecar = audio.with_suffix(".json")
    if not sidecar.exists():
        return None
    return json.loads(sidecar.read_text())["loudness_lufs"]


async def _mux(pieces: list[Path], audio: Path, dest: Path) -> None:
    """Join `pieces` by stream copy (concat demuxer) with `audio` into MP4 `dest`."""
    listing = dest.with_name(f"{dest.name}.txt")
    try:
        listing.write_text("".join(f"file '{_concat_quote(p.resolve())}'\n" for p in pieces))
        await run_ffmpeg(
            "-f", "concat", "-safe", "0", "-i", listing, "-i", audio,
            "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart",
            "-f", "mp4", dest,
        )
    finally:
        listing.unlink(missing_ok=True)


async def _render_atomically(job: _Job, enc: tuple[str, ...]) -> None:
    """Run `job` into temporary names beside its pieces, then rename them into the cache."""
    tag = uuid.uuid4().hex[:8]
    parts = [piece.path.with_name(f".{piece.path.stem}.{tag}.part")
             for _, _, piece in job.outputs]
    outputs: list[str | Path] = []
    for (label, frames, _), part in zip(job.outputs, parts, strict=True):
        outputs += ["-map", f"[{label}]", "-frames:v", str(frames), *enc, "-an", "-f", "mp4",
                    part]
    try:
        await run_ffmpeg(*job.inputs, "-filter_complex", job.graph, *outputs)
        for (_, _, piece), part in zip(job.outputs, parts, strict=True):
            os.replace(part, piece.path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


async def _copy_atomically(job: _Copy) -> None:
    """Cut `job` by stream copy into a temporary name, then rename it into the cache."""
    part = job.piece.path.with_name(f".{job.piece.path.stem}.{uuid.uuid4().hex[:8]}.part")
    try:
        await asyncio.to_thread(copy_frames, job.clip, job.start, job.end, part)
        os.replace(part, job.piece.path)
    finally:
        part.unlink(missing_ok=True)


async def _media_length(path: Path, what: str, stream: str) -> float:
    """Length in seconds of a readable media file with a `stream` ("video"/"audio") stream.

    Raises:
        CompositionError: missing, unreadable, without that stream, or of no length.
    """
    try:
        info = await asyncio.to_thread(probe, path)
    except FileNotFoundError:
        raise CompositionError(f"{what} {path}: no such file") from None
    except (ValueError, OSError):
        raise CompositionError(f"{what} {path}: not readable media") from None
    has = info.video_codec if stream == "video" else info.audio_codec
    if not has:
        raise CompositionError(f"{what} {path}: has no {stream} stream")
    if info.duration_s <= 0:
        raise CompositionError(f"{what} {path}: has no duration")
    return info.duration_s


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _key(recipe: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:40]


def _concat_quote(path: Path) -> str:
    return str(path).replace("'", "'\\''")
