"""fal.ai's queue and storage APIs, as fal_client sees them on the wire.

Queue (host queue.fal.run; `Authorization: Key <FAL_KEY>`):

    POST /<owner>/<alias>[/<path>]                 submit -> {"request_id", "response_url",
                                                   "status_url", "cancel_url", "queue_position"}
    GET  /<owner>/<alias>/requests/<id>/status?logs=1
         -> {"status": "IN_QUEUE", "queue_position"} then {"status": "IN_PROGRESS", "logs"}
            then {"status": "COMPLETED", "logs", "metrics"}
    GET  /<owner>/<alias>/requests/<id>            the result JSON

Storage (host rest.fal.ai): `POST /storage/upload/initiate?storage_type=gcs`
{"file_name", "content_type"} -> {"upload_url", "file_url"}; then `PUT upload_url` with the
bytes. Uploaded files and results are served from `GET /files/<name>`.

Results by app: `fal-ai/flux/dev` -> {"images": [{"url", ...}], "has_nsfw_concepts"},
Kontext (`fal-ai/flux-pro/kontext` with `image_url`, `.../kontext/multi` with `image_urls`)
-> the same, 1024 px on the long side at `aspect_ratio` (a 422 `file_download_error` when a
reference is not a file uploaded here),
Kling image-to-video -> {"video": {"url"}} (an MP4 of the uploaded image; a 422
`file_download_error` when `image_url` is not a file uploaded here), ElevenLabs ->
{"audio": {"url"}} (MP3). URLs in responses use fal's real hosts (https://queue.fal.run/...),
so the client must route them through FAL_BASE_URL.
"""

from __future__ import annotations

import itertools
import json

from .base import Reply, WireRequest, WireServer
from .media import mp3, mp4_from_image, png

KLING = "fal-ai/kling-video/v1.6/standard/image-to-video"
FLUX = "fal-ai/flux/dev"
ELEVENLABS = "fal-ai/elevenlabs/tts/multilingual-v2"
KONTEXT = "fal-ai/flux-pro/kontext"
KONTEXT_MULTI = "fal-ai/flux-pro/kontext/multi"


def policy_refusal() -> Reply:
    """fal's 422 for input its content checker refuses."""
    return Reply(422, {"detail": [{
        "loc": ["body", "prompt"], "msg": "The content could not be processed because it "
        "contained material flagged by a content checker.", "type": "content_policy_violation",
        "url": "https://docs.fal.ai/errors#content_policy_violation",
    }]})


class FalServer(WireServer):
    def __init__(self, key: str, polls_before_done: int = 2) -> None:
        super().__init__()
        self.key = key
        self.polls_before_done = polls_before_done
        self.files: dict[str, bytes] = {}
        self.jobs: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._uploads: dict[str, str] = {}
        self._next_result: dict | None = None

    def override_next_result(self, result: dict) -> None:
        """The next submitted job completes with `result` instead of the app's output."""
        self._next_result = result

    def route(self, req: WireRequest) -> Reply:
        if req.path.startswith("/files/"):
            name = req.path.removeprefix("/files/")
            return Reply(200, self.files[name]) if name in self.files else Reply(404, "no file")
        if req.method == "PUT" and req.path.startswith("/upload/"):
            self.files[self._uploads.pop(req.path.removeprefix("/upload/"))] = req.body
            return Reply(200, b"")
        if req.headers.get("Authorization") != f"Key {self.key}":
            return Reply(401, {"detail": "No user found for Key ID and Secret"})
        if req.route == "POST /storage/upload/initiate":
            meta = req.json()
            n = next(self._ids)
            name = f"{n}-{meta['file_name']}"
            self._uploads[f"t{n}"] = name
            return Reply(200, {"upload_url": f"{self.base_url}/upload/t{n}",
                               "file_url": f"{self.base_url}/files/{name}"})
        parts = req.path.strip("/").split("/")
        if "requests" in parts:
            i = parts.index("requests")
            job = self.jobs.get(parts[i + 1])
            if job is None:
                return Reply(404, {"detail": "Request not found"})
            if parts[-1] == "status":
                return self._status(job)
            return Reply(200, job["result"])
        if req.method == "POST":
            return self._submit("/".join(parts), req.json())
        return Reply(404, {"detail": f"no route {req.route}"})

    def _status(self, job: dict) -> Reply:
        job["polls"] += 1
        logs = [{"message": "generating", "level": "INFO", "source": "user",
                 "timestamp": "2025-01-01T00:00:00"}]
        if job["polls"] == 1:
            return Reply(202, {"status": "IN_QUEUE", "queue_position": 0,
                               "response_url": job["response_url"]})
        if job["polls"] <= self.polls_before_done:
            return Reply(202, {"status": "IN_PROGRESS", "logs": logs,
                               "response_url": job["response_url"]})
        return Reply(200, {"status": "COMPLETED", "logs": logs,
                           "metrics": {"inference_time": 1.5},
                           "response_url": job["response_url"]})

    def _submit(self, app: str, args: dict) -> Reply:
        rid = f"req-{next(self._ids)}"
        owner, alias = app.split("/")[:2]
        if app == FLUX:
            size = args["image_size"]
            self.files[f"{rid}.png"] = png(size["width"] // 8, size["height"] // 8,
                                           args["prompt"])
            result = {"images": [{"url": f"{self.base_url}/files/{rid}.png",
                                  "width": size["width"], "height": size["height"],
                                  "content_type": "image/png"}],
                      "seed": args.get("seed"), "has_nsfw_concepts": [False],
                      "prompt": args["prompt"], "timings": {"inference": 1.2}}
        elif app in (KONTEXT, KONTEXT_MULTI):
            refs = [args["image_url"]] if app == KONTEXT else list(args["image_urls"])
            if any(str(u).removeprefix(f"{self.base_url}/files/") not in self.files
                   for u in refs):
                return Reply(422, {"detail": [{"loc": ["body", "image_url"],
                                               "msg": "Could not download the image",
                                               "type": "file_download_error"}]})
            rw, rh = (int(v) for v in args.get("aspect_ratio", "1:1").split(":"))
            w, h = (1024, 1024 * rh // rw) if rw >= rh else (1024 * rw // rh, 1024)
            self.files[f"{rid}.png"] = png(w // 8, h // 8, args["prompt"])
            result = {"images": [{"url": f"{self.base_url}/files/{rid}.png", "width": w,
                                  "height": h, "content_type": "image/png"}],
                      "seed": args.get("seed"), "has_nsfw_concepts": [False],
                      "prompt": args["prompt"]}
        elif app == KLING:
            name = str(args.get("image_url", "")).removeprefix(f"{self.base_url}/files/")
            if name not in self.files:
                return Reply(422, {"detail": [{"loc": ["body", "image_url"],
                                               "msg": "Could not download the image",
                                               "type": "file_download_error"}]})
            self.files[f"{rid}.mp4"] = mp4_from_image(self.files[name], float(args["duration"]))
            result = {"video": {"url": f"{self.base_url}/files/{rid}.mp4",
                                "content_type": "video/mp4", "file_name": "output.mp4",
                                "file_size": len(self.files[f"{rid}.mp4"])}}
        elif app == ELEVENLABS:
            self.files[f"{rid}.mp3"] = mp3(0.05 * len(args["text"]) / args.get("speed", 1.0))
            result = {"audio": {"url": f"{self.base_url}/files/{rid}.mp3",
                                "content_type": "audio/mpeg"}, "timestamps": None}
        else:
            return Reply(404, {"detail": f"Application {app!r} not found"})
        if self._next_result is not None:
            result, self._next_result = self._next_result, None
        base = f"https://queue.fal.run/{owner}/{alias}/requests/{rid}"
        self.jobs[rid] = {"app": app, "args": json.loads(json.dumps(args)), "result": result,
                          "polls": 0, "response_url": base}
        return Reply(200, {"request_id": rid, "response_url": base,
                           "status_url": f"{base}/status", "cancel_url": f"{base}/cancel",
                           "queue_position": 0})
