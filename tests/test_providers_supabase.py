"""Supabase Storage through the supabase client (storage3), against a local server speaking
the Storage object API."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from providers_support import SUPABASE_KEY, assert_no_secret, provider_settings
from wire import Reply, SupabaseStorageServer

from pixora.services import select_storage
from pixora.storage.base import InvalidKey, key_for
from pixora.storage.supabase import StorageError, SupabaseStorage

KEY = key_for("task01", "video", name="1")
OBJECT = f"pixora/tasks/{KEY}"


@pytest.fixture
def server():
    with SupabaseStorageServer(SUPABASE_KEY) as s:
        yield s


def settings_for(server: SupabaseStorageServer, tmp_path: Path, **kw):
    return provider_settings(tmp_path, supabase_url=server.project_url,
                             supabase_key=SUPABASE_KEY, **kw)


async def test_publish_fetch_and_signed_url(server, tmp_path):
    storage = select_storage(settings_for(server, tmp_path))
    assert isinstance(storage, SupabaseStorage)
    local = storage.local_path(KEY)
    assert local == (tmp_path / "data" / "tasks" / KEY).resolve()
    local.write_bytes(b"first render")
    await storage.publish(KEY)
    assert server.objects[OBJECT] == b"first render"
    (upload,) = server.hits("POST /storage/v1/object/pixora/tasks/")
    assert "video/mp4" in upload.body.decode(errors="replace")

    local.write_bytes(b"second render")
    await storage.publish(KEY)
    assert server.objects[OBJECT] == b"second render", "publishing again replaces the object"

    elsewhere = SupabaseStorage(settings_for(server, tmp_path), root=tmp_path / "other")
    fetched = await elsewhere.fetch(KEY)
    assert fetched.read_bytes() == b"second render"
    assert fetched == (tmp_path / "other" / KEY).resolve()

    url = await storage.url(KEY, expires_s=600)
    assert url.startswith(f"{server.base_url}/storage/v1/object/sign/{OBJECT}?token=")
    assert server.hits("POST /storage/v1/object/sign/")[0].json() == {"expiresIn": "600"}
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).content == b"second render"


async def test_missing_objects_and_bad_keys(server, tmp_path):
    storage = SupabaseStorage(settings_for(server, tmp_path))
    with pytest.raises(FileNotFoundError):
        await storage.fetch("task01/final/v9.mp4")
    with pytest.raises(FileNotFoundError):
        await storage.publish("task01/final/v9.mp4")
    with pytest.raises(InvalidKey):
        await storage.fetch("../etc/passwd")


async def test_429_is_retried_after_retry_after(server, tmp_path):
    storage = SupabaseStorage(settings_for(server, tmp_path))
    storage.local_path(KEY).write_bytes(b"x")
    server.fault("POST /storage/v1/object/pixora/",
                 Reply(429, {"statusCode": "429", "error": "too_many_requests",
                             "message": "slow down"}, {"Retry-After": "1"}))
    await storage.publish(KEY)
    first, second = server.hits("POST /storage/v1/object/pixora/")
    assert second.at - first.at >= 1.0 and server.objects[OBJECT] == b"x"


async def test_500_three_times_is_a_storage_error_without_the_key(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    storage = SupabaseStorage(settings_for(server, tmp_path))
    storage.local_path(KEY).write_bytes(b"x")
    leak = Reply(500, {"statusCode": "500", "error": "internal",
                       "message": f"apikey {SUPABASE_KEY} rejected"})
    server.fault("POST /storage/v1/object/pixora/", leak, leak, leak)
    with pytest.raises(StorageError, match="HTTP 500") as failed:
        await storage.publish(KEY)
    assert len(server.hits("POST /storage/v1/object/pixora/")) == 3
    assert_no_secret(str(failed.value), caplog.text)


async def test_timeout_is_retried(server, tmp_path):
    storage = SupabaseStorage(settings_for(server, tmp_path, provider_timeout_s=0.3))
    storage.local_path(KEY).write_bytes(b"x")
    server.fault("POST /storage/v1/object/sign/", Reply(200, {}, delay_s=2.0))
    await storage.publish(KEY)
    assert (await storage.url(KEY)).startswith(server.base_url)
    assert len(server.hits("POST /storage/v1/object/sign/")) == 2
