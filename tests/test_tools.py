"""Tools called directly (as `command`s): each changes the TaskContext in Redis as documented."""

from __future__ import annotations

from pixora.media.ffmpeg import probe
from pixora.studio import Studio


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
