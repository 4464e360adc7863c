"""Helpers for server tests: a real uvicorn server on a free loopback port, tokens, and a
WebSocket client that collects events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from pixora.config import Settings
from pixora.server.app import create_app, server_config
from pixora.server.auth import issue_token
from pixora.studio import Studio


@contextlib.asynccontextmanager
async def live_server(studio: Studio) -> AsyncIterator[str]:
    """Serve `studio` with uvicorn on 127.0.0.1 and a free port; yield `host:port`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = server_config(create_app(studio), "127.0.0.1", port)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "server did not start"
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for a server started in another process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_until_up(address: str, timeout_s: float = 40.0) -> None:
    """Wait until `GET /health` on `host:port` answers 200.

    Raises:
        TimeoutError: it did not within `timeout_s`.
    """
    async with httpx.AsyncClient() as http:
        for _ in range(int(timeout_s * 10)):
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"http://{address}/health")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"server {address} did not start")


def token_for(settings: Settings, user_id: str) -> str:
    return issue_token(settings, user_id)


class Client:
    """A chat WebSocket client that keeps every message it receives."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        """Send a dict as JSON text, a str as text and bytes as a binary frame."""
        await self.ws.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def recv(self, timeout: float = 30.0) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.received.append(message)
        return message

    async def until(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 60.0
    ) -> dict[str, Any]:
        """Receive until a message satisfies `match`; return it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                seen = [m["type"] for m in self.received[-20:]]
                raise TimeoutError(f"no matching message; last seen: {seen}")
            message = await self.recv(left)
            if match(message):
                return message

    def events(self, task_id: str) -> list[dict[str, Any]]:
        """Stream events (those with an id) received for `task_id`."""
        return [m for m in self.received if m["id"] is not None and m["task_id"] == task_id]


@contextlib.asynccontextmanager
async def client(address: str, token: str, query: str = "") -> AsyncIterator[Client]:
    url = f"ws://{address}/api/chat/ws?token={token}{query}"
    async with connect(url, max_size=None) as ws:
        yield Client(ws)


def of_type(kind: str, **data: Any) -> Callable[[dict[str, Any]], bool]:
    """A matcher for messages of `kind` whose data has the given items."""

    def match(message: dict[str, Any]) -> bool:
        return message["type"] == kind and all(
            message.get("data", {}).get(k) == v for k, v in data.items()
        )

    return match


DOC = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"
_BLOCK = re.compile(r"^```json (client|server):(\w+)\n(.*?)\n```$", re.MULTILINE | re.DOTALL)
DIRECT_ONLY = {"pong", "command_result"}


def doc_examples(side: str) -> dict[str, list[dict[str, Any]]]:
    """The `client:TYPE` or `server:TYPE` example blocks of docs/protocol.md, by type."""
    found: dict[str, list[dict[str, Any]]] = {}
    for block_side, kind, body in _BLOCK.findall(DOC.read_text()):
        if block_side == side:
            found.setdefault(kind, []).append(json.loads(body))
    return found


def doc_violations(messages: list[dict[str, Any]]) -> list[str]:
    """How each server message departs from docs/protocol.md (empty when all conform)."""
    documented = doc_examples("server")
    problems = []
    for m in messages:
        examples = documented.get(m.get("type", ""))
        if not examples:
            problems.append(f"type {m.get('type')!r} is not documented")
            continue
        if set(m) != set(examples[0]):
            problems.append(f"{m['type']}: fields {sorted(m)} != {sorted(examples[0])}")
        allowed = set().union(*(e["data"] for e in examples))
        extra = set(m.get("data", {})) - allowed
        if extra:
            problems.append(f"{m['type']}: undocumented data fields {sorted(extra)}")
        if m["type"] in DIRECT_ONLY and m["id"] is not None:
            problems.append(f"{m['type']}: a direct message has id {m['id']}")
        if m["type"] not in DIRECT_ONLY | {"error"} and not isinstance(m["id"], int):
            problems.append(f"{m['type']}: a stream event has id {m['id']!r}")
    return sorted(set(problems))
