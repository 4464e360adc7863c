"""Provider protocols for each media capability, and the request/result shapes they share.

Every provider is async, writes its result to the `out` path it is given, and returns a
`MediaFile` describing it. Local providers are deterministic for a given `seed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pixora.context.models import Character, VoiceSpec
from pixora.context.vocabulary import KenBurnsMove
from pixora.media.captions.words import Word
from pixora.net.errors import ContentPolicyError, ProviderError

__all__ = ["ContentPolicyError", "ProviderError"]  # re-exported for providers


@dataclass(frozen=True)
class MediaFile:
    """A produced file. Duration in seconds, sizes in pixels, cost in US dollars."""

    path: Path
    provider: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    cost_usd: float = 0.0
    note: str = ""
    """A message the user should see about this file (e.g. a cloud provider failed and the local
    one stood in); empty in the normal case. The pipeline shows every non-empty note."""
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """Scene images only: where each character in frame was drawn, by character id, as
    (left, top, right, bottom) pixels (right and bottom exclusive); empty when unknown."""
    words: tuple[Word, ...] = ()
    """Narration only: each word of the script and when it is spoken, in seconds from the
    start of this file (see `pixora.media.captions.words`)."""


@dataclass(frozen=True)
class ImageRequest:
    """A scene still. `prompt` is the visual prompt; `title` may be drawn on the frame;
    `subject` is what the whole video is about (the user's request), for a prompt that names
    nothing drawable; `characters` describe the characters in frame, one each ("Mia: a young
    girl with blond hair"); `cast` are those characters with their structured traits, in
    breakdown order; `references` are their reference images."""

    prompt: str
    width: int
    height: int
    style: str = "cinematic"
    mood: str = "luxury_reveal"
    lighting: str = ""
    title: str = ""
    seed: int = 0
    subject: str = ""
    characters: tuple[str, ...] = ()
    cast: tuple[Character, ...] = ()
    references: tuple[Path, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MotionRequest:
    """Animate `image` into a clip of `duration_s` seconds at `fps`, `width`x`height` pixels.

    keyframes_s: times in seconds (from the clip start) where the clip must have a keyframe,
    so a consumer can cut it there without re-encoding (the composer asks for the edges of
    the scene body, between the transition overlaps). Providers that cannot place keyframes
    ignore it; the composer then re-encodes the body.
    """

    image: Path
    duration_s: float
    motion: KenBurnsMove
    width: int
    height: int
    fps: int = 30
    prompt: str = ""
    seed: int = 0
    keyframes_s: tuple[float, ...] = ()


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice: VoiceSpec = field(default_factory=VoiceSpec)


@dataclass(frozen=True)
class MusicRequest:
    """Background music of `duration_s` seconds that loops cleanly."""

    duration_s: float
    mood: str = "luxury_reveal"
    genre: str = "ambient"
    seed: int = 0


class ImageGenerator(Protocol):
    name: str

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile: ...


class ImageToVideo(Protocol):
    name: str

    def depends_on(self, req: MotionRequest) -> dict[str, object]:
        """The parts of `req` (besides the image) that this provider's clip depends on, so an
        unchanged clip is reused across edits (e.g. a fixed-length cloud clip does not depend
        on the exact scene length)."""
        ...

    async def animate(self, req: MotionRequest, out: Path) -> MediaFile: ...


class SpeechSynthesizer(Protocol):
    """Narration. The MediaFile carries the word timings (`MediaFile.words`): the provider's
    own timestamps where its API gives them, else the text aligned to the audio
    (`pixora.media.captions.words.estimate_words`)."""

    name: str

    async def synthesize(self, req: SpeechRequest, out: Path) -> MediaFile: ...


class MusicGenerator(Protocol):
    name: str

    async def generate_music(self, req: MusicRequest, out: Path) -> MediaFile: ...
