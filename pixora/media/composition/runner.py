"""The composer: reads the inputs, plans the composition (`plan`) and runs the plan with
ffmpeg (piece renders, stream copies, the soundtrack), then joins the pieces and the soundtrack
into the MP4 and takes its thumbnail."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pixora.context.files import atomic_path
from pixora.context.models import CaptionLook
from pixora.media import soundtrack
from pixora.media.captions import ass
from pixora.media.captions.cues import Cue, build_cues, shift
from pixora.media.composition.inputs import MusicInput, SceneInput, read_music, read_scenes
from pixora.media.composition.plan import (
    CaptionBurn,
    CompositionSettings,
    Render,
    StreamCopy,
    check_music,
    check_size,
    lay_out,
    needs_reference,
    plan,
    reference_path,
    scene_words,
)
from pixora.media.composition.together import all_of
from pixora.media.encoding import PIECE_FILTER, copy_frames, encoder_args, read_layout
from pixora.media.ffmpeg import run_ffmpeg


@dataclass(frozen=True)
class ComposeResult:
    """What `Composer.compose` produced. Times in seconds, loudness in LUFS (integrated, as
    metered with the ebur128 filter on the soundtrack; None for a silent video).

    pieces: the video pieces in timeline order; reused: those that came from the cache;
    copied: the body pieces cut from their clip by stream copy (not re-encoded), whether
    made now or reused: whole bodies, or the caption-free frames of captioned ones.
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
    cues: list[Cue] = field(default_factory=list)
    """Caption cues on the final timeline (lines of at most 42 columns), for the SRT/VTT
    files; empty when no scene has timed words."""


@dataclass(frozen=True)
class Captions:
    """Captions to burn in: `style` (one of `CAPTION_STYLES`; "off" burns none) and `look`."""

    style: str = "off"
    look: CaptionLook = field(default_factory=CaptionLook)


ProgressFn = Callable[[float, str], None]


class Composer:
    """Renders, caches and joins the pieces of a video (see `pixora.media.composition`).

    cache_dir: where pieces and soundtracks live (created if missing); safe to share between
        composes, even concurrent ones (every file is renamed into place complete).
    fps, transition_s, loudness_lufs, music_level_db, lead_s, tail_s: see
        `CompositionSettings`; workers: ffmpeg processes run at once. Each piece render
        decodes, filters and encodes on `threads` threads (the cores shared among the workers,
        at least 1): the workers already keep the cores busy, and threads beyond them only add
        hand-over work (x264's frame threads and the decoders' cost about 10 % more CPU when
        two renders share two cores).
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
        workers: int = 2,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.settings = CompositionSettings(
            fps=fps, transition_s=transition_s, loudness_lufs=loudness_lufs,
            music_level_db=music_level_db, lead_s=lead_s, tail_s=tail_s,
        )
        self.workers = max(1, workers)
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)

    async def compose(
        self,
        scenes: Sequence[SceneInput],
        music: Sequence[MusicInput],
        size: tuple[int, int],
        out: Path,
        thumbnail: Path,
        on_progress: ProgressFn | None = None,
        captions: Captions | None = None,
    ) -> ComposeResult:
        """Compose `scenes` and `music` into `out` (MP4: H.264 at `size` (width, height) pixels
        and `fps`, AAC 48 kHz stereo 192 kb/s, faststart) and a JPEG `thumbnail` from the
        middle of the first scene.

        All inputs are checked before any work starts. `out` and `thumbnail` are written under
        temporary names and renamed into place, so they are either complete or untouched.
        `on_progress(fraction 0..1, message)` is called as pieces and passes finish.

        Scenes with timed words (`SceneInput.words`) get caption cues on the final timeline
        (`ComposeResult.cues`); with `captions` in a style other than "off" they are burned
        into the pieces they show on (see `plan.plan`).

        Raises:
            UnknownCaptionStyle: `captions.style` is not a caption style.
            CompositionError: bad input (missing or unreadable file, unknown transition,
                non-positive or too short duration, bad size or music span).
            FFmpegError: ffmpeg failed while rendering.
        """
        report = on_progress or (lambda _f, _m: None)
        if captions is not None:
            ass.check_style(captions.style)
        check_size(size)
        tl = lay_out(scenes, self.settings)
        check_music(music, tl.total_s)
        media = await read_scenes(scenes)
        cues = await read_music(music)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        thumbnail.parent.mkdir(parents=True, exist_ok=True)
        reference = None
        if needs_reference(tl, media, size):
            reference = await self._reference_extradata(size)
        words = scene_words(tl, media, self.settings)
        file_cues = shift(build_cues(words), tl.starts)
        burn = None
        if captions is not None and captions.style != "off" and words:
            lay = ass.layout(size, captions.style, captions.look)
            per_scene: list[list[Cue]] = [[] for _ in scenes]
            for c in build_cues(words, lay.columns):
                per_scene[c.scene - 1].append(c)
            burn = CaptionBurn(
                ass.header(size, captions.style, captions.look),
                tuple(tuple(ass.events(cs, captions.style, size, captions.look))
                      for cs in per_scene),
                lay.burn_band(),
            )
        p = plan(tl, media, cues, size, self.settings, self.cache_dir, reference=reference,
                 captions=burn)

        steps = len(p.work) + (not p.soundtrack_reused) + 1
        done = 0

        def step(message: str) -> None:
            nonlocal done
            done += 1
            report(min(done / steps, 1.0), message)

        fresh = sum(1 if isinstance(w, StreamCopy) else len(w.outputs) for w in p.work)
        report(0.0, f"{fresh} of {len(p.pieces)} pieces to render")
        sem = asyncio.Semaphore(self.workers)
        failed = asyncio.Event()

        async def run(what: str, work: Callable[[], Awaitable[None]]) -> None:
            async with sem:
                if failed.is_set():
                    return
                try:
                    await work()
                except BaseException:
                    failed.set()
                    raise
            step(what)

        enc = encoder_args(self.settings.fps)
        runs = [run("copied body", partial(_copy, w)) if isinstance(w, StreamCopy)
                else run("rendered " + " and ".join(p.kind for _, _, p in w.outputs),
                         partial(_render, w, enc, self.threads))
                for w in p.work]
        if not p.soundtrack_reused:
            runs.insert(0, run("mixed soundtrack", partial(
                _render_soundtrack, p.soundtrack, self.settings.loudness_lufs, p.soundtrack_path
            )))
        await all_of(runs)
        pieces = [piece.path for piece in p.pieces]
        shot, at = p.thumbnail
        with atomic_path(thumbnail) as thumb_part, atomic_path(out) as out_part:
            await all_of([
                _mux(pieces, p.soundtrack_path, out_part),
                run_ffmpeg("-ss", f"{at:.3f}", "-i", shot, "-frames:v", "1", "-q:v", "3",
                           "-f", "image2", "-update", "1", thumb_part),
            ])
        step("joined pieces")
        return ComposeResult(
            out=out,
            thumbnail=thumbnail,
            duration_s=tl.total_s,
            scene_starts=tl.starts,
            pieces=pieces,
            reused=list(p.reused),
            copied=list(p.copied),
            soundtrack=p.soundtrack_path,
            soundtrack_reused=p.soundtrack_reused,
            loudness_lufs=_read_loudness(p.soundtrack_path),
            cues=file_cues,
        )

    async def _reference_extradata(self, size: tuple[int, int]) -> bytes:
        """The H.264 parameter sets (avcC) of the reference piece (`plan.reference_path`),
        made first if it is not in the cache."""
        fps = self.settings.fps
        ref = reference_path(self.cache_dir, size, fps)
        if not ref.exists():
            width, height = size
            with atomic_path(ref) as part:
                await run_ffmpeg(
                    "-f", "lavfi", "-i", f"color=c=black:s={width}x{height}:r={fps}",
                    "-vf", PIECE_FILTER, "-frames:v", "1", *encoder_args(fps), "-an",
                    "-f", "mp4", part,
                )
        return (await asyncio.to_thread(read_layout, ref)).extradata


async def _render(render: Render, enc: tuple[str, ...], threads: int) -> None:
    """Run `render` (encoder options `enc`; each decoder, the filter graph and each encoder
    on `threads` threads) into its pieces, each renamed into the cache complete. Its caption
    scripts are written first (each once, named by content)."""
    for path, text in render.scripts:
        if not path.exists():
            with atomic_path(path) as part:
                part.write_text(text, encoding="utf-8")
    with ExitStack() as stack:
        outputs: list[str | Path] = []
        for label, frames, piece in render.outputs:
            part = stack.enter_context(atomic_path(piece.path))
            outputs += ["-map", f"[{label}]", "-frames:v", str(frames), *enc,
                        "-threads", str(threads), "-an", "-f", "mp4", part]
        inputs = [arg for opt in render.inputs
                  for arg in (("-threads", str(threads), opt) if opt == "-i" else (opt,))]
        await run_ffmpeg(*inputs, "-filter_complex_threads", str(threads),
                         "-filter_complex", render.graph, *outputs)


async def _copy(copy: StreamCopy) -> None:
    """Cut `copy` by stream copy into its piece, renamed into the cache complete."""
    with atomic_path(copy.piece.path) as part:
        await asyncio.to_thread(copy_frames, copy.clip, copy.start, copy.end, part)


async def _render_soundtrack(sg: soundtrack.SoundtrackGraph, lufs: float, dest: Path) -> None:
    """Render the soundtrack into the cache at `dest`, with its loudness sidecar
    (`_loudness_path`) renamed into place first."""
    with (
        atomic_path(dest) as audio,
        atomic_path(_loudness_path(dest)) as sidecar,
        tempfile.TemporaryDirectory(dir=dest.parent, prefix=".soundtrack-") as work,
    ):
        loudness = await soundtrack.render_soundtrack(sg, lufs, audio, Path(work))
        sidecar.write_text(json.dumps({"loudness_lufs": loudness}))


def _loudness_path(audio: Path) -> Path:
    """The JSON sidecar of a cached soundtrack: {"loudness_lufs": LUFS or null}."""
    return audio.with_suffix(".json")


def _read_loudness(audio: Path) -> float | None:
    sidecar = _loudness_path(audio)
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


def _concat_quote(path: Path) -> str:
    return str(path).replace("'", "'\\''")
