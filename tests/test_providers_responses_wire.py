"""The Responses API wire server, driven by the OpenAI Agents SDK's own Responses model."""

from __future__ import annotations

import json

import pytest
from agents import Agent, RunConfig, Runner, function_tool
from agents.models.openai_responses import OpenAIResponsesModel
from openai import AsyncOpenAI, BadRequestError
from wire import FunctionCall, OpenAIWireServer

CALLS: list[tuple[str, int]] = []


@function_tool
def count_scenes(title: str, scenes: int) -> str:
    """Record a breakdown's scene count."""
    CALLS.append((title, scenes))
    return json.dumps({"ok": True, "scenes": scenes})


def agent_on(server: OpenAIWireServer) -> Agent:
    client = AsyncOpenAI(base_url=server.base_url, api_key="sk-wire-test", max_retries=0)
    return Agent(name="video", instructions="Plan videos.", tools=[count_scenes],
                 model=OpenAIResponsesModel(model="gpt-4.1", openai_client=client))


async def test_streamed_run_replays_tool_calls_then_text():
    CALLS.clear()
    script = [
        [FunctionCall("count_scenes", {"title": "Harbour", "scenes": 4})],
        "The breakdown has four scenes.",
    ]
    with OpenAIWireServer(script, api_key="sk-wire-test") as server:
        result = Runner.run_streamed(agent_on(server), "Plan a harbour video",
                                     run_config=RunConfig(tracing_disabled=True))
        kinds, deltas = [], []
        async for event in result.stream_events():
            kinds.append(event.type)
            if event.type == "raw_response_event" and \
                    event.data.type == "response.output_text.delta":
                deltas.append(event.data.delta)
        assert result.final_output == "The breakdown has four scenes."
        assert "".join(deltas) == "The breakdown has four scenes."
        assert CALLS == [("Harbour", 4)]
        first, second = server.requests
        assert first["stream"] is True and first["model"] == "gpt-4.1"
        assert first["tools"][0]["name"] == "count_scenes"
        output = [i for i in second["input"] if i.get("type") == "function_call_output"]
        assert json.loads(output[0]["output"]) == {"ok": True, "scenes": 4}
        assert "run_item_stream_event" in kinds


async def test_non_streamed_run_and_exhausted_script():
    with OpenAIWireServer(["Hello."]) as server:
        result = await Runner.run(agent_on(server), "Hi",
                                  run_config=RunConfig(tracing_disabled=True))
        assert result.final_output == "Hello."
        assert server.requests[0].get("stream") in (None, False)
        client = AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        with pytest.raises(BadRequestError, match="script exhausted after 1 turns"):
            await client.responses.create(model="gpt-4.1", input="again")
