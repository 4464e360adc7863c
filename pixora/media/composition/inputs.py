"""What a composition is made of: the caller's scenes and music cues, and the same read from
disk (length, content hash, stream layout), which is all `plan` needs to know about a file."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pixora.context.files import file_hash
from pixora.media.captions.words import Word
from pixora.media.composition.together import all_of
from pixora.media.encoding import Layout, read_layout
from pixora.media.ffmpeg import probe


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
    words: the narration's words, timed in seconds from the start of the narration file
        (`MediaFile.words`), for captions; the composer places them where it places the
        narration (scene start + lead_s, sped up as the narration is).
    """

    clip: Path
    duration_s: float
    narration: Path | None = None
    transition: str = "fade"
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class MusicInput:
    """A music bed covering `start_s`..`end_s` (seconds) of the final timeline; it is looped
    or trimmed to that span, and consecutive cues crossfade over `MUSIC_CROSSFADE_S`."""

    path: Path
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SceneMedia:
    """A scene's files as read from disk.

    scene: as given; clip_s: the clip's length in seconds; clip_hash: its content hash
    (`pixora.context.files.file_hash`); layout: how its video stream is stored;
    narration_s, narration_hash: the same for the narration (0.0 and None without one).
    """

    scene: SceneInput
    clip_s: float
    clip_hash: str
    layout: Layout
    narration_s: float = 0.0
    narration_hash: str | None = None


@dataclass(frozen=True)
class MusicMedia:
    """A music cue's file as read from disk: `length_s` in seconds and its content hash."""

    cue: MusicInput
    length_s: float
    file_hash: str


async def read_scenes(scenes: Sequence[SceneInput]) -> list[SceneMedia]:
    """Read every scene's clip and narration, all at once (each distinct file is read once).

    Raises:
        CompositionError: a file is missing, unreadable, without the stream it needs
            (video for a clip, audio for a narration) or of no length; the first fault in
            scene order (a scene's clip before its narration) is reported.
    """

    async def clip(i: int, path: Path) -> tuple[float, str, Layout]:
        length = await _media_length(path, f"scene {i} clip", "video")
        try:
            layout = await asyncio.to_thread(read_layout, path)
        except ValueError:
            raise CompositionError(f"scene {i} clip {path}: not readable media") from None
        return length, await asyncio.to_thread(file_hash, path), layout

    reads: dict[tuple[str, Path], Awaitable[tuple[Any, ...]]] = {}
    for i, s in enumerate(scenes, start=1):
        if ("clip", Path(s.clip)) not in reads:
            reads["clip", Path(s.clip)] = clip(i, Path(s.clip))
        if s.narration is not None and ("voice", Path(s.narration)) not in reads:
            reads["voice", Path(s.narration)] = _audio(Path(s.narration),
                                                       f"scene {i} narration")
    done = dict(zip(reads, await all_of(reads.values()), strict=True))
    out = []
    for s in scenes:
        clip_s, clip_hash, layout = done["clip", Path(s.clip)]
        narration_s, narration_hash = (0.0, None) if s.narration is None else done[
            "voice", Path(s.narration)]
        out.append(SceneMedia(s, clip_s, clip_hash, layout, narration_s, narration_hash))
    return out


async def read_music(music: Sequence[MusicInput]) -> list[MusicMedia]:
    """Read every music cue's file, all at once (each distinct file is read once).

    Raises:
        CompositionError: a file is missing, unreadable, without audio or of no length; the
            first cue's fault is reported.
    """
    reads: dict[Path, Awaitable[tuple[float, str]]] = {}
    for i, m in enumerate(music, start=1):
        if Path(m.path) not in reads:
            reads[Path(m.path)] = _audio(Path(m.path), f"music cue {i}")
    done = dict(zip(reads, await all_of(reads.values()), strict=True))
    return [MusicMedia(m, *done[Path(m.path)]) for m in music]


async def _audio(path: Path, what: str) -> tuple[float, str]:
    """Length in seconds and content hash of audio file `path` (`what` names it in errors).

    Raises:
        CompositionError: see `_media_length`.
    """
    length = await _media_length(path, what, "audio")
    return length, await asyncio.to_thread(file_hash, path)


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
