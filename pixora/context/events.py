"""The per-task event stream: a capped Redis Stream that every client of a task reads.

Event ids are integers 1, 2, 3, ... per task (stream ids `N-0`), assigned atomically, so a
client that reconnects with its last id gets exactly what it missed, in order.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

import redis.asyncio as aioredis
from pydantic import BaseModel, Field

EventType = Literal[
    "token",
    "agent_message",
    "tool_call",
    "tool_result",
    "handoff",
    "scene_breakdown",
    "approval_required",
    "progress_update",
    "completion",
    "error",
    "task_created",
    "pong",
]

_APPEND = """
local id = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id .. '-0', 'e', ARGV[1])
return id
"""


class Event(BaseModel):
    """One server-to-client event. `id` increases by one per event of a task."""

    id: int
    type: EventType
    task_id: str
    content: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    ts: float


def stream_key(task_id: str) -> str:
    return f"pixora:task:{task_id}:events"


def _seq_key(task_id: str) -> str:
    return f"pixora:task:{task_id}:event_seq"


def _decode(task_id: str, entry_id: str, fields: dict[str, str]) -> Event:
    body = json.loads(fields["e"])
    return Event(id=int(entry_id.split("-")[0]), task_id=task_id, **body)


class EventStream:
    """Append to and read from task event streams. `maxlen` caps each stream (approximate)."""

    def __init__(self, redis: aioredis.Redis, *, maxlen: int = 5000) -> None:
        self.redis = redis
        self.maxlen = maxlen
        self._append = redis.register_script(_APPEND)

    async def append(
        self,
        task_id: str,
        type: EventType,
        *,
        content: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Event:
        """Append one event and return it with its id."""
        body = {"type": type, "content": content, "data": data or {}, "ts": time.time()}
        eid = await self._append(
            keys=[stream_key(task_id), _seq_key(task_id)],
            args=[json.dumps(body, default=str), self.maxlen],
        )
        return Event(id=int(eid), task_id=task_id, **body)

    async def read(self, task_id: str, after: int = 0, count: int | None = None) -> list[Event]:
        """Events with id greater than `after`, oldest first."""
        entries = await self.redis.xrange(stream_key(task_id), min=f"({after}-0", count=count)
        return [_decode(task_id, eid, fields) for eid, fields in entries]

    async def last_id(self, task_id: str) -> int:
        return int(await self.redis.get(_seq_key(task_id)) or 0)

    async def follow(
        self, task_id: str, after: int = 0, *, block_ms: int = 1000
    ) -> AsyncIterator[Event]:
        """Yield events with id greater than `after` as they arrive, forever.

        Each blocking read lasts at most `block_ms` (keep it below the client's socket timeout).
        """
        cursor = f"{after}-0"
        key = stream_key(task_id)
        while True:
            reply = await self.redis.xread({key: cursor}, block=block_ms, count=100)
            for _, entries in reply or []:
                for eid, fields in entries:
                    cursor = eid
                    yield _decode(task_id, eid, fields)
