"""Shared pieces of the provider acceptance tests: settings with tiny retry waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pixora.config import Settings, load_settings

OPENAI_KEY = "sk-pixora-test-OPENAI-9f3b2c7d1e"
FAL_KEY = "fal-pixora-test-KEY-4a8e6d2b0c"
REPLICATE_TOKEN = "r8_pixora_test_TOKEN_7c1d9e3f5a"
SUPABASE_KEY = "sb-pixora-test-SERVICE-2e6f0a4c8b"
SECRETS = (OPENAI_KEY, FAL_KEY, REPLICATE_TOKEN, SUPABASE_KEY)


def provider_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings with no cloud keys unless given, fast retries (10-50 ms) and 10 ms polling."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "openai_api_key": None, "fal_key": None, "replicate_api_token": None,
        "supabase_url": None, "supabase_key": None, "openai_media_base_url": None,
        "fal_base_url": None, "replicate_base_url": None,
        "image_provider": "auto", "motion_provider": "auto", "speech_provider": "auto",
        "music_provider": "auto", "storage_provider": "auto",
        "provider_retries": 2, "provider_retry_base_s": 0.01, "provider_retry_max_s": 0.05,
        "provider_poll_s": 0.01, "provider_timeout_s": 5.0, "provider_job_timeout_s": 60.0,
        "provider_concurrency": 4, "provider_rate_per_min": 6000,
    }
    values.update(overrides)
    return load_settings(**values)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a key leaked into: {text[:200]!r}"
