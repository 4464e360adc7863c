"""Provider selection, cost estimates and the retry policy's pieces."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
from providers_support import FAL_KEY, OPENAI_KEY, REPLICATE_TOKEN, provider_settings
from rich.console import Console

from pixora.cli import print_providers
from pixora.config import ConfigError
from pixora.media.cost import estimate_cost_usd, flux_size, kling_clip_s, openai_image_size
from pixora.media.protocols import ImageRequest, MotionRequest, MusicRequest, SpeechRequest
from pixora.media.resilience import ResilientProvider
from pixora.net.errors import TransientError
from pixora.net.retry import parse_retry_after, redact
from pixora.providers import describe_providers, select_providers
from pixora.services import select_storage
from pixora.storage.local import LocalStorage


def choices(settings) -> dict[str, tuple[str, str]]:
    return {i.capability: (i.provider, i.reason) for i in describe_providers(settings)}


def test_auto_without_keys_is_all_local(tmp_path):
    settings = provider_settings(tmp_path)
    assert {c: p for c, (p, _) in choices(settings).items()} == dict.fromkeys(
        ("image", "motion", "speech", "music", "storage"), "local")
    assert choices(settings)["motion"][1] == "auto: FAL_KEY not set"
    providers = select_providers(settings)
    storage = select_storage(settings)
    assert [p.name for p in (providers.image, providers.motion, providers.speech,
                             providers.music, storage)] == ["local"] * 5
    assert isinstance(storage, LocalStorage)
    assert storage.root == settings.tasks_dir.resolve()


def test_auto_prefers_openai_then_fal_and_shares_one_gate(tmp_path):
    settings = provider_settings(tmp_path, openai_api_key=OPENAI_KEY, fal_key=FAL_KEY,
                                 replicate_api_token=REPLICATE_TOKEN)
    got = choices(settings)
    assert got["image"] == ("openai", "auto: OPENAI_API_KEY is set")
    assert got["motion"] == ("fal", "auto: FAL_KEY is set")
    assert got["speech"][0] == "openai" and got["music"][0] == "replicate"
    providers = select_providers(settings)
    assert isinstance(providers.image, ResilientProvider)
    assert providers.image.gate is providers.speech.gate, "one gate per cloud provider"
    assert providers.image.gate is not providers.motion.gate

    only_fal = choices(provider_settings(tmp_path, fal_key=FAL_KEY))
    assert only_fal["image"][0] == only_fal["speech"][0] == "fal"


def test_explicit_choices_and_their_errors(tmp_path):
    settings = provider_settings(tmp_path, openai_api_key=OPENAI_KEY, fal_key=FAL_KEY,
                                 image_provider="fal", speech_provider="local")
    got = choices(settings)
    assert got["image"] == ("fal", "PIXORA_IMAGE_PROVIDER=fal")
    assert got["speech"] == ("local", "PIXORA_SPEECH_PROVIDER=local")
    with pytest.raises(ConfigError, match="PIXORA_MOTION_PROVIDER=openai: openai has no motion"):
        describe_providers(provider_settings(tmp_path, motion_provider="openai"))
    with pytest.raises(ConfigError, match="PIXORA_MUSIC_PROVIDER=replicate needs "
                                          "REPLICATE_API_TOKEN"):
        describe_providers(provider_settings(tmp_path, music_provider="replicate"))
    with pytest.raises(ConfigError, match="SUPABASE_URL and SUPABASE_KEY"):
        describe_providers(provider_settings(tmp_path, storage_provider="supabase"))


def test_print_providers_names_models_and_reasons(tmp_path):
    console = Console(record=True, width=120)
    print_providers(provider_settings(tmp_path, fal_key=FAL_KEY), console)
    text = console.export_text()
    assert "Kling 1.6 image-to-video" in text and "FLUX.1 [dev]" in text
    assert "auto: FAL_KEY is set" in text and "auto: REPLICATE_API_TOKEN not set" in text


def test_cost_estimates():
    wide = ImageRequest(prompt="x", width=1280, height=720)
    square = ImageRequest(prompt="x", width=1080, height=1080)
    assert openai_image_size(1280, 720) == "1536x1024"
    assert openai_image_size(1080, 1350) == "1024x1536"
    assert estimate_cost_usd("openai", "image", wide) == 0.063
    assert estimate_cost_usd("openai", "image", square) == 0.042
    assert estimate_cost_usd("fal", "image", wide) == 0.025
    w, h = flux_size(720, 1280)
    assert w * h <= 1_000_000 and w % 16 == h % 16 == 0 and h > w
    assert [kling_clip_s(d) for d in (3, 5, 5.1, 10, 14)] == [5, 5, 10, 10, 10]
    motion = MotionRequest(image=Path("x.png"), duration_s=7,
                           motion="zoom_in", width=1280, height=720)
    assert estimate_cost_usd("fal", "motion", motion) == 0.45
    speech = SpeechRequest(text="a" * 2000)
    assert estimate_cost_usd("fal", "speech", speech) == 0.2
    assert estimate_cost_usd("openai", "speech", speech) == 0.03
    assert estimate_cost_usd("replicate", "music", MusicRequest(duration_s=29.5)) == 0.09
    assert estimate_cost_usd("local", "motion", motion) == 0.0
    with pytest.raises(ValueError, match="replicate has no price for image"):
        estimate_cost_usd("replicate", "image", wide)


def test_retry_after_forms_and_redaction():
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250", "Retry-After": "3"}) == 0.25
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < parse_retry_after({"Retry-After": soon}) <= 30
    assert parse_retry_after({"Retry-After": "soon-ish"}) is None
    assert parse_retry_after({}) is None
    err = TransientError("fal", "HTTP 429", status=429, retry_after_s=2.0)
    assert (str(err), err.reason) == ("fal: HTTP 429", "HTTP 429")
    assert redact("Key abc123:xyz failed", ["abc123:xyz", None]) == "Key *** failed"
