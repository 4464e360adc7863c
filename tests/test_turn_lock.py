"""The turn lock: renewed while its holder lives, freed within its TTL when the holder is
killed, and a chat that waits for it says so (`queued`) instead of staying silent."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from server_live import client, live_server, of_type

from pixora.config import Settings
from pixora.context import keys
from pixora.context.turn_lock import TURN_TTL_S, TurnBusy, turn_lock
from pixora.server.auth import issue_token
from pixora.studio import Studio

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import asyncio, sys
import redis.asyncio as aioredis
from pixora.context.turn_lock import turn_lock

async def main() -> None:
    async with turn_lock(aioredis.from_url(sys.argv[1]), sys.argv[2]):
        print("held", flush=True)
        await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.timeout(30)
async def test_heartbeat_keeps_the_lock_past_its_ttl(redis: aioredis.Redis) -> None:
    key = keys.task_turn("t1")
    async with turn_lock(redis, "t1", ttl_s=1.0):
        await asyncio.sleep(2.5)
        assert 0 < await redis.pttl(key) <= 1000
        with pytest.raises(TurnBusy):
            async with turn_lock(redis, "t1", ttl_s=1.0, wait_s=0.3):
                pytest.fail("a second holder got the lock")
    assert await redis.exists(key) == 0


@pytest.mark.timeout(30)
async def test_a_waiter_is_told_and_runs_after_the_holder(redis: aioredis.Redis) -> None:
    order: list[str] = []

    async def waiting() -> None:
        order.append("queued")

    async def second() -> None:
        async with turn_lock(redis, "t2", on_wait=waiting):
            order.append("second")

    async with turn_lock(redis, "t2", on_wait=waiting):
        waiter = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        order.append("first done")
    await asyncio.wait_for(waiter, 5)
    assert order == ["queued", "first done", "second"]


@pytest.mark.slow
@pytest.mark.timeout(90)
async def test_a_killed_holder_frees_the_task_within_30_s(
    settings: Settings, studio: Studio, redis_server_url: str, redis: aioredis.Redis
) -> None:
    task = await studio.create_task("alice")
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, redis_server_url, task.task_id,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert holder.stdout is not None
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        assert await redis.exists(keys.task_turn(task.task_id)) == 1
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        await holder.wait()
    killed = time.monotonic()
    token = issue_token(settings, "alice")
    async with live_server(studio) as address, client(address, token) as c:
        await c.send({"message": "A 10 second video about owls", "task_id": task.task_id})
        queued = await c.until(of_type("queued", waiting_for="turn"), timeout=10)
        assert queued["task_id"] == task.task_id and isinstance(queued["id"], int)
        await c.until(of_type("agent_message"), timeout=45)
    answered = time.monotonic() - killed
    print(f"\nchat answered {answered:.1f} s after the lock holder was killed "
          f"(TTL {TURN_TTL_S:g} s)")
    assert answered < 30
