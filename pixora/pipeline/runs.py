"""Generation runs: start, look, cancel, wait. One interface, two ways to run.

- `QueuedRuns` (the default): each run is a job on the generation queue
  (`pixora.pipeline.queue`), taken by any worker, in this process (`PIXORA_WORKERS=embedded`)
  or in `pixora worker` processes (`external`).
- `GenerationRuns`: asyncio tasks in this process, for an injected generate function (tests,
  the eval runner's `SkippedGenerations`): a function object exists only in this process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from pixora.context import events
from pixora.context.models import Stage, TaskContext, VideoVersion
from pixora.pipeline.assets import GenerationCancelled
from pixora.pipeline.generate import run_generation
from pixora.pipeline.queue import JobQueue, QueueWorker
from pixora.services import Services

log = logging.getLogger(__name__)

Generate = Callable[[Services, str], Awaitable[VideoVersion | None]]
"""One generation run of a task: `(services, task_id) -> the new video version`."""

generate: Generate = run_generation
"""The pipeline's generation run (see `GenerationRun.run`)."""


class Runs(Protocol):
    async def start(self, task_id: str) -> None: ...
    async def is_running(self, task_id: str) -> bool: ...
    async def cancel(self, task_id: str) -> bool: ...
    async def wait(self, task_id: str) -> VideoVersion | None: ...
    async def close(self) -> None: ...


async def _withdraw(svc: Services, task_id: str) -> None:
    def fn(ctx: TaskContext) -> None:
        ctx.stage = Stage.CANCELLED
        ctx.approved_version = None

    await svc.store.update(task_id, fn)


class QueuedRuns:
    """Runs as queue jobs. `worker` is the embedded worker, if this process runs one."""

    def __init__(self, svc: Services, worker: QueueWorker | None = None) -> None:
        self.svc = svc
        self.queue = JobQueue(svc)
        self.worker = worker

    @classmethod
    async def open(cls, svc: Services) -> QueuedRuns:
        """Per `settings.workers`: start an embedded worker (which sweeps stranded tasks at
        start-up), or only sweep (external workers run the jobs)."""
        worker = None
        if svc.settings.workers == "embedded":
            worker = QueueWorker(svc)
            await worker.start()
        runs = cls(svc, worker)
        if worker is None:
            await runs.queue.sweep(scan=True)
        return runs

    async def start(self, task_id: str) -> None:
        """Queue a run of the task (a no-op if that run is queued or running)."""
        await self.queue.enqueue(task_id)

    async def is_running(self, task_id: str) -> bool:
        return await self.queue.is_running(task_id)

    async def cancel(self, task_id: str) -> bool:
        """Mark the task cancelled and abort its jobs on every worker. Returns whether a job
        was stopped."""
        await _withdraw(self.svc, task_id)
        return await self.queue.abort(task_id)

    async def wait(self, task_id: str, poll_s: float = 0.2) -> VideoVersion | None:
        """Until the task has no queued or running job; the video it made, if any."""
        before = len((await self.svc.store.load(task_id)).videos)
        while await self.queue.is_running(task_id):
            await asyncio.sleep(poll_s)
        videos = (await self.svc.store.load(task_id)).videos
        return videos[-1] if len(videos) > before else None

    async def close(self) -> None:
        if self.worker is not None:
            await self.worker.close()
        await self.queue.close()


class GenerationRuns:
    """Runs as asyncio tasks in this process. `generate` is the run itself."""

    def __init__(self, svc: Services, generate: Generate = generate) -> None:
        self.svc = svc
        self.generate = generate
        self.running: dict[str, asyncio.Task[VideoVersion | None]] = {}

    def _live(self, task_id: str) -> bool:
        run = self.running.get(task_id)
        return run is not None and not run.done()

    async def is_running(self, task_id: str) -> bool:
        return self._live(task_id)

    async def start(self, task_id: str) -> None:
        """Start generating `task_id` in the background (unless it is running already)."""
        if not self._live(task_id):
            self.running[task_id] = asyncio.create_task(
                self._run(task_id), name=f"generate:{task_id}"
            )

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
        await _withdraw(self.svc, task_id)
        run = self.running.get(task_id)
        if run is None or run.done():
            return False
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
        return True

    async def close(self) -> None:
        """Stop running generations (each task is marked resumable)."""
        runs = [run for run in self.running.values() if not run.done()]
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
