"""fal providers (FLUX images, Kling 1.6 image-to-video, ElevenLabs speech) through
fal_client, against a local server speaking fal's queue and storage wire format."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PIL import Image
from providers_support import FAL_KEY, assert_no_secret, provider_settings
from wire import FalServer, Reply
from wire.fal import ELEVENLABS, FLUX, KLING, KONTEXT, KONTEXT_MULTI, policy_refusal
from wire.media import png

from pixora.context.models import VoiceSpec
from pixora.media.fal import KlingImageToVideo
from pixora.media.ffmpeg import probe
from pixora.media.protocols import (
    ContentPolicyError,
    ImageRequest,
    MotionRequest,
    ProviderError,
    SpeechRequest,
)
from pixora.providers import select_providers

SUBMIT_KLING = f"POST /{KLING}"


@pytest.fixture
def server():
    with FalServer(FAL_KEY) as s:
        yield s


def settings_for(server: FalServer, tmp_path: Path, **kw):
    return provider_settings(tmp_path, fal_key=FAL_KEY, fal_base_url=server.base_url, **kw)


@pytest.fixture
def still(tmp_path: Path) -> Path:
    path = tmp_path / "scene_image.png"
    path.write_bytes(png(320, 180, "harbour"))
    return path


def motion_req(still: Path, duration_s: float = 4.0) -> MotionRequest:
    return MotionRequest(image=still, duration_s=duration_s, motion="zoom_in", width=320,
                         height=180, fps=24, prompt="boats rocking in the harbour")


async def test_kling_uploads_the_still_and_downloads_the_clip(server, tmp_path, still):
    providers = select_providers(settings_for(server, tmp_path))
    assert providers.motion.name == "fal"
    out = tmp_path / "motion.mp4"
    result = await providers.motion.animate(motion_req(still), out)

    (upload,) = server.hits("POST /storage/upload/initiate")
    assert upload.json()["file_name"] == "scene_image.png"
    assert server.hits("PUT /upload/")[0].body == still.read_bytes()
    args = server.hits(SUBMIT_KLING)[0].json()
    assert args["image_url"].startswith(server.base_url + "/files/")
    assert str(still) not in args["image_url"]
    assert args["duration"] == "5" and "zoom in" in args["prompt"]
    with_logs = [p for p in server.hits("GET /fal-ai/kling-video/requests/")
                 if p.path.endswith("/status") and p.query.get("logs") == ["true"]]
    assert len(with_logs) == 3, "polled with logs: queued, in progress, completed"
    info = probe(out)
    assert info.video_codec == "h264" and info.duration_s == pytest.approx(5.0, abs=0.2)
    assert result.duration_s == pytest.approx(info.duration_s)
    assert result.cost_usd == pytest.approx(0.225) and result.note == ""

    await providers.motion.animate(motion_req(still, 7.5), tmp_path / "m2.mp4")
    assert server.hits(SUBMIT_KLING)[1].json()["duration"] == "10"


async def test_flux_image_and_elevenlabs_speech(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    assert (providers.image.name, providers.speech.name) == ("fal", "fal")
    req = ImageRequest(prompt="a neon city at night", width=320, height=180, seed=7)
    image = await providers.image.generate_image(req, tmp_path / "img.png")
    args = server.hits(f"POST /{FLUX}")[0].json()
    assert args["seed"] == 7 and args["image_size"] == {"width": 1328, "height": 736}
    with Image.open(tmp_path / "img.png") as img:
        assert img.size == (320, 180)
    assert image.provider == "fal" and image.cost_usd == pytest.approx(0.025)

    text = "Night falls over the harbour."
    speech = await providers.speech.synthesize(
        SpeechRequest(text=text, voice=VoiceSpec(tone="bright", speed=1.5)),
        tmp_path / "narration.wav")
    args = server.hits(f"POST /{ELEVENLABS}")[0].json()
    assert args["voice"] == "Aria" and args["speed"] == 1.2 and args["text"] == text
    info = probe(tmp_path / "narration.wav")
    assert info.audio_codec == "pcm_s16le"
    assert speech.duration_s == pytest.approx(0.05 * len(text) / 1.2, abs=0.1)


async def test_429_on_submit_is_retried_after_retry_after(server, tmp_path, still):
    server.fault(SUBMIT_KLING, Reply(429, {"detail": "Too many requests"}, {"Retry-After": "1"}))
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    first, second = server.hits(SUBMIT_KLING)
    assert second.at - first.at >= 1.0
    assert result.provider == "fal" and result.note == ""


async def test_500_three_times_falls_back_to_local_ken_burns(server, tmp_path, still):
    server.fault(SUBMIT_KLING, *[Reply(500, {"detail": "Internal Server Error"})] * 3)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    assert len(server.hits(SUBMIT_KLING)) == 3
    assert result.provider == "local"
    assert "fal image-to-video failed after 3 attempts (HTTP 500); used local Ken Burns" \
        in result.note
    info = probe(tmp_path / "m.mp4")
    assert info.video_codec and info.duration_s == pytest.approx(4.0, abs=0.2)


async def test_a_failed_status_poll_does_not_pay_for_a_second_clip(server, tmp_path, still):
    server.fault("GET /fal-ai/kling-video/requests/",
                 Reply(503, {"detail": "Service Unavailable"}),
                 Reply(200, {"status": "COMPLETED"}, delay_s=6.0))
    providers = select_providers(settings_for(server, tmp_path, provider_timeout_s=1.5))
    result = await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    assert result.provider == "fal" and result.note == ""
    assert len(server.hits(SUBMIT_KLING)) == 1


async def test_status_timeout_is_retried_then_falls_back(server, tmp_path, still):
    server.fault("GET /fal-ai/kling-video/requests/",
                 *[Reply(200, {"status": "COMPLETED"}, delay_s=2.0)] * 9)
    providers = select_providers(settings_for(server, tmp_path, provider_timeout_s=0.2))
    result = await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    assert len(server.hits(SUBMIT_KLING)) == 3, "3 polls time out per attempt, 3 attempts"
    assert "fal image-to-video failed after 3 attempts (timed out)" in result.note


async def test_malformed_responses_are_clear_errors(server, tmp_path, still):
    settings = settings_for(server, tmp_path)
    kling = KlingImageToVideo(settings)
    server.fault("GET /fal-ai/kling-video/requests/", Reply(200, {"status": "COMPLETED"}))
    with pytest.raises(ProviderError, match=r"malformed response from fal \(KeyError: 'logs'\)"):
        await kling.animate(motion_req(still), tmp_path / "a.mp4")
    server.override_next_result({"videos": []})
    with pytest.raises(ProviderError, match=r"image-to-video result has no video\.url"):
        await kling.animate(motion_req(still), tmp_path / "b.mp4")

    server.fault("GET /files/req-", Reply(200, b"this is not an mp4"))
    with pytest.raises(ProviderError, match="not readable video"):
        await kling.animate(motion_req(still), tmp_path / "c.mp4")


async def test_content_policy_refusal_is_not_retried(server, tmp_path, still):
    server.fault(SUBMIT_KLING, policy_refusal())
    providers = select_providers(settings_for(server, tmp_path))
    with pytest.raises(ContentPolicyError, match="rephrase the visual prompt"):
        await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    assert len(server.hits(SUBMIT_KLING)) == 1

    server.override_next_result({"images": [{"url": f"{server.base_url}/files/x.png"}],
                                 "has_nsfw_concepts": [True]})
    req = ImageRequest(prompt="something", width=320, height=180)
    with pytest.raises(ContentPolicyError, match="safety checker"):
        await providers.image.generate_image(req, tmp_path / "i.png")


async def test_fal_key_never_leaks(server, tmp_path, still, caplog):
    caplog.set_level(logging.DEBUG)
    leak = Reply(503, {"detail": f"gateway saw Authorization: Key {FAL_KEY}"})
    server.fault(SUBMIT_KLING, leak, leak, leak)
    providers = select_providers(settings_for(server, tmp_path))
    result = await providers.motion.animate(motion_req(still), tmp_path / "m.mp4")
    server.fault(SUBMIT_KLING, Reply(400, {"detail": f"bad key {FAL_KEY}"}))
    with pytest.raises(ProviderError) as bad:
        await KlingImageToVideo(settings_for(server, tmp_path)).animate(
            motion_req(still), tmp_path / "n.mp4")
    assert "HTTP 503" in result.note and "HTTP 400" in str(bad.value)
    assert_no_secret(result.note, str(bad.value), caplog.text)


def test_kling_clip_does_not_depend_on_exact_length_or_keyframes(tmp_path):
    from pixora.offline.media.motion import KenBurnsAnimator

    kling = KlingImageToVideo(provider_settings(tmp_path, fal_key=FAL_KEY))
    base = MotionRequest(image=tmp_path / "a.png", duration_s=5.6, motion="zoom_in",
                         width=1280, height=720, keyframes_s=(0.5, 5.1))
    longer = MotionRequest(image=tmp_path / "a.png", duration_s=6.2, motion="zoom_in",
                           width=1280, height=720, keyframes_s=(0.0, 5.7))
    assert kling.depends_on(base) == kling.depends_on(longer)
    shorter = MotionRequest(image=tmp_path / "a.png", duration_s=4.0, motion="zoom_in",
                            width=1280, height=720)
    assert kling.depends_on(base) != kling.depends_on(shorter)  # a 5 s clip, not 10 s
    local = KenBurnsAnimator()
    assert local.depends_on(base) != local.depends_on(longer)


def _sheet(path: Path, color: tuple[int, int, int]) -> Path:
    Image.new("RGB", (64, 32), color).save(path)
    return path


@pytest.mark.parametrize("names", [("mia",), ("mia", "rex")])
async def test_characters_in_frame_are_made_by_kontext_from_their_sheets(
        server, tmp_path, names):
    providers = select_providers(settings_for(server, tmp_path))
    sheets = tuple(_sheet(tmp_path / f"{n}.png", (240, 210, 60)) for n in names)
    req = ImageRequest(prompt="a park at noon", width=320, height=180,
                       characters=tuple(f"{n}: a character" for n in names), references=sheets)
    result = await providers.image.generate_image(req, tmp_path / "scene.png")
    uploads = [h.json()["file_name"] for h in server.hits("POST /storage/upload/initiate")]
    assert uploads == [f"{n}.png" for n in names]
    app = KONTEXT if len(names) == 1 else KONTEXT_MULTI
    (submit,) = server.hits(f"POST /{app}")
    args = submit.json()
    urls = [args["image_url"]] if len(names) == 1 else args["image_urls"]
    assert [server.files[u.removeprefix(f"{server.base_url}/files/")] for u in urls] == [
        s.read_bytes() for s in sheets]
    assert args["aspect_ratio"] == "16:9" and "reference sheets" in args["prompt"]
    assert server.hits(f"POST /{FLUX}") == []  # never a text-only image instead
    assert (result.provider, result.note) == ("fal", "")
    assert result.cost_usd == pytest.approx(0.04)
    with Image.open(tmp_path / "scene.png") as img:
        assert img.size == (320, 180)


async def test_a_failed_kontext_call_falls_back_with_a_note(server, tmp_path):
    providers = select_providers(settings_for(server, tmp_path))
    server.fault(f"POST /{KONTEXT}", Reply(422, {"detail": [{
        "loc": ["body", "image_url"], "msg": "Could not download the image",
        "type": "file_download_error"}]}))
    req = ImageRequest(prompt="a park", width=320, height=180, characters=("Mia: a girl",),
                       references=(_sheet(tmp_path / "mia.png", (240, 210, 60)),))
    result = await providers.image.generate_image(req, tmp_path / "scene.png")
    assert len(server.hits(f"POST /{KONTEXT}")) == 1 and server.hits(f"POST /{FLUX}") == []
    assert result.provider == "local" and result.cost_usd == 0
    assert "fal image failed" in result.note and "Could not download" in result.note
