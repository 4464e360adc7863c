"""The chat WebSocket, `/api/chat/ws`, signed in with `?token=JWT`, the subprotocol
`pixora.bearer.<JWT>` or a first frame `{"type": "auth", "token": JWT}`.

Each socket validates its frames, calls the Studio, and relays the event streams of the tasks
it watches: live events come from the process's `RelayHub` (`pixora.server.relay`); a socket
that falls `SOCKET_QUEUE` events behind is closed with `CLOSE_TOO_SLOW` and resumes with
`last_event_id`.

Studio calls run as background asyncio tasks owned by the app (`TaskRunner`), so
the socket keeps answering (`ping`, other tasks) while a turn or a render runs, and a turn
goes on when its socket drops; the reconnecting client replays what it missed with `resume`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from pixora.context import events
from pixora.context.store import TaskNotFound
from pixora.server.auth import (
    BEARER_SUBPROTOCOL,
    SUBPROTOCOL,
    AuthError,
    request_token,
    verify_token,
)
from pixora.server.protocol import (
    MAX_EVENT_ID,
    Approve,
    Auth,
    Cancel,
    ChatMessage,
    ClientMessage,
    Command,
    Ping,
    ProtocolError,
    Resume,
    direct,
    error_message,
    parse_frame,
)
from pixora.server.ratelimit import LimitsUnavailable, RateLimited, RateLimits
from pixora.server.relay import Frame, RelayHub, Subscriber, log_failure, retrying
from pixora.studio import Forbidden, Studio, StudioError, command_tool

log = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 4408
CLOSE_TOO_MANY_SOCKETS = 4429
CLOSE_SERVER_ERROR = 1011
"""The server could not read the task's events (Redis failed after retries): reconnect and
`resume` from the last event id received."""
CLOSE_TRY_AGAIN_LATER = 1013
"""The server could not reach Redis to take the socket's slot (an `unavailable` error comes
first): reconnect after a few seconds."""
AUTH_WAIT_S = 10.0
"""How long a socket opened without a token may take to send its `auth` frame."""


def studio_error(exc: BaseException) -> tuple[str, str] | None:
    """`(code, message)` for an error the client caused, or None for anything else."""
    if isinstance(exc, TaskNotFound):
        return "task_not_found", str(exc)
    if isinstance(exc, StudioError):
        return exc.code, str(exc)
    return None


@dataclass
class _Relay:
    stop: asyncio.Event
    task: asyncio.Task[None]
    sub: Subscriber


class TaskRunner:
    """Background Studio calls that outlive the socket that started them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(
        self,
        call: Coroutine[Any, Any, object],
        on_error: Callable[[str, str], Awaitable[None]],
    ) -> asyncio.Task[None]:
        """Run `call`; a failure is reported as `on_error(code, message)`."""

        async def run() -> None:
            try:
                await call
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                known = studio_error(exc)
                if known is None:
                    log.exception("studio call failed")
                    known = ("internal_error", f"{type(exc).__name__}: {exc}")
                await on_error(*known)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        """Cancel every running call and wait for them to end."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Connection:
    """One authenticated socket: its sends, its watched tasks and its message handlers."""

    def __init__(self, ws: WebSocket, studio: Studio, runner: TaskRunner, user_id: str,
                 relays: RelayHub, limits: RateLimits) -> None:
        self.ws = ws
        self.studio = studio
        self.runner = runner
        self.user_id = user_id
        self.relays = relays
        self.limits = limits
        self._send_lock = asyncio.Lock()
        self._relays: dict[str, _Relay] = {}
        self._open = True

    @property
    def open(self) -> bool:
        """False once the socket is gone or being closed by the server."""
        return self._open

    async def send(self, message: dict[str, Any], *, unless: asyncio.Event | None = None) -> None:
        """Send one JSON message; a closed socket (or a set `unless`) makes this a no-op."""
        await self.send_text(json.dumps(message, default=str), unless=unless)

    async def send_text(self, text: str, *, unless: asyncio.Event | None = None) -> None:
        """Send one encoded message (JSON text); a no-op as for `send`."""
        async with self._send_lock:
            if not self._open or (unless is not None and unless.is_set()):
                return
            try:
                await self.ws.send_text(text)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self._open = False

    async def error(self, code: str, message: str, task_id: str | None = None,
                    retry_after_s: int | None = None) -> None:
        await self.send(error_message(code, message, task_id, retry_after_s))

    def watch(self, task_id: str, after: int) -> None:
        """Relay the task's events with id greater than `after`, replayed then followed.

        Watching a task again restarts its relay from the new `after`; the old relay sends
        nothing more.
        """
        old = self._relays.pop(task_id, None)
        if old is not None:
            old.stop.set()
            self.relays.leave(task_id, old.sub)
        stop = asyncio.Event()
        sub = Subscriber(self._too_slow)
        task = asyncio.create_task(self._relay(task_id, after, stop, sub))
        task.add_done_callback(log_failure)
        self._relays[task_id] = _Relay(stop, task, sub)

    def _too_slow(self) -> None:
        """The socket fell `SOCKET_QUEUE` events behind: drop it; the client resumes."""
        self._drop(CLOSE_TOO_SLOW, "too slow; resume from your last event id")

    def _drop(self, code: int, reason: str) -> None:
        """Close the socket with `code` in the background (never blocking a caller)."""
        self._open = False

        async def drop() -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(code, reason=reason), 5)

        self.runner.spawn(drop(), lambda code, message: asyncio.sleep(0))

    async def _relay(self, task_id: str, after: int, stop: asyncio.Event,
                     sub: Subscriber) -> None:
        """Join the task's feed, replay events after `after` from the stream (XRANGE), then
        send live events from the feed, each id once and in order. A read that keeps failing
        closes the socket with `CLOSE_SERVER_ERROR`."""
        try:
            await self._follow(task_id, after, stop, sub)
        except RedisError:
            log.exception("event relay of task %s failed; closing its socket", task_id)
            self._drop(CLOSE_SERVER_ERROR, "could not read the task's events; resume later")
        finally:
            self.relays.leave(task_id, sub)

    async def _follow(self, task_id: str, after: int, stop: asyncio.Event,
                      sub: Subscriber) -> None:
        await self.relays.join(task_id, sub)
        while not stop.is_set() and self._open:
            batch = await retrying(self.studio.events.read, task_id, after, count=100)
            for event in batch:
                await self.send_text(Frame.of(event).text, unless=stop)
                after = event.id
            if len(batch) < 100:
                break
        while not stop.is_set() and self._open:
            frames = await sub.next_frames()
            if not frames:
                break
            for frame in frames:
                if frame.id > after:
                    await self.send_text(frame.text, unless=stop)
                    after = frame.id

    def watching(self, task_id: str) -> bool:
        return task_id in self._relays

    async def close(self) -> None:
        """Stop every relay and wait for them to end (at most `RELAY_BLOCK_MS`)."""
        async with self._send_lock:
            self._open = False
        relays = list(self._relays.items())
        self._relays.clear()
        for task_id, relay in relays:
            relay.stop.set()
            self.relays.leave(task_id, relay.sub)
        await asyncio.gather(*(r.task for _, r in relays), return_exceptions=True)

    async def _own(self, task_id: str) -> None:
        """Check the user may use the task, and watch it (from now) if not watched yet."""
        await self.studio.get_task(task_id, self.user_id)
        if not self.watching(task_id):
            self.watch(task_id, await self.studio.events.last_id(task_id))

    async def _target(self, task_id: str | None) -> str:
        """The task a chat message, command, approval or cancel is for: `task_id` (checked),
        or a new task. Counts one message (and one task when it makes one) against the user's
        limits.

        Raises:
            RateLimited: over the user's message or task limit; nothing was started.
        """
        if task_id is None:
            await self.limits.hit("messages", self.user_id)
            await self.limits.hit("tasks", self.user_id)
            return await self._new_task()
        await self._own(task_id)
        await self.limits.hit("messages", self.user_id)
        return task_id

    async def _new_task(self) -> str:
        """Create a task and watch it from its first event (`task_created`)."""
        ctx = await self.studio.create_task(self.user_id)
        self.watch(ctx.task_id, 0)
        return ctx.task_id

    def _background(self, task_id: str, call: Coroutine[Any, Any, object]) -> None:
        async def report(code: str, message: str) -> None:
            await self.error(code, message, task_id)

        self.runner.spawn(call, report)

    async def handle(self, msg: ClientMessage) -> None:
        """Act on one parsed client message."""
        if isinstance(msg, Ping):
            await self.send(direct(events.pong()))
        elif isinstance(msg, Resume):
            await self.studio.get_task(msg.task_id, self.user_id)
            self.watch(msg.task_id, msg.last_event_id)
        elif isinstance(msg, ChatMessage):
            task_id = await self._target(msg.task_id)
            self._background(task_id, self.studio.chat(task_id, self.user_id, msg.message))
        elif isinstance(msg, Command):
            command_tool(msg.command)  # an unknown command creates no task
            task_id = await self._target(msg.task_id)
            self._background(task_id, self._command(task_id, msg))
        elif isinstance(msg, Approve):
            await self._target(msg.task_id)
            self._background(
                msg.task_id, self.studio.approve(msg.task_id, self.user_id, msg.approved)
            )
        elif isinstance(msg, Cancel):
            await self._target(msg.task_id)
            self._background(msg.task_id, self.studio.cancel(msg.task_id, self.user_id))
        elif isinstance(msg, Auth):
            await self.error("invalid_request", "this socket is signed in already")

    async def _command(self, task_id: str, msg: Command) -> None:
        result = await self.studio.command(task_id, self.user_id, msg.command, msg.params)
        await self.send(direct(events.command_result(msg.command, result), task_id))


async def _receive_text(ws: WebSocket) -> str | bytes | None:
    """The next frame's payload, or None when the client has gone."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    return text if text is not None else message.get("bytes", b"")


def _subprotocol(ws: WebSocket) -> str | None:
    """The subprotocol to select: `pixora` if offered, else the offered bearer one (a browser
    fails a socket whose server selects none of the offered subprotocols)."""
    offered = ws.scope.get("subprotocols") or []
    if SUBPROTOCOL in offered:
        return SUBPROTOCOL
    return next((p for p in offered if p.startswith(BEARER_SUBPROTOCOL)), None)


async def _sign_in(ws: WebSocket, studio: Studio) -> str:
    """The user id of an accepted socket: its token from the query or subprotocol, else from
    a first frame `{"type": "auth", "token"}` sent within `AUTH_WAIT_S`.

    Raises:
        AuthError: no token in time, or an invalid one.
    """
    token = request_token(ws)
    if token is None:
        try:
            raw = await asyncio.wait_for(_receive_text(ws), AUTH_WAIT_S)
            first = parse_frame(raw) if raw is not None else None
        except (TimeoutError, ProtocolError):
            first = None
        if not isinstance(first, Auth):
            raise AuthError("missing token: use ?token=, the pixora.bearer.<token> "
                            "subprotocol, or a first frame {\"type\": \"auth\", \"token\"}")
        token = first.token
    return verify_token(studio.settings, token)


async def chat_socket(ws: WebSocket) -> None:
    """The `/api/chat/ws` endpoint. Sign-in: see `_sign_in`. Query: `task_id` and
    `last_event_id` (optional: watch that task from the start, as `resume` does).

    Closes with 4401 for a missing or invalid token, 4403 when `task_id` belongs to another
    user, 4404 when it does not exist, 4429 when the user has too many sockets open and 1013
    when Redis could not be reached to count them.
    """
    studio: Studio = ws.app.state.studio
    runner: TaskRunner = ws.app.state.runner
    relays: RelayHub = ws.app.state.relays
    limits: RateLimits = ws.app.state.limits
    await ws.accept(subprotocol=_subprotocol(ws))
    try:
        user_id = await _sign_in(ws, studio)
    except AuthError as err:
        with contextlib.suppress(RuntimeError, OSError):  # the client may be gone already
            await ws.close(CLOSE_UNAUTHORIZED, reason=str(err)[:120])
        return
    conn = Connection(ws, studio, runner, user_id, relays, limits)
    try:
        async with limits.socket(user_id):
            if not await _watch_from_query(conn):
                return
            while conn.open and (raw := await _receive_text(ws)) is not None:
                await _dispatch(conn, raw)
    except RateLimited as err:
        await conn.error("rate_limited", str(err), retry_after_s=err.retry_after_s)
        with contextlib.suppress(RuntimeError, OSError):
            await ws.close(CLOSE_TOO_MANY_SOCKETS, reason="too many open sockets")
    except LimitsUnavailable as err:
        log.warning("socket of %s refused: %s", user_id, err)
        await conn.error("unavailable", "the server cannot open sockets right now (its "
                         "Redis is unreachable); try again in a few seconds")
        with contextlib.suppress(RuntimeError, OSError):
            await ws.close(CLOSE_TRY_AGAIN_LATER, reason="try again later")
    except WebSocketDisconnect:
        pass
    finally:
        await conn.close()
        if ws.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, OSError):
                await ws.close()


async def _watch_from_query(conn: Connection) -> bool:
    task_id = conn.ws.query_params.get("task_id")
    if not task_id:
        return True
    try:
        raw = conn.ws.query_params.get("last_event_id") or "0"
        after = int(raw) if raw.isdigit() and len(raw) <= 19 else -1
        if not 0 <= after <= MAX_EVENT_ID:
            raise ValueError(raw)
        await conn.studio.get_task(task_id, conn.user_id)
    except ValueError:
        await conn.ws.close(1008, reason=f"last_event_id must be an integer 0-{MAX_EVENT_ID}")
        return False
    except Forbidden:
        await conn.ws.close(CLOSE_FORBIDDEN, reason="forbidden")
        return False
    except TaskNotFound:
        await conn.ws.close(CLOSE_NOT_FOUND, reason="task_not_found")
        return False
    conn.watch(task_id, after)
    return True


async def _dispatch(conn: Connection, raw: str | bytes) -> None:
    try:
        msg = parse_frame(raw)
    except ProtocolError as err:
        await conn.error(err.code, err.message, err.task_id)
        return
    try:
        await conn.handle(msg)
    except RateLimited as exc:
        await conn.error("rate_limited", str(exc), getattr(msg, "task_id", None),
                         exc.retry_after_s)
    except Exception as exc:
        known = studio_error(exc)
        if known is None:
            log.exception("handling a %s frame failed", msg.type)
            known = ("internal_error", f"{type(exc).__name__}: the server could not do that")
        await conn.error(*known, getattr(msg, "task_id", None))
