"""Eval metrics. Each metric scores one finished case run and returns a `MetricResult`:

- `trajectory`: expected handoffs and tool calls in order, forbidden ones absent, the approval
  gate held, step replies and refusals as expected, tool calls and model requests counted.
- `breakdown`: the final scene breakdown fits the request (scene count, total duration, pace,
  style, mood, aspect ratio, complete scenes, consistent characters).
- `edits`: each edit step changed only what it targeted (breakdown versions, asset hashes).
- `video`: the rendered file (duration, frame size, audio level, scene cuts, loudness).
- `cost`: tokens, provider cost and wall time against the suite's per-case limits.
- `judge`: an LLM-as-judge relevance score, with a real model only.
- `request`: the breakdown honours what the prompt explicitly asked (scene count, duration,
  named characters, no leaked instructions, story beats in order, pacing, people in story
  visuals); aggregated per check as well (`request.count`, ...).
- `characters`: each scene image holds exactly its scene's characters, each character's crops
  look alike across scenes and unlike the other characters' (colour histograms of the boxes
  the renderer reports; offline renders).

A metric is `pass`, `fail` (a check failed; `reason` says which and why) or `skip` (nothing to
score, e.g. video without `--render`); `score` is the share of checks that passed (the judge's
1-5 score for `judge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from pixora.context.models import Breakdown, TaskContext
from pixora.evals.suite import Case
from pixora.evals.trajectory import Item

Status = Literal["pass", "fail", "skip"]


class Check(BaseModel):
    name: str
    ok: bool
    detail: str = ""


class MetricResult(BaseModel):
    name: str
    status: Status
    score: float | None = None
    reason: str = ""
    checks: list[Check] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def skipped(cls, name: str, reason: str) -> MetricResult:
        return cls(name=name, status="skip", reason=reason)

    @classmethod
    def from_checks(cls, name: str, checks: list[Check], **data: Any) -> MetricResult:
        """`pass` when every check passed; `reason` lists the failed checks' details."""
        if not checks:
            return cls.skipped(name, "nothing to check")
        failed = [c for c in checks if not c.ok]
        return cls(
            name=name, status="fail" if failed else "pass",
            score=round(1 - len(failed) / len(checks), 3),
            reason="; ".join(f"{c.name}: {c.detail}" for c in failed),
            checks=checks, data=data,
        )


@dataclass
class RenderSnapshot:
    """Asset hashes after a `wait_generation` step (`step` is its index)."""

    step: int
    assets: dict[str, str]
    video_key: str | None


@dataclass
class CaseRun:
    """Everything the metrics read about one case run."""

    case: Case
    task: TaskContext
    items: list[Item]
    versions: list[int | None]
    """Breakdown version before the first step, then after each step (len = steps + 1)."""
    replies: list[str]
    """The last agent message of each step ("" when none)."""
    refusals: list[str | None]
    """Per step: the Studio's error code when it refused the step."""
    renders: list[RenderSnapshot] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    rendered: bool = False
    video_path: Path | None = None
    error: str | None = None

    def breakdown_version(self, version: int | None) -> Breakdown | None:
        """Breakdown `version` from the task's history or current breakdown."""
        if version is None:
            return None
        for bd in [*self.task.history, *([self.task.breakdown] if self.task.breakdown else [])]:
            if bd.version == version:
                return bd
        return None
