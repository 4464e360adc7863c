"""Time to the first streamed token: through the server vs the Studio's own, side by side.

Both paths run the same chat turn with the offline director (video agent, handoff, scene
breakdown tool, streamed reply) on a new task, against the same Redis:

- studio: in this process, `Studio.create_task` + `Studio.chat`; the clock stops when the
  first `token` event is appended to the task stream (the event's own `ts`), i.e. the
  model's first token as the Studio produces it.
- server: `python -m pixora.server` in a subprocess; a WebSocket client sends the prompt
  with no task id; the clock stops when the first `token` frame arrives.

The difference (server - studio) is what the server adds: frame parsing, auth context, task
creation round trip, subscription and the relay hop. Target: within 20 ms (median).
Figures are appended to bench/RESULTS.md, section "First token through the server".

Run: .venv/bin/python bench/first_token.py [--trials 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

from pixora.config import Settings, load_settings
from pixora.context.redis import embedded_url
from pixora.server.auth import issue_token
from pixora.studio import Studio

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## First token through the server"
PROMPTS = [
    "Make a 12 second cinematic video about lighthouses at night",
    "A 15 second documentary video about honeybees",
    "Make a 10 second playful video about paper boats",
    "A 20 second inspiring video about mountain rivers",
]
LOCAL = {
    "PIXORA_MODEL": "offline", "PIXORA_IMAGE_PROVIDER": "local",
    "PIXORA_MOTION_PROVIDER": "local", "PIXORA_SPEECH_PROVIDER": "local",
    "PIXORA_MUSIC_PROVIDER": "local", "PIXORA_STORAGE_PROVIDER": "local",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def studio_first_token(studio: Studio, prompt: str) -> float:
    """Seconds from the start of the turn to the first token's append."""
    t0 = time.time()
    task = await studio.create_task("bench")
    turn = asyncio.create_task(studio.chat(task.task_id, "bench", prompt))
    try:
        async for event in studio.events.follow(task.task_id, 0, block_ms=1000):
            if event.type == "token":
                return event.ts - t0
    finally:
        await turn
    raise RuntimeError("the turn streamed no token")


async def server_first_token(address: str, token: str, prompt: str) -> tuple[float, float]:
    """Seconds from sending the prompt to receiving the first token frame, and the relay
    hop (frame arrival minus the event's append time)."""
    async with connect(f"ws://{address}/api/chat/ws?token={token}") as ws:
        t0 = time.time()
        await ws.send(json.dumps({"message": prompt}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "token":
                t1 = time.time()
                first = (t1 - t0, t1 - message["ts"])
                break
        while json.loads(await ws.recv())["type"] != "agent_message":
            pass
        return first


async def _wait_for_server(address: str, proc: subprocess.Popen[bytes]) -> None:
    host, port = address.split(":")
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            _, writer = await asyncio.open_connection(host, int(port))
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


async def run(trials: int) -> dict[str, list[float]]:
    work = Path(tempfile.mkdtemp(prefix="pixora-bench-"))
    redis_url = embedded_url(work / "redis")
    secret = secrets.token_hex(32)  # the server and this client sign with the same secret
    env = {**os.environ, **LOCAL, "PIXORA_DATA_DIR": str(work / "data"), "REDIS_URL": redis_url,
           "PIXORA_JWT_SECRET": secret}
    settings: Settings = load_settings(
        data_dir=work / "data", redis_url=redis_url, model="offline", image_provider="local",
        motion_provider="local", speech_provider="local", music_provider="local",
        storage_provider="local", jwt_secret=secret,
    )
    address = f"127.0.0.1:{_free_port()}"
    host, port = address.split(":")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixora.server", "--host", host, "--port", port],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    studio = await Studio.open(settings)
    figures: dict[str, list[float]] = {"studio": [], "server": [], "relay": []}
    try:
        await _wait_for_server(address, proc)
        token = issue_token(settings, "bench")
        # One warm-up turn each (imports, Piper-free: chat only), then alternate.
        await studio_first_token(studio, PROMPTS[0])
        await server_first_token(address, token, PROMPTS[0])
        for i in range(trials):
            prompt = PROMPTS[i % len(PROMPTS)]
            figures["studio"].append(await studio_first_token(studio, prompt))
            total, relay = await server_first_token(address, token, prompt)
            figures["server"].append(total)
            figures["relay"].append(relay)
    finally:
        await studio.close()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    return figures


def report(figures: dict[str, list[float]], trials: int) -> str:
    med = {k: statistics.median(v) * 1000 for k, v in figures.items()}
    diff = med["server"] - med["studio"]
    verdict = "within" if diff <= 20 else "over"
    return "\n".join([
        SECTION,
        "",
        f"`.venv/bin/python bench/first_token.py --trials {trials}` on {platform.machine()}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end), Python "
        f"{platform.python_version()}, offline director, {time.strftime('%Y-%m-%d')}. "
        f"Medians of {trials} turns, each on a new task.",
        "",
        "| path | first token (ms) |",
        "|---|---|",
        f"| Studio in process (model's first token appended) | {med['studio']:.1f} |",
        f"| through the server (WebSocket send to first token frame) | {med['server']:.1f} |",
        f"| difference, server - studio | {diff:+.1f} ({verdict} the 20 ms target) |",
        f"| of which relay hop (append to frame arrival) | {med['relay']:.1f} |",
        "",
    ])


def write_section(text: str) -> None:
    """Replace this benchmark's section of RESULTS.md (or append it); others stay as they are."""
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = old.find(SECTION)
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(SECTION))
        new = old[:start] + text + (old[end + 1:] if end != -1 else "")
    RESULTS.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=7)
    args = parser.parse_args()
    text = report(asyncio.run(run(args.trials)), args.trials)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
