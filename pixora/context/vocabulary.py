"""Pixora's domain vocabulary, defined once: aspect ratios and frame sizes, transitions, Ken Burns
moves, cameras, lighting, moods with their aliases, voice tones, caption styles, platforms and
styles.

The data lives in `vocabulary.yaml` beside this module. It is loaded and validated once, at
import; a broken file stops start-up with pydantic's message naming the field. The `Literal`
types (`AspectRatio`, `Transition`, ...) are built from the same data, so a breakdown, a tool
schema and a provider all accept exactly the names listed here.

Sources: the mood matrix (four categories on a 0-100 energy slider), camera names and platform
presets come from Pixora's phase-3 video strategy plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

SOURCE = Path(__file__).with_name("vocabulary.yaml")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AspectRatioSpec(_Entry):
    size: tuple[int, int] = Field(description="Output frame (width, height) in pixels.")
    framing: str = Field(description="How the frame reads in an image prompt.")


class CameraSpec(_Entry):
    phrase: str = Field(description="How the move reads in a prompt.")
    move: str = Field(description="The Ken Burns move that renders it offline.")


class MoodSpec(_Entry):
    energy: tuple[int, int] = Field(description="Its band on the 0-100 energy slider.")
    cameras: tuple[str, ...]
    lighting: tuple[str, ...]
    keywords: tuple[str, ...]
    tempo_bpm: int = Field(gt=0)
    key: str
    progression: tuple[str, ...] = Field(description='Chord degrees, e.g. ("i", "VI", "III").')
    voice_tone: str
    aliases: tuple[str, ...] = ()


class PlatformSpec(_Entry):
    aspect_ratio: str
    max_duration_s: int = Field(gt=0)
    caption_style: str


class StyleSpec(_Entry):
    aliases: tuple[str, ...] = ()
    look: str = Field(description="How the style reads in an image prompt.")
    music_genre: str


class Vocabulary(_Entry):
    aspect_ratios: dict[str, AspectRatioSpec]
    transitions: tuple[str, ...]
    ken_burns_moves: tuple[str, ...]
    cameras: dict[str, CameraSpec]
    lighting: dict[str, str]
    moods: dict[str, MoodSpec] = Field(description="Calmest first.")
    voice_tones: dict[str, tuple[str, ...]] = Field(description="Tone -> words that ask for it.")
    caption_styles: tuple[str, ...]
    platforms: dict[str, PlatformSpec]
    styles: dict[str, StyleSpec]

    @model_validator(mode="after")
    def _cross_references(self) -> Vocabulary:
        def check(names: object, known: object, where: str) -> None:
            unknown = sorted(set(names) - set(known))  # type: ignore[call-overload]
            if unknown:
                raise ValueError(f"{where} names unknown entries: {', '.join(unknown)}")

        check((c.move for c in self.cameras.values()), self.ken_burns_moves, "cameras.*.move")
        for name, mood in self.moods.items():
            check(mood.cameras, self.cameras, f"moods.{name}.cameras")
            check(mood.lighting, self.lighting, f"moods.{name}.lighting")
            check([mood.voice_tone], self.voice_tones, f"moods.{name}.voice_tone")
        for name, p in self.platforms.items():
            check([p.aspect_ratio], self.aspect_ratios, f"platforms.{name}.aspect_ratio")
            check([p.caption_style], self.caption_styles, f"platforms.{name}.caption_style")
        return self


def load_vocabulary(path: Path = SOURCE) -> Vocabulary:
    """Read and validate a vocabulary file.

    Raises:
        pydantic.ValidationError: a missing field, a wrong type, or a cross-reference to an
            unknown camera, lighting, tone, aspect ratio or caption style.
    """
    return Vocabulary.model_validate(yaml.safe_load(path.read_text()))


VOCABULARY = load_vocabulary()


def _literal(names: Any) -> Any:
    return Literal[tuple(names)]


AspectRatio = _literal(VOCABULARY.aspect_ratios)
Transition = _literal(VOCABULARY.transitions)
KenBurnsMove = _literal(VOCABULARY.ken_burns_moves)
Camera = _literal(VOCABULARY.cameras)
Mood = _literal(VOCABULARY.moods)
Lighting = _literal(VOCABULARY.lighting)
VoiceTone = _literal(VOCABULARY.voice_tones)
CaptionStyle = _literal(VOCABULARY.caption_styles)

ASPECT_RATIOS: tuple[str, ...] = tuple(VOCABULARY.aspect_ratios)
TRANSITIONS: tuple[str, ...] = VOCABULARY.transitions
KEN_BURNS_MOVES: tuple[str, ...] = VOCABULARY.ken_burns_moves
VOICE_TONES: tuple[str, ...] = tuple(VOCABULARY.voice_tones)
CAPTION_STYLES: tuple[str, ...] = VOCABULARY.caption_styles
MOODS: dict[str, MoodSpec] = VOCABULARY.moods
ENERGY_ORDER: tuple[str, ...] = tuple(MOODS)
"""Mood categories from calmest to most energetic."""
PLATFORMS: dict[str, PlatformSpec] = VOCABULARY.platforms
STYLES: dict[str, StyleSpec] = VOCABULARY.styles
DEFAULT_MOOD = "luxury_reveal"

FRAME_SIZES: dict[str, tuple[int, int]] = {
    name: spec.size for name, spec in VOCABULARY.aspect_ratios.items()
}
"""Output frame size in pixels (width, height) for each aspect ratio."""

MOOD_WORDS: dict[str, str] = {
    **{alias: name for name, m in MOODS.items() for alias in m.aliases},
    **{kw: name for name, m in MOODS.items() for kw in m.keywords},
    **{name.replace("_", " "): name for name in MOODS},
}
"""Every word or phrase that names a mood ("calm", "epic", "high energy") -> its category."""

STYLE_BY_ALIAS: dict[str, str] = {
    alias: name for name, s in STYLES.items() for alias in (name, *s.aliases)
}
"""Every style name and alias -> the style's name."""

TONE_WORDS: dict[str, str] = {
    word: tone for tone, words in VOCABULARY.voice_tones.items() for word in words
}
"""Every word that asks for a voice tone ("warmer", "crisper") -> the tone."""


def mood_from_level(level: float) -> str:
    """The mood category for a 0-100 energy level (0 dreamlike, 100 intense)."""
    level = min(max(level, 0.0), 100.0)
    for name, mood in MOODS.items():
        low, high = mood.energy
        if low <= level < high or (level == 100 and high == 100):
            return name
    return DEFAULT_MOOD


def resolve_mood(mood: str | float | None) -> str:
    """A mood category from a category name, a mood word, or a 0-100 level.

    Unknown words fall back to `luxury_reveal`.
    """
    if mood is None:
        return DEFAULT_MOOD
    if isinstance(mood, int | float):
        return mood_from_level(float(mood))
    word = mood.strip().lower().replace("-", "_")
    if word.replace(".", "", 1).isdigit():
        return mood_from_level(float(word))
    if word.replace(" ", "_") in MOODS:
        return word.replace(" ", "_")
    return MOOD_WORDS.get(word.replace("_", " "), DEFAULT_MOOD)


def ken_burns_move(camera: str) -> str:
    """The Ken Burns move that renders a named camera move (unknown names: gentle_pan)."""
    spec = VOCABULARY.cameras.get(camera.strip().lower())
    return spec.move if spec else "gentle_pan"


def camera_phrase(camera: str) -> str:
    """How a camera move ("dolly_slow") reads in a prompt; unknown names are spelled out."""
    spec = VOCABULARY.cameras.get(camera)
    return spec.phrase if spec else camera.replace("_", " ")


def lighting_phrase(lighting: str) -> str:
    """How a lighting preset ("golden_hour") reads in a prompt; unknown names are spelled out."""
    return VOCABULARY.lighting.get(lighting, lighting.replace("_", " "))


def style_for(style: str) -> tuple[str, StyleSpec]:
    """The (name, spec) of a style name or alias; an unknown style is described by its own
    name, with an ambient music genre."""
    key = style.strip().lower()
    name = STYLE_BY_ALIAS.get(key)
    if name is not None:
        return name, STYLES[name]
    key = key or "cinematic"
    return key, StyleSpec(look=f"{key} style, coherent art direction", music_genre="ambient")
