"""A task's generated assets, each made at most once per set of inputs.

Every finished asset is recorded in the TaskContext (`assets[name]`) with the content hash of
its inputs (`pixora.context.files.content_hash`), so a re-run (after a crash, or after an edit)
reuses everything whose inputs did not change and whose file is still there. Cloud calls are
counted against the task's budget before they start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pixora.context.files import atomic_path, content_hash
from pixora.context.models import Asset, AssetKind, Cost, Stage, TaskContext
from pixora.media.cost import estimate_cost_usd
from pixora.media.protocols import MediaFile
from pixora.pipeline.progress import ProgressReporter
from pixora.services import Services

WORKER: ContextVar[str | None] = ContextVar("pixora_worker", default=None)
"""The queue worker running this generation (recorded on each asset it makes)."""


class GenerationCancelled(RuntimeError):
    """The user cancelled the task while it was generating."""


class BudgetExceeded(RuntimeError):
    """The next cloud call would take the task over its budget (`PIXORA_TASK_BUDGET_USD`)."""


async def check_cancelled(svc: Services, task_id: str) -> None:
    """Raises GenerationCancelled if the user cancelled the task."""
    if (await svc.store.load(task_id)).stage == Stage.CANCELLED:
        raise GenerationCancelled("cancelled by the user")


class AssetCache:
    """The assets of task `task_id` as seen by one generation run.

    ctx: the run's copy of the TaskContext (its `assets` are kept up to date); at most
    `settings.scene_jobs` assets are made at once. `notes` collects the providers' notes for
    the user; `committed_usd` is the estimated cost of the cloud calls started, in US dollars.
    """

    def __init__(
        self, svc: Services, task_id: str, ctx: TaskContext, progress: ProgressReporter
    ) -> None:
        self.svc = svc
        self.task_id = task_id
        self.ctx = ctx
        self.progress = progress
        self.limit = asyncio.Semaphore(svc.settings.scene_jobs)
        self.notes: list[str] = []
        self.committed_usd = 0.0

    def reserve(self, name: str, usd: float) -> None:
        """Count `usd` against the task's budget before a call; raise if it would exceed it.

        Raises:
            BudgetExceeded: the task would go over `settings.task_budget_usd`.
        """
        budget = self.svc.settings.task_budget_usd
        spent = self.ctx.total_cost_usd + self.committed_usd
        if usd and spent + usd > budget:
            raise BudgetExceeded(
                f"{name} would cost about ${usd:.2f}, taking this task over its ${budget:.2f} "
                f"budget (${spent:.2f} so far); raise PIXORA_TASK_BUDGET_USD or use local "
                "providers"
            )
        self.committed_usd += usd

    async def get_or_make(
        self,
        name: str,
        kind: AssetKind,
        key: str,
        inputs: dict[str, Any],
        make: Callable[[Path], Awaitable[MediaFile]],
        estimate: tuple[str, Any] | None = None,
    ) -> Asset:
        """The asset `name` (storage key `key`), made with `make(out_path)` only if `inputs`
        (JSON-able) changed or its file is gone, then published and recorded.

        `estimate` is (capability, request) for the cost check against the task's budget.

        Raises:
            GenerationCancelled: the user cancelled the task.
            BudgetExceeded: see `reserve`.
        """
        h = content_hash(inputs)
        path = self.svc.storage.local_path(key)
        known = self.ctx.assets.get(name)
        if known and known.inputs_hash == h and known.key == key and path.is_file():
            return known
        await check_cancelled(self.svc, self.task_id)
        if estimate:
            capability, request = estimate
            provider = getattr(self.svc.providers, capability).name
            self.reserve(name, estimate_cost_usd(provider, capability, request))
        with atomic_path(path) as part:
            async with self.limit:
                media = await make(part)
        await self.svc.storage.publish(key)
        asset = Asset(
            key=key, kind=kind, inputs_hash=h, provider=media.provider,
            duration_s=media.duration_s, width=media.width, height=media.height,
            cost_usd=media.cost_usd, note=media.note, made_by=WORKER.get(),
            words=[(w.text, round(w.start_s, 3), round(w.end_s, 3)) for w in media.words],
            boxes=media.boxes,
        )
        if media.note:
            self.notes.append(media.note)
            await self.progress.note(kind, media.note)

        def record(ctx: TaskContext) -> None:
            ctx.assets[name] = asset
            if media.cost_usd:
                ctx.costs.append(Cost(provider=media.provider, what=name, usd=media.cost_usd))

        await self.svc.store.update(self.task_id, record)
        self.ctx.assets[name] = asset
        return asset
