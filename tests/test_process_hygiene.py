"""Process hygiene, with real processes: `pixora serve` and `pixora worker` stop gracefully on
SIGTERM, and the embedded Redis server stops with the last Pixora process using it (not
before: another process still attached keeps it).

Not covered: a SIGTERM during start-up (before the Studio is open) can leave connections of the
half-started process open at exit, so Redis stays up; the next Pixora process attaches to it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
from server_live import free_port

from pixora.context import keys

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
ROOT = Path(__file__).resolve().parent.parent
ATTACH = """
import sys
from pathlib import Path
import redis
from pixora.context.redis import embedded_url

client = redis.Redis.from_url(embedded_url(Path(sys.argv[1])))
client.ping()
print("attached", flush=True)
sys.stdin.readline()
client.close()
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIXORA_DATA_DIR": str(data_dir),
           "PIXORA_MODEL": "offline", "PIXORA_STORAGE_PROVIDER": "local"}
    env.pop("REDIS_URL", None)
    env.pop("PIXORA_REDIS_URL", None)
    return env



def _redis_pid(data_dir: Path, timeout: float = 60) -> tuple[int, str]:
    """The embedded server's pid and socket, once it runs and answers."""
    registry = data_dir / "redis" / "pixora.rdb.settings"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            settings = json.loads(registry.read_text())
            pid = int(Path(settings["pidfile"]).read_text())
            with redis.Redis(unix_socket_path=settings["unixsocket"]) as client:
                client.ping()  # and disconnect: a connected client keeps the server up
            return pid, settings["unixsocket"]
        except (OSError, ValueError, KeyError, redis.RedisError):
            time.sleep(0.2)
    raise TimeoutError("the embedded Redis server did not start")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
        return stat.read().split()[2] != "Z"


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return False


def _command(kind: str, port: int = 0) -> list[str]:
    extra = ["--host", "127.0.0.1", "--port", str(port or free_port())] if kind == "serve" else []
    return [sys.executable, "-m", "pixora.cli", kind, *extra]


def _wait_ready(kind: str, port: int, sock: str, timeout: float = 60) -> None:
    """Until the server answers `/health` or the worker has beaten (SIGTERM during start-up
    is a different case: see the module docstring)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kind == "serve":
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    return
        else:
            with redis.Redis(unix_socket_path=sock) as client:
                if client.zcard(keys.WORKERS):
                    return
        time.sleep(0.2)
    raise TimeoutError(f"{kind} did not get ready")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


@pytest.mark.parametrize("kind", ["serve", "worker"])
def test_sigterm_stops_gracefully_and_takes_redis_along(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    log = tmp_path / f"{kind}.log"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(_command(kind, port), cwd=tmp_path, env=_env(data), stdout=out,
                                stderr=subprocess.STDOUT)
    redis_pid, sock = _redis_pid(data)
    _wait_ready(kind, port, sock)
    code = _stop(proc)
    text = log.read_text()
    assert code in (0, 130), text
    assert "Traceback" not in text, text
    if kind == "serve":
        assert "Application shutdown complete" in text
    assert _gone_within(redis_pid, 15), "the embedded Redis server outlived its process"


def test_redis_stays_while_another_process_uses_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as out:
        server = subprocess.Popen(_command("serve", port), cwd=tmp_path, env=_env(data),
                                  stdout=out, stderr=subprocess.STDOUT)
    redis_pid, sock = _redis_pid(data)
    _wait_ready("serve", port, sock)
    other = subprocess.Popen([sys.executable, "-c", ATTACH, str(data)], cwd=tmp_path,
                             env=_env(data), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert other.stdout is not None and other.stdout.readline() == b"attached\n"
        _stop(server)
        time.sleep(1)
        assert _alive(redis_pid), "the server stopped Redis while another process used it"
        with redis.Redis(unix_socket_path=sock) as client:
            assert client.ping()
    finally:
        assert other.stdin is not None
        other.stdin.write(b"\n")
        other.stdin.close()
        other.wait(30)
    assert _gone_within(redis_pid, 15), "Redis outlived the last process using it"
