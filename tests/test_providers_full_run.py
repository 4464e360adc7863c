"""A whole offline-director run with every capability on a cloud provider, each a local server
speaking that API's wire format: the MP4 comes out and every asset goes through Supabase."""

from __future__ import annotations

from pathlib import Path

import pytest
from providers_support import (
    FAL_KEY,
    OPENAI_KEY,
    REPLICATE_TOKEN,
    SECRETS,
    SUPABASE_KEY,
    provider_settings,
)
from wire.fal import FalServer
from wire.openai_media import OpenAIMediaServer
from wire.replicate import ReplicateServer
from wire.supabase import SupabaseStorageServer

from pixora.config import Settings
from pixora.media.ffmpeg import probe
from pixora.studio import Studio


@pytest.mark.slow
async def test_every_capability_in_the_cloud(settings: Settings, tmp_path: Path):
    with (
        OpenAIMediaServer(OPENAI_KEY) as openai_media,
        FalServer(FAL_KEY) as fal,
        ReplicateServer(REPLICATE_TOKEN) as replicate,
        SupabaseStorageServer(SUPABASE_KEY) as supabase,
    ):
        cfg = provider_settings(
            tmp_path, redis_url=settings.redis_url, model="offline",
            openai_api_key=OPENAI_KEY, openai_media_base_url=openai_media.sdk_base_url,
            fal_key=FAL_KEY, fal_base_url=fal.base_url,
            replicate_api_token=REPLICATE_TOKEN, replicate_base_url=replicate.base_url,
            supabase_url=supabase.project_url, supabase_key=SUPABASE_KEY,
            image_provider="openai", motion_provider="fal", speech_provider="fal",
            music_provider="replicate", storage_provider="supabase",
        )
        studio = await Studio.open(cfg)
        try:
            tid = (await studio.create_task("ada")).task_id
            await studio.chat(tid, "ada", "Create a 10-second video about lighthouses")
            await studio.approve(tid, "ada")
            await studio.runs.wait(tid)
            task = await studio.store.load(tid)
            events = await studio.events.read(tid)
        finally:
            await studio.close()
        stored = set(supabase.objects)
    assert task.stage == "completed" and len(task.videos) == 1, task.error
    by_kind = {a.kind: a.provider for a in task.assets.values()}
    assert by_kind == {"image": "openai", "motion": "fal", "narration": "fal",
                       "music": "replicate"}
    assert task.total_cost_usd > 0 and len(task.costs) == len(task.assets)
    # Every asset and the final video went through Supabase Storage, under tasks/<task_id>/.
    for asset in task.assets.values():
        assert f"pixora/tasks/{asset.key}" in stored
    video_key = task.videos[0].key
    assert f"pixora/tasks/{video_key}" in stored
    completion = next(e for e in events if e.type == "completion")
    assert completion.data["video_url"].startswith(supabase.base_url)
    info = probe(cfg.tasks_dir / video_key)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert (info.width, info.height) == (1280, 720)
    text = " ".join(e.model_dump_json() for e in events)
    assert not any(secret in text for secret in SECRETS)
