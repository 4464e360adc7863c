"""OpenAI's Responses API (`POST /v1/responses`), replaying a script of model turns.

Usage::

    from wire import FunctionCall, OpenAIWireServer   # tests/ is on sys.path

    script = [
        [FunctionCall("get_weather", {"city": "Paris"})],   # turn 1: one tool call
        "It is sunny in Paris.",                             # turn 2: a text answer
    ]
    with OpenAIWireServer(script) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="sk-test")
        model = OpenAIResponsesModel("gpt-4.1", openai_client=client)
        ...  # run an agent on `model`
        assert server.requests[1]["input"][-1]["type"] == "function_call_output"

Each request to `/v1/responses` consumes the next turn. A turn is a `str` (an assistant
message) or a list of `FunctionCall(name, arguments)` (arguments as a dict or JSON text;
`call_id` is generated when not given). With `"stream": true` the turn is sent as server-sent
events in the API's order:

    response.created, response.in_progress,
    text:  response.output_item.added (message), response.content_part.added,
           response.output_text.delta (one per word), response.output_text.done,
           response.content_part.done, response.output_item.done
    calls: per call response.output_item.added (function_call),
           response.function_call_arguments.delta, response.function_call_arguments.done,
           response.output_item.done
    response.completed (the full response, with `output` and `usage`)

Without streaming the completed response object is returned as JSON. When the script is
exhausted the server answers HTTP 400 with an error naming the turn count.

`.base_url` is the SDK base URL (ending in `/v1`); `.requests` holds the received request
bodies (dicts) in order; `api_key`, when given, is checked against `Authorization: Bearer`.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .base import Reply, WireRequest, WireServer


@dataclass(frozen=True)
class FunctionCall:
    name: str
    arguments: str | dict[str, Any] = "{}"
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:16]}")

    @property
    def arguments_json(self) -> str:
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)


Turn = str | list[FunctionCall]


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


class OpenAIWireServer(WireServer):
    """A Responses API server replaying `script` (see the module docstring)."""

    def __init__(self, script: list[Turn], api_key: str | None = None) -> None:
        super().__init__()
        self.script = list(script)
        self.api_key = api_key
        self._turn = 0
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"{super().base_url}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.hits("POST /v1/responses")]

    def route(self, req: WireRequest) -> Reply:
        if self.api_key and req.headers.get("Authorization") != f"Bearer {self.api_key}":
            return Reply(401, {"error": {"message": "Incorrect API key provided.",
                                         "type": "invalid_request_error", "param": None,
                                         "code": "invalid_api_key"}})
        if req.route != "POST /v1/responses":
            return Reply(404, {"error": {"message": f"Invalid URL ({req.route})",
                                         "type": "invalid_request_error", "param": None,
                                         "code": None}})
        body = req.json()
        if self._turn >= len(self.script):
            return Reply(400, {"error": {
                "message": f"OpenAIWireServer script exhausted after {len(self.script)} turns",
                "type": "invalid_request_error", "param": None, "code": "script_exhausted"}})
        turn = self.script[self._turn]
        self._turn += 1
        events = self._events(turn, body)
        if body.get("stream"):
            return Reply(200, stream=[_sse(e) for e in events])
        return Reply(200, events[-1]["response"])

    def _response(self, rid: str, body: dict, status: str, output: list) -> dict[str, Any]:
        chars = len(json.dumps(body.get("input", "")))
        out_chars = len(json.dumps(output))
        return {
            "id": rid, "object": "response", "created_at": int(time.time()), "status": status,
            "model": body.get("model", "gpt-4.1"), "output": output,
            "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)),
            "tool_choice": body.get("tool_choice", "auto"), "tools": body.get("tools", []),
            "instructions": body.get("instructions"), "metadata": {}, "error": None,
            "incomplete_details": None, "temperature": 1.0, "top_p": 1.0,
            "text": {"format": {"type": "text"}}, "truncation": "disabled",
            "usage": None if status != "completed" else {
                "input_tokens": chars // 4, "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": out_chars // 4,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": chars // 4 + out_chars // 4,
            },
        }

    def _events(self, turn: Turn, body: dict) -> list[dict[str, Any]]:
        rid = f"resp_{next(self._ids):06d}"
        seq = itertools.count()
        events: list[dict[str, Any]] = []

        def emit(type_: str, **fields: Any) -> None:
            events.append({"type": type_, "sequence_number": next(seq), **fields})

        emit("response.created", response=self._response(rid, body, "in_progress", []))
        emit("response.in_progress", response=self._response(rid, body, "in_progress", []))
        output: list[dict[str, Any]] = []
        if isinstance(turn, str):
            item_id = f"msg_{rid}"
            item = {"id": item_id, "type": "message", "role": "assistant",
                    "status": "in_progress", "content": []}
            emit("response.output_item.added", output_index=0, item=item)
            empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            emit("response.content_part.added", item_id=item_id, output_index=0,
                 content_index=0, part=empty)
            words = turn.split(" ")
            for i, word in enumerate(words):
                emit("response.output_text.delta", item_id=item_id, output_index=0,
                     content_index=0, delta=word if i == 0 else f" {word}", logprobs=[])
            part = {**empty, "text": turn}
            emit("response.output_text.done", item_id=item_id, output_index=0,
                 content_index=0, text=turn, logprobs=[])
            emit("response.content_part.done", item_id=item_id, output_index=0,
                 content_index=0, part=part)
            done = {**item, "status": "completed", "content": [part]}
            emit("response.output_item.done", output_index=0, item=done)
            output.append(done)
        else:
            for index, call in enumerate(turn):
                item_id = f"fc_{rid}_{index}"
                item = {"id": item_id, "type": "function_call", "call_id": call.call_id,
                        "name": call.name, "arguments": "", "status": "in_progress"}
                emit("response.output_item.added", output_index=index, item=item)
                emit("response.function_call_arguments.delta", item_id=item_id,
                     output_index=index, delta=call.arguments_json)
                emit("response.function_call_arguments.done", item_id=item_id,
                     output_index=index, name=call.name, arguments=call.arguments_json)
                done = {**item, "arguments": call.arguments_json, "status": "completed"}
                emit("response.output_item.done", output_index=index, item=done)
                output.append(done)
        emit("response.completed", response=self._response(rid, body, "completed", output))
        return events
