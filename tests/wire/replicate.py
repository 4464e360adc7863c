"""Replicate's HTTP API for a versioned model, as replicate-python sees it on the wire.

    GET  /v1/models/meta/musicgen   -> the model, with `latest_version.id`
    POST /v1/predictions            {"version", "input"} -> prediction, status "starting"
    GET  /v1/predictions/<id>       -> "processing", then "succeeded" with `output` a URL
    GET  /files/<id>.wav            the output: a WAV of `input.duration` seconds
                                    (32 kHz stereo, as MusicGen stereo models give)

Requests must carry `Authorization: Bearer <token>`; errors are RFC 7807 problem details.
`failed_prediction(error)` makes the next prediction end in "failed" with that error.
"""

from __future__ import annotations

import itertools

from .base import Reply, WireRequest, WireServer
from .media import wav

VERSION = "671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb"


def problem(status: int, detail: str, title: str = "Error") -> Reply:
    return Reply(status, {"type": "about:blank", "title": title, "status": status,
                          "detail": detail}, {"Content-Type": "application/problem+json"})


class ReplicateServer(WireServer):
    def __init__(self, token: str, polls_before_done: int = 1) -> None:
        super().__init__()
        self.token = token
        self.polls_before_done = polls_before_done
        self.predictions: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.fail_next: str | None = None
        self._ids = itertools.count(1)

    def failed_prediction(self, error: str) -> None:
        self.fail_next = error

    def route(self, req: WireRequest) -> Reply:
        if req.path.startswith("/files/"):
            name = req.path.removeprefix("/files/")
            return Reply(200, self.files[name], {"Content-Type": "audio/wav"}) \
                if name in self.files else Reply(404, "not found")
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return problem(401, "You did not pass a valid authentication token", "Unauthenticated")
        if req.route == "GET /v1/models/meta/musicgen":
            return Reply(200, {
                "url": "https://replicate.com/meta/musicgen", "owner": "meta", "name": "musicgen",
                "description": "Generate music from a prompt or melody", "visibility": "public",
                "github_url": "https://github.com/facebookresearch/audiocraft", "paper_url": None,
                "license_url": None, "run_count": 1, "cover_image_url": None,
                "default_example": None,
                "latest_version": {"id": VERSION, "created_at": "2023-11-08T16:31:43.000000Z",
                                   "cog_version": "0.8.6", "openapi_schema": {}},
            })
        if req.route == "POST /v1/predictions":
            body = req.json()
            if body.get("version") != VERSION:
                return problem(422, "Invalid version or not permitted", "Invalid version")
            pid = f"p{next(self._ids)}"
            self.predictions[pid] = {"body": body, "polls": 0, "error": self.fail_next}
            self.fail_next = None
            return Reply(201, self._prediction(pid, "starting"))
        if req.method == "GET" and req.path.startswith("/v1/predictions/"):
            pid = req.path.rsplit("/", 1)[-1]
            if pid not in self.predictions:
                return problem(404, "Not found", "Not found")
            p = self.predictions[pid]
            p["polls"] += 1
            if p["polls"] < self.polls_before_done:
                return Reply(200, self._prediction(pid, "processing"))
            if p["error"]:
                return Reply(200, self._prediction(pid, "failed", error=p["error"]))
            name = f"{pid}.wav"
            self.files[name] = wav(float(p["body"]["input"]["duration"]), 32000, 2)
            return Reply(200, self._prediction(pid, "succeeded",
                                               output=f"{self.base_url}/files/{name}"))
        return problem(404, f"no route {req.route}", "Not found")

    def _prediction(self, pid: str, status: str, output: str | None = None,
                    error: str | None = None) -> dict:
        body = self.predictions[pid]["body"]
        return {"id": pid, "model": "meta/musicgen", "version": VERSION, "status": status,
                "input": body["input"], "output": output, "logs": "", "error": error,
                "metrics": {"predict_time": 2.0} if status == "succeeded" else None,
                "created_at": "2025-01-01T00:00:00Z", "started_at": None,
                "completed_at": None,
                "urls": {"get": f"{self.base_url}/v1/predictions/{pid}",
                         "cancel": f"{self.base_url}/v1/predictions/{pid}/cancel"}}
