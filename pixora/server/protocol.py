"""The WebSocket wire protocol: parsing client frames and shaping server messages.

Client frames are JSON objects of at most `MAX_FRAME_BYTES` bytes (UTF-8). Two forms are
accepted: the seed form `{"message": "...", "task_id": "optional"}` (a chat message) and the
typed form `{"type": "chat_message" | "command" | "approve" | "cancel" | "ping" | "resume",
...}`. The full protocol is in `docs/protocol.md`.

Server messages relayed from a task's event stream carry the stream's integer `id`; messages
that concern only one socket (errors from its own input, `pong`, `command_result`) carry
`"id": null` and are never stored.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pixora.context import events
from pixora.context.events import Payload
from pixora.server.frames import MAX_FRAME_BYTES as MAX_FRAME_BYTES
from pixora.server.frames import FrameError, decode
from pixora.studio import MAX_MESSAGE_CHARS

TaskId = Annotated[str, Field(min_length=1, max_length=64)]
MAX_EVENT_ID = 2**63 - 1
"""Largest event id (Redis counters are signed 64-bit)."""


class ProtocolError(Exception):
    """A client frame is unusable. `code` is the `data.code` of the error sent back."""

    def __init__(self, code: str, message: str, task_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.task_id = task_id


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ChatMessage(_Frame):
    """A user message. Without `task_id` a new task is created for it."""

    type: Literal["chat_message"] = "chat_message"
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    task_id: TaskId | None = None

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the message is blank")
        return value


class Command(_Frame):
    """A tool run directly, without the model. Without `task_id` a new task is created."""

    type: Literal["command"]
    command: str = Field(min_length=1, max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    task_id: TaskId | None = None


class Approve(_Frame):
    """Approve (or reject, `approved: false`) the task's current scene breakdown."""

    type: Literal["approve"]
    task_id: TaskId
    approved: bool = True


class Cancel(_Frame):
    """Stop the task's running turn or generation."""

    type: Literal["cancel"]
    task_id: TaskId


class Ping(_Frame):
    """Liveness check; answered at once with `pong`."""

    type: Literal["ping"]


class Resume(_Frame):
    """Watch a task: replay its events with id greater than `last_event_id`, then follow."""

    type: Literal["resume"]
    task_id: TaskId
    last_event_id: int = Field(0, ge=0, le=MAX_EVENT_ID)


class Auth(_Frame):
    """Sign in: only as a socket's first frame, when the token came neither in the query nor
    in the subprotocol header."""

    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=8192)


ClientMessage = ChatMessage | Command | Approve | Cancel | Ping | Resume | Auth

_MODELS: dict[str, type[_Frame]] = {
    "chat_message": ChatMessage,
    "command": Command,
    "approve": Approve,
    "cancel": Cancel,
    "ping": Ping,
    "resume": Resume,
    "auth": Auth,
}


def parse_frame(raw: str | bytes) -> ClientMessage:
    """Parse one client frame.

    Raises:
        ProtocolError: with code `frame_too_large` or `bad_json` (the frame breaks a limit of
            `pixora.server.frames`, is not UTF-8 JSON, or not an object), `unknown_type`,
            `missing_field` (a required field is absent) or `invalid_request` (a field has
            the wrong type or value).
    """
    try:
        body = decode(raw)
    except FrameError as err:
        raise ProtocolError(err.code, str(err)) from None
    if not isinstance(body, dict):
        raise ProtocolError("bad_json", "frame must be a JSON object")
    task_id = body.get("task_id") if isinstance(body.get("task_id"), str) else None
    kind = body.get("type")
    if kind is None:
        if "message" not in body:
            raise ProtocolError("missing_field", "frame needs a 'type' (or a 'message')", task_id)
        kind = "chat_message"
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(_MODELS)
        raise ProtocolError("unknown_type", f"unknown type {kind!r}; known: {known}", task_id)
    try:
        return model.model_validate({**body, "type": kind})  # type: ignore[return-value]
    except ValidationError as err:
        raise _explain(err, task_id) from None


def _explain(err: ValidationError, task_id: str | None) -> ProtocolError:
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "frame"
    if first["type"] == "missing":
        return ProtocolError("missing_field", f"missing field {field!r}", task_id)
    return ProtocolError("invalid_request", f"field {field!r}: {first['msg']}", task_id)


def direct(payload: Payload, task_id: str | None = None) -> dict[str, Any]:
    """A message for one socket only (`"id": null`), shaped like a stream event."""
    return {
        "id": None,
        "type": payload.type,
        "task_id": task_id,
        "content": payload.content,
        "data": payload.data,
        "ts": time.time(),
    }


def error_message(code: str, message: str, task_id: str | None = None,
                  retry_after_s: int | None = None) -> dict[str, Any]:
    """An `error` for one socket: `data.code` is machine-readable, `data.message` is prose,
    `data.retry_after_s` (only for `rate_limited`) the seconds to wait."""
    return direct(events.error(code, message, retry_after_s), task_id)
