"""What a breakdown writer is asked for: `BreakdownRequest`, with the explicit values a user or
a model gave (duration, scene count, characters, style, platform, audience), validated once.

Both writers receive it: the real model's structured-output run and the offline writer. Nothing
in it is parsed back out of prose.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pixora.context.models import MAX_SCENES, MIN_SCENE_S, VoiceSpec
from pixora.context.text import clean_text
from pixora.context.vocabulary import FRAME_SIZES, PLATFORMS, style_for

MIN_DURATION_S = 5.0
MAX_DURATION_S = 600.0
MAX_PROMPT_CHARS = 20_000

EMPTY_PROMPT = (
    "describe the video you want, e.g. 'a 30-second video about space exploration': what "
    "should it be about?"
)


class CharacterSpec(BaseModel):
    """A character the user asked for: `name` ("Mia", or a role name such as "the painter"),
    `kind` ("person", or an animal species such as "dog", or "robot"), and visible `traits`
    in plain words ("eight years old, red raincoat")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The name, or a role name such as 'the painter' (1-60 chars).")
    kind: str = Field("person", description="person, an animal species, robot... (1-40 chars).")
    traits: str = Field("", description="Visible traits in plain words (up to 400 chars).")

    @field_validator("name", "kind", "traits")
    @classmethod
    def _length(cls, value: str, info: ValidationInfo) -> str:
        """Length limits live here, not in the JSON schema: OpenAI's strict function schemas
        do not accept minLength/maxLength."""
        value = value.strip()
        low, high = _SPEC_LENGTHS[info.field_name or ""]
        if not low <= len(value) <= high:
            raise ValueError(f"must be {low} to {high} characters")
        return value


_SPEC_LENGTHS = {"name": (1, 60), "kind": (1, 40), "traits": (0, 400)}


def max_scenes_for(duration_s: float) -> int:
    """The most scenes a video of `duration_s` seconds can hold (each at least 1.5 s)."""
    return max(1, min(MAX_SCENES, int(duration_s // MIN_SCENE_S)))


@dataclass(frozen=True)
class BreakdownRequest:
    """What to write. `duration_s` is seconds (5..600), rounded to 0.5 s; `scenes` an exact
    scene count (None: the writer decides); `mood` a mood category, a mood word or a 0-100
    energy level (see `vocabulary.resolve_mood`); a `platform` from `vocabulary.PLATFORMS`
    sets the aspect ratio unless a non-default one is given, and caps the duration;
    `audience` who the video is for ("children", "investors").

    Raises:
        ValueError: empty prompt, duration out of range, unknown aspect ratio or platform, a
            duration longer than the platform allows, or more scenes than the duration holds;
            every message says what was understood and ends with one question for the user.
    """

    prompt: str
    duration_s: float = 30
    style: str = "cinematic"
    aspect_ratio: str = "16:9"
    mood: str | float | None = None
    platform: str | None = None
    voice: VoiceSpec | None = None
    scenes: int | None = None
    characters: tuple[CharacterSpec, ...] = ()
    audience: str | None = None

    def __post_init__(self) -> None:
        prompt = clean_text(self.prompt or "", MAX_PROMPT_CHARS, keep_lines=True)
        if not prompt:
            raise ValueError(EMPTY_PROMPT)
        object.__setattr__(self, "prompt", prompt)
        duration = float(self.duration_s)
        if not MIN_DURATION_S <= duration <= MAX_DURATION_S:
            raise ValueError(
                f"a length of {duration:g} seconds is not between {MIN_DURATION_S:g} and "
                f"{MAX_DURATION_S:g} seconds: how long should the video be?"
            )
        object.__setattr__(self, "duration_s", round(duration * 2) / 2)
        style = clean_text(self.style or "cinematic", 40).lower()
        object.__setattr__(self, "style", style_for(style)[0] if style else "cinematic")
        if self.aspect_ratio not in FRAME_SIZES:
            raise ValueError(f"which aspect ratio should it be: {', '.join(FRAME_SIZES)}?")
        if self.platform is not None:
            key = self.platform.strip().lower()
            if key not in PLATFORMS:
                raise ValueError(f"which platform is it for: {', '.join(PLATFORMS)}?")
            preset = PLATFORMS[key]
            object.__setattr__(self, "platform", key)
            if self.aspect_ratio == "16:9":
                object.__setattr__(self, "aspect_ratio", preset.aspect_ratio)
            if self.duration_s > preset.max_duration_s:
                raise ValueError(
                    f"{key} videos are at most {preset.max_duration_s} seconds (you asked for "
                    f"{self.duration_s:g}): should it be {preset.max_duration_s} seconds, or for "
                    f"another platform?"
                )
        if self.scenes is not None:
            most = max_scenes_for(self.duration_s)
            if not 1 <= self.scenes <= most:
                raise ValueError(
                    f"{self.scenes} scenes do not fit {self.duration_s:g} seconds (at most "
                    f"{most}, each at least {MIN_SCENE_S:g} s): how many scenes, and how long "
                    f"should the video be?"
                )
        object.__setattr__(self, "characters", tuple(
            c if isinstance(c, CharacterSpec) else CharacterSpec.model_validate(c)
            for c in self.characters
        ))
