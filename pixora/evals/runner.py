"""Run an eval suite: every case is a conversation on its own task, all cases on one Studio,
`jobs` of them at once.

Isolation: the run gets its own data directory (`OUT/data`: task files, media, traces; an
embedded Redis there too unless `REDIS_URL` is set, in which case tasks are simply new ids).

Approval without `--render`: no media is made. `generate_video_tool` still runs and starts its
job (the trajectory shows it returning `started`), but the eval Studio's `GenerationRuns` runs no
pipeline (`SkippedGenerations`), and after the step that started it the runner cancels the task
as a user's cancel would (`GenerationRuns.cancel`: stage `cancelled`, approval withdrawn) and notes
`eval:generation_skipped` in the trajectory. `wait_generation` steps are skipped. With
`--render` generation runs to the end and `wait_generation` waits for it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from agents import Agent

from pixora.agents.models import choose_model, model_factory
from pixora.agents.roster import AgentSpec
from pixora.config import Settings
from pixora.context.events import Event
from pixora.context.models import VideoVersion
from pixora.evals.metrics import CaseRun, MetricResult, RenderSnapshot
from pixora.evals.metrics import breakdown as breakdown_metric
from pixora.evals.metrics import characters as characters_metric
from pixora.evals.metrics import cost as cost_metric
from pixora.evals.metrics import edits as edits_metric
from pixora.evals.metrics import judge as judge_metric
from pixora.evals.metrics import request as request_metric
from pixora.evals.metrics import trajectory as trajectory_metric
from pixora.evals.metrics import video as video_metric
from pixora.evals.results import CaseResult, RunResult, aggregate
from pixora.evals.suite import Case, Step, Suite
from pixora.evals.trajectory import Item, build
from pixora.evals.usage import UsageMeter, case_scope
from pixora.pipeline.runs import generate
from pixora.services import Services
from pixora.studio import Studio, StudioError

USER = "eval"


@dataclass(frozen=True)
class RunOptions:
    """How to run a suite. `model` None uses the settings' model; timeouts are seconds."""

    out: Path
    model: str | None = None
    render: bool = False
    jobs: int = 4
    case_timeout_s: float = 120.0
    render_timeout_s: float = 900.0


def _last_message(events: list[Event]) -> str:
    return next((e.content or "" for e in reversed(events) if e.type == "agent_message"), "")


class CaseRunner:
    """Runs one case on a Studio and scores it."""

    def __init__(self, studio: Studio, meter: UsageMeter, options: RunOptions,
                 suite: Suite, judge: Agent[None] | None,
                 skipped: SkippedGenerations | None) -> None:
        self.skipped = skipped
        self.studio = studio
        self.meter = meter
        self.options = options
        self.suite = suite
        self.judge = judge

    async def _step(self, tid: str, step: Step) -> None:
        studio = self.studio
        if step.message is not None:
            await studio.chat(tid, USER, step.message)
        elif step.approve or step.reject:
            await studio.approve(tid, USER, approved=step.approve)
        elif step.cancel:
            await studio.cancel(tid, USER)
        elif step.wait_generation and self.options.render:
            async with asyncio.timeout(self.options.render_timeout_s):
                await studio.runs.wait(tid)

    async def _converse(self, case: Case, tid: str, run: CaseRun,
                        marks: list[tuple[int, int, str]]) -> None:
        studio = self.studio
        for n, step in enumerate(case.steps):
            before = await studio.events.last_id(tid)
            marks.append((before, n, f"step:{step.kind}"))
            try:
                await self._step(tid, step)
            except StudioError as err:
                run.refusals[n] = err.code
            if self.skipped is not None and self.skipped.take(tid):
                marks.append((await studio.events.last_id(tid), n, "eval:generation_skipped"))
                await studio.runs.cancel(tid)
            task = await studio.store.load(tid)
            run.versions.append(task.breakdown.version if task.breakdown else None)
            run.replies[n] = _last_message(await studio.events.read(tid, after=before))
            if step.wait_generation and self.options.render:
                run.renders.append(RenderSnapshot(
                    step=n, assets={k: a.inputs_hash for k, a in task.assets.items()},
                    video_key=task.videos[-1].key if task.videos else None,
                ))

    async def run(self, case: Case) -> CaseResult:
        studio = self.studio
        task = await studio.create_task(USER)
        tid = task.task_id
        marks: list[tuple[int, int, str]] = []
        steps = len(case.steps)
        run = CaseRun(case=case, task=task, items=[], versions=[None], replies=[""] * steps,
                      refusals=[None] * steps, rendered=self.options.render)
        timeout = self.options.case_timeout_s + (
            self.options.render_timeout_s if self.options.render and case.renders else 0)
        started = time.monotonic()
        with case_scope(case.name):
            try:
                async with asyncio.timeout(timeout):
                    await self._converse(case, tid, run, marks)
            except TimeoutError:
                run.error = f"timed out after {timeout:g} s"
            except Exception as err:
                run.error = f"{type(err).__name__}: {err}"
            finally:
                if await studio.runs.is_running(tid):
                    await studio.runs.cancel(tid)
        run.wall_s = time.monotonic() - started
        run.versions += [None] * (steps + 1 - len(run.versions))
        run.task = await studio.store.load(tid)
        run.items = build(await studio.events.read(tid), marks)
        run.usage = self.meter.usage(case.name)
        if run.task.videos:
            run.video_path = studio.storage.local_path(run.task.videos[-1].key)
        return await self.score(run)

    async def score(self, run: CaseRun) -> CaseResult:
        metrics: dict[str, MetricResult] = {}
        for m in (trajectory_metric.score(run), breakdown_metric.score(run),
                  edits_metric.score(run),
                  await video_metric.score(run, self.studio.settings.loudness_lufs),
                  cost_metric.score(run, self.suite.limits),
                  await judge_metric.score(run, self.judge), request_metric.score(run),
                  characters_metric.score(run, self.studio.storage.local_path)):
            metrics[m.name] = m
        failed = any(m.status == "fail" for m in metrics.values())
        return CaseResult(
            name=run.case.name, tags=run.case.tags,
            status="error" if run.error else "fail" if failed else "pass",
            metrics=metrics, trajectory=[_label(i) for i in run.items], replies=run.replies,
            task_id=run.task.task_id, wall_s=round(run.wall_s, 3),
            tokens=int(run.usage.get("total_tokens", 0)), cost_usd=run.task.total_cost_usd,
            video=str(run.video_path) if run.video_path else None, error=run.error,
        )


def _label(item: Item) -> str:
    """A trajectory token with its step number (1-based), e.g. `2|call:update_scene_tool`."""
    return f"{item.step + 1}|{item.token}"


class SkippedGenerations:
    """A `GenerationRuns` generate function that makes nothing and remembers which tasks asked
    (runs without --render)."""

    def __init__(self) -> None:
        self.tasks: set[str] = set()

    async def __call__(self, svc: Services, task_id: str) -> VideoVersion | None:
        self.tasks.add(task_id)
        return None

    def take(self, task_id: str) -> bool:
        """Whether `task_id` asked for a generation since the last call."""
        asked = task_id in self.tasks
        self.tasks.discard(task_id)
        return asked


def _judge(settings: Settings, model: str | None) -> Agent[None] | None:
    choice = choose_model(settings, model)
    if choice.kind == "offline":
        return None
    make = model_factory(choice, settings)
    return judge_metric.judge_agent(make(AgentSpec(
        name="relevance_judge", description="", instructions="", model="default", tools=(),
        handoffs=(), line=0,
    )))


async def run_suite(suite: Suite, suite_path: Path, settings: Settings,
                    options: RunOptions) -> RunResult:
    """Run every case of `suite` and aggregate the metrics against its thresholds.

    Raises:
        ConfigError: the model setting is unusable.
        RosterError: agents.yaml is wrong.
    """
    options.out.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"data_dir": (options.out / "data").resolve()})
    began, started = time.time(), time.monotonic()
    skipped = None if options.render else SkippedGenerations()
    studio = await Studio.open(settings, model=options.model, generate=skipped or generate)
    meter = UsageMeter.install()
    runner = CaseRunner(studio, meter, options, suite, _judge(settings, options.model), skipped)
    limit = asyncio.Semaphore(max(1, options.jobs))

    async def one(case: Case) -> CaseResult:
        async with limit:
            return await runner.run(case)

    try:
        cases = list(await asyncio.gather(*(one(c) for c in suite.cases)))
    finally:
        await studio.close()
    aggregates = aggregate(suite, cases)
    return RunResult(
        suite=suite.name, suite_path=str(suite_path), model=studio.model_label,
        render=options.render, jobs=options.jobs, started_at=began,
        wall_s=round(time.monotonic() - started, 3), cases=cases, aggregates=aggregates,
        passed=all(a.ok for a in aggregates.values()) and not any(
            c.status == "error" for c in cases),
        totals={
            "tokens": sum(c.tokens for c in cases),
            "cost_usd": round(sum(c.cost_usd for c in cases), 4),
            "case_wall_s": round(sum(c.wall_s for c in cases), 3),
        },
    )
