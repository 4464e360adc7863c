"""Progress of a generation run: weighted stages, percent, and an ETA from the pace so far."""

from __future__ import annotations

import time

from pixora.context import events
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


class ProgressReporter:
    """Turns per-stage fractions into overall percent + ETA; records it
    (`TaskStore.set_progress`) and emits a `progress_update` event (`data.progress` 0-100,
    `data.stage`, `data.message`, `data.eta_s`)."""

    def __init__(self, store: TaskStore, stream: EventStream, task_id: str) -> None:
        self.store = store
        self.events = stream
        self.task_id = task_id
        self.started = time.monotonic()
        self.done: dict[str, float] = {}
        self.percent = 0.0

    def _overall(self) -> float:
        total = sum(STAGE_WEIGHTS.values())
        got = sum(STAGE_WEIGHTS[s] * min(max(f, 0.0), 1.0) for s, f in self.done.items())
        return round(100.0 * got / total, 1)

    async def report(self, stage: str, fraction: float, message: str) -> None:
        if stage in STAGE_WEIGHTS:
            self.done[stage] = max(self.done.get(stage, 0.0), fraction)
        self.percent = max(self.percent, self._overall())
        elapsed = time.monotonic() - self.started
        eta = None
        if 2.0 < self.percent < 100.0:
            eta = round(elapsed * (100.0 - self.percent) / self.percent, 1)
        elif self.percent >= 100.0:
            eta = 0.0
        progress = Progress(percent=self.percent, stage=stage, message=message, eta_s=eta)
        await self.store.set_progress(self.task_id, progress)
        await self.events.append(
            self.task_id, events.progress_update(self.percent, stage, message, eta)
        )

    async def note(self, stage: str, message: str) -> None:
        """Tell the user something about `stage` (e.g. a provider fallback) at the current
        percent, without moving it."""
        await self.events.append(
            self.task_id, events.progress_update(self.percent, stage, message)
        )

    async def finish(self, message: str) -> None:
        for stage in STAGE_WEIGHTS:
            self.done[stage] = 1.0
        await self.report("completed", 1.0, message)
