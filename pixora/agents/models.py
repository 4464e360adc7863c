"""Which model drives the agents, and how the scene breakdown gets written with it.

- `offline`: the rule-based `OfflineDirector` and the deterministic breakdown writer.
- `openai:NAME`: the OpenAI Responses API (`OPENAI_API_KEY`; `OPENAI_BASE_URL` optional).
- `compatible:NAME`: any OpenAI-compatible Chat Completions server at `OPENAI_BASE_URL`
  (Ollama, vLLM, the llama.cpp server).
- `auto` (default): compatible if `OPENAI_BASE_URL` is set, else openai if `OPENAI_API_KEY`
  is set, else offline.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from agents import Agent, Model, OpenAIChatCompletionsModel, OpenAIResponsesModel, Runner
from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from pixora.agents.roster import AgentSpec
from pixora.config import ConfigError, Settings
from pixora.context.models import (
    MIN_SCENE_S,
    Breakdown,
    Character,
    MusicCue,
    Scene,
    character_id,
)
from pixora.context.requests import BreakdownRequest
from pixora.context.vocabulary import PLATFORMS, Transition, resolve_mood
from pixora.offline.director import OfflineDirector
from pixora.offline.writing import fit_script, write_breakdown


@dataclass(frozen=True)
class ModelChoice:
    kind: Literal["offline", "openai", "compatible"]
    name: str
    reason: str

    @property
    def label(self) -> str:
        return "offline" if self.kind == "offline" else f"{self.kind}:{self.name}"


def choose_model(settings: Settings, override: str | None = None) -> ModelChoice:
    """Resolve `PIXORA_MODEL` (or `override`) into a model choice.

    Raises:
        ConfigError: an unknown kind, or openai/compatible without what it needs.
    """
    spec = (override or settings.model).strip()
    if spec == "auto":
        if settings.openai_base_url:
            return ModelChoice("compatible", settings.openai_model, "auto: OPENAI_BASE_URL is set")
        if settings.openai_api_key:
            return ModelChoice("openai", settings.openai_model, "auto: OPENAI_API_KEY is set")
        return ModelChoice("offline", "director", "auto: no OPENAI_API_KEY or OPENAI_BASE_URL")
    kind, _, name = spec.partition(":")
    if kind == "offline":
        return ModelChoice("offline", "director", "PIXORA_MODEL=offline")
    if kind not in ("openai", "compatible"):
        raise ConfigError(
            f"PIXORA_MODEL: {spec!r} is not offline, openai:NAME or compatible:NAME"
        )
    if kind == "openai" and not (settings.openai_api_key or settings.openai_base_url):
        raise ConfigError("PIXORA_MODEL: openai needs OPENAI_API_KEY")
    if kind == "compatible" and not settings.openai_base_url:
        raise ConfigError("PIXORA_MODEL: compatible needs OPENAI_BASE_URL")
    return ModelChoice(kind, name or settings.openai_model, f"PIXORA_MODEL={spec}")  # type: ignore[arg-type]


def _client(settings: Settings) -> AsyncOpenAI:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "local"
    return AsyncOpenAI(api_key=key, base_url=settings.openai_base_url)


def model_factory(choice: ModelChoice, settings: Settings) -> Callable[[AgentSpec], Model]:
    """Each roster agent's model. A roster entry's own `kind:NAME` overrides the default."""
    if choice.kind == "offline":
        return lambda spec: OfflineDirector(spec.name)
    client = _client(settings)

    def make(spec: AgentSpec) -> Model:
        kind, _, name = spec.model.partition(":")
        if spec.model == "default" or kind not in ("openai", "compatible"):
            kind, name = choice.kind, choice.name
        if kind == "compatible":
            return OpenAIChatCompletionsModel(model=name, openai_client=client)
        return OpenAIResponsesModel(model=name, openai_client=client)

    return make


class SceneDraft(BaseModel):
    title: str
    script: str = Field(description="Narration spoken verbatim, <= 2.7 words per second.")
    visual_prompt: str = Field(description="Concrete, image-generatable description.")
    duration: float = Field(description="Seconds.")
    mood: str
    camera: str
    lighting: str
    transition: Transition
    characters: list[str] = Field(description="Names of characters in frame.")


class CharacterDraft(BaseModel):
    name: str
    kind: str = Field(description="person, an animal species (dog...), robot...")
    role: str
    description: str = Field(description="Fixed visual traits: age, hair, clothes, colours.")


class BreakdownDraft(BaseModel):
    """The structured output a real model writes for a breakdown."""

    title: str
    characters: list[CharacterDraft]
    music_mood: str
    music_genre: str
    scenes: list[SceneDraft]


WRITER_INSTRUCTIONS = """You write scene breakdowns for short narrated videos. Given a request
(JSON), write a coherent arc: a hook, development, and a close. Scene durations are seconds and
must sum to duration_s; each scene lasts at least 1.5 s. Narration is spoken verbatim and has at
most 2.7 words per second of its scene. Visual prompts are concrete and image-generatable
(subject, setting, style, lighting, camera). Mood is one of high_energy, luxury_reveal,
intimate_story, surreal_trip. Transitions: fade, dissolve, wipeleft, wiperight, slideleft,
slideright, fadeblack, cut. When the request gives `scenes`, write exactly that many scenes.
Include every character the request lists (name, kind, traits: keep their names and traits);
otherwise add characters only when the story has people or animals. Write for the request's
`audience` when it names one."""


class WriterError(ValueError):
    """The model did not write what was asked (e.g. another scene count), twice."""


def _from_draft(draft: BreakdownDraft, req: BreakdownRequest, aspect: str) -> Breakdown:
    total = sum(max(s.duration, MIN_SCENE_S) for s in draft.scenes) or 1.0
    scale = req.duration_s / total
    taken: set[str] = set()
    ids = {c.name: character_id(c.name, taken) for c in draft.characters}
    scenes = []
    for i, s in enumerate(draft.scenes, start=1):
        duration = max(MIN_SCENE_S, round(max(s.duration, MIN_SCENE_S) * scale * 2) / 2)
        scenes.append(Scene(
            index=i, title=s.title, script=fit_script(s.script, duration), duration=duration,
            visual_prompt=s.visual_prompt, mood=resolve_mood(s.mood), camera=s.camera,
            lighting=s.lighting, transition=s.transition,
            characters=[ids[n] for n in s.characters if n in ids],
        ))
    return Breakdown(
        title=draft.title, prompt=req.prompt, style=req.style, aspect_ratio=aspect,  # type: ignore[arg-type]
        voice=req.voice or Breakdown.model_fields["voice"].default_factory(),  # type: ignore[misc]
        music=[MusicCue(mood=resolve_mood(draft.music_mood), genre=draft.music_genre)],
        characters=[Character(id=ids[c.name], name=c.name, kind=c.kind, role=c.role,
                              description=c.description) for c in draft.characters],
        scenes=scenes,
    )


def breakdown_writer(
    choice: ModelChoice, settings: Settings
) -> Callable[[BreakdownRequest], Awaitable[Breakdown]]:
    """The breakdown writer for `choice`: the offline writer, or a structured-output run."""
    if choice.kind == "offline":
        return lambda req: asyncio.to_thread(write_breakdown, req)
    model = model_factory(choice, settings)(AgentSpec(
        name="breakdown_writer", description="", instructions="", model="default", tools=(),
        handoffs=(), line=0,
    ))
    writer = Agent(name="breakdown_writer", instructions=WRITER_INSTRUCTIONS, model=model,
                   output_type=BreakdownDraft)

    async def write(req: BreakdownRequest) -> Breakdown:
        """Run the writer on `req` as JSON. A draft with another scene count than `req.scenes`
        is asked for once more with the count restated.

        Raises:
            WriterError: the second draft has the wrong count too.
        """
        aspect = PLATFORMS[req.platform].aspect_ratio if req.platform in PLATFORMS \
            else req.aspect_ratio
        request = {"prompt": req.prompt, "duration_s": req.duration_s, "style": req.style,
                   "aspect_ratio": aspect, "mood": req.mood, "scenes": req.scenes,
                   "characters": [c.model_dump() for c in req.characters],
                   "audience": req.audience}
        message = json.dumps(request)
        for _ in range(2):
            run = await Runner.run(writer, message)
            draft = run.final_output_as(BreakdownDraft)
            if req.scenes is None or len(draft.scenes) == req.scenes:
                return _from_draft(draft, req, aspect)
            message = (f"{json.dumps(request)}\n\nWrite exactly {req.scenes} scenes: the "
                       f"last draft had {len(draft.scenes)}.")
        raise WriterError(
            f"the writer model wrote {len(draft.scenes)} scenes twice when {req.scenes} were "
            "asked for; ask the user whether to try again or to take another count"
        )

    return write
