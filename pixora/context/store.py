"""TaskStore: TaskContext documents in Redis, with compare-and-set updates.

Keys (see `pixora.context.keys`): `keys.task` holds the TaskContext as JSON; `keys.user_tasks`
is a sorted set of the user's task ids by creation time. Three parts of a task are written on
their own, so that parallel generation steps neither rewrite the whole TaskContext nor make
concurrent updates retry: `keys.task_progress` holds the latest `Progress` (`set_progress`),
`keys.task_assets` one field per asset and `keys.task_costs` the costs (`record_asset`).
Reads overlay them on the document.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from pixora.context import keys
from pixora.context.models import Asset, Cost, Progress, TaskContext

SEPARATE = {"assets", "costs"}
"""TaskContext fields stored outside the document (see the module docstring)."""


class TaskNotFound(KeyError):
    """No task with that id."""

    def __str__(self) -> str:
        return f"task {self.args[0]!r} does not exist"


class UpdateConflict(RuntimeError):
    """An update lost the compare-and-set race more times than allowed."""


class TaskStore:
    """Load, create and update TaskContexts. Safe for any number of concurrent writers."""

    def __init__(self, redis: aioredis.Redis, *, max_retries: int = 200) -> None:
        self.redis = redis
        self.max_retries = max_retries

    async def create(self, ctx: TaskContext) -> TaskContext:
        """Store a new task.

        Raises:
            ValueError: a task with that id exists already.
        """
        created = await self.redis.set(keys.task(ctx.task_id), _document(ctx), nx=True)
        if not created:
            raise ValueError(f"task {ctx.task_id!r} exists already")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.user_tasks(ctx.user_id), {ctx.task_id: ctx.created_at})
            _write_separate(pipe, ctx.task_id, ctx.assets, ctx.costs)
            await pipe.execute()
        return ctx

    async def load(self, task_id: str) -> TaskContext:
        """The task's current state.

        Raises:
            TaskNotFound: no such task.
        """
        async with self.redis.pipeline(transaction=False) as pipe:
            _request(pipe, task_id)
            raw, progress, assets, costs = await pipe.execute()
        if raw is None:
            raise TaskNotFound(task_id)
        return _read(raw, progress, assets, costs)

    async def progress(self, task_id: str) -> Progress | None:
        """The task's latest recorded progress, if any."""
        raw = await self.redis.get(keys.task_progress(task_id))
        return Progress.model_validate_json(raw) if raw is not None else None

    async def set_progress(self, task_id: str, progress: Progress) -> None:
        """Record the task's latest progress (one small key; the document is not rewritten).

        Raises:
            TaskNotFound: no such task.
        """
        if not await self.exists(task_id):
            raise TaskNotFound(task_id)
        await self.redis.set(keys.task_progress(task_id), progress.model_dump_json())

    async def record_asset(self, task_id: str, name: str, asset: Asset,
                           cost: Cost | None = None) -> None:
        """Record the finished asset `name` and what it cost, in one atomic write that no
        other asset's write can conflict with.

        Raises:
            TaskNotFound: no such task.
        """
        if not await self.exists(task_id):
            raise TaskNotFound(task_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            _write_separate(pipe, task_id, {name: asset}, [cost] if cost else [])
            await pipe.execute()

    async def exists(self, task_id: str) -> bool:
        return bool(await self.redis.exists(keys.task(task_id)))

    async def update(self, task_id: str, fn: Callable[[TaskContext], None]) -> TaskContext:
        """Apply `fn` to the task and store the result, compare-and-set on its revision.

        `fn` mutates the TaskContext it is given; it may run more than once when another
        writer got in first, so it must not have side effects. Exceptions from `fn` abort
        the update and propagate; nothing is written. Assets and costs are written with
        `record_asset`, not here.

        Raises:
            TaskNotFound: no such task.
            UpdateConflict: still losing the race after `max_retries` attempts.
        """
        key = keys.task(task_id)
        for _ in range(self.max_retries):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw, progress = await pipe.mget(key, keys.task_progress(task_id))
                    if raw is None:
                        raise TaskNotFound(task_id)
                    assets = await pipe.hgetall(keys.task_assets(task_id))
                    costs = await pipe.lrange(keys.task_costs(task_id), 0, -1)
                    doc = TaskContext.model_validate_json(raw)
                    # a document from before assets and costs were stored apart: move them out
                    old_assets, old_costs = dict(doc.assets), list(doc.costs)
                    ctx = _overlay(doc, progress, assets, costs)
                    before = ctx.progress
                    fn(ctx)
                    ctx.revision += 1
                    ctx.updated_at = time.time()
                    pipe.multi()
                    pipe.set(key, _document(ctx))
                    _write_separate(pipe, task_id, old_assets, old_costs, only_new=True)
                    if ctx.progress != before:
                        pipe.set(keys.task_progress(task_id), ctx.progress.model_dump_json())
                    await pipe.execute()
                    return ctx
                except WatchError:
                    continue
        raise UpdateConflict(f"task {task_id!r}: too many concurrent updates")

    async def page_for_user(
        self, user_id: str, limit: int, after: str | None = None
    ) -> tuple[list[TaskContext], str | None]:
        """One page of the user's tasks, newest first: at most `limit` tasks older than the task
        `after` (from the start when None), and the id to pass as `after` for the next page
        (None on the last page). Tasks created while paging come before the first page, so a
        walk through the pages sees every older task once.

        Raises:
            TaskNotFound: `after` is not one of the user's tasks.
        """
        index = keys.user_tasks(user_id)
        start = 0
        if after is not None:
            rank = await self.redis.zrevrank(index, after)
            if rank is None:
                raise TaskNotFound(after)
            start = rank + 1
        ids = await self.redis.zrevrange(index, start, start + limit)
        page, more = ids[:limit], len(ids) > limit
        async with self.redis.pipeline(transaction=False) as pipe:
            for task_id in page:
                _request(pipe, task_id)
            raws = await pipe.execute()
        parts = [raws[n:n + 4] for n in range(0, len(raws), 4)]
        tasks = [_read(*part) for part in parts if part[0] is not None]
        return tasks, page[-1] if more else None


def _request(pipe: Any, task_id: str) -> None:
    """Queue the reads `_read` takes: document, progress, assets, costs."""
    pipe.get(keys.task(task_id))
    pipe.get(keys.task_progress(task_id))
    pipe.hgetall(keys.task_assets(task_id))
    pipe.lrange(keys.task_costs(task_id), 0, -1)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _document(ctx: TaskContext) -> str:
    return ctx.model_dump_json(exclude=SEPARATE)


def _write_separate(pipe: Any, task_id: str, assets: dict[str, Asset], costs: list[Cost], *,
                    only_new: bool = False) -> None:
    """Queue the writes of `assets` (by name) and `costs`. `only_new` keeps recorded assets
    (moving a document from before the split: its own copies are older)."""
    for name, asset in assets.items():
        write = pipe.hsetnx if only_new else pipe.hset
        write(keys.task_assets(task_id), name, asset.model_dump_json())
    if costs:
        pipe.rpush(keys.task_costs(task_id), *(c.model_dump_json() for c in costs))


def _read(raw: str | bytes, progress: str | bytes | None, assets: dict[Any, Any],
          costs: list[Any]) -> TaskContext:
    """A TaskContext from its document and its separately stored parts."""
    return _overlay(TaskContext.model_validate_json(raw), progress, assets, costs)


def _overlay(ctx: TaskContext, progress: str | bytes | None, assets: dict[Any, Any],
             costs: list[Any]) -> TaskContext:
    """`ctx`, read from its document, with its separately stored parts laid over it."""
    if progress is not None:
        ctx.progress = Progress.model_validate_json(progress)
    ctx.assets.update({_text(k): Asset.model_validate_json(v) for k, v in assets.items()})
    ctx.costs += [Cost.model_validate_json(c) for c in costs]
    return ctx
