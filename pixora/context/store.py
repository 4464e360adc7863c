"""TaskStore: TaskContext documents in Redis, with compare-and-set updates.

Keys (see `pixora.context.keys`): `keys.task` holds the TaskContext as JSON; `keys.user_tasks`
is a sorted set of the user's task ids by creation time; `keys.task_progress` holds the latest
`Progress`, written on its own (`set_progress`) so that progress ticks neither rewrite the
whole TaskContext nor make concurrent updates retry. Reads overlay it on the document.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from pixora.context import keys
from pixora.context.models import Progress, TaskContext


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
        created = await self.redis.set(keys.task(ctx.task_id), ctx.model_dump_json(), nx=True)
        if not created:
            raise ValueError(f"task {ctx.task_id!r} exists already")
        await self.redis.zadd(keys.user_tasks(ctx.user_id), {ctx.task_id: ctx.created_at})
        return ctx

    async def load(self, task_id: str) -> TaskContext:
        """The task's current state.

        Raises:
            TaskNotFound: no such task.
        """
        raw, progress = await self.redis.mget(keys.task(task_id), keys.task_progress(task_id))
        if raw is None:
            raise TaskNotFound(task_id)
        return _read(raw, progress)

    async def set_progress(self, task_id: str, progress: Progress) -> None:
        """Record the task's latest progress (one small key; the document is not rewritten).

        Raises:
            TaskNotFound: no such task.
        """
        if not await self.exists(task_id):
            raise TaskNotFound(task_id)
        await self.redis.set(keys.task_progress(task_id), progress.model_dump_json())

    async def exists(self, task_id: str) -> bool:
        return bool(await self.redis.exists(keys.task(task_id)))

    async def update(self, task_id: str, fn: Callable[[TaskContext], None]) -> TaskContext:
        """Apply `fn` to the task and store the result, compare-and-set on its revision.

        `fn` mutates the TaskContext it is given; it may run more than once when another
        writer got in first, so it must not have side effects. Exceptions from `fn` abort
        the update and propagate; nothing is written.

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
                    ctx = _read(raw, progress)
                    before = ctx.progress
                    fn(ctx)
                    ctx.revision += 1
                    ctx.updated_at = time.time()
                    pipe.multi()
                    pipe.set(key, ctx.model_dump_json())
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
        raws = await self.redis.mget(
            [k for i in page for k in (keys.task(i), keys.task_progress(i))]) if page else []
        tasks = [_read(doc, progress)
                 for doc, progress in zip(raws[::2], raws[1::2], strict=True) if doc is not None]
        return tasks, page[-1] if more else None


def _read(raw: str | bytes, progress: str | bytes | None) -> TaskContext:
    """A TaskContext from its document and, when recorded, its latest progress."""
    ctx = TaskContext.model_validate_json(raw)
    if progress is not None:
        ctx.progress = Progress.model_validate_json(progress)
    return ctx
