"""The composer: scene clips, narration and music into one H.264/AAC MP4, with ffmpeg.

The video is made of pieces, each rendered once and cached under a SHA-256 of its inputs:

- the *body* of each scene: its clip fitted to the scene length (trim / speed / loop, see
  `pixora.media.timeline.fit_clip`), without the transition overlaps at its edges;
- each *transition*: ffmpeg `xfade` between the last `transition_s` of a scene and the first
  `transition_s` of the next (none for `"cut"`).

Every piece is a whole number of frames, starts on a keyframe and uses the same fixed x264
settings, so the pieces join by stream copy (concat demuxer, `-c copy`) and an edit re-encodes
only the pieces whose inputs changed. One audio pass lays the narration, ducks the music under
it (`sidechaincompress`), fades out and normalises loudness with two-pass `loudnorm`
(EBU R128). Timeline rules: `pixora.media.timeline`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pixora.context.models import TRANSITIONS
from pixora.media import timeline
from pixora.media.ffmpeg import FFmpegError, probe, run_ffmpeg, run_ffmpeg_stderr

RECIPE_VERSION = 1
"""Bump when piece rendering changes in a way the cache key does not already capture."""
SEEK_MARGIN_S = 0.5
FINAL_FADE_S = 1.5
MUSIC_CROSSFADE_S = 1.0
TRUE_PEAK_DBTP = -1.0
METER_FLUSH_S = 3.0
LOUDNESS_RANGE_LU = 20.0
AUDIO_RATE_HZ = 48_000
AUDIO_BITRATE = "192k"


def encoder_args(fps: int) -> tuple[str, ...]:
    """The x264 settings every piece shares (stream-copy concat needs identical SPS/PPS):
    High profile, level 4.1, yuv420p, CRF 20, preset veryfast, no B-frames, closed GOP of
    `2 * fps` frames, no scene-cut keyframes."""
    return (
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
        "-profile:v", "high", "-level:v", "4.1", "-pix_fmt", "yuv420p",
        "-g", str(2 * fps), "-keyint_min", str(2 * fps), "-sc_threshold", "0", "-bf", "0",
    )


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
    measured with the ebur128 filter on the soundtrack; None for a silent video)."""

    out: Path
    thumbnail: Path
    duration_s: float
    scene_starts: list[float]
    pieces: list[Path]
    reused: list[Path] = field(default_factory=list)
    loudness_lufs: float | None = None


@dataclass(frozen=True)
class _Scene:
    """A validated scene: frame counts at the output rate, the clip's length and digest."""

    clip: Path
    clip_s: float
    digest: str
    frames: int
    overlap_in: int
    overlap_out: int
    transition: str
    narration: Path | None
    narration_s: float


@dataclass(frozen=True)
class _Piece:
    kind: str
    path: Path
    args: tuple[str, ...]


ProgressFn = Callable[[float, str], None]


class Composer:
    """Renders, caches and joins the pieces of a video (see the module docstring).

    cache_dir: where pieces live (created if missing); safe to share between composes.
    fps: output frame rate; transition_s: xfade length in seconds (rounded to frames);
    loudness_lufs: integrated loudness target; music_level_db: music gain before ducking;
    lead_s: narration delay after each scene start; jobs: ffmpeg processes run at once.
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

        pieces = self._plan_pieces(vs, width, height)
        reused = [p.path for p in pieces if p.path.exists()]
        to_render = {p.path: p for p in pieces if not p.path.exists()}
        steps = len(to_render) + 2
        done = 0

        def step(message: str) -> None:
            nonlocal done
            done += 1
            report(min(done / steps, 1.0), message)

        report(0.0, f"{len(to_render)} of {len(pieces)} pieces to render")
        sem = asyncio.Semaphore(self.jobs)
        failed = asyncio.Event()

        async def render(piece: _Piece) -> None:
            async with sem:
                if failed.is_set():
                    return
                try:
                    await _render_atomically(piece)
                except BaseException:
                    failed.set()
                    raise
            step(f"rendered {piece.kind}")

        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".compose-") as tmp:
            work = Path(tmp)

            async def audio() -> float | None:
                async with sem:
                    result = await self._render_audio(vs, starts, cues, total_s, work)
                step("mixed audio")
                return result

            outcomes = await asyncio.gather(
                audio(), *(render(p) for p in to_render.values()), return_exceptions=True
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
            loudness = outcomes[0] if isinstance(outcomes[0], float) else None
            await self._mux(pieces, work / "audio.m4a", out, work)
            thumb_at = min(vs[0].frames / 2, vs[0].frames - vs[0].overlap_out - 1) / self.fps
            await _write_thumbnail(pieces[0].path, thumb_at, thumbnail)
            step("joined pieces")
        return ComposeResult(
            out=out,
            thumbnail=thumbnail,
            duration_s=total_s,
            scene_starts=starts,
            pieces=[p.path for p in pieces],
            reused=reused,
            loudness_lufs=loudness,
        )

    async def _validate_scenes(self, scenes: Sequence[SceneInput]) -> list[_Scene]:
        if not scenes:
            raise CompositionError("no scenes to compose")
        digests: dict[Path, str] = {}
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
            narration_s = 0.0
            if s.narration is not None:
                narration_s = await _media_length(
                    Path(s.narration), f"scene {i} narration", "audio"
                )
            out.append(_Scene(
                clip=Path(s.clip), clip_s=clip_s, digest=digests[s.clip], frames=frames,
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

    def _plan_pieces(self, vs: list[_Scene], width: int, height: int) -> list[_Piece]:
        """Bodies and transitions, in timeline order."""
        enc = encoder_args(self.fps)
        common = {"v": RECIPE_VERSION, "fps": self.fps, "size": [width, height], "enc": enc}
        pieces: list[_Piece] = []
        for i, s in enumerate(vs):
            a, b = s.overlap_in, s.frames - s.overlap_out
            inputs, chain = self._window(s, a, b, width, height)
            key = _key({**common, "kind": "body", "clip": s.digest, "frames": s.frames,
                        "window": [a, b]})
            pieces.append(_Piece(
                "body", self.cache_dir / f"body-{key}.mp4",
                (*inputs, "-filter_complex", f"[0:v]{chain}[v]", "-map", "[v]",
                 "-frames:v", str(b - a), *enc, "-an"),
            ))
            if s.overlap_out:
                nxt, n = vs[i + 1], s.overlap_out
                in_a, chain_a = self._window(s, s.frames - n, s.frames, width, height)
                in_b, chain_b = self._window(nxt, 0, n, width, height)
                key = _key({**common, "kind": "xfade", "transition": s.transition,
                            "from": [s.digest, s.frames], "to": [nxt.digest, nxt.frames],
                            "frames": n})
                graph = (
                    f"[0:v]{chain_a}[a];[1:v]{chain_b}[b];"
                    f"[a][b]xfade=transition={s.transition}:duration={n / self.fps}:offset=0[v]"
                )
                pieces.append(_Piece(
                    "transition", self.cache_dir / f"xfade-{key}.mp4",
                    (*in_a, *in_b, "-filter_complex", graph, "-map", "[v]",
                     "-frames:v", str(n), *enc, "-an"),
                ))
        return pieces

    def _window(
        self, s: _Scene, a: int, b: int, width: int, height: int
    ) -> tuple[tuple[str, ...], str]:
        """ffmpeg input options and filter chain giving frames [a, b) of the fitted scene,
        scaled and padded to width x height, exactly b - a frames at the output rate.

        The fitted scene is timed from the clip's start, so every piece of one scene samples
        the same frame grid and pieces join without a jump."""
        fps = self.fps
        fit = timeline.fit_clip(s.clip_s, s.frames / fps)
        if fit.mode == "loop":
            inputs: tuple[str, ...] = ("-stream_loop", "-1", "-i", str(s.clip))
            timing = ""
        else:
            src_start, src_end = a / fps / fit.stretch, b / fps / fit.stretch
            seek = max(0.0, src_start - SEEK_MARGIN_S)
            length = src_end - seek + SEEK_MARGIN_S
            inputs = ("-ss", f"{seek:.6f}", "-t", f"{length:.6f}", "-i", str(s.clip))
            timing = f"setpts=(PTS+{seek:.6f}/TB)*{fit.stretch:.9f},"
        n = b - a
        chain = (
            f"{timing}fps={fps},trim=start_pts={a}:end_pts={b},setpts=PTS-STARTPTS,"
            f"tpad=stop_mode=clone:stop={n},trim=end_frame={n},"
            f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={width}:{height}:-1:-1:color=black,setsar=1,format=yuv420p"
        )
        return inputs, chain

    async def _render_audio(
        self,
        vs: list[_Scene],
        starts: list[float],
        cues: list[tuple[MusicInput, float]],
        total_s: float,
        work: Path,
    ) -> float | None:
        """Mix, duck, fade and loudness-normalise the soundtrack into work/audio.m4a.
        Returns the output's integrated loudness in LUFS (None when silent)."""
        inputs: list[str] = []
        graph: list[str] = []
        fmt = f"aresample={AUDIO_RATE_HZ},aformat=sample_fmts=fltp:channel_layouts=stereo"
        pad = f"apad=whole_dur={total_s:.6f},atrim=end={total_s:.6f}"
        voices, n_in = [], 0
        for i, (s, start) in enumerate(zip(vs, starts, strict=True)):
            if s.narration is None:
                continue
            speed = timeline.narration_speed_needed(
                s.narration_s, s.frames / self.fps, overlap_out_s=s.overlap_out / self.fps,
                lead_s=self.lead_s, tail_s=self.tail_s,
            )
            tempo = min(speed, timeline.MAX_NARRATION_SPEED)
            tempo_f = f"atempo={tempo:.4f}," if tempo > 1.0 else ""
            delay = round((start + self.lead_s) * 1000)
            graph.append(f"[{n_in}:a]{fmt},{tempo_f}adelay=delays={delay}:all=1[n{i}]")
            inputs += ["-i", str(s.narration)]
            n_in += 1
            voices.append(f"[n{i}]")
        beds = []
        for j, (cue, length) in enumerate(cues):
            begin = max(0.0, cue.start_s - MUSIC_CROSSFADE_S / 2)
            end = min(total_s, cue.end_s + MUSIC_CROSSFADE_S / 2)
            span = end - begin
            fades = []
            if begin > 0:
                fades.append(f"afade=t=in:d={MUSIC_CROSSFADE_S}")
            if end < total_s:
                fades.append(f"afade=t=out:st={span - MUSIC_CROSSFADE_S:.6f}:d={MUSIC_CROSSFADE_S}")
            loop = ["-stream_loop", "-1"] if timeline.fit_music(length, span) == "loop" else []
            inputs += [*loop, "-i", str(cue.path)]
            chain = ",".join([fmt, f"atrim=end={span:.6f}", "asetpts=PTS-STARTPTS", *fades,
                              f"adelay=delays={round(begin * 1000)}:all=1"])
            graph.append(f"[{n_in}:a]{chain}[m{j}]")
            n_in += 1
            beds.append(f"[m{j}]")
        if not voices and not beds:
            graph.append(f"anullsrc=r={AUDIO_RATE_HZ}:cl=stereo,atrim=end={total_s:.6f}[mix]")
            await run_ffmpeg(*_encode_audio(graph, work / "audio.m4a"))
            return None

        def mixed(labels: list[str], out: str) -> str:
            joined = "".join(labels)
            if len(labels) == 1:
                return f"{joined}{pad}[{out}]"
            return f"{joined}amix=inputs={len(labels)}:normalize=0,{pad}[{out}]"

        fade_d = min(FINAL_FADE_S, total_s / 2)
        ending = f"afade=t=out:st={total_s - fade_d:.6f}:d={fade_d:.6f}"
        if voices:
            graph.append(mixed(voices, "voice"))
        if beds:
            graph.append(mixed(beds, "bed"))
            graph.append(f"[bed]volume={self.music_level_db}dB[music]")
        if voices and beds:
            graph.append("[voice]asplit=2[vmix][vkey]")
            graph.append(
                "[music][vkey]sidechaincompress=threshold=0.01:ratio=20:attack=20:release=350"
                "[ducked]"
            )
            graph.append(f"[ducked][vmix]amix=inputs=2:normalize=0,{ending}[mix]")
        else:
            graph.append(f"[{'voice' if voices else 'music'}]{ending}[mix]")

        # Pass 1: render the mix once and measure it (EBU R128 integrated, range, true peak).
        # Meters only count complete 400 ms blocks; trailing silence (below the -70 LUFS gate)
        # lets them take in the real ending.
        flush = f"apad=pad_dur={METER_FLUSH_S}"
        target = (
            f"loudnorm=I={self.loudness_lufs}:TP={TRUE_PEAK_DBTP}:LRA={LOUDNESS_RANGE_LU}"
        )
        mix = work / "mix.wav"
        graph[-1] = graph[-1].removesuffix("[mix]") + ",asplit=2[mix][meas]"
        graph.append(f"[meas]{flush},{target}:print_format=json[measured]")
        log = await run_ffmpeg_stderr(
            "-y", *inputs, "-filter_complex", ";".join(graph),
            "-map", "[mix]", "-c:a", "pcm_f32le", str(mix),
            "-map", "[measured]", "-f", "null", "-",
        )
        m = _loudnorm_stats(log)
        if m["input_i"] == "-inf":
            await run_ffmpeg("-i", mix, *_aac_args(), work / "audio.m4a")
            return None
        # Pass 2: apply the measured values (linear gain where the true peak allows), encode,
        # and meter the result with the ebur128 filter.
        second = (
            f"[0:a]{target}:measured_I={m['input_i']}:measured_TP={m['input_tp']}"
            f":measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}"
            f":offset={m['target_offset']}:linear=true,"
            f"aresample={AUDIO_RATE_HZ},asplit=2[out][check];"
            f"[check]{flush},ebur128[checked]"
        )
        log = await run_ffmpeg_stderr(
            "-y", "-i", str(mix), "-filter_complex", second,
            "-map", "[out]", *_aac_args(), str(work / "audio.m4a"),
            "-map", "[checked]", "-f", "null", "-",
        )
        return _integrated_lufs(log)

    async def _mux(self, pieces: list[_Piece], audio: Path, out: Path, work: Path) -> None:
        """Join the pieces by stream copy with the soundtrack into `out`, atomically."""
        listing = work / "pieces.txt"
        listing.write_text(
            "".join(f"file '{_concat_quote(p.path.resolve())}'\n" for p in pieces)
        )
        part = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            await run_ffmpeg(
                "-f", "concat", "-safe", "0", "-i", listing, "-i", audio,
                "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart",
                "-f", "mp4", part,
            )
            os.replace(part, out)
        finally:
            part.unlink(missing_ok=True)


def _encode_audio(graph: list[str], dest: Path) -> tuple[str, ...]:
    return ("-filter_complex", ";".join(graph), "-map", "[mix]", *_aac_args(), str(dest))


def _aac_args() -> tuple[str, ...]:
    return ("-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(AUDIO_RATE_HZ), "-ac", "2")


async def _render_atomically(piece: _Piece) -> None:
    """Render `piece` to a temporary name beside it, then rename it into the cache."""
    part = piece.path.with_name(f".{piece.path.stem}.{uuid.uuid4().hex[:8]}.part")
    try:
        await run_ffmpeg(*piece.args, "-f", "mp4", part)
        os.replace(part, piece.path)
    finally:
        part.unlink(missing_ok=True)


async def _write_thumbnail(body: Path, at_s: float, thumbnail: Path) -> None:
    part = thumbnail.with_name(f".{thumbnail.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        await run_ffmpeg(
            "-ss", f"{at_s:.3f}", "-i", body, "-frames:v", "1", "-q:v", "3",
            "-f", "image2", "-update", "1", part,
        )
        os.replace(part, thumbnail)
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
