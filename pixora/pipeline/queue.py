"""Generation on a job queue (arq over the shared Redis).

Servers and the CLI enqueue; workers (`pixora worker`, or one embedded in the process when
`PIXORA_WORKERS=embedded`) run the jobs. A generation run is small jobs, one per step of
`GenerationRun` (see `pixora.pipeline.generate`): `start`, then one per asset (a character's
reference sheet, a scene's narration, image and motion clip, each music cue), then `compose`.
Each job, when its step is done, enqueues the steps that became ready, as the asset registry
shows them; so the scenes of one task spread over every worker, and the compose job is
enqueued once, when the last asset lands. Job ids come from (task, breakdown version, step),
so a second enqueue of a queued or running step is a no-op, and a step run twice makes
nothing twice. Each step has a timeout that suits its provider (`step_timeouts`).

Crash recovery: arq marks a running job with an in-progress key; the worker keeps that key
alive while the job runs and lets it expire `job_recovery_s` after the worker died, after
which another worker takes the job again (arq counts the try). A sweep (at worker start-up,
then every `job_recovery_s`, and when a Studio opens) re-enqueues tasks left `generating`
with no job at all (a process that ran generation in-process before the queue, a job that ran
out of tries) and tells their watchers.

Cancel sets the task `cancelled` (every step checks that before it makes anything) and
aborts its jobs through arq: running ones are cancelled by whichever worker holds them within
its poll interval, queued ones are removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import time
import uuid
from typing import Any

from arq.connections import ArqRedis
from arq.constants import abort_jobs_ss, in_progress_key_prefix, job_key_prefix
from arq.worker import Worker, func

from pixora.config import Settings
from pixora.context import events, keys
from pixora.context.models import Stage, TaskContext
from pixora.context.redis import client_name, redis_url
from pixora.context.store import TaskNotFound
from pixora.pipeline.assets import WORKER, GenerationCancelled
from pixora.pipeline.generate import COMPOSE, GenerationRefused, GenerationRun, StepNotReady
from pixora.services import Services

log = logging.getLogger(__name__)

START = "start"
"""The first step: mark the task generating and enqueue what is ready."""
JOB_PREFIX = "gen"
POLL_S = 0.25
"""How often a worker looks for jobs and aborts: bounds the start delay and the cancel time."""
WORKER_TTL_S = 10.0
"""A worker that has not beaten for this long is not counted as live."""
MAX_TRIES = 5
CLOSE_S = 15.0
"""How long closing a worker waits for its cancelled jobs to queue themselves again."""
LOCAL_STEP_S = 300.0
"""Timeout of a step made by a local provider (seconds; they take seconds)."""
CLOUD_MARGIN_S = 120.0
"""A cloud step may take the provider's job timeout plus this (upload, download)."""


def job_id(task_id: str, breakdown_version: int, step: str) -> str:
    return f"{JOB_PREFIX}:{task_id}:v{breakdown_version}:{step}"


def kind(step: str) -> str:
    """The job function of `step`: start, character, narration, image, motion, music, compose."""
    if step in (START, COMPOSE):
        return step
    head, tail = step.split("/", 1)
    return head if head in ("character", "music") else tail


def step_timeouts(svc: Services) -> dict[str, float]:
    """Each job function's timeout in seconds: a local provider's step takes seconds, a cloud
    one as long as the provider's own job may (`provider_job_timeout_s`), composition up to
    `job_timeout_s`."""
    settings, providers = svc.settings, svc.providers

    def of(provider: Any) -> float:
        if provider.name == "local":
            return LOCAL_STEP_S
        return settings.provider_job_timeout_s + CLOUD_MARGIN_S

    return {
        START: LOCAL_STEP_S, "character": of(providers.image), "image": of(providers.image),
        "narration": of(providers.speech), "motion": of(providers.motion),
        "music": of(providers.music), COMPOSE: settings.job_timeout_s,
    }


def arq_pool(settings: Settings) -> ArqRedis:
    """An arq client (bytes responses, as arq expects) on Pixora's Redis and queue."""
    pool = ArqRedis.from_url(redis_url(settings), client_name=client_name())
    pool.default_queue_name = keys.QUEUE
    return pool


# -- the job ---------------------------------------------------------------------------------


async def _keep_claim(redis: ArqRedis, jid: str, recovery_s: float) -> None:
    """Keep the job's in-progress key alive while this worker runs it: if the worker dies the
    key expires within `recovery_s` and another worker takes the job."""
    key = in_progress_key_prefix + jid
    while True:
        await asyncio.sleep(recovery_s / 4)
        await redis.pexpire(key, int(recovery_s * 1000))


async def _percent(svc: Services, task_id: str) -> float:
    with contextlib.suppress(TaskNotFound):
        return (await svc.store.load(task_id)).progress.percent
    return 0.0


async def _run_step(run: GenerationRun, version: int, step: str) -> list[str]:
    """Run `step`; the steps that became ready after it (none once the run stopped)."""
    if step == COMPOSE:
        await run.compose(version)
        return []
    if step == START:
        await run.start()
        after = await run.survey()
    else:
        after = await run.make(step, version)
    return after.ready if after.ctx.stage == Stage.GENERATING else []


async def generation_step(ctx: dict[str, Any], task_id: str, version: int, step: str) -> str:
    """The arq job: `step` of the run generating breakdown `version` of `task_id`, then the
    steps that became ready are enqueued. Returns how it ended."""
    svc: Services = ctx["svc"]
    worker: QueueWorker = ctx["worker"]
    queue = worker.queue
    jid: str = ctx["job_id"]
    WORKER.set(worker.id)
    beat = asyncio.create_task(_keep_claim(ctx["redis"], jid, svc.settings.job_recovery_s))
    worker.jobs.add(jid)
    await worker.publish()
    run = GenerationRun(svc, task_id)
    limit = queue.timeouts[kind(step)]
    retry = False
    try:
        if ctx["job_try"] > 1:
            await svc.events.append(task_id, events.progress_update(
                await _percent(svc, task_id), "resuming",
                f"Resuming generation ({step}) on worker {worker.id} after the previous "
                "worker stopped (finished work is kept)",
            ))
        async with asyncio.timeout(limit):
            ready = await _run_step(run, version, step)
        await queue.enqueue_steps(task_id, version, ready)
        return "done"
    except GenerationCancelled:
        return "cancelled"
    except (GenerationRefused, StepNotReady) as err:
        log.info("task %s: %s not run: %s", task_id, step, err)
        return "refused"
    except TimeoutError:
        await run.fail(f"{step} took longer than {limit:g} s")
        return "failed"
    except asyncio.CancelledError:
        if (await svc.store.load(task_id)).stage != Stage.CANCELLED:
            # the worker is stopping: arq runs the job again on the next free worker
            retry = True
            await svc.events.append(task_id, events.progress_update(
                await _percent(svc, task_id), "paused",
                "The worker stopped; generation resumes on the next free worker "
                "(finished work is kept)",
            ))
        raise
    except Exception:
        log.exception("generation of task %s failed at %s", task_id, step)  # marked failed
        return "failed"
    finally:
        beat.cancel()
        worker.jobs.discard(jid)
        if not retry:
            await queue.forget(task_id, jid)
        await worker.publish()


# -- enqueue, cancel, look ---------------------------------------------------------------


class JobQueue:
    """The client side: enqueue, cancel, and look at a task's jobs (any process)."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.pool = arq_pool(svc.settings)
        self.timeouts = step_timeouts(svc)

    async def close(self) -> None:
        await self.pool.aclose(close_connection_pool=True)

    async def enqueue(self, task_id: str) -> bool:
        """Queue a generation run of the task's current breakdown. False when that run is
        under way already (a job of it is queued or running)."""
        task = await self.svc.store.load(task_id)
        version = task.breakdown.version if task.breakdown else 0
        prefix = job_id(task_id, version, "")
        if any(jid.startswith(prefix) for jid in await self.live_jobs(task_id)):
            return False
        return bool(await self.enqueue_steps(task_id, version, [START]))

    async def enqueue_steps(self, task_id: str, version: int, steps: list[str]) -> list[str]:
        """Queue these steps of the run generating breakdown `version`; the ones that were not
        queued or running already."""
        queued = []
        for step in steps:
            jid = job_id(task_id, version, step)
            async with self.pool.pipeline(transaction=True) as pipe:
                pipe.zrem(abort_jobs_ss, jid)  # a stale abort of an earlier run of this id
                pipe.sadd(keys.task_jobs(task_id), jid)
                pipe.sadd(keys.GENERATING, task_id)
                await pipe.execute()
            if await self.pool.enqueue_job(f"{JOB_PREFIX}:{kind(step)}", task_id, version, step,
                                           _job_id=jid, _queue_name=keys.QUEUE):
                queued.append(step)
        return queued

    async def forget(self, task_id: str, jid: str) -> None:
        """Job `jid` of the task ended; when the run is over, so is the task's generating."""
        await self.pool.srem(keys.task_jobs(task_id), jid)
        with contextlib.suppress(TaskNotFound):
            if (await self.svc.store.load(task_id)).stage == Stage.GENERATING:
                return
        await self.pool.srem(keys.GENERATING, task_id)

    async def jobs(self, task_id: str) -> list[str]:
        return sorted(m.decode() for m in await self.pool.smembers(keys.task_jobs(task_id)))

    async def live_jobs(self, task_id: str) -> dict[str, str]:
        """The task's jobs that exist (queued or running): id -> "queued" | "running"."""
        out = {}
        for jid in await self.jobs(task_id):
            async with self.pool.pipeline(transaction=False) as pipe:
                pipe.exists(job_key_prefix + jid)
                pipe.exists(in_progress_key_prefix + jid)
                queued, running = await pipe.execute()
            if running:
                out[jid] = "running"
            elif queued:
                out[jid] = "queued"
            else:
                await self.pool.srem(keys.task_jobs(task_id), jid)
        return out

    async def is_running(self, task_id: str) -> bool:
        return bool(await self.live_jobs(task_id))

    async def abort(self, task_id: str, *, wait_s: float = 3.0) -> bool:
        """Abort every job of the task: queued ones are removed, running ones are cancelled by
        their worker. Waits up to `wait_s` for them to end. Returns whether any was live."""
        live = await self.live_jobs(task_id)
        for jid, state in live.items():
            if state == "queued":
                async with self.pool.pipeline(transaction=True) as pipe:
                    await pipe.watch(in_progress_key_prefix + jid)
                    if not await pipe.exists(in_progress_key_prefix + jid):
                        pipe.multi()
                        pipe.zrem(keys.QUEUE, jid)
                        pipe.delete(job_key_prefix + jid)
                        pipe.srem(keys.task_jobs(task_id), jid)
                        with contextlib.suppress(Exception):
                            await pipe.execute()
                            continue
            await self.pool.zadd(abort_jobs_ss, {jid: int(time.time() * 1000)})
        deadline = time.monotonic() + wait_s
        while live and time.monotonic() < deadline and await self.live_jobs(task_id):
            await asyncio.sleep(0.05)
        await self.pool.srem(keys.GENERATING, task_id)
        return bool(live)

    async def stats(self) -> dict[str, Any]:
        """Queue depth, live workers and jobs in progress (for `pixora status`, `/health`)."""
        now = time.time()
        await self.pool.zremrangebyscore(keys.WORKERS, "-inf", now - WORKER_TTL_S)
        ids = [w.decode() for w in await self.pool.zrange(keys.WORKERS, 0, -1)]
        workers = []
        for wid in ids:
            raw = await self.pool.get(keys.worker(wid))
            if raw:
                workers.append(json.loads(raw))
        queued = await self.pool.zcard(keys.QUEUE)
        running = 0
        async for _ in self.pool.scan_iter(match=f"{in_progress_key_prefix}{JOB_PREFIX}:*"):
            running += 1
        return {
            "queue_depth": max(queued - running, 0),
            "jobs_in_progress": running,
            "workers": len(workers),
            "worker_details": workers,
        }

    async def sweep(self, *, scan: bool = False) -> list[str]:
        """Re-enqueue tasks left `generating` without a live job; tell their watchers.
        `scan` also looks at every task (start-up: tasks stranded by a process that ran
        generation before the queue). Returns the task ids re-enqueued."""
        candidates = {m.decode() for m in await self.pool.smembers(keys.GENERATING)}
        if scan:
            async for key in self.pool.scan_iter(match="pixora:task:*", count=500):
                parts = key.decode().split(":")
                if len(parts) == 3:
                    candidates.add(parts[2])
        resumed = []
        for task_id in sorted(candidates):
            try:
                task = await self.svc.store.load(task_id)
            except TaskNotFound:
                await self.pool.srem(keys.GENERATING, task_id)
                continue
            if task.stage != Stage.GENERATING or await self.is_running(task_id):
                if task.stage != Stage.GENERATING:
                    await self.pool.srem(keys.GENERATING, task_id)
                continue
            if not task.is_approved:
                await self._strand(task_id)
                continue
            if await self.enqueue(task_id):
                resumed.append(task_id)
                log.warning("task %s was left generating with no job; re-enqueued", task_id)
                await self.svc.events.append(task_id, events.progress_update(
                    task.progress.percent, "resuming",
                    "Generation was interrupted; it has been queued again and resumes on the "
                    "next free worker (finished work is kept)",
                ))
        return resumed

    async def _strand(self, task_id: str) -> None:
        message = "generation was interrupted; approve again to resume (finished work is kept)"

        def fn(ctx: TaskContext) -> None:
            ctx.stage = Stage.FAILED
            ctx.error = message

        await self.svc.store.update(task_id, fn)
        await self.pool.srem(keys.GENERATING, task_id)
        await self.svc.events.append(task_id, events.error("generation_interrupted", message))


# -- the worker ------------------------------------------------------------------------------


class QueueWorker:
    """An arq worker running generation steps with `svc`, `concurrency` at once."""

    def __init__(self, svc: Services, *, concurrency: int | None = None,
                 handle_signals: bool = False) -> None:
        settings = svc.settings
        self.svc = svc
        self.queue = JobQueue(svc)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.concurrency = concurrency or settings.worker_concurrency
        self.worker = Worker(
            # arq's timeout backs up the step's own (`generation_step`), which fails the task
            functions=[func(generation_step, name=f"{JOB_PREFIX}:{name}", timeout=limit + 30,
                            keep_result=0, max_tries=MAX_TRIES)
                       for name, limit in self.queue.timeouts.items()],
            queue_name=keys.QUEUE,
            redis_pool=self.queue.pool,
            max_jobs=self.concurrency,
            keep_result=0,
            poll_delay=POLL_S,
            allow_abort_jobs=True,
            handle_signals=handle_signals,
            health_check_interval=WORKER_TTL_S / 2,
            ctx={"svc": svc, "worker": self},
            log_results=False,
        )
        # arq sets the in-progress expiry to the longest job timeout; jobs keep it alive
        # instead (`_keep_claim`), so a dead worker's job is taken again within this.
        self.worker.in_progress_timeout_s = settings.job_recovery_s
        self._tasks: list[asyncio.Task[None]] = []
        self.jobs: set[str] = set()
        """The ids of the jobs this worker is running."""

    async def publish(self) -> None:
        """Record this worker's status (`keys.worker`, expires after `WORKER_TTL_S`): id,
        concurrency, the `jobs` it runs, and its complete / failed / retried counts."""
        w = self.worker
        status = {
            "id": self.id, "concurrency": self.concurrency, "running": len(self.jobs),
            "jobs": sorted(self.jobs), "complete": w.jobs_complete, "failed": w.jobs_failed,
            "retried": w.jobs_retried, "seen": time.time(),
        }
        async with self.queue.pool.pipeline(transaction=False) as pipe:
            pipe.set(keys.worker(self.id), json.dumps(status), px=int(WORKER_TTL_S * 1000))
            pipe.zadd(keys.WORKERS, {self.id: time.time()})
            await pipe.execute()

    async def _beat(self) -> None:
        while True:
            await self.publish()
            await asyncio.sleep(WORKER_TTL_S / 4)

    async def _sweeps(self) -> None:
        while True:
            await asyncio.sleep(self.svc.settings.job_recovery_s)
            try:
                await self.queue.sweep()
            except Exception:
                log.exception("sweep failed")

    async def start(self) -> None:
        """Sweep every task once (tasks stranded while no worker ran), then run the worker in
        the background of this event loop, sweeping again every `job_recovery_s`."""
        await self.queue.sweep(scan=True)
        self._tasks = [
            asyncio.create_task(self.worker.async_run(), name=f"arq-worker:{self.id}"),
            asyncio.create_task(self._beat()),
            asyncio.create_task(self._sweeps()),
        ]

    async def run(self) -> None:
        """Run until stopped (SIGINT/SIGTERM with `handle_signals`, or cancelled)."""
        stopped = asyncio.Event()
        # arq installed its signal handlers with the Worker, so a signal that arrives during
        # the start-up sweep stops the worker too.
        if self.worker._handle_signals:
            self.worker.on_stop = lambda _sig: stopped.set()
        try:
            await self.start()
            await stopped.wait()
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop taking jobs; running ones are cancelled and queued again for another worker."""
        if self._tasks:
            # arq cancels its running jobs (each queues itself again) and its poll loop; the
            # tasks are cancelled too, in case arq had not started its loop yet.
            self.worker.handle_sig(signal.SIGUSR1)
            for task in self._tasks:
                task.cancel()
            running = [*self._tasks, *self.worker.tasks.values()]
            _, stuck = await asyncio.wait(running, timeout=CLOSE_S)
            if stuck:
                log.warning("worker %s: %d tasks still running after %g s", self.id,
                            len(stuck), CLOSE_S)
        with contextlib.suppress(Exception):
            async with self.queue.pool.pipeline(transaction=False) as pipe:
                pipe.delete(keys.worker(self.id))
                pipe.zrem(keys.WORKERS, self.id)
                await pipe.execute()
        await self.queue.close()
        self._tasks = []
