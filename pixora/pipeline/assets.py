"""A task's generated assets, each made at most once per set of inputs.

Every finished asset is recorded in the task's registry (`TaskContext.assets[name]`, one
atomic record per asset: `TaskStore.record_asset`) with the content hash of its inputs
(`pixora.context.files.content_hash`), so a re-run (after a crash, or after an edit) reuses
everything whose inputs did not change and whose file is still there. Cloud calls are counted
against the task's budget before they start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AssetSpec:
    """How to make one asset of a task: its `name` in the registry (`scene_3/image`), `kind`,
    storage `key`, the JSON-able `inputs` it is made from, `make(out_path)`, the progress
    `stage` it belongs to, and `estimate`, the (capability, request) priced against the
    task's budget before a cloud call."""

    name: str
    kind: AssetKind
    key: str
    inputs: dict[str, Any]
    make: Callable[[Path], Awaitable[MediaFile]]
    stage: str
    estimate: tuple[str, Any] | None = None

    @property
    def inputs_hash(self) -> str:
        return content_hash(self.inputs)


class RunLimits:
    """What the steps of one generation run in one process share: at most
    `settings.scene_jobs` assets in the making at once (`making`), and `committed_usd`, the
    estimated cost in US dollars of the cloud calls they started."""

    def __init__(self, svc: Services) -> None:
        self.making = asyncio.Semaphore(svc.settings.scene_jobs)
        self.committed_usd = 0.0


class AssetCache:
    """The assets of task `task_id` as one generation step sees them.

    ctx: the step's copy of the TaskContext (its `assets` are kept up to date); `limits`: what
    it shares with the other steps of its run in this process.
    """

    def __init__(self, svc: Services, task_id: str, ctx: TaskContext,
                 progress: ProgressReporter, limits: RunLimits) -> None:
        self.svc = svc
        self.task_id = task_id
        self.ctx = ctx
        self.progress = progress
        self.limits = limits

    def reserve(self, name: str, usd: float) -> None:
        """Count `usd` against the task's budget before a call; raise if it would exceed it.

        Raises:
            BudgetExceeded: the task would go over `settings.task_budget_usd`.
        """
        budget = self.svc.settings.task_budget_usd
        spent = self.ctx.total_cost_usd + self.limits.committed_usd
        if usd and spent + usd > budget:
            raise BudgetExceeded(
                f"{name} would cost about ${usd:.2f}, taking this task over its ${budget:.2f} "
                f"budget (${spent:.2f} so far); raise PIXORA_TASK_BUDGET_USD or use local "
                "providers"
            )
        self.limits.committed_usd += usd

    def fresh(self, spec: AssetSpec) -> Asset | None:
        """The recorded asset, if it was made from `spec.inputs` and its file is still there."""
        known = self.ctx.assets.get(spec.name)
        if (known and known.inputs_hash == spec.inputs_hash and known.key == spec.key
                and self.svc.storage.local_path(spec.key).is_file()):
            return known
        return None

    async def get_or_make(self, spec: AssetSpec) -> Asset:
        """The asset `spec` describes: the recorded one when fresh, otherwise made with
        `spec.make(out_path)`, published and recorded (with its cost, in one write).

        Raises:
            GenerationCancelled: the user cancelled the task.
            BudgetExceeded: see `reserve`.
        """
        if known := self.fresh(spec):
            return known
        await check_cancelled(self.svc, self.task_id)
        if spec.estimate:
            capability, request = spec.estimate
            provider = getattr(self.svc.providers, capability).name
            self.reserve(spec.name, estimate_cost_usd(provider, capability, request))
        path = self.svc.storage.local_path(spec.key)
        with atomic_path(path) as part:
            async with self.limits.making:
                media = await spec.make(part)
        await self.svc.storage.publish(spec.key)
        asset = Asset(
            key=spec.key, kind=spec.kind, inputs_hash=spec.inputs_hash, provider=media.provider,
            duration_s=media.duration_s, width=media.width, height=media.height,
            cost_usd=media.cost_usd, note=media.note, made_by=WORKER.get(),
            words=[(w.text, round(w.start_s, 3), round(w.end_s, 3)) for w in media.words],
            boxes=media.boxes,
        )
        if media.note:
            await self.progress.note(spec.kind, media.note)
        cost = (Cost(provider=media.provider, what=spec.name, usd=media.cost_usd)
                if media.cost_usd else None)
        await self.svc.store.record_asset(self.task_id, spec.name, asset, cost)
        self.ctx.assets[spec.name] = asset
        if cost:
            self.ctx.costs.append(cost)
        return asset
