"""The `openai` model path end to end: SDK + real `openai` client against a local server that
speaks the Responses API (streaming), including the structured-output breakdown writer."""

from __future__ import annotations

import json

from drafts import coral_reef_draft
from wire import FunctionCall, OpenAIWireServer

from pixora.config import Settings, load_settings
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
