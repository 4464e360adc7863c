"""Progress of a generation run: weighted stages, percent, and an ETA from the pace so far.

A run's steps may run on several workers: each step reports the fractions of every stage as
the asset registry shows them, so the percent is the same whichever worker reports it.
"""

from __future__ import annotations

import time

from pixora.context import events, keys
from pixora.context.events import EventStream
from pixora.context.models import Progress
from pixora.context.store import TaskStore

STAGE_WEIGHTS: dict[str, float] = {
    "characters": 3,
    "narration": 12,
    "images": 10,
    "motion": 30,
    "music": 5,
    "composition": 40,
}
"""Relative share of the whole run, in percent, per stage."""

LOCK_S = 10.0
"""Longest a progress report holds, or waits for, the task's progress lock (seconds)."""

ASSETS_DONE = {stage: 1.0 for stage in STAGE_WEIGHTS if stage != "composition"}
"""Every asset stage finished: where composition starts."""


def overall(fractions: dict[str, float]) -> float:
    """Percent (0-100) of the run done, from each stage's finished fraction (0-1)."""
    total = sum(STAGE_WEIGHTS.values())
    got = sum(STAGE_WEIGHTS[s] * min(max(f, 0.0), 1.0)
              for s, f in fractions.items() if s in STAGE_WEIGHTS)
    return round(100.0 * got / total, 1)


class ProgressReporter:
    """Records a run's progress (`TaskStore.set_progress`) and emits `progress_update` events
    (`data.progress` 0-100, `data.stage`, `data.message`, `data.eta_s` in seconds).

    `previous` is the task's progress as last read. The percent never goes back within a run
    (see `report`), and the ETA counts from the run's `started_at`.
    """

    def __init__(self, store: TaskStore, stream: EventStream, task_id: str,
                 previous: Progress | None = None) -> None:
        self.store = store
        self.events = stream
        self.task_id = task_id
        self.previous = previous or Progress()

    @property
    def percent(self) -> float:
        return self.previous.percent

    async def begin(self, message: str) -> None:
        """A new run starts: 0 %, the clock starts."""
        await self._record(Progress(stage="starting", message=message, started_at=time.time()))

    async def report(self, fractions: dict[str, float], stage: str, message: str) -> None:
        """The run is this far: `fractions` maps stages to their finished share (0-1). Reports
        of one task are taken one at a time across processes (a Redis lock), so the percent
        recorded and sent never goes back, whichever worker reports."""
        lock = self.store.redis.lock(keys.task_progress_lock(self.task_id), timeout=LOCK_S,
                                     blocking_timeout=LOCK_S, sleep=0.005)
        async with lock:
            stored = await self.store.progress(self.task_id) or self.previous
            percent = max(stored.percent, overall(fractions))
            started = stored.started_at or time.time()
            elapsed = time.time() - started
            eta = None
            if 2.0 < percent < 100.0:
                eta = round(elapsed * (100.0 - percent) / percent, 1)
            elif percent >= 100.0:
                eta = 0.0
            await self._record(Progress(percent=percent, stage=stage, message=message,
                                        eta_s=eta, started_at=started))

    async def _record(self, progress: Progress) -> None:
        self.previous = progress
        await self.store.set_progress(self.task_id, progress)
        await self.events.append(self.task_id, events.progress_update(
            progress.percent, progress.stage, progress.message, progress.eta_s))

    async def note(self, stage: str, message: str) -> None:
        """Tell the user something about `stage` (e.g. a provider fallback) at the current
        percent, without moving it."""
        await self.events.append(
            self.task_id, events.progress_update(self.percent, stage, message)
        )

    async def finish(self, message: str) -> None:
        await self.report(dict.fromkeys(STAGE_WEIGHTS, 1.0), "completed", message)
