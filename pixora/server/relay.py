"""Live task events fanned out to sockets: one reader per watched task per process (`RelayHub`)
feeds each watching socket's bounded queue (`Subscriber`). So the Redis connections a server
holds grow with the tasks watched, not with the sockets; a socket that falls `SOCKET_QUEUE`
events behind is told to go (`Subscriber.on_overflow`) and resumes with `last_event_id`.

Each event is encoded once, by its feed, into the text every socket sends (`Frame`): the
per-socket work of an event is an append to its frames, one wake-up of the socket's relay and
its send (no Redis work: the server reads each watched stream once).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from redis.exceptions import RedisError

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


class Frame(NamedTuple):
    """One stream event as sent on a socket: its `id` and its JSON `text`."""

    id: int
    text: str

    @classmethod
    def of(cls, event: Event) -> Frame:
        """The frame of `event`: its fields as JSON (`id`, `type`, `task_id`, `content`,
        `data`, `ts`)."""
        return cls(event.id, json.dumps(event.model_dump(mode="json"), default=str))


@dataclass(eq=False)
class Subscriber:
    """One socket's place on a task's feed: its live frames not sent yet (at most
    `SOCKET_QUEUE`), and the wake-up of its relay when it waits for more."""

    on_overflow: Callable[[], None]
    frames: deque[Frame] = field(default_factory=deque)
    stopped: bool = False
    failed: bool = False
    _waiter: asyncio.Future[None] | None = None

    def offer(self, frame: Frame) -> None:
        if self.stopped:
            return
        if len(self.frames) >= SOCKET_QUEUE:
            self.stopped = True
            self.on_overflow()
        else:
            self.frames.append(frame)
        self._wake()

    async def next_frames(self) -> list[Frame]:
        """Every frame offered and not taken yet, oldest first, once there is at least one;
        `[]` once stopped.

        Raises:
            RedisError: the feed could not read the stream (`fail`).
        """
        while not self.frames and not self.stopped:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.failed:
            raise RedisError("the task's event feed failed")
        if self.stopped:
            return []
        frames = list(self.frames)
        self.frames.clear()
        return frames

    def stop(self) -> None:
        self.stopped = True
        self._wake()

    def fail(self) -> None:
        """The feed could not read the stream: end the relay with an error."""
        self.failed = True
        self.stop()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class _Feed:
    """The one reader of a task's stream in this process."""

    def __init__(self, hub: RelayHub, task_id: str, after: int) -> None:
        self.subscribers: set[Subscriber] = set()
        self.task = asyncio.create_task(self._read(hub, task_id, after))
        self.task.add_done_callback(log_failure)

    async def _read(self, hub: RelayHub, task_id: str, after: int) -> None:
        """Read in batches with a short blocking XREAD, encode each event once and offer it to
        every subscriber; stop when nobody watches. Never cancelled: cancelling a blocked
        redis-py read can break the pooled connection under it. Reads are retried
        (`retrying`); when they keep failing every subscriber is failed (the chat socket
        closes with 1011)."""
        try:
            while self.subscribers and not hub.closed:
                batch = await retrying(hub.stream.wait, task_id, after,
                                       block_ms=RELAY_BLOCK_MS, count=100)
                for event in batch:
                    frame = Frame.of(event)
                    for sub in list(self.subscribers):
                        sub.offer(frame)
                    after = event.id
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

    async def close(self) -> None:
        self.closed = True
        await asyncio.gather(*(f.task for f in list(self.feeds.values())),
                             return_exceptions=True)


