"""OpenAI's Chat Completions API (`POST /v1/chat/completions`), replaying a script of model
turns, as OpenAI-compatible servers (Ollama, vLLM, llama.cpp) speak it.

Same script as `OpenAIWireServer`: each request consumes the next turn, a `str` (an assistant
message) or a list of `FunctionCall`. With `"stream": true` the turn is sent as
`chat.completion.chunk` server-sent events (text one word per chunk; each call as one
`tool_calls` delta), a last chunk with the finish reason and usage, then `data: [DONE]`.
Without streaming the `chat.completion` object is returned as JSON. When the script is
exhausted the server answers HTTP 400.

`.base_url` ends in `/v1`; `.requests` holds the received request bodies in order.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from .base import Reply, WireRequest, WireServer
from .openai_responses import Turn

ROUTE = "POST /v1/chat/completions"


def _sse(data: dict[str, Any] | str) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()


class OpenAIChatWireServer(WireServer):
    """A Chat Completions server replaying `script` (see the module docstring)."""

    def __init__(self, script: list[Turn]) -> None:
        super().__init__()
        self.script = list(script)
        self._turn = 0
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"{super().base_url}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.hits(ROUTE)]

    def route(self, req: WireRequest) -> Reply:
        if req.route != ROUTE:
            return Reply(404, {"error": {"message": f"Invalid URL ({req.route})"}})
        body = req.json()
        if self._turn >= len(self.script):
            return Reply(400, {"error": {
                "message": f"chat wire server script exhausted after {len(self.script)} turns",
                "type": "invalid_request_error", "code": "script_exhausted"}})
        turn = self.script[self._turn]
        self._turn += 1
        cid = f"chatcmpl-{next(self._ids):06d}"
        head = {"id": cid, "created": int(time.time()), "model": body.get("model", "local")}
        usage = {"prompt_tokens": len(json.dumps(body.get("messages", []))) // 4,
                 "completion_tokens": len(json.dumps(turn, default=str)) // 4}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        calls = [] if isinstance(turn, str) else [
            {"id": c.call_id, "type": "function",
             "function": {"name": c.name, "arguments": c.arguments_json}} for c in turn]
        finish = "stop" if isinstance(turn, str) else "tool_calls"
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant",
                                       "content": turn if isinstance(turn, str) else None}
            if calls:
                message["tool_calls"] = calls
            return Reply(200, {**head, "object": "chat.completion", "usage": usage, "choices": [
                {"index": 0, "message": message, "finish_reason": finish}]})

        def chunk(delta: dict[str, Any], reason: str | None = None, **extra: Any) -> bytes:
            return _sse({**head, "object": "chat.completion.chunk", **extra, "choices": [
                {"index": 0, "delta": delta, "finish_reason": reason}]})

        chunks = [chunk({"role": "assistant", "content": ""})]
        if isinstance(turn, str):
            words = turn.split(" ")
            chunks += [chunk({"content": w if i == 0 else f" {w}"}) for i, w in enumerate(words)]
        chunks += [chunk({"tool_calls": [{"index": i, **call}]}) for i, call in enumerate(calls)]
        chunks += [chunk({}, finish, usage=usage), _sse("[DONE]")]
        return Reply(200, stream=chunks)
