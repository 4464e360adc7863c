"""OpenAI's Images and Speech endpoints, as the OpenAI SDK sees them on the wire.

    POST /v1/images/generations  {"model", "prompt", "size": "WxH", ...}
        -> {"created", "data": [{"b64_json": PNG}], "size", "output_format": "png", "usage"}
    POST /v1/images/edits        multipart: "image[]" files (PNG), "model", "prompt",
        "size", ... -> as generations (a 400 `invalid_image` for an input that is not a PNG)
    POST /v1/audio/speech        {"model", "voice", "input", "speed", "response_format"}
        -> audio bytes (WAV 24 kHz mono here, 0.06 s per character of input / speed)

Both check `Authorization: Bearer <key>` (401 with an OpenAI error object otherwise).
Refusals and failures are injected with `fault()`; `policy_refusal()` builds the error
body OpenAI returns when its safety system blocks a prompt.
"""

from __future__ import annotations

import base64
import time

from .base import Reply, WireRequest, WireServer
from .media import png, wav


def openai_error(status: int, message: str, code: str | None = None,
                 type_: str = "invalid_request_error", headers: dict | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": type_, "param": None,
                                    "code": code}}, headers or {})


def policy_refusal() -> Reply:
    return openai_error(
        400, "Your request was rejected as a result of our safety system. Your request may "
        "contain content that is not allowed by our safety system.", code="moderation_blocked",
    )


class OpenAIMediaServer(WireServer):
    def __init__(self, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key

    @property
    def sdk_base_url(self) -> str:
        return f"{self.base_url}/v1"

    def route(self, req: WireRequest) -> Reply:
        if req.headers.get("Authorization") != f"Bearer {self.api_key}":
            return openai_error(401, "Incorrect API key provided.", "invalid_api_key")
        if req.route == "POST /v1/images/edits":
            return self._edit(req.form())
        body = req.json()
        if req.route == "POST /v1/images/generations":
            w, h = (int(v) for v in body.get("size", "1024x1024").split("x"))
            data = base64.b64encode(png(w // 8, h // 8, body["prompt"])).decode()
            return Reply(200, {"created": int(time.time()), "data": [{"b64_json": data}],
                               "size": body.get("size"), "output_format": "png",
                               "quality": body.get("quality", "medium"),
                               "usage": {"input_tokens": 12, "output_tokens": 1056,
                                         "total_tokens": 1068,
                                         "input_tokens_details": {"image_tokens": 0,
                                                                  "text_tokens": 12}}})
        if req.route == "POST /v1/audio/speech":
            seconds = 0.06 * len(body["input"]) / float(body.get("speed", 1.0))
            return Reply(200, wav(seconds), {"Content-Type": "audio/wav"})
        return openai_error(404, f"Invalid URL ({req.route})")

    def _edit(self, form: dict) -> Reply:
        images = form.get("image[]", []) + form.get("image", [])
        if not images or any(not isinstance(i, tuple) or not i[1].startswith(b"\x89PNG")
                             for i in images):
            return openai_error(400, "Invalid input image - format must be png.",
                                "invalid_image")
        w, h = (int(v) for v in str(form.get("size", ["1024x1024"])[0]).split("x"))
        data = base64.b64encode(png(w // 8, h // 8, str(form["prompt"][0]))).decode()
        return Reply(200, {"created": int(time.time()), "data": [{"b64_json": data}],
                           "size": f"{w}x{h}", "output_format": "png",
                           "usage": {"input_tokens": 400, "output_tokens": 1056,
                                     "total_tokens": 1456,
                                     "input_tokens_details": {"image_tokens": 388,
                                                              "text_tokens": 12}}})
