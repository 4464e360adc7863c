"""The `judge` metric: an LLM-as-judge score (1-5) of how relevant the scene breakdown is to the
user's request, with the judge's rationale.

Runs only with a real model (`--model openai:NAME` or `compatible:NAME`): an Agents SDK agent
with a pydantic `output_type` (`Verdict`), on the same model as the agents under evaluation.
With the offline director there is no language model to judge with, so the metric is skipped
and says so. The case passes when the score is at least the case's `judge.min_score`
(default 3); the suite threshold for `judge` is the least mean score.

Scale: 5 every scene serves the request (subject, length, style, platform); 4 on topic with a
small gap; 3 on topic but generic or missing a requested element; 2 mostly off topic;
1 unrelated or unusable.
"""

from __future__ import annotations

import json

from agents import Agent, Model, Runner
from pydantic import BaseModel, Field

from pixora.evals.metrics import CaseRun, Check, MetricResult

NAME = "judge"

INSTRUCTIONS = """You grade scene breakdowns for short narrated videos. You get the user's
request(s) and the final breakdown (JSON). Score how well the breakdown serves the request:
5 every scene serves it (subject, length, style, platform, requested changes);
4 on topic with a small gap; 3 on topic but generic or missing a requested element;
2 mostly off topic; 1 unrelated or unusable. Give a short rationale naming what is right and
what is missing. Judge only relevance, not prose quality."""


class Verdict(BaseModel):
    """The judge's structured output."""

    score: int = Field(description="1 (unrelated) to 5 (fully serves the request).")
    rationale: str = Field(description="Two or three sentences: what fits, what is missing.")


def judge_agent(model: Model) -> Agent[None]:
    return Agent(name="relevance_judge", instructions=INSTRUCTIONS, model=model,
                 output_type=Verdict)


async def score(run: CaseRun, agent: Agent[None] | None) -> MetricResult:
    if agent is None:
        return MetricResult.skipped(NAME, "offline model: no language model to judge with")
    bd = run.task.breakdown
    if bd is None:
        return MetricResult.skipped(NAME, "no breakdown to judge")
    requests = [s.message[:2000] for s in run.case.steps if s.message]
    payload = {
        "user_requests": requests,
        "breakdown": {
            "title": bd.title, "style": bd.style, "aspect_ratio": bd.aspect_ratio,
            "total_duration_s": bd.total_duration,
            "characters": [{"name": c.name, "description": c.description}
                           for c in bd.characters],
            "scenes": [{"index": s.index, "duration_s": s.duration, "script": s.script,
                        "visual_prompt": s.visual_prompt, "mood": s.mood} for s in bd.scenes],
        },
    }
    result = await Runner.run(agent, json.dumps(payload))
    verdict = result.final_output_as(Verdict)
    value = min(max(verdict.score, 1), 5)
    need = run.case.expect.judge.min_score
    check = Check(name="relevance", ok=value >= need,
                  detail=f"{value}/5 (at least {need}): {verdict.rationale}")
    return MetricResult(name=NAME, status="pass" if check.ok else "fail", score=float(value),
                        reason="" if check.ok else f"relevance: {check.detail}",
                        checks=[check], data={"rationale": verdict.rationale})
