"""The per-task event stream: a capped Redis Stream that every client of a task reads, and one
constructor per event type, so each payload shape is written down once (docs/protocol.md).

Event ids are integers 1, 2, 3, ... per task (stream ids `N-0`), assigned atomically, so a
client that reconnects with its last id gets exactly what it missed, in order.

An event is serialized before it is appended: one that is not plain JSON (or nests deeper than
`MAX_DEPTH`) raises `UnsendableEvent` and nothing is stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

import redis.asyncio as aioredis
from pydantic import BaseModel, Field

from pixora.context import keys
from pixora.context.models import TaskContext

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
    "queued",
    "pong",
    "command_result",
]
"""Every server message type. `pong` and `command_result` only ever go to one socket."""

MAX_DEPTH = 32
"""Deepest nesting of lists and objects an event may have (the event object is level 1)."""

_APPEND = """
local id = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id .. '-0', 'e', ARGV[1])
return id
"""


class UnsendableEvent(ValueError):
    """An event that is not plain JSON (or nests too deep) for clients to receive."""


class Payload(BaseModel):
    """What an event says, before it has an id, task and time: made by the constructors below."""

    type: EventType
    content: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Event(BaseModel):
    """One server-to-client event. `id` increases by one per event of a task."""

    id: int
    type: EventType
    task_id: str
    content: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    ts: float


# -- constructors, one per type ----------------------------------------------------------------


def token(delta: str) -> Payload:
    """A streamed piece of the agent's reply, in `content`."""
    return Payload(type="token", content=delta)


def agent_message(text: str, agent: str) -> Payload:
    """The agent's whole reply: `content` text, `data: {agent}`."""
    return Payload(type="agent_message", content=text, data={"agent": agent})


def tool_call(call_id: str, tool: str, parameters: Any, agent: str) -> Payload:
    """`data: {tool, parameters, agent, call_id}`; `agent` is `user` for a direct command.
    `call_id` pairs the call with its `tool_result`."""
    return Payload(type="tool_call", data={
        "tool": tool, "parameters": parameters, "agent": agent, "call_id": call_id,
    })


def tool_result(call_id: str, tool: str, output: Any, agent: str) -> Payload:
    """`data: {tool, output, agent, call_id}`; `output` is the tool's parsed JSON result and
    `call_id` that of its `tool_call`."""
    return Payload(type="tool_result", data={
        "tool": tool, "output": output, "agent": agent, "call_id": call_id,
    })


def handoff(source: str, target: str) -> Payload:
    """`data: {from, to}` agent names."""
    return Payload(type="handoff", data={"from": source, "to": target})


def scene_breakdown(task: TaskContext) -> Payload:
    """The task's current breakdown: `data: {version, approved, stage, total_duration_s,
    breakdown}` (`breakdown` the whole Breakdown as JSON)."""
    bd = task.breakdown
    assert bd is not None
    return Payload(type="scene_breakdown", data={
        "version": bd.version,
        "approved": task.is_approved,
        "stage": task.stage,
        "total_duration_s": round(bd.total_duration, 2),
        "breakdown": bd.model_dump(mode="json"),
    })


def approval_required(tools: list[str], breakdown_version: int | None, message: str) -> Payload:
    """`data: {tools, breakdown_version, message}`; `tools` are the paused tool calls."""
    return Payload(type="approval_required", data={
        "tools": tools, "breakdown_version": breakdown_version, "message": message,
    })


def progress_update(
    progress: float, stage: str, message: str, eta_s: float | None = None
) -> Payload:
    """`data: {progress (percent 0-100), stage, message, eta_s (seconds left, or null)}`."""
    return Payload(type="progress_update", data={
        "progress": progress, "stage": stage, "message": message, "eta_s": eta_s,
    })


def completion(
    *,
    version: int,
    video_url: str,
    thumbnail_url: str,
    duration_s: float,
    reused_pieces: int,
    copied_bodies: int,
    rendered_pieces: int,
    notes: list[str],
    scenes: list[dict[str, Any]],
    srt_url: str | None = None,
    vtt_url: str | None = None,
) -> Payload:
    """A finished video version; `scenes` items are `{index, title, start_s, duration_s,
    image_url}`; `srt_url` / `vtt_url` its caption files."""
    return Payload(type="completion", data={
        "version": version,
        "video_url": video_url,
        "thumbnail_url": thumbnail_url,
        "srt_url": srt_url,
        "vtt_url": vtt_url,
        "duration_s": duration_s,
        "reused_pieces": reused_pieces,
        "copied_bodies": copied_bodies,
        "rendered_pieces": rendered_pieces,
        "notes": notes,
        "scenes": scenes,
    })


def error(code: str, message: str, retry_after_s: int | None = None) -> Payload:
    """`data: {code (machine-readable), message (prose)}`, plus `retry_after_s` (seconds to
    wait) for `rate_limited`."""
    data: dict[str, Any] = {"code": code, "message": message}
    if retry_after_s is not None:
        data["retry_after_s"] = retry_after_s
    return Payload(type="error", data=data)


def task_created(user_id: str) -> Payload:
    """A task's first event: `data: {user_id}`."""
    return Payload(type="task_created", data={"user_id": user_id})


def queued(waiting_for: str, message: str) -> Payload:
    """A request waits for the task to be free: `data: {waiting_for (e.g. "turn"), message}`."""
    return Payload(type="queued", data={"waiting_for": waiting_for, "message": message})


def pong() -> Payload:
    """The answer to a `ping` (direct only)."""
    return Payload(type="pong")


def command_result(command: str, result: dict[str, Any]) -> Payload:
    """The result of a client `command` (direct only): `data: {command, result}`."""
    return Payload(type="command_result", data={"command": command, "result": result})


# -- the stream --------------------------------------------------------------------------------


def _depth(value: Any) -> int:
    """Nesting depth of lists and dicts in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list | tuple):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def encode(payload: Payload, ts: float) -> str:
    """The stored JSON of an event: `{"type", "content", "data", "ts"}`.

    Raises:
        UnsendableEvent: a value is not plain JSON (an object, NaN, a cycle) or the event
            nests deeper than `MAX_DEPTH`.
    """
    body = {"type": payload.type, "content": payload.content, "data": payload.data, "ts": ts}
    try:
        text = json.dumps(body, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as err:
        raise UnsendableEvent(f"{payload.type} event is not plain JSON: {err}") from None
    if _depth(body) > MAX_DEPTH:
        raise UnsendableEvent(f"{payload.type} event nests deeper than {MAX_DEPTH} levels")
    return text


def _decode(task_id: str, entry_id: str, fields: dict[str, str]) -> Event:
    body = json.loads(fields["e"])
    return Event(id=int(entry_id.split("-")[0]), task_id=task_id, **body)


class EventStream:
    """Append to and read from task event streams. `maxlen` caps each stream (approximate)."""

    def __init__(self, redis: aioredis.Redis, *, maxlen: int = 5000) -> None:
        self.redis = redis
        self.maxlen = maxlen
        self._append = redis.register_script(_APPEND)

    async def append(self, task_id: str, payload: Payload) -> Event:
        """Append one event and return it with its id.

        Raises:
            UnsendableEvent: see `encode`; nothing is stored.
        """
        ts = time.time()
        text = encode(payload, ts)
        eid = await self._append(
            keys=[keys.task_events(task_id), keys.task_event_seq(task_id)],
            args=[text, self.maxlen],
        )
        return _decode(task_id, f"{eid}-0", {"e": text})

    async def read(self, task_id: str, after: int = 0, count: int | None = None) -> list[Event]:
        """Events with id greater than `after`, oldest first."""
        entries = await self.redis.xrange(
            keys.task_events(task_id), min=f"({after}-0", count=count
        )
        return [_decode(task_id, eid, fields) for eid, fields in entries]

    async def last_id(self, task_id: str) -> int:
        return int(await self.redis.get(keys.task_event_seq(task_id)) or 0)

    async def wait(
        self, task_id: str, after: int = 0, *, block_ms: int = 1000, count: int = 100
    ) -> list[Event]:
        """Up to `count` events with id greater than `after`, oldest first: at once if there
        are some, else the first to arrive within `block_ms` (one blocking XREAD; keep it below
        the client's socket timeout), else none."""
        reply = await self.redis.xread(
            {keys.task_events(task_id): f"{after}-0"}, block=block_ms, count=count
        )
        return [_decode(task_id, eid, fields) for _, entries in reply or []
                for eid, fields in entries]

    async def follow(
        self, task_id: str, after: int = 0, *, block_ms: int = 1000
    ) -> AsyncIterator[Event]:
        """Yield events with id greater than `after` as they arrive, forever (`wait` in a
        loop)."""
        while True:
            for event in await self.wait(task_id, after, block_ms=block_ms):
                after = event.id
                yield event
