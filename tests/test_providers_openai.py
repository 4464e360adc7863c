"""OpenAI images (gpt-image-1) and speech (gpt-4o-mini-tts) through the OpenAI SDK, against
a local server speaking the Images and Speech wire format."""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path

import pytest
from PIL import Image
from providers_support import OPENAI_KEY, assert_no_secret, provider_settings
from wire import OpenAIMediaServer, Reply
from wire.media import png
from wire.openai_media import openai_error, policy_refusal

from pixora.context.models import VoiceSpec
from pixora.media.ffmpeg import probe
from pixora.media.openai import OpenAIImageGenerator
from pixora.media.protocols import ContentPolicyError, ImageRequest, ProviderError, SpeechRequest
from pixora.providers import select_providers

IMAGES = "POST /v1/images/generations"
EDITS = "POST /v1/images/edits"
SPEECH = "POST /v1/audio/speech"
REQ = ImageRequest(prompt="a lighthouse on a cliff at dawn", width=320, height=180,
                   mood="intimate_story", lighting="golden_hour")


@pytest.fixture
def server():
    with OpenAIMediaServer(OPENAI_KEY) as s:
        yield s


def settings_for(server: OpenAIMediaServer, tmp_path: Path, **kw):
    return provider_settings(tmp_path, openai_api_key=OPENAI_KEY,
                             openai_media_base_url=server.sdk_base_url, **kw)


async def test_image_success_sizes_by_aspect_ratio(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    assert providers.image.name == "openai"
    out = tmp_path / "wide.png"
    result = await providers.image.generate_image(REQ, out)
    body = server.hits(IMAGES)[0].json()
    assert body["model"] == "gpt-image-1" and body["size"] == "1536x1024"
    assert "lighthouse" in body["prompt"] and "golden hour" in body["prompt"]
    with Image.open(out) as img:
        assert img.size == (320, 180)
    assert (result.provider, result.width, result.height, result.note) == ("openai", 320, 180, "")
    assert result.cost_usd == pytest.approx(0.063)

    tall = ImageRequest(prompt="a portrait", width=180, height=320)
    await providers.image.generate_image(tall, tmp_path / "tall.png")
    assert server.hits(IMAGES)[1].json()["size"] == "1024x1536"
    with Image.open(tmp_path / "tall.png") as img:
        assert img.size == (180, 320)


async def test_speech_voice_speed_and_tone(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    text = "The lighthouse has watched this coast for a hundred years."
    req = SpeechRequest(text=text, voice=VoiceSpec(speed=1.25, tone="warm"))
    result = await providers.speech.synthesize(req, tmp_path / "narration.wav")
    body = server.hits(SPEECH)[0].json()
    assert body["model"] == "gpt-4o-mini-tts" and body["voice"] == "coral"
    assert body["speed"] == 1.25 and body["response_format"] == "wav"
    assert "warm" in body["instructions"]
    info = probe(tmp_path / "narration.wav")
    assert info.audio_codec and info.sample_rate == 24000
    assert result.duration_s == pytest.approx(0.06 * len(text) / 1.25, abs=0.05)
    assert result.cost_usd > 0

    named = SpeechRequest(text="Hello.", voice=VoiceSpec(voice="Onyx"))
    await providers.speech.synthesize(named, tmp_path / "n2.wav")
    assert server.hits(SPEECH)[1].json()["voice"] == "onyx"


async def test_429_is_retried_after_retry_after(server, tmp_path):
    server.fault(IMAGES, openai_error(429, "Rate limit reached", "rate_limit_exceeded",
                                      "requests", {"Retry-After": "1"}))
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.image.generate_image(REQ, tmp_path / "a.png")
    first, second = server.hits(IMAGES)
    assert second.at - first.at >= 1.0
    assert result.provider == "openai" and result.note == ""


async def test_500_three_times_falls_back_to_local(server, tmp_path):
    server.fault(IMAGES, *[openai_error(500, "The server had an error", None, "server_error")] * 3)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.image.generate_image(REQ, tmp_path / "a.png")
    assert len(server.hits(IMAGES)) == 3
    assert result.provider == "local" and result.cost_usd == 0
    assert "openai image failed after 3 attempts (HTTP 500); used local scene renderer" \
        in result.note
    with Image.open(tmp_path / "a.png") as img:
        assert img.size == (320, 180)


async def test_timeout_is_retried_then_falls_back(server, tmp_path):
    server.fault(IMAGES, *[Reply(200, {"created": 1, "data": []}, delay_s=2.0)] * 3)
    providers = select_providers(settings_for(server, tmp_path, provider_timeout_s=0.3))
    result = await providers.image.generate_image(REQ, tmp_path / "a.png")
    assert len(server.hits(IMAGES)) == 3
    assert "failed after 3 attempts (timed out)" in result.note


async def test_malformed_response_is_a_clear_error(server, tmp_path):
    settings = settings_for(server, tmp_path)
    server.fault(IMAGES, Reply(200, {"created": 1, "data": []}))
    with pytest.raises(ProviderError, match=r"openai: images response has no data\[0\]\.b64_json"):
        await OpenAIImageGenerator(settings).generate_image(REQ, tmp_path / "a.png")

    server.fault(IMAGES, Reply(200, {"created": 1, "data": [{"b64_json": "!!not base64!!"}]}))
    providers = select_providers(settings)
    result = await providers.image.generate_image(REQ, tmp_path / "b.png")
    assert len(server.hits(IMAGES)) == 2, "a malformed response is not retried"
    assert "failed after 1 attempt (images response data[0].b64_json is not base64)" \
        in result.note


async def test_content_policy_refusal_is_not_retried(server, tmp_path):
    server.fault(IMAGES, policy_refusal())
    providers = select_providers(settings_for(server, tmp_path))
    with pytest.raises(ContentPolicyError, match="rephrase the visual prompt"):
        await providers.image.generate_image(REQ, tmp_path / "a.png")
    assert len(server.hits(IMAGES)) == 1
    assert not (tmp_path / "a.png").exists()


async def test_concurrency_limit_serialises_calls(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path, provider_concurrency=1))
    data = base64.b64encode(png(64, 36)).decode()
    slow = Reply(200, {"created": 1, "data": [{"b64_json": data}]}, delay_s=0.3)
    server.fault(IMAGES, slow, slow)
    await asyncio.gather(*(providers.image.generate_image(REQ, tmp_path / f"{i}.png")
                           for i in range(2)))
    first, second = server.hits(IMAGES)
    assert second.at - first.at >= 0.3, "the second call waited for the first one's slot"


async def test_keys_never_reach_errors_notes_or_logs(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    leak = openai_error(500, f"upstream rejected Authorization: Bearer {OPENAI_KEY}")
    server.fault(IMAGES, leak, leak, leak)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.image.generate_image(REQ, tmp_path / "a.png")
    server.fault(IMAGES, openai_error(400, f"safety system flagged it ({OPENAI_KEY})",
                                      "moderation_blocked"))
    with pytest.raises(ContentPolicyError) as refused:
        await providers.image.generate_image(REQ, tmp_path / "b.png")
    wrong = provider_settings(tmp_path, openai_api_key="sk-pixora-test-OPENAI-wrong000",
                              openai_media_base_url=server.sdk_base_url)
    with pytest.raises(ProviderError) as denied:
        await OpenAIImageGenerator(wrong).generate_image(REQ, tmp_path / "c.png")
    assert "HTTP 401" in str(denied.value)
    assert_no_secret(result.note, str(refused.value), str(denied.value), caplog.text)
    assert "***" in result.note or "HTTP 500" in result.note


def _sheet(path: Path, color: tuple[int, int, int]) -> Path:
    Image.new("RGB", (64, 32), color).save(path)
    return path


async def test_characters_in_frame_are_drawn_from_their_reference_sheets(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    mia = _sheet(tmp_path / "mia.png", (240, 210, 60))
    rex = _sheet(tmp_path / "rex.png", (236, 222, 190))
    req = ImageRequest(prompt="a park at noon", width=320, height=180,
                       characters=("Mia: child person, wearing a yellow raincoat",
                                   "Rex: adult dog, cream fur"), references=(mia, rex))
    result = await providers.image.generate_image(req, tmp_path / "scene.png")
    assert server.hits(IMAGES) == []  # never a text-only image instead
    (hit,) = server.hits(EDITS)
    form = hit.form()
    assert [f[1] for f in form["image[]"]] == [mia.read_bytes(), rex.read_bytes()]
    assert form["model"] == ["gpt-image-1"] and form["size"] == ["1536x1024"]
    assert "reference sheets" in form["prompt"][0] and "yellow raincoat" in form["prompt"][0]
    assert (result.provider, result.note) == ("openai", "")
    assert result.cost_usd == pytest.approx(0.063)
    with Image.open(tmp_path / "scene.png") as img:
        assert img.size == (320, 180)


async def test_a_failed_reference_edit_falls_back_with_a_note(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    mia = _sheet(tmp_path / "mia.png", (240, 210, 60))
    server.fault(EDITS, openai_error(400, "Invalid input image - format must be png.",
                                     "invalid_image"))
    req = ImageRequest(prompt="a park at noon", width=320, height=180,
                       characters=("Mia: child person",), references=(mia,))
    result = await providers.image.generate_image(req, tmp_path / "scene.png")
    assert len(server.hits(EDITS)) == 1 and server.hits(IMAGES) == []
    assert result.provider == "local" and result.cost_usd == 0
    assert "openai image failed" in result.note and "Invalid input image" in result.note
    assert (tmp_path / "scene.png").is_file()
