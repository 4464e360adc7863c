"""Per-user limits, shared by every server process on one Redis: task creation and chat
messages (moving windows, the `limits` package on Pixora's own Redis pool), sign-ins per
client address, and open sockets per user (leases that expire when their process dies).

Rates are `limits` strings such as `"30/minute"` or `"5/second;100/hour"`
(settings `PIXORA_RATE_TASKS`, `PIXORA_RATE_MESSAGES`, `PIXORA_RATE_SIGN_IN`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from typing import Literal

import redis.asyncio as aioredis
from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from pixora.config import Settings
from pixora.context.redis import redis_url

log = logging.getLogger(__name__)

Kind = Literal["tasks", "messages", "sign_in"]
_WHAT: dict[Kind, str] = {"tasks": "new tasks", "messages": "messages", "sign_in": "sign-ins"}
KEY_PREFIX = "pixora:limits"
SOCKET_LEASE_S = 60.0
"""A socket's lease outlives its last renewal by this (s): a killed server's sockets stop
counting within it."""


class RateLimited(Exception):
    """Over a limit; try again after `retry_after_s` seconds."""

    def __init__(self, what: str, retry_after_s: int) -> None:
        super().__init__(f"too many {what}; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class LimitsUnavailable(Exception):
    """The limits' Redis could not be reached, so nothing could be counted; try again later."""


def storage_uri(url: str) -> str:
    """The `limits` storage URI of a redis-py URL (`redis://`, `rediss://`, `unix://`)."""
    if url.startswith("unix://"):
        return "async+redis+unix://" + url.removeprefix("unix://")
    return "async+" + url


def _socket_key(user_id: str) -> str:
    return f"{KEY_PREFIX}:sockets:{user_id}"


class RateLimits:
    """The limits of `settings`, counted in the Redis `redis` talks to."""

    def __init__(self, settings: Settings, redis: aioredis.Redis) -> None:
        storage = RedisStorage(storage_uri(redis_url(settings)), implementation="redispy",
                               key_prefix=KEY_PREFIX, connection_pool=redis.connection_pool)
        self._limiter = MovingWindowRateLimiter(storage)
        self._redis = redis
        self._rates: dict[Kind, list[RateLimitItem]] = {
            "tasks": parse_many(settings.rate_tasks),
            "messages": parse_many(settings.rate_messages),
            "sign_in": parse_many(settings.rate_sign_in),
        }
        self.max_sockets = settings.max_sockets

    async def hit(self, kind: Kind, who: str) -> None:
        """Count one `kind` action of `who` (a user id, or an address for `sign_in`).

        Raises:
            RateLimited: `who` is over one of the `kind` rates (a refused action is not
                counted by that rate, but is by the rates of `kind` checked before it).
        """
        for rate in self._rates[kind]:
            if not await self._limiter.hit(rate, kind, who):
                stats = await self._limiter.get_window_stats(rate, kind, who)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise RateLimited(_WHAT[kind], wait)

    @contextlib.asynccontextmanager
    async def socket(self, user_id: str) -> AsyncIterator[None]:
        """Hold one of the user's `max_sockets` socket slots for the body, renewing its lease.
        A slot Redis cannot release at the end is left to expire (`SOCKET_LEASE_S`).

        Raises:
            RateLimited: the user has `max_sockets` open already.
            LimitsUnavailable: Redis failed while taking the slot; the body did not run.
        """
        key, slot = _socket_key(user_id), uuid.uuid4().hex
        try:
            await self._take(key, slot)
        except RedisError as err:
            raise LimitsUnavailable(f"could not take a socket slot: {err}") from err
        stop = asyncio.Event()
        renewing = asyncio.create_task(self._renew(key, slot, stop))
        try:
            yield
        finally:
            stop.set()
            await renewing
            try:
                await self._redis.zrem(key, slot)
            except RedisError as err:
                log.warning("socket slot of %s left to expire: %s", user_id, err)

    async def _take(self, key: str, slot: str) -> None:
        """Add `slot` to the sockets of `key`, dropping expired ones.

        Raises:
            RateLimited: that made more than `max_sockets` (the slot is taken back).
            RedisError: Redis failed.
        """
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zadd(key, {slot: now + SOCKET_LEASE_S})
            pipe.zcard(key)
            pipe.expire(key, math.ceil(SOCKET_LEASE_S))
            count = (await pipe.execute())[2]
        if count > self.max_sockets:
            await self._redis.zrem(key, slot)
            raise RateLimited("open sockets", math.ceil(SOCKET_LEASE_S / 4))

    async def _renew(self, key: str, slot: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SOCKET_LEASE_S / 3)
                return
            with contextlib.suppress(RedisError):
                await self._redis.zadd(key, {slot: time.time() + SOCKET_LEASE_S})
                await self._redis.expire(key, math.ceil(SOCKET_LEASE_S))
