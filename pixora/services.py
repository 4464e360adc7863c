"""The long-lived services one Pixora process shares: Redis, the task store, the event
stream, storage and the media providers."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from pixora.config import Settings
from pixora.context.events import EventStream
from pixora.context.redis import connect
from pixora.context.store import TaskStore
from pixora.providers import Providers, describe_providers, select_providers
from pixora.storage.base import Storage


def select_storage(settings: Settings) -> Storage:
    """The storage `describe_providers` chose: Supabase Storage, or local files under
    `settings.tasks_dir`.

    Raises:
        ConfigError: `PIXORA_STORAGE_PROVIDER=supabase` without `SUPABASE_URL` and `SUPABASE_KEY`.
    """
    choice = next(i for i in describe_providers(settings) if i.capability == "storage")
    if choice.provider == "supabase":
        from pixora.storage.supabase import SupabaseStorage
        return SupabaseStorage(settings)
    from pixora.storage.local import LocalStorage
    return LocalStorage(settings.tasks_dir)


@dataclass
class Services:
    settings: Settings
    redis: aioredis.Redis
    store: TaskStore
    events: EventStream
    providers: Providers
    storage: Storage

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
            storage=select_storage(settings),
        )

    async def close(self) -> None:
        await self.redis.aclose()
