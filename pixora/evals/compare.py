"""Compare two eval runs (A = before, B = after): what improved and what regressed.

Per metric: the aggregate value A -> B. Per case: status changes (fail -> pass is improved,
pass -> fail regressed), and metric-level pass/fail changes within cases that exist in both
(a metric skipped in either run is not compared);
cases only in one run are listed as added or removed. Token and wall-time totals are shown
side by side with their ratio B/A.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pixora.evals.results import RunResult
from pixora.evals.suite import AGGREGATES, METRICS

_RANK = {"error": 0, "fail": 0, "pass": 1}


@dataclass
class Comparison:
    improved: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [*self.notes, "", f"Improved ({len(self.improved)}):"]
        out += [f"  + {s}" for s in self.improved] or ["  (none)"]
        out += ["", f"Regressed ({len(self.regressed)}):"]
        out += [f"  - {s}" for s in self.regressed] or ["  (none)"]
        return out


def _fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if metric == "judge" else f"{value:.0%}"


def _ratio(a: float, b: float) -> str:
    return f"x{b / a:.2f}" if a else "-"


def compare(a: RunResult, b: RunResult) -> Comparison:
    """What changed from run `a` to run `b`."""
    cmp = Comparison()
    cmp.notes.append(f"A: {a.suite} ({a.model}, {len(a.cases)} cases, "
                     f"{'passed' if a.passed else 'failed'})   B: {b.suite} ({b.model}, "
                     f"{len(b.cases)} cases, {'passed' if b.passed else 'failed'})")
    for metric in AGGREGATES:
        aa, ab = a.aggregates.get(metric), b.aggregates.get(metric)
        if aa is None or ab is None or (metric not in METRICS and aa.value is None
                                        and ab.value is None):
            continue
        va, vb = aa.value, ab.value
        cmp.notes.append(f"  {metric:<10} {_fmt(metric, va):>6} -> {_fmt(metric, vb):>6}")
        if va is not None and vb is not None and vb != va:
            (cmp.improved if vb > va else cmp.regressed).append(
                f"metric {metric}: {_fmt(metric, va)} -> {_fmt(metric, vb)}")
    ta, tb = a.totals.get("tokens", 0), b.totals.get("tokens", 0)
    wa, wb = a.wall_s, b.wall_s
    cmp.notes.append(f"  tokens     {int(ta)} -> {int(tb)} ({_ratio(ta, tb)}); wall "
                     f"{wa:.1f} s -> {wb:.1f} s ({_ratio(wa, wb)})")
    names_a = {c.name for c in a.cases}
    names_b = {c.name for c in b.cases}
    for name in sorted(names_b - names_a):
        cmp.notes.append(f"  added case {name} ({b.case(name).status})")  # type: ignore[union-attr]
    for name in sorted(names_a - names_b):
        cmp.notes.append(f"  removed case {name}")
    for name in sorted(names_a & names_b):
        ca, cb = a.case(name), b.case(name)
        assert ca is not None and cb is not None
        if _RANK[cb.status] != _RANK[ca.status]:
            why = "; ".join(m.reason for m in cb.failures) or cb.error or ""
            text = f"case {name}: {ca.status} -> {cb.status}" + (f" ({why})" if why else "")
            (cmp.improved if _RANK[cb.status] > _RANK[ca.status] else cmp.regressed).append(text)
            continue
        for metric in METRICS:
            ma, mb = ca.metrics.get(metric), cb.metrics.get(metric)
            if ma is None or mb is None or "skip" in (ma.status, mb.status) \
                    or ma.status == mb.status:
                continue
            text = f"case {name} {metric}: {ma.status} -> {mb.status}" + (
                f" ({mb.reason})" if mb.reason else "")
            (cmp.improved if _RANK[mb.status] > _RANK[ma.status] else cmp.regressed).append(text)
    return cmp
