"""Eval suites: YAML files of conversation cases with expectations and pass thresholds.

A suite file::

    name: core
    description: ...
    thresholds:            # per metric: the least share of (non-skipped) cases that pass,
      trajectory: 1.0      # 0..1; for `judge` the least mean score, 1..5
      breakdown: 1.0
    limits:                # per case, checked by the `cost` metric
      max_wall_s: 30
      max_tokens: 200000
      max_cost_usd: 0.5
    cases:
      - name: create_tiktok_30s
        tags: [create, platform]
        steps:
          - user: "A 30-second video about coral reefs for TikTok"
            reply: "breakdown"          # regex the step's last agent message must match
          - approve                     # or reject | cancel | wait_generation
          - user: "make scene 2 at night"
            change: {scenes: [2], fields: [visual_prompt], unchanged: [script]}
        expect:
          trajectory: {sequence: [...], forbid: [...], max_tool_calls: 6}
          breakdown: {duration_s: 30, scenes: [4, 8], aspect_ratio: "9:16"}

A `request` expectation (see `RequestExpectation`) grades one breakdown against what the
prompt asked for, per check; its thresholds may be given per check as `request.count`,
`request.duration`, ... (`PER_CHECK`).

Step kinds: `user` (a chat message; `repeat: N` sends it N times over, for long prompts;
`expect_error: invalid_request` when the Studio must refuse it), `approve`, `reject`,
`cancel`, `wait_generation` (waits for the render with `--render`; skipped otherwise).
Trajectory patterns are described in `pixora.evals.trajectory`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

StepKind = Literal["user", "approve", "reject", "cancel", "wait_generation"]
BARE_STEPS: tuple[str, ...] = ("approve", "reject", "cancel", "wait_generation")
METRICS: tuple[str, ...] = ("trajectory", "breakdown", "edits", "video", "cost", "judge",
                            "request")
REQUEST_CHECKS: tuple[str, ...] = ("count", "duration", "characters", "instructions", "beats",
                                   "pacing", "people")
PER_CHECK: dict[str, tuple[str, ...]] = {"request": REQUEST_CHECKS}
"""Metrics aggregated per check too: `request.count` is the share of cases (where the check
applies) passing the `count` check of the `request` metric."""
AGGREGATES: tuple[str, ...] = METRICS + tuple(
    f"{metric}.{check}" for metric, checks in PER_CHECK.items() for check in checks)
"""Every aggregate a run reports (and a suite may set a threshold for), in report order."""
Language = Literal["en", "es", "fr", "de", "ja"]


class SuiteError(ValueError):
    """A suite file cannot be read or does not fit the format; the message names the place."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeExpectation(_Strict):
    """What one step must change in the breakdown (a new version), and only that.

    `scenes`: the 1-based scenes that must change (all others stay identical).
    `fields`: scene fields that must change in each of those scenes (script, visual_prompt...).
    `unchanged`: scene fields that must stay as they were in those scenes.
    `breakdown_fields`: breakdown-level fields that must change (voice, music, characters...);
    every other breakdown-level field must stay.
    """

    scenes: list[int] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    breakdown_fields: list[str] = Field(default_factory=list)


class Step(_Strict):
    """One conversation step. Exactly one of the kinds is given."""

    user: str | None = None
    approve: bool = False
    reject: bool = False
    cancel: bool = False
    wait_generation: bool = False
    repeat: int = Field(1, ge=1, le=10_000, description="Send `user` this many times over, "
                        "joined by spaces (long prompts).")
    reply: str | None = Field(None, description="Regex (case-insensitive) for the step's reply.")
    expect_error: str | None = Field(None, description="Error code the Studio must answer with.")
    change: ChangeExpectation | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in BARE_STEPS if getattr(self, k)] + (
            ["user"] if self.user is not None else [])
        if len(kinds) != 1:
            raise ValueError("a step is exactly one of: user, approve, reject, cancel, "
                             f"wait_generation (got {kinds or 'none'})")
        return self

    @property
    def message(self) -> str | None:
        """The chat message a `user` step sends."""
        return None if self.user is None else " ".join([self.user] * self.repeat)

    @property
    def kind(self) -> StepKind:
        if self.user is not None:
            return "user"
        return next(k for k in BARE_STEPS if getattr(self, k))  # type: ignore[return-value]


class TrajectoryExpectation(_Strict):
    sequence: list[str] = Field(default_factory=list, description="Patterns, in order.")
    forbid: list[str] = Field(default_factory=list, description="Patterns that must not occur.")
    max_tool_calls: int | None = None
    max_model_requests: int | None = None


class BreakdownExpectation(_Strict):
    present: bool = True
    scenes: tuple[int, int] | None = Field(None, description="Scene count range, inclusive.")
    duration_s: float | tuple[float, float] | None = Field(
        None, description="Requested total (s; within 10 %) or an inclusive range.")
    aspect_ratio: str | None = None
    style: str | None = None
    mood: str | None = Field(None, description="Mood category most scenes must have.")
    music_mood: str | None = None
    voice_tone: str | None = None
    voice_speed: float | None = None
    characters: list[str] = Field(default_factory=list, description="Names that must exist.")
    min_version: int | None = None
    forbid_text: list[str] = Field(
        default_factory=list,
        description="Regexes (case-insensitive) that must not occur in the title, narration or "
                    "visual prompts (instructions leaking into the video).")


class VideoExpectation(_Strict):
    """Checked on the latest video when the case rendered (`--render`)."""

    rendered: bool = True
    duration_tolerance: float = Field(0.15, description="Share of the breakdown's total.")


class JudgeExpectation(_Strict):
    min_score: int = Field(3, ge=1, le=5)


class CharacterExpectation(_Strict):
    """A character the prompt names or clearly implies. `name`: the name, or alternatives
    (["the painter", "painter"]), compared case-insensitively with a leading article ignored;
    None for a character the prompt does not name ("a cat and a dog"): then any character of
    the `kind` counts, whatever the writer named it. `kind`: "person", or an animal species
    ("dog", "cat"), or "robot"."""

    name: str | list[str] | None = None
    kind: str = "person"

    @property
    def names(self) -> list[str]:
        return [] if self.name is None else [self.name] if isinstance(self.name, str) \
            else list(self.name)

    @property
    def label(self) -> str:
        return " / ".join(self.names) or f"a {self.kind}"


class RequestExpectation(_Strict):
    """What the prompt explicitly asked for, graded by the `request` metric.

    `duration_s`: seconds asked for (30 when none is stated). `scenes`: an exact scene count;
    `min_scenes` / `max_scenes`: a range (either end open). `characters`: expected characters.
    `beats`: story beats in order, each a group of alternative keywords ([[storm, power],
    [candle, candlelight]]) in the prompt's language. `story`: people or animals must be in
    every scene's visuals. `language`: the prompt's language (instruction-leak word lists).
    """

    duration_s: float = Field(30.0, gt=0)
    scenes: int | None = Field(None, ge=1)
    min_scenes: int | None = Field(None, ge=1)
    max_scenes: int | None = Field(None, ge=1)
    characters: list[CharacterExpectation] = Field(default_factory=list)
    beats: list[list[str]] = Field(default_factory=list)
    story: bool = False
    language: Language = "en"

    @model_validator(mode="after")
    def _count(self) -> RequestExpectation:
        if self.scenes is not None and (self.min_scenes or self.max_scenes):
            raise ValueError("give either scenes (exact) or min_scenes/max_scenes")
        if self.min_scenes and self.max_scenes and self.min_scenes > self.max_scenes:
            raise ValueError("min_scenes is above max_scenes")
        if any(not group or not all(w.strip() for w in group) for group in self.beats):
            raise ValueError("every beat is a non-empty list of keywords")
        return self


class Expectations(_Strict):
    trajectory: TrajectoryExpectation = Field(default_factory=TrajectoryExpectation)
    breakdown: BreakdownExpectation | None = None
    video: VideoExpectation = Field(default_factory=VideoExpectation)
    judge: JudgeExpectation = Field(default_factory=JudgeExpectation)
    request: RequestExpectation | None = None


class Case(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    expect: Expectations = Field(default_factory=Expectations)

    @model_validator(mode="before")
    @classmethod
    def _bare_steps(cls, data: Any) -> Any:
        """`- approve` is short for `- approve: true` (same for the other bare kinds)."""
        if isinstance(data, dict) and isinstance(data.get("steps"), list):
            data["steps"] = [{s: True} if isinstance(s, str) and s in BARE_STEPS else s
                             for s in data["steps"]]
        return data

    @property
    def renders(self) -> bool:
        return any(s.wait_generation for s in self.steps)


class Limits(_Strict):
    max_wall_s: float | None = None
    max_tokens: int | None = None
    max_cost_usd: float | None = None


class Suite(_Strict):
    name: str
    description: str = ""
    thresholds: dict[str, float] = Field(default_factory=dict)
    limits: Limits = Field(default_factory=Limits)
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Suite:
        unknown = sorted(set(self.thresholds) - set(AGGREGATES))
        if unknown:
            raise ValueError(f"thresholds name unknown metrics {unknown}; known: {AGGREGATES}")
        names = [c.name for c in self.cases]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate case names {dupes}")
        return self

    def select(self, names: list[str]) -> Suite:
        """This suite with only the cases named.

        Raises:
            SuiteError: a name is not a case of the suite.
        """
        known = {c.name for c in self.cases}
        missing = [n for n in names if n not in known]
        if missing:
            raise SuiteError(f"suite {self.name} has no case {', '.join(missing)}")
        return self.model_copy(update={"cases": [c for c in self.cases if c.name in names]})


def load_suite(path: Path) -> Suite:
    """Read and validate a suite file.

    Raises:
        SuiteError: unreadable file, bad YAML, or a field that fails validation (named, with
            the case name when the error is inside a case).
    """
    try:
        data = yaml.safe_load(Path(path).read_text())
    except OSError as err:
        raise SuiteError(f"{path}: cannot be read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise SuiteError(f"{path}: not valid YAML ({err})") from None
    try:
        return Suite.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = list(first["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        if len(loc) > 1 and loc[0] == "cases" and isinstance(loc[1], int) \
                and isinstance(data, dict):
            case = (data.get("cases") or [{}])[loc[1]]
            if isinstance(case, dict) and case.get("name"):
                where += f" (case {case['name']})"
        raise SuiteError(f"{path}: {where}: {first['msg']}") from None
