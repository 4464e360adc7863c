"""The `openai` model path end to end: SDK + real `openai` client against a local server that
speaks the Responses API (streaming), including the structured-output breakdown writer."""

from __future__ import annotations

import json

import pytest
from drafts import coral_reef_draft
from wire import FunctionCall, OpenAIChatWireServer, OpenAIWireServer

from pixora.config import Settings, load_settings
from pixora.context.task_view import TASK_HEADING
from pixora.studio import Studio

DRAFT = coral_reef_draft(6, 4)


async def test_openai_responses_path_writes_a_breakdown(settings: Settings):
    script = [
        [FunctionCall("transfer_to_scene_breakdown", {})],
        [FunctionCall("generate_scene_breakdown_tool", {
            "prompt": "coral reefs", "style": "documentary", "duration": 10,
            "aspect_ratio": "9:16", "mood": None, "platform": None,
        })],
        json.dumps(DRAFT),
        "Here is your two-scene breakdown. Approve it to generate.",
    ]
    with OpenAIWireServer(script, api_key="sk-wire-agents") as server:
        cfg = load_settings(
            data_dir=settings.data_dir, redis_url=settings.redis_url, model="openai:gpt-4.1",
            openai_api_key="sk-wire-agents", openai_base_url=server.base_url,
        )
        studio = await Studio.open(cfg)
        try:
            assert studio.model_label == "openai:gpt-4.1"
            tid = (await studio.create_task("ada")).task_id
            outcome = await studio.chat(tid, "ada", "A 10 second vertical video about coral reefs")
            assert outcome is not None and outcome.text.startswith("Here is your two-scene")
            task = await studio.store.load(tid)
            events = await studio.events.read(tid)
        finally:
            await studio.close()
        bodies = server.requests
    bd = task.breakdown
    assert bd is not None and bd.aspect_ratio == "9:16" and bd.style == "documentary"
    assert [s.script for s in bd.scenes] == [s["script"] for s in DRAFT["scenes"]]
    assert bd.total_duration == 10 and task.current_agent == "scene_breakdown"
    types = [e.type for e in events]
    assert "handoff" in types and "tool_call" in types and "scene_breakdown" in types
    assert "".join(e.content for e in events if e.type == "token").startswith("Here is your")
    # The agents stream; the writer asks for structured output with our schema.
    assert bodies[0]["stream"] is True
    assert any(t.get("name") == "transfer_to_scene_breakdown" for t in bodies[0]["tools"])
    writer = bodies[2]
    assert writer["text"]["format"]["type"] == "json_schema"
    assert "scenes" in writer["text"]["format"]["schema"]["properties"]


def _writer_request(body: dict) -> dict:
    """The JSON request the breakdown writer sent, from a Responses or Chat Completions body."""
    messages = body.get("input") or body["messages"]
    user = [m for m in messages if m.get("role") == "user"][-1]
    content = user["content"]
    text = content if isinstance(content, str) else content[0]["text"]
    return json.loads(text.split("\n\n")[0])


LINE = "Mia waves goodbye to the reef, and the reef, somehow, waves back."
MIA = {"name": "Mia", "kind": "person", "traits": "eight years old, red raincoat"}


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_structured_fields_reach_the_writer_and_edits_land_verbatim(
        settings: Settings, api: str):
    script = [
        [FunctionCall("transfer_to_scene_breakdown", {})],
        [FunctionCall("generate_scene_breakdown_tool", {
            "prompt": "Mia at the coral reef", "style": "documentary", "duration": 10,
            "aspect_ratio": "16:9", "mood": None, "platform": None, "scenes": 2,
            "characters": [MIA], "audience": "children",
        })],
        json.dumps(DRAFT),
        "Here is your two-scene breakdown.",
        [FunctionCall("update_scene_tool", {
            "scene_index": 2, "script": LINE, "visual_prompt": None, "camera": "crane_up",
            "duration": None, "mood": None, "lighting": None, "transition": None,
            "title": None,
        })],
        "Scene 2 now ends with Mia's goodbye.",
    ]
    server = OpenAIWireServer(script) if api == "responses" else OpenAIChatWireServer(script)
    with server:
        cfg = load_settings(
            data_dir=settings.data_dir, redis_url=settings.redis_url,
            model="openai:gpt-4.1" if api == "responses" else "compatible:local-model",
            openai_api_key="sk-wire", openai_base_url=server.base_url,
        )
        studio = await Studio.open(cfg)
        try:
            tid = (await studio.create_task("ada")).task_id
            await studio.chat(tid, "ada", "A 10 second two-scene video about Mia at the reef")
            await studio.chat(tid, "ada", f'End scene 2 with "{LINE}" and a crane shot')
            task = await studio.store.load(tid)
        finally:
            await studio.close()
        bodies = server.requests
    request = _writer_request(bodies[2])
    assert request["scenes"] == 2 and request["characters"] == [MIA]
    assert request["audience"] == "children"
    bd = task.breakdown
    assert bd is not None and bd.version == 2 and task.approved_version is None
    assert bd.scenes[1].script == LINE and bd.scenes[1].camera == "crane_up"
    assert bd.scenes[0] == task.history[0].scenes[0]
    # The model sees the breakdown's current values as JSON in its instructions.
    instructions = bodies[4].get("instructions") or bodies[4]["messages"][0]["content"]
    view = json.loads(instructions.split(f"{TASK_HEADING}\n")[1])
    assert view["breakdown"]["scenes"][1]["script"] == DRAFT["scenes"][1]["script"]


async def test_writer_held_to_the_scene_count(settings: Settings):
    script = [
        [FunctionCall("transfer_to_scene_breakdown", {})],
        [FunctionCall("generate_scene_breakdown_tool", {
            "prompt": "coral reefs", "style": "documentary", "duration": 10,
            "aspect_ratio": "16:9", "mood": None, "platform": None, "scenes": 3,
            "characters": None, "audience": None,
        })],
        json.dumps(DRAFT),
        json.dumps(DRAFT),
        "The writer kept writing two scenes. Try again, or take two?",
    ]
    with OpenAIWireServer(script) as server:
        cfg = load_settings(
            data_dir=settings.data_dir, redis_url=settings.redis_url, model="openai:gpt-4.1",
            openai_api_key="sk-wire", openai_base_url=server.base_url,
        )
        studio = await Studio.open(cfg)
        try:
            tid = (await studio.create_task("ada")).task_id
            await studio.chat(tid, "ada", "A 10 second video about coral reefs in 3 scenes")
            task = await studio.store.load(tid)
            events = await studio.events.read(tid)
        finally:
            await studio.close()
        bodies = server.requests
    assert task.breakdown is None
    result = next(e for e in events if e.type == "tool_result"
                  and e.data["tool"] == "generate_scene_breakdown_tool")
    assert result.data["output"]["status"] == "error"
    assert "wrote 2 scenes twice when 3 were asked for" in result.data["output"]["message"]
    retry = bodies[3]["input"][-1]["content"]
    retry = retry if isinstance(retry, str) else retry[0]["text"]
    assert "Write exactly 3 scenes: the last draft had 2." in retry
