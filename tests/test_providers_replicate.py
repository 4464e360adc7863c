"""MusicGen on Replicate through replicate-python, against a local server speaking
Replicate's models/predictions wire format."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from providers_support import REPLICATE_TOKEN, assert_no_secret, provider_settings
from wire import ReplicateServer, Reply
from wire.replicate import VERSION, problem

from pixora.media.ffmpeg import probe
from pixora.media.protocols import ContentPolicyError, MusicRequest, ProviderError
from pixora.media.replicate import MusicGenMusic
from pixora.providers import select_providers

CREATE = "POST /v1/predictions"
REQ = MusicRequest(duration_s=3.2, mood="energetic", genre="synthwave", seed=3)


@pytest.fixture
def server():
    with ReplicateServer(REPLICATE_TOKEN) as s:
        yield s


def settings_for(server: ReplicateServer, tmp_path: Path, **kw):
    return provider_settings(tmp_path, replicate_api_token=REPLICATE_TOKEN,
                             replicate_base_url=server.base_url, **kw)


async def test_musicgen_prediction_is_polled_and_downloaded(server, tmp_path):
    server.polls_before_done = 3
    providers = select_providers(settings_for(server, tmp_path))
    assert providers.music.name == "replicate"
    result = await providers.music.generate_music(REQ, tmp_path / "background_1.wav")
    body = server.hits(CREATE)[0].json()
    assert body["version"] == VERSION
    assert body["input"]["duration"] == 4 and body["input"]["seed"] == 3
    assert "synthwave" in body["input"]["prompt"] and "128 bpm" in body["input"]["prompt"]
    assert len(server.hits("GET /v1/predictions/")) == 3
    info = probe(tmp_path / "background_1.wav")
    assert (info.sample_rate, info.channels) == (32000, 2)
    assert result.duration_s == pytest.approx(4.0, abs=0.05)
    assert result.cost_usd == pytest.approx(0.012) and result.note == ""


async def test_429_is_retried_after_retry_after(server, tmp_path):
    server.fault(CREATE, Reply(429, {"title": "Too Many Requests", "status": 429,
                                     "detail": "Request was throttled."}, {"Retry-After": "1"}))
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.music.generate_music(REQ, tmp_path / "m.wav")
    first, second = server.hits(CREATE)
    assert second.at - first.at >= 1.0
    assert result.provider == "replicate"


async def test_500_three_times_falls_back_to_local_synth(server, tmp_path):
    server.fault(CREATE, *[problem(500, "Internal server error")] * 3)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.music.generate_music(REQ, tmp_path / "m.wav")
    assert len(server.hits(CREATE)) == 3
    assert result.provider == "local"
    assert "replicate music failed after 3 attempts (HTTP 500); used local synthesizer" \
        in result.note
    assert probe(tmp_path / "m.wav").duration_s == pytest.approx(REQ.duration_s, abs=0.1)


async def test_a_failed_poll_does_not_create_a_second_prediction(server, tmp_path):
    server.polls_before_done = 2
    server.fault("GET /v1/predictions/", problem(500, "Internal server error"))
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.music.generate_music(REQ, tmp_path / "m.wav")
    assert result.provider == "replicate" and len(server.hits(CREATE)) == 1


async def test_timeout_is_retried_then_falls_back(server, tmp_path):
    server.fault(CREATE, *[Reply(201, {}, delay_s=2.0)] * 3)
    providers = select_providers(settings_for(server, tmp_path, provider_timeout_s=0.3))
    result = await providers.music.generate_music(REQ, tmp_path / "m.wav")
    assert len(server.hits(CREATE)) == 3
    assert "failed after 3 attempts (timed out)" in result.note


async def test_malformed_and_failed_predictions_are_clear_errors(server, tmp_path):
    music = MusicGenMusic(settings_for(server, tmp_path))
    server.fault("GET /v1/predictions/", Reply(200, {"id": "p1", "status": "succeeded"}))
    with pytest.raises(ProviderError, match="malformed response from Replicate"):
        await music.generate_music(REQ, tmp_path / "a.wav")
    server.failed_prediction("CUDA out of memory")
    with pytest.raises(ProviderError, match="prediction failed: CUDA out of memory"):
        await music.generate_music(REQ, tmp_path / "b.wav")
    server.fault("GET /files/", Reply(200, b"not audio at all"))
    with pytest.raises(ProviderError, match="audio that does not decode"):
        await music.generate_music(REQ, tmp_path / "c.wav")


async def test_content_flag_is_not_retried(server, tmp_path):
    server.failed_prediction("NSFW content detected in the prompt")
    providers = select_providers(settings_for(server, tmp_path))
    with pytest.raises(ContentPolicyError, match="rephrase the music mood or genre"):
        await providers.music.generate_music(REQ, tmp_path / "m.wav")
    assert len(server.hits(CREATE)) == 1


async def test_token_never_leaks(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    leak = problem(502, f"upstream got Bearer {REPLICATE_TOKEN}")
    server.fault(CREATE, leak, leak, leak)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.music.generate_music(REQ, tmp_path / "m.wav")
    server.failed_prediction(f"bad token {REPLICATE_TOKEN}")
    with pytest.raises(ProviderError) as failed:
        await MusicGenMusic(settings_for(server, tmp_path)).generate_music(REQ, tmp_path / "n.wav")
    assert "HTTP 502" in result.note and "prediction failed" in str(failed.value)
    assert_no_secret(result.note, str(failed.value), caplog.text)
