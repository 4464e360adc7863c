"""Eval results: per case and per run, as written to results.json and read back by `compare`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from pixora.evals.metrics import MetricResult
from pixora.evals.suite import METRICS, PER_CHECK, Suite


class CaseResult(BaseModel):
    """One case. `status` is `error` when the run itself broke (timeout, exception)."""

    name: str
    tags: list[str] = Field(default_factory=list)
    status: Literal["pass", "fail", "error"]
    metrics: dict[str, MetricResult]
    trajectory: list[str] = Field(description="Tokens, see pixora.evals.trajectory.")
    replies: list[str] = Field(default_factory=list, description="Last agent message per step.")
    task_id: str
    wall_s: float
    tokens: int = 0
    cost_usd: float = 0.0
    video: str | None = None
    error: str | None = None

    @property
    def failures(self) -> list[MetricResult]:
        return [m for m in self.metrics.values() if m.status == "fail"]


class Aggregate(BaseModel):
    """One metric (or one check of a `PER_CHECK` metric, named `metric.check`) over the run.
    `value`: share of non-skipped cases that passed (0..1), or the mean judge score (1..5);
    None when every case skipped it. A check is skipped in a case that does not apply it."""

    metric: str
    passed: int
    failed: int
    skipped: int
    value: float | None
    threshold: float | None
    ok: bool


class RunResult(BaseModel):
    suite: str
    suite_path: str
    model: str
    render: bool
    jobs: int
    started_at: float
    wall_s: float
    cases: list[CaseResult]
    aggregates: dict[str, Aggregate]
    passed: bool
    totals: dict[str, float] = Field(default_factory=dict)

    def case(self, name: str) -> CaseResult | None:
        return next((c for c in self.cases if c.name == name), None)


def _check_aggregates(suite: Suite, cases: list[CaseResult]) -> dict[str, Aggregate]:
    """`metric.check` aggregates for the metrics graded per check (`PER_CHECK`)."""
    out = {}
    for metric, names in PER_CHECK.items():
        found = [c.metrics[metric] for c in cases if metric in c.metrics]
        for name in names:
            key = f"{metric}.{name}"
            graded = [ch.ok for m in found for ch in m.checks if ch.name == name]
            passed, failed = sum(graded), len(graded) - sum(graded)
            value = round(passed / len(graded), 3) if graded else None
            threshold = suite.thresholds.get(key)
            out[key] = Aggregate(
                metric=key, passed=passed, failed=failed, skipped=len(found) - len(graded),
                value=value, threshold=threshold,
                ok=value is None or threshold is None or value >= threshold,
            )
    return out


def aggregate(suite: Suite, cases: list[CaseResult]) -> dict[str, Aggregate]:
    """Per-metric aggregates (and per-check ones, `PER_CHECK`), each checked against the
    suite's threshold."""
    out = {}
    for metric in METRICS:
        found = [c.metrics[metric] for c in cases if metric in c.metrics]
        passed = sum(1 for m in found if m.status == "pass")
        failed = sum(1 for m in found if m.status == "fail")
        scored = [m.score for m in found if m.status != "skip" and m.score is not None]
        if metric == "judge":
            value = round(sum(scored) / len(scored), 3) if scored else None
        else:
            value = round(passed / (passed + failed), 3) if passed + failed else None
        threshold = suite.thresholds.get(metric)
        out[metric] = Aggregate(
            metric=metric, passed=passed, failed=failed, skipped=len(found) - passed - failed,
            value=value, threshold=threshold,
            ok=value is None or threshold is None or value >= threshold,
        )
    return out | _check_aggregates(suite, cases)


def load_results(path: Path) -> RunResult:
    """Read a results.json (or the results.json inside a directory).

    Raises:
        ValueError: missing, unreadable or not a results file; the message names the path.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        return RunResult.model_validate(json.loads(path.read_text()))
    except OSError as err:
        raise ValueError(f"{path}: cannot be read ({err.strerror})") from None
    except (json.JSONDecodeError, ValidationError) as err:
        raise ValueError(f"{path}: not an eval results file ({str(err).splitlines()[0]})") \
            from None
