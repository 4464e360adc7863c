"""Per-user limits over real sockets: messages, task creation, open sockets and sign-ins; a
user over a limit gets `rate_limited`, another user does not, and the count is shared by two
server processes on one Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from pydantic import SecretStr
from redis.exceptions import ConnectionError as RedisConnectionError
from server_live import Client, client, free_port, live_server, of_type, wait_until_up
from websockets.exceptions import ConnectionClosed

from pixora.config import ConfigError, Settings, load_settings
from pixora.context import keys
from pixora.server import app as app_module
from pixora.server.auth import issue_token
from pixora.server.ratelimit import KEY_PREFIX, RateLimits
from pixora.server.ws import CLOSE_TOO_MANY_SOCKETS, CLOSE_TRY_AGAIN_LATER
from pixora.studio import Studio

pytestmark = pytest.mark.timeout(90)
ROOT = Path(__file__).resolve().parent.parent
SECRET = "rate-limit-test-secret-0123456789abcdef"


@contextlib.asynccontextmanager
async def limited(studio: Studio, **rates: object) -> AsyncIterator[str]:
    studio.settings = studio.settings.model_copy(update=rates)
    async with live_server(studio) as address:
        yield address


async def _command(c: Client, task_id: str) -> dict:
    """One counted message: a command with bad params (answered quickly, runs nothing)."""
    await c.send({"type": "command", "task_id": task_id, "command": "update_scene",
                  "params": {}})
    return await c.until(lambda m: m["type"] in ("error", "command_result"), timeout=20)


def test_rates_are_checked_at_startup() -> None:
    with pytest.raises(ConfigError, match="PIXORA_RATE_MESSAGES"):
        load_settings(rate_messages="lots")


async def test_messages_over_the_limit_are_refused_per_user(
    settings: Settings, studio: Studio, redis: aioredis.Redis
) -> None:
    mine = await studio.create_task("alice")
    theirs = await studio.create_task("bob")
    async with limited(studio, rate_messages="3/minute") as address, \
            client(address, issue_token(settings, "alice")) as alice, \
            client(address, issue_token(settings, "bob")) as bob:
        codes = [(await _command(alice, mine.task_id))["data"].get("code") for _ in range(4)]
        assert codes == ["invalid_request"] * 3 + ["rate_limited"]
        refused = alice.received[-1]
        assert refused["id"] is None and refused["task_id"] == mine.task_id
        assert 1 <= refused["data"]["retry_after_s"] <= 60
        assert (await _command(bob, theirs.task_id))["data"]["code"] == "invalid_request"
        await alice.send({"type": "ping"})  # the socket stays
        assert (await alice.until(of_type("pong")))["type"] == "pong"
    calls = [e for e in await studio.events.read(mine.task_id) if e.type == "tool_call"]
    assert len(calls) == 3  # the refused message ran nothing


async def test_approve_and_cancel_count_as_messages(
    settings: Settings, studio: Studio, redis: aioredis.Redis
) -> None:
    task = await studio.create_task("alice")
    approve = {"type": "approve", "task_id": task.task_id}
    cancel = {"type": "cancel", "task_id": task.task_id}
    async with limited(studio, rate_messages="3/minute") as address, \
            client(address, issue_token(settings, "alice")) as alice:
        await alice.send(approve)  # runs: there is no breakdown to approve yet
        assert (await alice.until(of_type("error")))["data"]["code"] == "invalid_request"
        await alice.send(cancel)  # runs: the task says it was cancelled
        await alice.until(of_type("progress_update", stage="cancelled"))
        assert (await _command(alice, task.task_id))["data"]["code"] == "invalid_request"
        for frame in [approve, cancel]:  # the 4th and 5th messages of the minute
            await alice.send(frame)
            refused = await alice.until(of_type("error"))
            assert refused["data"]["code"] == "rate_limited"
            assert refused["task_id"] == task.task_id and refused["data"]["retry_after_s"] >= 1
    cancelled = [e for e in await studio.events.read(task.task_id)
                 if e.type == "progress_update" and e.data["stage"] == "cancelled"]
    assert len(cancelled) == 1  # the refused cancel ran nothing


async def test_task_creation_over_the_limit_creates_nothing(
    settings: Settings, studio: Studio, redis: aioredis.Redis
) -> None:
    async with limited(studio, rate_tasks="2/minute") as address, \
            client(address, issue_token(settings, "alice")) as alice:
        for _ in range(2):
            await alice.send({"type": "command", "command": "update_scene", "params": {}})
            await alice.until(of_type("task_created"))
        await alice.send({"type": "command", "command": "update_scene", "params": {}})
        refused = await alice.until(of_type("error", code="rate_limited"))
        assert refused["data"]["retry_after_s"] >= 1
    assert await redis.zcard(keys.user_tasks("alice")) == 2


async def test_open_sockets_per_user(settings: Settings, studio: Studio) -> None:
    alice, bob = issue_token(settings, "alice"), issue_token(settings, "bob")
    async with limited(studio, max_sockets=2) as address, \
            client(address, alice) as first, client(address, alice) as second:
        for c in [first, second]:  # answered: each socket holds its slot
            await c.send({"type": "ping"})
            assert (await c.recv(10))["type"] == "pong"
        async with client(address, alice) as third:
            refused = await third.recv(10)
            assert refused["data"]["code"] == "rate_limited" and refused["data"]["retry_after_s"]
            with pytest.raises(ConnectionClosed) as closed:
                await third.recv(10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == CLOSE_TOO_MANY_SOCKETS
        async with client(address, bob) as other:
            await other.send({"type": "ping"})
            assert (await other.recv(10))["type"] == "pong"
        await first.ws.close()
        await asyncio.sleep(0.5)
        async with client(address, alice) as again:  # a closed socket frees its slot
            await again.send({"type": "ping"})
            assert (await again.recv(10))["type"] == "pong"


def _limits_on(monkeypatch: pytest.MonkeyPatch, redis: aioredis.Redis) -> None:
    """Servers started from now count their limits in `redis`."""
    monkeypatch.setattr(app_module, "RateLimits",
                        lambda settings, _: RateLimits(settings, redis))


def _server_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("pixora") and r.levelno >= level]


async def test_unreachable_redis_refuses_a_socket_cleanly(
    settings: Settings, studio: Studio, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = aioredis.from_url(f"redis://127.0.0.1:{free_port()}")  # nothing listens there
    _limits_on(monkeypatch, down)
    try:
        async with live_server(studio) as address, \
                client(address, issue_token(settings, "alice")) as c:
            refused = await c.recv(10)
            with pytest.raises(ConnectionClosed) as closed:
                await c.recv(10)
    finally:
        await down.aclose()
    assert refused["type"] == "error" and refused["data"]["code"] == "unavailable"
    assert "try again" in refused["data"]["message"]
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_TRY_AGAIN_LATER
    warned = _server_logs(caplog, logging.WARNING)
    assert [(r.levelno, r.exc_info) for r in warned] == [(logging.WARNING, None)], warned
    assert "could not take a socket slot" in warned[0].getMessage()


async def test_a_slot_redis_cannot_release_is_left_to_expire(
    settings: Settings, studio: Studio, redis: aioredis.Redis,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    flaky = aioredis.from_url(str(settings.redis_url))

    async def zrem(*args: object) -> int:
        raise RedisConnectionError("redis went away")

    monkeypatch.setattr(flaky, "zrem", zrem)
    _limits_on(monkeypatch, flaky)
    try:
        async with live_server(studio) as address:
            async with client(address, issue_token(settings, "alice")) as c:
                await c.send({"type": "ping"})
                assert (await c.recv(10))["type"] == "pong"
            for _ in range(100):
                if _server_logs(caplog, logging.WARNING):
                    break
                await asyncio.sleep(0.05)
    finally:
        await flaky.aclose()
    warned = _server_logs(caplog, logging.WARNING)
    assert [(r.levelno, r.exc_info) for r in warned] == [(logging.WARNING, None)], warned
    assert "left to expire" in warned[0].getMessage()
    assert await redis.zcard(f"{KEY_PREFIX}:sockets:alice") == 1  # until its lease ends


async def test_sign_in_over_the_limit_is_429(studio: Studio) -> None:
    async with limited(studio, rate_sign_in="2/minute") as address, \
            httpx.AsyncClient(base_url=f"http://{address}") as http:
        codes = [(await http.post("/api/auth/token", json={"username": "alice"})).status_code
                 for _ in range(2)]
        refused = await http.post("/api/auth/token", json={"username": "alice"})
    assert codes == [200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"



@contextlib.contextmanager
def _server_process(settings: Settings, port: int, log: Path) -> Iterator[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIXORA_DATA_DIR": str(settings.data_dir),
           "REDIS_URL": str(settings.redis_url), "PIXORA_MODEL": "offline",
           "PIXORA_IMAGE_PROVIDER": "local", "PIXORA_MOTION_PROVIDER": "local",
           "PIXORA_SPEECH_PROVIDER": "local", "PIXORA_MUSIC_PROVIDER": "local",
           "PIXORA_STORAGE_PROVIDER": "local", "PIXORA_JWT_SECRET": SECRET,
           "PIXORA_RATE_MESSAGES": "4/minute"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pixora.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()



@pytest.mark.slow
async def test_the_limit_holds_across_two_server_processes(
    settings: Settings, studio: Studio, redis: aioredis.Redis, tmp_path: Path
) -> None:
    task = await studio.create_task("alice")
    studio.settings = studio.settings.model_copy(update={"jwt_secret": SecretStr(SECRET)})
    token = issue_token(studio.settings, "alice")
    port = free_port()
    with _server_process(studio.settings, port, tmp_path / "server.log"):
        await wait_until_up(f"127.0.0.1:{port}")
        async with limited(studio, rate_messages="4/minute") as here, \
                client(here, token) as a, client(f"127.0.0.1:{port}", token) as b:
            answers = []
            for c in [a, b, a, b, a, b]:
                answers.append((await _command(c, task.task_id))["data"]["code"])
    assert answers == ["invalid_request"] * 4 + ["rate_limited"] * 2, answers
