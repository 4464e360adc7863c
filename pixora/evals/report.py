"""Eval reports: results.json (the full `RunResult`) and report.md (for people).

report.md has the run's verdict, a table of aggregates per metric (and per check of the
`PER_CHECK` metrics, when graded) against the thresholds, for those metrics a list per check of
every failing case with its reason (one line each), a table per case (status per metric, turns,
tool calls, tokens, wall time), and for every failed case the failed checks and the trajectory
that failed (tokens numbered by step).
"""

from __future__ import annotations

import json
from pathlib import Path

from pixora.evals.results import CaseResult, RunResult
from pixora.evals.suite import AGGREGATES, METRICS, PER_CHECK

_MARK = {"pass": "pass", "fail": "**FAIL**", "skip": "skip", "error": "**ERROR**"}


def _shown(result: RunResult) -> list[str]:
    """Aggregates to show: every metric, and each per-check one that graded a case."""
    return [k for k in AGGREGATES if k in result.aggregates and (
        k in METRICS or result.aggregates[k].passed + result.aggregates[k].failed)]


def _value(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}/5" if metric == "judge" else f"{value:.0%}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def aggregates_table(result: RunResult) -> list[str]:
    lines = ["| metric | passed | failed | skipped | value | threshold | ok |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name in _shown(result):
        a = result.aggregates[name]
        threshold = "-" if a.threshold is None else _value(name, a.threshold)
        lines.append(f"| {name} | {a.passed} | {a.failed} | {a.skipped} | "
                     f"{_value(name, a.value)} | {threshold} | {'yes' if a.ok else '**NO**'} |")
    return lines


def _case_row(c: CaseResult) -> str:
    traj = c.metrics.get("trajectory")
    turns = traj.data.get("turns", "-") if traj else "-"
    calls = traj.data.get("tool_calls", "-") if traj else "-"
    marks = " | ".join(_MARK[c.metrics[m].status] if m in c.metrics else "-" for m in METRICS)
    return (f"| {c.name} | {_MARK[c.status]} | {marks} | {turns} | {calls} | {c.tokens} | "
            f"{c.wall_s:.2f} |")


def failure_section(c: CaseResult) -> list[str]:
    lines = [f"### {c.name} ({c.status})", ""]
    if c.error:
        lines += [f"- run error: {_cell(c.error)}"]
    for m in c.metrics.values():
        if m.status != "fail":
            continue
        for check in m.checks:
            if not check.ok:
                lines.append(f"- {m.name} / {check.name}: {_cell(check.detail)}")
    lines += ["", "Trajectory (step|token):", "", "```", *c.trajectory, "```", ""]
    return lines


def check_failures(result: RunResult) -> list[str]:
    """Per check of the `PER_CHECK` metrics: every failing case and why, one line each."""
    lines: list[str] = []
    for metric, names in PER_CHECK.items():
        for name in names:
            a = result.aggregates.get(f"{metric}.{name}")
            if a is None or not a.failed:
                continue
            lines += [f"### {metric}.{name}: {a.failed} failing of {a.passed + a.failed}", ""]
            for c in result.cases:
                m = c.metrics.get(metric)
                for check in m.checks if m else []:
                    if check.name == name and not check.ok:
                        lines.append(f"- {c.name}: {_cell(check.detail)}")
            lines.append("")
    return lines


def render_markdown(result: RunResult) -> str:
    verdict = "PASSED" if result.passed else "FAILED"
    passed = sum(1 for c in result.cases if c.status == "pass")
    lines = [
        f"# Eval: {result.suite} - {verdict}", "",
        f"- suite: `{result.suite_path}`; model: `{result.model}`; render: "
        f"{'yes' if result.render else 'no'}; jobs: {result.jobs}",
        f"- cases: {passed}/{len(result.cases)} passed; wall time {result.wall_s:.1f} s "
        f"(sum of case times {result.totals.get('case_wall_s', 0):.1f} s); tokens "
        f"{int(result.totals.get('tokens', 0))}; provider cost "
        f"${result.totals.get('cost_usd', 0):.4f}",
        "", "## Metrics", "", *aggregates_table(result), "",
    ]
    per_check = check_failures(result)
    if per_check:
        lines += ["## Failing checks", "", *per_check]
    lines += [
        "## Cases", "",
        "| case | status | " + " | ".join(METRICS) + " | turns | tool calls | tokens | wall s |",
        "|---|---|" + "---|" * len(METRICS) + "---:|---:|---:|---:|",
        *(_case_row(c) for c in result.cases), "",
    ]
    failed = [c for c in result.cases if c.status != "pass"]
    if failed:
        lines += ["## Failures", ""]
        for c in failed:
            lines += failure_section(c)
    skipped = sorted({f"{m.name}: {m.reason}" for c in result.cases for m in c.metrics.values()
                      if m.status == "skip" and m.name in ("video", "judge")})
    if skipped:
        lines += ["## Skipped", "", *(f"- {s}" for s in skipped), ""]
    return "\n".join(lines)


def write_reports(result: RunResult, out: Path) -> tuple[Path, Path]:
    """Write `out/results.json` and `out/report.md`; returns both paths."""
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.json"
    results.write_text(json.dumps(result.model_dump(mode="json"), indent=1))
    report = out / "report.md"
    report.write_text(render_markdown(result))
    return results, report
