"""The long-lived services one Pixora process shares: Redis, the task store, the event
stream, storage and the media providers."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from pixora.config import Settings
from pixora.context.events import EventStream
from pixora.context.redis import connect
from pixora.context.store import TaskStore
from pixora.media.registry import Providers, select_providers
from pixora.storage.base import Storage


@dataclass
class Services:
    settings: Settings
    redis: aioredis.Redis
    store: TaskStore
    events: EventStream
    providers: Providers

    @property
    def storage(self) -> Storage:
        return self.providers.storage

    @classmethod
    def open(cls, settings: Settings) -> Services:
        """Connect to Redis (starting the embedded server if needed) and select providers."""
        redis = connect(settings)
        return cls(
            settings=settings,
            redis=redis,
            store=TaskStore(redis),
            events=EventStream(redis),
            providers=select_providers(settings),
        )

    async def close(self) -> None:
        await self.redis.aclose()
