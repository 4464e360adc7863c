"""The per-task turn lock: one agent turn at a time per task, across processes.

The lock (`keys.task_turn`) expires `ttl_s` seconds after its last renewal; while its holder
lives, a heartbeat renews it every `ttl_s / 3` seconds. So a turn may run for as long as it
needs, and a holder killed outright (SIGKILL, a lost machine) frees the task within `ttl_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import redis.asyncio as aioredis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from pixora.context import keys

log = logging.getLogger(__name__)

TURN_TTL_S = 20.0
"""Seconds the lock outlives its holder's last heartbeat."""
TURN_WAIT_S = 900.0
"""Longest wait for a task's running turn to end, in seconds."""


class TurnBusy(Exception):
    """The task's turn lock stayed taken for the whole wait."""


async def _heartbeat(lock: Lock, every_s: float, stop: asyncio.Event) -> None:
    """Renew `lock` every `every_s` seconds until `stop` is set or the lock is lost."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
            return
        try:
            await lock.reacquire()
        except LockError:
            log.warning("turn lock %s was lost (it expired before its renewal)", lock.name)
            return
        except RedisError as err:
            log.warning("could not renew turn lock %s: %s", lock.name, err)


@contextlib.asynccontextmanager
async def turn_lock(
    redis: aioredis.Redis,
    task_id: str,
    *,
    on_wait: Callable[[], Awaitable[None]] | None = None,
    ttl_s: float = TURN_TTL_S,
    wait_s: float = TURN_WAIT_S,
) -> AsyncIterator[None]:
    """Hold the task's turn lock for the body, renewing it while the body runs.

    `on_wait()` is awaited once when the lock is taken and the caller has to wait.

    Raises:
        TurnBusy: still taken after `wait_s` seconds.
    """
    lock = redis.lock(keys.task_turn(task_id), timeout=ttl_s, sleep=0.25)
    if not await lock.acquire(blocking=False):
        if on_wait is not None:
            await on_wait()
        if not await lock.acquire(blocking=True, blocking_timeout=wait_s):
            raise TurnBusy(f"task {task_id} is still busy after {wait_s:g} s")
    stop = asyncio.Event()
    renewing = asyncio.create_task(_heartbeat(lock, ttl_s / 3, stop))
    try:
        yield
    finally:
        stop.set()
        await renewing
        with contextlib.suppress(LockError):
            await lock.release()
