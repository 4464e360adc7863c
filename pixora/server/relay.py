"""Live task events fanned out to sockets: one reader per watched task per process (`RelayHub`)
feeds each watching socket's bounded queue (`Subscriber`). So the Redis connections a server
holds grow with the tasks watched, not with the sockets; a socket that falls `SOCKET_QUEUE`
events behind is told to go (`Subscriber.on_overflow`) and resumes with `last_event_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from redis.exceptions import RedisError

from pixora.context import keys
from pixora.context.events import Event, EventStream

log = logging.getLogger(__name__)

RELAY_BLOCK_MS = 1000
"""Longest wait of one blocking stream read: below redis-py's default 5 s socket timeout, and
how long a stopped task reader may take to end."""
SOCKET_QUEUE = 1000
"""Events one socket may fall behind the live stream before it is dropped (its `on_overflow`
runs; the chat socket then closes with 4408)."""
READ_ATTEMPTS = 5
READ_RETRY_S = 0.2
"""A failed Redis read of a relay is tried `READ_ATTEMPTS` times in all, waiting
`READ_RETRY_S`, then twice that, ... (3 s in all) between attempts."""

T = TypeVar("T")


async def retrying(read: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """`await read(*args, **kwargs)`, retried on a Redis error.

    Raises:
        RedisError: the last attempt failed too.
    """
    for attempt in range(READ_ATTEMPTS - 1):
        try:
            return await read(*args, **kwargs)
        except RedisError as err:
            log.warning("relay read failed (attempt %d): %s", attempt + 1, err)
            await asyncio.sleep(READ_RETRY_S * 2**attempt)
    return await read(*args, **kwargs)


def log_failure(task: asyncio.Task[None]) -> None:
    """Done callback of relay tasks: log the exception that ended `task`, if any."""
    if not task.cancelled() and task.exception() is not None:
        log.error("event relay failed", exc_info=task.exception())


@dataclass(eq=False)
class Subscriber:
    """One socket's place on a task's feed: a bounded queue of live events."""

    on_overflow: Callable[[], None]
    queue: asyncio.Queue[Event | None] = field(
        default_factory=lambda: asyncio.Queue(SOCKET_QUEUE)
    )
    stopped: bool = False
    failed: bool = False

    def offer(self, event: Event) -> None:
        if self.stopped:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.stopped = True
            self.on_overflow()

    def stop(self) -> None:
        self.stopped = True
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    def fail(self) -> None:
        """The feed could not read the stream: end the relay with an error."""
        self.failed = True
        self.stop()


class _Feed:
    """The one reader of a task's stream in this process."""

    def __init__(self, hub: RelayHub, task_id: str, after: int) -> None:
        self.subscribers: set[Subscriber] = set()
        self.task = asyncio.create_task(self._read(hub, task_id, after))
        self.task.add_done_callback(log_failure)

    async def _read(self, hub: RelayHub, task_id: str, after: int) -> None:
        """Read in batches (XRANGE), wait for more with a short blocking XREAD; stop when
        nobody watches. Never cancelled: cancelling a blocked redis-py read can break the
        pooled connection under it. Reads are retried (`retrying`); when they keep failing
        every subscriber is failed (the chat socket closes with 1011)."""
        stream = hub.stream
        key = keys.task_events(task_id)
        try:
            while self.subscribers and not hub.closed:
                batch = await retrying(stream.read, task_id, after, count=100)
                for event in batch:
                    for sub in list(self.subscribers):
                        sub.offer(event)
                    after = event.id
                if not batch:
                    await retrying(stream.redis.xread, {key: f"{after}-0"},
                                   block=RELAY_BLOCK_MS, count=1)
        except RedisError:
            for sub in list(self.subscribers):
                sub.fail()
            raise
        finally:
            if hub.feeds.get(task_id) is self:
                del hub.feeds[task_id]


class RelayHub:
    """One feed per watched task in this process, fanned out to the watching sockets."""

    def __init__(self, stream: EventStream) -> None:
        self.stream = stream
        self.feeds: dict[str, _Feed] = {}
        self.closed = False

    async def join(self, task_id: str, sub: Subscriber) -> None:
        """Start feeding `sub` the task's events from now on (then replay what it missed:
        joining first leaves no gap; the socket drops ids it has sent already)."""
        feed = self.feeds.get(task_id)
        if feed is None or feed.task.done():
            feed = _Feed(self, task_id, await retrying(self.stream.last_id, task_id))
            existing = self.feeds.get(task_id)
            if existing is not None and not existing.task.done():
                feed.task.cancel()  # lost a race with another joiner: it only awaited last_id
                feed = existing
            else:
                self.feeds[task_id] = feed
        feed.subscribers.add(sub)

    def leave(self, task_id: str, sub: Subscriber) -> None:
        sub.stop()
        feed = self.feeds.get(task_id)
        if feed is not None:
            feed.subscribers.discard(sub)

    def watchers(self) -> int:
        return sum(len(f.subscribers) for f in self.feeds.values())

    async def close(self) -> None:
        self.closed = True
        await asyncio.gather(*(f.task for f in list(self.feeds.values())),
                             return_exceptions=True)


