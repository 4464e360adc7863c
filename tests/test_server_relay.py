"""Relays over real sockets: many watchers of one task get every event once, in order, as
stored; under a failing Redis a read that fails is retried, and one that keeps failing (a
socket's replay or the task's live feed) closes the socket with 1011 (never a silent, dead
relay)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from server_live import client, live_server
from websockets.exceptions import ConnectionClosed

from pixora.config import Settings
from pixora.context import events as ev
from pixora.server.auth import issue_token
from pixora.server.ws import CLOSE_SERVER_ERROR
from pixora.studio import Studio

pytestmark = pytest.mark.timeout(60)


def _failing_reads(studio: Studio, monkeypatch: pytest.MonkeyPatch, failures: int,
                   method: str = "read") -> list[int]:
    """Make the next `failures` stream reads (`read`: a socket's replay, `wait`: the task's
    live feed) raise a Redis error; return the attempts count."""
    real = getattr(studio.events, method)
    attempts = [0]

    async def read(*args: Any, **kwargs: Any) -> Any:
        attempts[0] += 1
        if attempts[0] <= failures:
            raise RedisConnectionError("redis went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(studio.events, method, read)
    return attempts


async def test_relay_retries_a_failed_read(
    settings: Settings, studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = await studio.create_task("alice")
    await studio.events.append(task.task_id, ev.token("hello"))
    attempts = _failing_reads(studio, monkeypatch, failures=2)
    token = issue_token(settings, "alice")
    async with live_server(studio) as address, \
            client(address, token, f"&task_id={task.task_id}") as c:
        assert [(await c.recv(10))["id"] for _ in range(2)] == [1, 2]
        await studio.events.append(task.task_id, ev.token("live"))
        assert (await c.recv(10))["content"] == "live"
    assert attempts[0] >= 3


async def test_many_watchers_get_every_event_once_in_order(
    settings: Settings, studio: Studio
) -> None:
    task = await studio.create_task("alice")
    token = issue_token(settings, "alice")
    async with live_server(studio) as address, contextlib.AsyncExitStack() as stack:
        watchers = [await stack.enter_async_context(
            client(address, token, f"&task_id={task.task_id}")) for _ in range(20)]
        for w in watchers:  # each replayed the first event, so each is on the live feed
            assert (await w.recv(10))["type"] == "task_created"
        for i in range(50):  # in bursts, so that frames queue up behind each socket
            await studio.events.append(task.task_id, ev.progress_update(2 * i, "bench", "x"))
            if i % 10 == 9:
                await asyncio.sleep(0.05)
        stored = [e.model_dump(mode="json") for e in await studio.events.read(task.task_id)]
        for w in watchers:
            while len(w.received) < len(stored):
                await w.recv(10)
            assert w.received == stored


@pytest.mark.parametrize("method", ["read", "wait"])
async def test_relay_that_keeps_failing_closes_1011(
    settings: Settings, studio: Studio, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    task = await studio.create_task("alice")
    _failing_reads(studio, monkeypatch, failures=10**6, method=method)
    token = issue_token(settings, "alice")
    async with live_server(studio) as address:
        async with client(address, token, f"&task_id={task.task_id}") as c:
            with pytest.raises(ConnectionClosed) as closed:
                while True:  # the replay gets through when only the live feed fails
                    await asyncio.wait_for(c.ws.recv(), 20)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == CLOSE_SERVER_ERROR
        async with client(address, token) as other:  # the server itself is fine
            await other.send({"type": "ping"})
            assert (await other.recv(10))["type"] == "pong"


@pytest.mark.parametrize("last", ["18446744073709551616", "-1", "1e3", "9" * 5000])
async def test_query_last_event_id_out_of_range_closes_1008(
    settings: Settings, studio: Studio, last: str
) -> None:
    task = await studio.create_task("alice")
    token = issue_token(settings, "alice")
    query = f"&task_id={task.task_id}&last_event_id={last}"
    async with live_server(studio) as address, client(address, token, query) as c:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(c.ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
