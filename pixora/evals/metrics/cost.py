"""The `cost` metric: tokens, provider spending and wall time of one case.

- Tokens: the model usage of every agent run of the case (input, output, total tokens and
  requests), summed from the runs' task spans (`pixora.evals.usage`). The offline director
  reports an estimate (about 4 characters per token); cloud models report their own counts.
- Provider cost: the sum of `TaskContext.costs` (USD; local providers cost nothing).
- Wall time: seconds from the case's first step to its last (rendering included with
  `--render`).

Checks against the suite's `limits` (`max_tokens`, `max_cost_usd`, `max_wall_s`); with no
limits the metric only records the numbers and passes. `max_wall_s` applies to runs without
`--render` (rendering time is the media pipeline's, measured by the benchmarks).
"""

from __future__ import annotations

from pixora.evals.metrics import CaseRun, Check, MetricResult
from pixora.evals.suite import Limits

NAME = "cost"


def score(run: CaseRun, limits: Limits) -> MetricResult:
    tokens = int(run.usage.get("total_tokens", 0))
    usd = run.task.total_cost_usd
    checks = []
    if limits.max_tokens is not None:
        checks.append(Check(name="tokens", ok=tokens <= limits.max_tokens,
                            detail=f"{tokens} <= {limits.max_tokens}"))
    if limits.max_cost_usd is not None:
        checks.append(Check(name="cost_usd", ok=usd <= limits.max_cost_usd,
                            detail=f"${usd:.4f} <= ${limits.max_cost_usd:.4f}"))
    if limits.max_wall_s is not None and not run.rendered:
        checks.append(Check(name="wall_s", ok=run.wall_s <= limits.max_wall_s,
                            detail=f"{run.wall_s:.2f} s <= {limits.max_wall_s:g} s"))
    data = {"tokens": tokens, "input_tokens": int(run.usage.get("input_tokens", 0)),
            "output_tokens": int(run.usage.get("output_tokens", 0)),
            "requests": int(run.usage.get("requests", 0)), "cost_usd": usd,
            "wall_s": round(run.wall_s, 3)}
    if not checks:
        return MetricResult(name=NAME, status="pass", score=1.0, data=data,
                            reason="no limits set")
    return MetricResult.from_checks(NAME, checks, **data)
