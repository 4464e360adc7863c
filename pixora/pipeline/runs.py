"""Background generation runs, one at most per task, in this process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from pixora.context import events
from pixora.context.models import Stage, TaskContext, VideoVersion
from pixora.pipeline.assets import GenerationCancelled
from pixora.pipeline.generate import GenerationRun
from pixora.services import Services

log = logging.getLogger(__name__)

Generate = Callable[[Services, str], Awaitable[VideoVersion | None]]
"""One generation run of a task: `(services, task_id) -> the new video version`."""


async def generate(svc: Services, task_id: str) -> VideoVersion:
    """The pipeline's generation run (see `GenerationRun.run`)."""
    return await GenerationRun(svc, task_id).run()


class GenerationRuns:
    """Starts, tracks and cancels generation runs as asyncio tasks. `generate` is the run
    itself (the pipeline by default)."""

    def __init__(self, svc: Services, generate: Generate = generate) -> None:
        self.svc = svc
        self.generate = generate
        self.running: dict[str, asyncio.Task[VideoVersion | None]] = {}

    def is_running(self, task_id: str) -> bool:
        run = self.running.get(task_id)
        return run is not None and not run.done()

    def start(self, task_id: str) -> asyncio.Task[VideoVersion | None]:
        """Start generating `task_id` in the background (or return the run already going)."""
        if self.is_running(task_id):
            return self.running[task_id]
        run = asyncio.create_task(self._run(task_id), name=f"generate:{task_id}")
        self.running[task_id] = run
        return run

    async def _run(self, task_id: str) -> VideoVersion | None:
        try:
            return await self.generate(self.svc, task_id)
        except (GenerationCancelled, asyncio.CancelledError):
            await self._stopped(task_id)
            return None
        except Exception:
            log.exception("generation of task %s failed", task_id)
            return None
        finally:
            self.running.pop(task_id, None)

    async def _stopped(self, task_id: str) -> None:
        """After a run stopped early: a user's cancel is reported as such; anything else (the
        process shutting down) marks the task failed, resumable by approving again."""
        interrupted = "generation was interrupted; approve again to resume (finished work is kept)"

        def fn(ctx: TaskContext) -> None:
            if ctx.stage != Stage.CANCELLED:
                ctx.stage = Stage.FAILED
                ctx.error = interrupted

        task = await self.svc.store.update(task_id, fn)
        if task.stage == Stage.FAILED:
            await self.svc.events.append(
                task_id, events.error("generation_interrupted", interrupted)
            )
        else:
            await self.svc.events.append(
                task_id, events.progress_update(0, "cancelled", "Generation cancelled")
            )

    async def wait(self, task_id: str) -> VideoVersion | None:
        run = self.running.get(task_id)
        return await run if run else None

    async def cancel(self, task_id: str) -> bool:
        """Mark the task cancelled and stop its run. Returns whether a run was stopped."""

        def fn(ctx: TaskContext) -> None:
            ctx.stage = Stage.CANCELLED
            ctx.approved_version = None

        await self.svc.store.update(task_id, fn)
        run = self.running.get(task_id)
        if run is None or run.done():
            return False
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
        return True
