"""Supabase Storage's object API, as storage3 sees it on the wire (under /storage/v1).

    POST /object/<bucket>/<path>        multipart form (`file`, `cacheControl`), header
                                        `x-upsert` -> {"Key": "<bucket>/<path>", "Id"}
    GET  /object/<bucket>/<path>        the bytes; missing: HTTP 400
                                        {"statusCode": "404", "error": "not_found", ...}
    POST /object/sign/<bucket>/<path>   {"expiresIn"} -> {"signedURL": "/object/sign/...?token="}
    GET  /object/sign/<bucket>/<path>?token=...   the bytes, when the token matches

Every API call needs `apikey` and `Authorization: Bearer <key>` headers.
"""

from __future__ import annotations

import secrets
import uuid
from email.parser import BytesParser
from email.policy import HTTP

from .base import Reply, WireRequest, WireServer

PREFIX = "/storage/v1"


def storage_error(http_status: int, code: str, error: str, message: str) -> Reply:
    return Reply(http_status, {"statusCode": code, "error": error, "message": message})


def _multipart_file(req: WireRequest) -> bytes:
    head = f"Content-Type: {req.headers['Content-Type']}\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP).parsebytes(head + req.body)
    for part in msg.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True)
    raise ValueError("multipart body has no `file` part")


class SupabaseStorageServer(WireServer):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.objects: dict[str, bytes] = {}
        self.tokens: dict[str, str] = {}

    @property
    def project_url(self) -> str:
        return self.base_url

    def route(self, req: WireRequest) -> Reply:
        path = req.path.removeprefix(PREFIX)
        if req.method == "GET" and path.startswith("/object/sign/"):
            name = path.removeprefix("/object/sign/")
            token = req.query.get("token", [""])[0]
            if self.tokens.get(token) != name:
                return storage_error(400, "InvalidJWT", "InvalidJWT", "invalid signature")
            return Reply(200, self.objects[name])
        if req.headers.get("apikey") != self.key:
            return storage_error(400, "403", "Unauthorized", "Invalid Compact JWS")
        if req.headers.get("Authorization") != f"Bearer {self.key}":
            return storage_error(400, "403", "Unauthorized", "Invalid Compact JWS")
        if req.method == "POST" and path.startswith("/object/sign/"):
            name = path.removeprefix("/object/sign/")
            if name not in self.objects:
                return storage_error(400, "404", "not_found", "Object not found")
            token = secrets.token_urlsafe(12)
            self.tokens[token] = name
            return Reply(200, {"signedURL": f"/object/sign/{name}?token={token}"})
        if req.method in ("POST", "PUT") and path.startswith("/object/"):
            name = path.removeprefix("/object/")
            if name in self.objects and req.headers.get("x-upsert") != "true":
                return storage_error(400, "409", "Duplicate", "The resource already exists")
            self.objects[name] = _multipart_file(req)
            return Reply(200, {"Key": name, "Id": str(uuid.uuid4())})
        if req.method == "GET" and path.startswith("/object/"):
            name = path.removeprefix("/object/")
            if name not in self.objects:
                return storage_error(400, "404", "not_found", "Object not found")
            return Reply(200, self.objects[name])
        return storage_error(404, "404", "not_found", f"no route {req.route}")
