"""The `trajectory` metric: did the agents take the expected path?

Checks, per case:
- `sequence`: the expected patterns occur in order (a subsequence match over the trajectory
  tokens of `pixora.evals.trajectory`); the failure names the first pattern not found and
  where matching stopped.
- `forbid`: no token matches a forbidden pattern.
- `approval_gate` (always): no media generation ran (`generate_video_tool` returned `started`,
  ...) unless an `approve` step came after the latest breakdown change.
- `reply` (per step with `reply:`): the step's last agent message matches the regex.
- `refusal` (per step with `expect_error:`): the Studio refused the step with that code; and
  a step without `expect_error` was not refused.
- `finished`: the case ran to its end (no timeout or exception).
- `no_agent_error` (always): no `error:agent_error` event (a turn that crashed).
- `max_tool_calls` / `max_model_requests`: counts within the limits.

Data: turns (steps that ran an agent turn), tool calls, handoffs, model requests.
"""

from __future__ import annotations

import re

from pixora.evals.metrics import CaseRun, Check, MetricResult
from pixora.evals.trajectory import gate_violations, matches, subsequence, tokens

NAME = "trajectory"


def score(run: CaseRun) -> MetricResult:
    exp = run.case.expect.trajectory
    toks = tokens(run.items)
    checks: list[Check] = []
    if run.error:
        checks.append(Check(name="finished", ok=False, detail=run.error))
    if exp.sequence:
        done, _ = subsequence(toks, exp.sequence)
        ok = done == len(exp.sequence)
        detail = "all in order" if ok else (
            f"matched {done}/{len(exp.sequence)}; missing {exp.sequence[done]!r} after "
            + (repr(exp.sequence[done - 1]) if done else "the start")
        )
        checks.append(Check(name="sequence", ok=ok, detail=detail))
    for pattern in exp.forbid:
        hits = [t for t in toks if matches(t, pattern)]
        checks.append(Check(name=f"forbid {pattern}", ok=not hits,
                            detail="absent" if not hits else f"occurred: {', '.join(hits)}"))
    violations = gate_violations(toks)
    checks.append(Check(name="approval_gate", ok=not violations,
                        detail="held" if not violations else "; ".join(violations)))
    crashes = [i for i in run.items if i.token == "error:agent_error"]
    checks.append(Check(name="no_agent_error", ok=not crashes, detail="none" if not crashes
                        else "; ".join(str(i.detail.get("message", ""))[:200] for i in crashes)))
    for n, step in enumerate(run.case.steps):
        refused = run.refusals[n] if n < len(run.refusals) else None
        if step.expect_error or refused:
            ok = refused == step.expect_error
            checks.append(Check(
                name=f"step {n + 1} refusal", ok=ok,
                detail=f"expected {step.expect_error or 'no refusal'}, got "
                       f"{refused or 'no refusal'}"))
        if step.reply:
            reply = run.replies[n] if n < len(run.replies) else ""
            ok = re.search(step.reply, reply, re.I | re.S) is not None
            checks.append(Check(name=f"step {n + 1} reply", ok=ok,
                                detail=f"/{step.reply}/ " + ("matched" if ok else
                                                             f"not in {reply[:160]!r}")))
    calls = sum(1 for t in toks if t.startswith("call:"))
    requests = int(run.usage.get("requests", 0))
    if exp.max_tool_calls is not None:
        checks.append(Check(name="max_tool_calls", ok=calls <= exp.max_tool_calls,
                            detail=f"{calls} <= {exp.max_tool_calls}"))
    if exp.max_model_requests is not None:
        checks.append(Check(name="max_model_requests", ok=requests <= exp.max_model_requests,
                            detail=f"{requests} <= {exp.max_model_requests}"))
    turns = sum(1 for n, s in enumerate(run.case.steps)
                if s.kind in ("user", "approve", "reject") and not run.refusals[n])
    return MetricResult.from_checks(
        NAME, checks, turns=turns, tool_calls=calls, model_requests=requests,
        handoffs=sum(1 for t in toks if t.startswith("handoff:")),
    )
