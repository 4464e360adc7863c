"""Tools called directly (as `command`s): each changes the TaskContext in Redis as documented."""

from __future__ import annotations

import json

import pytest

from pixora import cli
from pixora.agents import models
from pixora.config import Settings
from pixora.context.models import Breakdown
from pixora.context.requests import BreakdownRequest
from pixora.media.ffmpeg import probe
from pixora.studio import InvalidRequest, Studio
from pixora.tools import TOOLS


async def _task_with_breakdown(studio: Studio) -> str:
    tid = (await studio.create_task("ada")).task_id
    out = await studio.command(tid, "ada", "generate_scene_breakdown",
                               {"prompt": "a video about lighthouses", "duration": 10})
    assert out["status"] == "ok"
    return tid


async def test_characters_are_added_once_and_updated(studio: Studio):
    tid = await _task_with_breakdown(studio)
    out = await studio.command(tid, "ada", "generate_character", {
        "name": "Zoë", "role": "keeper", "traits": "grey beard, yellow raincoat"})
    assert out["character_id"] == "zoe"
    again = await studio.command(tid, "ada", "generate_character", {
        "name": "zoë", "role": "keeper", "traits": "a second one"})
    assert again["status"] == "error" and "exists already" in again["message"]
    upd = await studio.command(tid, "ada", "update_character", {
        "character_id": "zoe", "traits": "grey beard, red raincoat"})
    assert upd["changed"] == ["traits"]
    task = await studio.store.load(tid)
    assert task.breakdown.characters[0].description == "grey beard, red raincoat"
    assert task.breakdown.version == 3 and task.approved_version is None
    missing = await studio.command(tid, "ada", "update_character", {
        "character_id": "nobody", "role": "x"})
    assert "known: zoe" in missing["message"]


async def test_character_traits_are_derived_then_edited_one_by_one(studio: Studio):
    tid = await _task_with_breakdown(studio)
    await studio.command(tid, "ada", "generate_character", {
        "name": "Mia", "role": "girl", "traits": "a young girl with curly red hair, wearing a "
        "green raincoat"})
    mia = (await studio.store.load(tid)).breakdown.characters[0]
    assert (mia.traits.age, mia.traits.hair, mia.traits.hair_style) == ("child", "red", "curly")
    assert (mia.traits.outfit, mia.traits.outfit_color) == ("raincoat", "green")
    upd = await studio.command(tid, "ada", "update_character", {
        "character_id": "mia", "outfit_color": "yellow", "marks": ["glasses"]})
    assert upd["changed"] == ["marks", "outfit_color"]
    after = (await studio.store.load(tid)).breakdown.characters[0]
    assert after.traits == mia.traits.model_copy(update={"outfit_color": "yellow",
                                                         "marks": ["glasses"]})
    rex = await studio.command(tid, "ada", "generate_character", {
        "name": "Rex", "kind": "dog", "traits": "a scruffy dog", "outfit": "collar",
        "outfit_color": "red"})
    t = (await studio.store.load(tid)).breakdown.characters[1].traits
    assert rex["character_id"] == "rex" and (t.outfit, t.outfit_color) == ("collar", "red")
    bad = await studio.command(tid, "ada", "update_character", {
        "character_id": "mia", "hair": "plaid"})
    assert bad["status"] == "error" and "colour name" in bad["message"]
    redo = await studio.command(tid, "ada", "update_character", {
        "character_id": "mia", "traits": "an old woman with silver hair in a navy coat"})
    assert redo["changed"] == ["traits"]
    t = (await studio.store.load(tid)).breakdown.characters[0].traits
    assert (t.age, t.hair, t.outfit, t.outfit_color) == ("elderly", "silver", "coat", "navy")


async def test_voice_and_music_are_breakdown_edits(studio: Studio):
    tid = await _task_with_breakdown(studio)
    out = await studio.command(tid, "ada", "update_voice", {"tone": "warm", "speed": 0.85})
    assert out["voice"] == {"voice": "default", "speed": 0.85, "tone": "warm"}
    bad = await studio.command(tid, "ada", "update_voice", {"speed": 3})
    assert bad["status"] == "error" and "between 0.5 and 2.0" in bad["message"]
    out = await studio.command(tid, "ada", "generate_music",
                               {"mood": "calmer", "duration": 10, "genre": "piano"})
    assert out["mood"] == "intimate_story"
    task = await studio.store.load(tid)
    assert task.breakdown.music[0].genre == "piano" and task.breakdown.voice.tone == "warm"
    assert [b.version for b in task.history] == [1, 2]


async def test_asset_tools_edit_before_approval_and_make_after(studio: Studio):
    tid = await _task_with_breakdown(studio)
    task = await studio.store.load(tid)
    scene = task.breakdown.scenes[0]
    # Before approval nothing is generated, whatever the parameters.
    refused = await studio.command(tid, "ada", "generate_scene_image", {
        "scene_index": 1, "prompt": scene.visual_prompt, "style": task.breakdown.style})
    assert refused["status"] == "error" and "not approved" in refused["message"]
    # A different prompt is an edit that needs approval, not a generation.
    edit = await studio.command(tid, "ada", "generate_scene_image", {
        "scene_index": 1, "prompt": "A lighthouse in a storm", "style": task.breakdown.style})
    assert edit["status"] == "needs_approval" and edit["changed"] == ["visual_prompt"]
    task = await studio.store.load(tid)
    assert task.assets == {}
    await studio.store.update(tid, lambda t: setattr(t, "approved_version", t.breakdown.version))
    made = await studio.command(tid, "ada", "generate_scene_image", {
        "scene_index": 1, "prompt": "A lighthouse in a storm", "style": task.breakdown.style})
    assert made["status"] == "ok" and made["asset"] == "scene_1/image"
    narr = await studio.command(tid, "ada", "generate_narration", {
        "scene_index": 1, "script": task.breakdown.scenes[0].script})
    assert narr["status"] == "ok" and narr["duration_s"] > 0.5
    fitted = await studio.command(tid, "ada", "adjust_audio", {
        "audio_id": "scene_1/narration", "target_duration": 6.0})
    path = studio.storage.local_path(fitted["url"].removeprefix("/files/"))
    assert abs(probe(path).duration_s - 6.0) < 0.1
    task = await studio.store.load(tid)
    assert set(task.assets) == {"scene_1/image", "scene_1/narration"}


async def test_update_scene_saves_given_fields_verbatim_and_validates(studio: Studio):
    tid = await _task_with_breakdown(studio)
    before = (await studio.store.load(tid)).breakdown
    line = "Keepers once climbed these stairs every night; now the lamp keeps itself."
    out = await studio.command(tid, "ada", "update_scene", {
        "scene_index": 2, "script": line, "camera": "crane_up", "duration": 4.5})
    assert out["status"] == "ok" and out["changed"] == ["camera", "duration", "script"]
    task = await studio.store.load(tid)
    scene = task.breakdown.scenes[1]
    assert (scene.script, scene.camera, scene.duration) == (line, "crane_up", 4.5)
    assert scene.visual_prompt == before.scenes[1].visual_prompt
    assert task.breakdown.scenes[0] == before.scenes[0]
    assert task.breakdown.version == 2 and task.approved_version is None
    with pytest.raises(InvalidRequest, match=r"camera \(string\|null\)"):
        await studio.command(tid, "ada", "update_scene", {"scene_index": 2, "camera": "teleport"})
    for params, message in [
        ({"scene_index": 2, "duration": 0.5}, "duration: "),
        ({"scene_index": 9, "title": "x"}, "scene 9 does not exist"),
        ({"scene_index": 2}, "at least one field"),
    ]:
        bad = await studio.command(tid, "ada", "update_scene", params)
        assert bad["status"] == "error" and message in json.dumps(bad), (params, bad)
    assert (await studio.store.load(tid)).breakdown.version == 2


async def test_breakdown_request_errors_are_one_question(studio: Studio):
    tid = (await studio.create_task("ada")).task_id
    out = await studio.command(tid, "ada", "generate_scene_breakdown", {
        "prompt": "a video about kites", "duration": 6, "scenes": 5,
        "characters": [{"name": "Mia", "kind": "person", "traits": "red raincoat"}]})
    assert out["status"] == "error" and out["message"].endswith("?")
    assert "5 scenes do not fit 6 seconds" in out["message"]
    assert (await studio.store.load(tid)).breakdown is None


def test_tool_schemas_are_strict():
    """Every tool has a strict schema OpenAI accepts: closed objects, every property required
    (optional ones nullable), no string length keywords."""

    def walk(node: object) -> None:
        if isinstance(node, dict):
            assert not {"minLength", "maxLength"} & set(node), node
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, node
                assert sorted(node.get("required", [])) == sorted(node.get("properties", {}))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for tool in TOOLS.values():
        assert tool.strict_json_schema, tool.name
        walk(tool.params_json_schema)
    props = TOOLS["generate_scene_breakdown_tool"].params_json_schema["properties"]
    assert {"scenes", "characters", "audience"} <= set(props)
    edit = TOOLS["update_scene_tool"].params_json_schema["properties"]
    assert "crane_up" in edit["camera"]["anyOf"][0]["enum"]


async def test_create_flags_are_fixed_fields(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    asked: list[BreakdownRequest] = []
    real = models.write_breakdown

    def recording(req: BreakdownRequest) -> Breakdown:
        asked.append(req)
        return real(req)

    monkeypatch.setattr(models, "write_breakdown", recording)
    args = cli._parser().parse_args([
        "create", "A 30-second video about kites", "--duration", "12", "--scenes", "3",
        "--style", "watercolor", "--platform", "tiktok"])
    assert await cli.create(settings, args) is None  # no terminal: not approved
    (req,) = asked
    assert (req.duration_s, req.scenes, req.style, req.platform, req.aspect_ratio) == (
        12, 3, "watercolor", "tiktok", "9:16")
    assert req.prompt == "A 30-second video about kites"


async def test_captions_are_a_breakdown_edit_with_clear_errors(studio: Studio):
    tid = await _task_with_breakdown(studio)
    out = await studio.command(tid, "ada", "update_captions",
                               {"style": "karaoke", "size": "large", "color": "yellow"})
    assert out["style"] == "karaoke"
    assert out["look"]["color"] == "#FFD400" and out["look"]["highlight"] == "#FFFFFF"
    bad = await studio.command(tid, "ada", "update_captions", {"style": "neon"})
    assert bad["status"] == "error"
    assert "use one of off, subtitle, karaoke, bold" in bad["message"]
    bad = await studio.command(tid, "ada", "update_captions", {"color": "plaid"})
    assert bad["status"] == "error" and "yellow" in bad["message"]
    task = await studio.store.load(tid)
    assert task.breakdown.caption_style == "karaoke" and task.approved_version is None
