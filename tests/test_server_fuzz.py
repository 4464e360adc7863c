"""Seeded, bounded fuzzing of the live server.

WebSocket: `FRAMES` hostile frames over one socket (random bytes, invalid UTF-8, deep JSON,
huge numbers, wrong types, unknown types, out-of-range indexes, hostile resume ids), with a
`ping` every `PING_EVERY` frames that must be answered within `PONG_WAIT_S`. Afterwards the
same socket chats normally, a replay of the task from 0 returns every event, the server logged
no traceback, and Redis memory and process RSS growth are printed.

HTTP: hostile requests to the token, REST and files endpoints; none may answer 500.

`PIXORA_FUZZ_SEED` picks the seed (default 1234). Every wait has a timeout, so a stuck server
fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psutil
import pytest
import redis.asyncio as aioredis
from server_live import client, live_server

from pixora.config import Settings
from pixora.server.auth import issue_token
from pixora.studio import Studio

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
SEED = int(os.environ.get("PIXORA_FUZZ_SEED", "1234"))
FRAMES = 10_000
PING_EVERY = 100
PONG_WAIT_S = 15.0
HTTP_REQUESTS = 1500
HTTP_CONCURRENCY = 32
"""Requests in flight at once (each request with a body waits ~40 ms on loopback for a
delayed ACK, so one at a time would take a minute)."""

Gen = Callable[[random.Random, str], str | bytes]


def _junk_text(rng: random.Random, n: int) -> str:
    alphabet = "ab{}[]\":,\\ \n\t0123456789-+.eE\u00e9\u2603\U0001f600nulltruefalse"
    return "".join(rng.choice(alphabet) for _ in range(n))


def _deep(rng: random.Random, _task: str) -> str:
    depth = rng.choice([15, 16, 17, 40, 1000, 30_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    inner = opener * depth + "1" + closer * depth
    return inner if rng.random() < 0.3 else '{"type": "resume", "x": ' + inner + "}"


def _number(rng: random.Random, task: str) -> str:
    digits = "9" * rng.choice([20, 33, 4300, 5000, 20_000])
    body = rng.choice([
        f'{{"type": "resume", "task_id": "{task}", "last_event_id": {digits}}}',
        f'{{"type": "command", "task_id": "{task}", "command": "update_scene", '
        f'"params": {{"scene_index": {digits}}}}}',
        f'{{"type": "resume", "n": -{digits}.5e99999}}',
        '{"type": "resume", "n": ' + rng.choice(["NaN", "Infinity", "-Infinity", "1e400"]) + "}",
    ])
    return body


def _wrong_types(rng: random.Random, task: str) -> str:
    values: list[Any] = [None, True, 0, -1, 2**64, 1.5, "", "x" * 100, [], {}, [1, "a"],
                         {"k": [None]}]
    kind = rng.choice(["chat_message", "command", "approve", "cancel", "resume", "auth", None])
    frame: dict[str, Any] = {"type": kind} if kind else {}
    for key in rng.sample(["message", "task_id", "command", "params", "approved",
                           "last_event_id", "token"], rng.randint(1, 4)):
        frame[key] = rng.choice(values)
    return json.dumps(frame)


def _unknown(rng: random.Random, _task: str) -> str:
    kind = rng.choice(["teleport", "", "PING", "ping ", "chat", "__proto__", "x" * 200])
    return json.dumps({"type": kind, "task_id": "t" * rng.randint(0, 80)})


def _indexes(rng: random.Random, task: str) -> str:
    index = rng.choice(["-1", "0", "1000000", str(-(2**63)), str(2**63 - 1), "3", "1e400",
                        "-0.0", "1e-400", "[]", '"2"'])
    command = rng.choice(["update_scene", "regenerate_scene", "launch_rocket"])
    return (f'{{"type": "command", "task_id": "{task}", "command": "{command}", '
            f'"params": {{"scene_index": {index}, "new_content": "x"}}}}')


def _resume(rng: random.Random, task: str) -> str:
    last: Any = rng.choice([-1, 2**64, 2**63, "abc", 1e308, None, [], 2**63 - 1])
    target = rng.choice([task, "nope", "", "../" * 10, "t" * 65])
    return json.dumps({"type": "resume", "task_id": target, "last_event_id": last})


def _random_bytes(rng: random.Random, _task: str) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))


def _invalid_utf8(rng: random.Random, _task: str) -> bytes:
    return b'{"type": "chat_message", "message": "' + rng.choice(
        [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]) + b'"}'


def _junk(rng: random.Random, _task: str) -> str:
    return _junk_text(rng, rng.randint(0, 200))


def _big(rng: random.Random, task: str) -> str:
    size = rng.choice([20_001, 30_000, 70_000])
    return json.dumps({"message": "m" * size, "task_id": task})


def _other_users(rng: random.Random, _task: str) -> str:
    kind = rng.choice(["approve", "cancel", "resume", "chat_message"])
    return json.dumps({"type": kind, "task_id": "not-a-task-" + str(rng.randint(0, 9)),
                       "message": "hi"})


GENERATORS: list[tuple[Gen, int]] = [
    (_random_bytes, 14), (_invalid_utf8, 6), (_junk, 14), (_deep, 10), (_number, 10),
    (_wrong_types, 20), (_unknown, 8), (_indexes, 3), (_resume, 8), (_big, 2),
    (_other_users, 5),
]


@contextmanager
def _captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Every warning-or-worse record of the server (root and uvicorn loggers)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    loggers = [logging.getLogger(), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _tracebacks(records: list[logging.LogRecord]) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in records
            if r.exc_info is not None or r.levelno >= logging.ERROR]


async def _redis_memory(url: str) -> int:
    raw = aioredis.from_url(url)
    try:
        return int((await raw.info("memory"))["used_memory"])
    finally:
        await raw.aclose()


async def test_websocket_fuzz(
    settings: Settings, studio: Studio, redis_server_url: str, redis: aioredis.Redis
) -> None:
    rng = random.Random(SEED)
    studio.settings = studio.settings.model_copy(update={"rate_messages": "100000/minute"})
    task = await studio.create_task("alice")
    token = issue_token(settings, "alice")
    generators, weights = zip(*GENERATORS, strict=True)
    me = psutil.Process()
    rss_before, redis_before = me.memory_info().rss, await _redis_memory(redis_server_url)
    started = time.monotonic()
    with _captured_logs() as records:
        async with live_server(studio) as address, client(address, token) as c:
            # One reader for the socket's whole life (cancelling a websockets recv() while
            # its queue is full can leave the client's reading paused for good).
            pongs: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            others: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            replies: dict[tuple[str, str | None], int] = {}

            async def read() -> None:
                while True:
                    message = json.loads(await c.ws.recv())
                    kind = (message["type"], message["data"].get("code"))
                    replies[kind] = replies.get(kind, 0) + 1
                    (pongs if message["type"] == "pong" else others).put_nowait(message)

            reader = asyncio.create_task(read())
            try:
                for n in range(1, FRAMES + 1):
                    frame = rng.choices(generators, weights)[0](rng, task.task_id)
                    try:
                        await asyncio.wait_for(c.ws.send(frame), PONG_WAIT_S)
                    except TimeoutError:
                        pytest.fail(f"frame {n} not taken by the server (seed {SEED}): "
                                    f"{frame[:200]!r}")
                    if n % PING_EVERY == 0:
                        await c.ws.send('{"type": "ping"}')
                        try:
                            await asyncio.wait_for(pongs.get(), PONG_WAIT_S)
                        except TimeoutError:
                            pytest.fail(f"ping after frame {n} unanswered (seed {SEED})")
                fuzz_s = time.monotonic() - started
                assert not reader.done(), "the socket closed during the fuzz"
                assert replies[("pong", None)] == FRAMES // PING_EVERY
                # The same socket still works: a normal chat is answered.
                await c.send({"message": "A 10 second video about owls",
                               "task_id": task.task_id})
                while (await asyncio.wait_for(others.get(), 60))["type"] != "agent_message":
                    pass
            finally:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)
            last = await studio.events.last_id(task.task_id)
            async with client(address, token) as replay:
                await replay.send({"type": "resume", "task_id": task.task_id,
                                   "last_event_id": 0})
                ids = [(await replay.recv(15))["id"] for _ in range(last)]
            assert ids == list(range(1, last + 1))
    rss_growth = me.memory_info().rss - rss_before
    redis_growth = await _redis_memory(redis_server_url) - redis_before
    direct = sum(n for (kind, _), n in replies.items() if kind in ("error", "command_result"))
    replies.pop(("pong", None))
    print(f"\nws fuzz seed {SEED}: {FRAMES} frames + {FRAMES // PING_EVERY} pings in "
          f"{fuzz_s:.1f} s, {direct} direct answers, task events {last}; "
          f"RSS growth {rss_growth / 2**20:.1f} MiB, Redis memory growth "
          f"{redis_growth / 2**20:.2f} MiB\n{dict(sorted(replies.items(), key=str))}")
    # Every frame is answered except the few valid ones (a resume of the task, a chat
    # message), whose answer is stream events.
    assert direct >= FRAMES * 0.97
    assert _tracebacks(records) == []


def _http_case(rng: random.Random, task: str, token: str) -> tuple[str, str, dict[str, Any]]:
    """One hostile request: (method, path, httpx keyword arguments)."""
    auth = rng.choice([{"Authorization": f"Bearer {token}"}, {}, {"Authorization": "Bearer x"},
                       {"Authorization": "Basic " + "a" * 5000}])
    junk = rng.choice(["", "x", "9" * 5000, "-1", "²", "%00", "..", "a" * 3000, "0", "1",
                       "1e9", "[]", task])
    kind = rng.randrange(4)
    if kind == 0:
        bodies = [b"", b"{", b"[]", b'{"username": ' + b"9" * 5000 + b"}",
                  b'{"username": "' + b"a" * rng.choice([10, 300, 70_000]) + b'"}',
                  b'{"supabase_token": ' + b"[" * 3000 + b"]" * 3000 + b"}",
                  bytes(rng.getrandbits(8) for _ in range(100)),
                  json.dumps({"username": junk, "supabase_token": junk}).encode()]
        headers = rng.choice([{"Content-Type": "application/json"}, {"Content-Type": "text/plain"},
                              {}, {"Content-Type": "application/json", "Content-Length": "9" * 30}])
        if "Content-Length" in headers:
            headers = {"Content-Type": "application/json"}
        return "POST", "/api/auth/token", {"content": rng.choice(bodies), "headers": headers}
    if kind == 1:
        path = rng.choice([
            f"/api/tasks?limit={junk}", f"/api/tasks?cursor={junk}", f"/api/tasks/{junk}",
            f"/api/tasks/{task}/video?version={junk}",
            f"/api/tasks/{task}/thumbnail?version={junk}",
            f"/api/tasks/{task}/captions.{rng.choice(['srt', 'vtt', 'x', ''])}?version={junk}",
            "/api/me", f"/api/tasks/{junk}/video",
        ])
        return "GET", path, {"headers": auth}
    if kind == 2:
        key = "/".join(rng.choice([task, junk, "scene_1", "final", "v1.mp4", "..", "%2e%2e",
                                   "a" * 300, ".", "x.png"]) for _ in range(rng.randint(1, 6)))
        return "GET", f"/files/{key}", {"headers": auth, "params": {"token": junk}}
    method = rng.choice(["PUT", "DELETE", "PATCH", "POST", "GET"])
    path = rng.choice(["/api/tasks", f"/api/tasks/{task}", "/api/me", "/health", "/",
                       "/static/app.js", "/static/../pixora", f"/files/{task}/x"])
    return method, path, {"headers": auth, "content": junk.encode()}


async def test_http_fuzz(settings: Settings, studio: Studio) -> None:
    rng = random.Random(SEED)
    studio.settings = studio.settings.model_copy(update={"rate_sign_in": "100000/minute"})
    task = await studio.create_task("alice")
    token = issue_token(settings, "alice")
    statuses: dict[int, int] = {}
    failures: list[str] = []
    started = time.monotonic()
    with _captured_logs() as records:
        async with live_server(studio) as address, \
                httpx.AsyncClient(base_url=f"http://{address}", timeout=15) as http:
            cases = [_http_case(rng, task.task_id, token) for _ in range(HTTP_REQUESTS)]
            gate = asyncio.Semaphore(HTTP_CONCURRENCY)

            async def send(method: str, path: str, kwargs: dict[str, Any]) -> None:
                async with gate:
                    r = await http.request(method, path, **kwargs)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if r.status_code >= 500:
                    failures.append(f"{method} {path[:100]} -> {r.status_code}")

            await asyncio.wait_for(asyncio.gather(*(send(*case) for case in cases)), 120)
    print(f"\nhttp fuzz seed {SEED}: {HTTP_REQUESTS} requests in "
          f"{time.monotonic() - started:.1f} s, statuses {dict(sorted(statuses.items()))}")
    assert failures == []
    assert _tracebacks(records) == []
