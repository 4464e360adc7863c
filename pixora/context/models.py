"""The TaskContext: everything Pixora knows about one video task, as one pydantic model.

Scene indices are 1-based everywhere a user or a model sees them. Durations are seconds.
"""

from __future__ import annotations

import re
import time
import unicodedata
import uuid
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pixora.context.traits import Traits, derive_traits
from pixora.context.vocabulary import (
    CAPTION_STYLES,
    DEFAULT_MOOD,
    PLATFORMS,
    AspectRatio,
    CaptionStyle,
    Transition,
    VoiceTone,
)

MIN_SCENE_S = 1.5
MAX_SCENE_S = 60.0
MAX_SCENES = 40


class Stage(StrEnum):
    DRAFTING = "drafting"
    AWAITING_APPROVAL = "awaiting_approval"
    GENERATING = "generating"
    COMPLETED = "completed"
    EDITING = "editing"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _now() -> float:
    return time.time()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class VoiceSpec(Model):
    """How narration is spoken. `speed` is a rate multiplier (1.0 = the voice's own pace)."""

    voice: str = "default"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    tone: VoiceTone = "neutral"


class MusicCue(Model):
    """Background music for a run of consecutive scenes (`first_scene`..`last_scene`, 1-based)."""

    mood: str = DEFAULT_MOOD
    genre: str = "ambient"
    first_scene: int = Field(1, ge=1)
    last_scene: int | None = Field(None, ge=1, description="None: to the last scene.")


class Scene(Model):
    """One scene of a breakdown. `transition` is how this scene passes into the next one."""

    index: int = Field(ge=1)
    title: str = ""
    script: str = Field(min_length=1, max_length=2000, description="Narration, spoken verbatim.")
    visual_prompt: str = Field(min_length=1, max_length=2000)
    duration: float = Field(gt=0, le=MAX_SCENE_S, description="Planned length in seconds.")
    mood: str = DEFAULT_MOOD
    camera: str = "dolly_slow"
    lighting: str = ""
    transition: Transition = "fade"
    characters: list[str] = Field(default_factory=list, description="Character ids in frame.")
    image: str | None = Field(None, description="A user-supplied image file used as is.")

    @field_validator("duration")
    @classmethod
    def _at_least_min(cls, v: float) -> float:
        if v < MIN_SCENE_S:
            raise ValueError(f"must be at least {MIN_SCENE_S} s")
        return v


def character_id(name: str, taken: set[str]) -> str:
    """A url-safe id for `name` (accents folded), unique among `taken`, which it joins."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "character"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug


class Character(Model):
    """A recurring character, kept visually consistent across scenes. `traits` are derived
    from the description, role and name (see `pixora.context.traits`) when not given."""

    id: str
    name: str
    kind: str = Field("person", description='"person", an animal species ("dog"), "robot" or '
                      '"creature".')
    role: str = ""
    description: str = Field("", description="Visual traits used in every image prompt.")
    personality: str = ""
    reference_image: str | None = Field(None, description="Storage key of the reference image.")
    traits: Traits = Field(default_factory=Traits, description="What it looks like, structured.")

    @model_validator(mode="before")
    @classmethod
    def _derive_traits(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("traits") is None and "id" in data:
            data = {**data, "traits": derive_traits(
                str(data["id"]), str(data.get("kind") or "person"),
                f"{data.get('description', '')} {data.get('role', '')}", str(data.get("name", "")))}
        return data


CaptionSize = Literal["small", "medium", "large"]
CaptionPosition = Literal["bottom", "middle", "top"]
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class CaptionLook(Model):
    """How burned-in captions look: `size` (small, medium, large), `color` of the text and
    `highlight` of the spoken word (karaoke), each "#RRGGBB", and `position` on the frame
    (bottom, middle, top; always inside the platform's safe area)."""

    size: CaptionSize = "medium"
    color: str = "#FFFFFF"
    highlight: str = "#FFD400"
    position: CaptionPosition = "bottom"

    @field_validator("color", "highlight")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not _HEX.match(v):
            raise ValueError(f"colour {v!r}: use #RRGGBB")
        return v.upper()


def default_caption_style(aspect_ratio: str) -> str:
    """The burned-in caption style of the platforms with `aspect_ratio` (9:16 -> karaoke,
    16:9 -> off; "off" for a ratio no platform uses)."""
    for p in PLATFORMS.values():
        if p.aspect_ratio == aspect_ratio:
            return p.caption_style
    return "off"


class Breakdown(Model):
    """A versioned scene breakdown. Every change makes a new version."""

    version: int = Field(1, ge=1)
    title: str = "Untitled"
    prompt: str = ""
    style: str = "cinematic"
    aspect_ratio: AspectRatio = "16:9"
    voice: VoiceSpec = Field(default_factory=VoiceSpec)
    music: list[MusicCue] = Field(default_factory=lambda: [MusicCue()])
    characters: list[Character] = Field(default_factory=list)
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SCENES)
    caption_style: CaptionStyle | None = Field(
        None, description=f"Burned-in captions, one of {', '.join(CAPTION_STYLES)}; None: "
        "the platform's default for the aspect ratio (9:16 karaoke, 16:9 off).")
    caption_look: CaptionLook = Field(default_factory=CaptionLook)

    @property
    def captions(self) -> str:
        """The burned-in caption style in effect (`caption_style` or the platform default)."""
        return self.caption_style or default_caption_style(self.aspect_ratio)

    @model_validator(mode="before")
    @classmethod
    def _number_scenes(cls, data: object) -> object:
        """Scenes written without an `index` are numbered in order, from 1."""
        if isinstance(data, dict) and isinstance(data.get("scenes"), list):
            for i, scene in enumerate(data["scenes"], start=1):
                if isinstance(scene, dict):
                    scene.setdefault("index", i)
        return data

    @model_validator(mode="after")
    def _indices_in_order(self) -> Breakdown:
        for i, scene in enumerate(self.scenes, start=1):
            if scene.index != i:
                raise ValueError(f"scenes[{i - 1}].index is {scene.index}, expected {i}")
        known = {c.id for c in self.characters}
        for scene in self.scenes:
            for cid in scene.characters:
                if cid not in known:
                    raise ValueError(f"scene {scene.index} names unknown character {cid!r}")
        return self

    @property
    def total_duration(self) -> float:
        return sum(s.duration for s in self.scenes)

    def scene(self, index: int) -> Scene:
        """The scene with 1-based `index`.

        Raises:
            IndexError: no such scene; the message gives the valid range.
        """
        if not 1 <= index <= len(self.scenes):
            raise IndexError(f"scene {index} does not exist (scenes are 1 to {len(self.scenes)})")
        return self.scenes[index - 1]


AssetKind = Literal["image", "motion", "narration", "music"]


class Asset(Model):
    """A generated file. `inputs_hash` identifies what it was made from, so unchanged work is
    reused; `key` is its storage key."""

    key: str
    kind: AssetKind
    inputs_hash: str
    provider: str = "local"
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    cost_usd: float = 0.0
    note: str = ""
    made_by: str | None = None
    """The queue worker that made it (`host:pid:tag`), None outside a worker."""
    words: list[tuple[str, float, float]] = Field(
        default_factory=list, description="Narration: (word, start s, end s) of each word.")
    boxes: dict[str, tuple[int, int, int, int]] = Field(
        default_factory=dict, description="Scene image: where each character in frame was "
        "drawn, by id, as (left, top, right, bottom) pixels; empty when the provider cannot "
        "say.")
    created_at: float = Field(default_factory=_now)


class Progress(Model):
    percent: float = Field(0.0, ge=0, le=100)
    stage: str = "idle"
    message: str = ""
    eta_s: float | None = None
    started_at: float | None = Field(None, description="When the run began (unix s).")
    updated_at: float = Field(default_factory=_now)


class VideoVersion(Model):
    """One finished render. Earlier versions are kept when an edit makes a new one."""

    version: int = Field(ge=1)
    key: str
    thumbnail_key: str
    duration_s: float
    breakdown_version: int
    scene_hashes: list[str] = Field(default_factory=list)
    srt_key: str | None = Field(None, description="Captions (SubRip), storage key.")
    vtt_key: str | None = Field(None, description="Captions (WebVTT), storage key.")
    created_at: float = Field(default_factory=_now)


class Cost(Model):
    provider: str
    what: str
    usd: float = Field(ge=0)


class TaskContext(Model):
    """Shared state of one task. Persisted in Redis as one JSON document (see `TaskStore`)."""

    task_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    user_id: str
    title: str = ""
    revision: int = 0
    stage: Stage = Stage.DRAFTING
    breakdown: Breakdown | None = None
    history: list[Breakdown] = Field(default_factory=list, description="Earlier versions.")
    approved_version: int | None = None
    assets: dict[str, Asset] = Field(default_factory=dict)
    progress: Progress = Field(default_factory=Progress)
    current_agent: str = "video"
    videos: list[VideoVersion] = Field(default_factory=list)
    costs: list[Cost] = Field(default_factory=list)
    error: str | None = None
    created_at: float = Field(default_factory=_now)
    updated_at: float = Field(default_factory=_now)

    @property
    def is_approved(self) -> bool:
        return self.breakdown is not None and self.approved_version == self.breakdown.version

    @property
    def total_cost_usd(self) -> float:
        return round(sum(c.usd for c in self.costs), 4)

    @property
    def latest_video(self) -> VideoVersion | None:
        return self.videos[-1] if self.videos else None

    def set_breakdown(self, breakdown: Breakdown) -> Breakdown:
        """Install `breakdown` as the next version; the previous one goes to `history`.

        Changing the breakdown clears any approval of an earlier version.
        """
        if self.breakdown is not None:
            self.history.append(self.breakdown)
            breakdown = breakdown.model_copy(update={"version": self.breakdown.version + 1})
        self.breakdown = breakdown
        if not self.title:
            self.title = breakdown.title
        self.approved_version = None
        return breakdown
