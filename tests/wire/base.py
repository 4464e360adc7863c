"""A threaded HTTP server on 127.0.0.1 that records requests and plays scripted faults.

Each API's server subclasses `WireServer` and implements `route(req) -> Reply`. Tests queue
faults in front of a route with `server.fault("POST /v1/images/generations", Reply(...))`:
queued replies are served first (in order, one per matching request), then the route's
normal behaviour resumes. `Reply.delay_s` holds the response back (for client timeouts).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class WireRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    """Case-insensitive, as HTTP header names are."""
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str | tuple[str, bytes]]]:
        """A multipart/form-data body: each field's values, a text field as str, a file as
        (filename, bytes)."""
        head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        fields: dict[str, list[str | tuple[str, bytes]]] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            fields.setdefault(str(name), []).append(
                (filename, data) if filename else data.decode())
        return fields

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    stream: list[bytes] | None = None
    """Chunks written one by one with no Content-Length (server-sent events)."""

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, dict | list):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return self.body or b"", "application/octet-stream"


class WireServer:
    """Base class: a context manager serving `route` on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.received: list[WireRequest] = []
        self._faults: list[tuple[str, deque[Reply]]] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                owner._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> WireServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def fault(self, route_prefix: str, *replies: Reply) -> None:
        """Serve `replies` (in order) to the next requests whose "METHOD /path" starts
        with `route_prefix`."""
        with self._lock:
            self._faults.append((route_prefix, deque(replies)))

    def hits(self, route_prefix: str) -> list[WireRequest]:
        return [r for r in self.received if r.route.startswith(route_prefix)]

    def route(self, req: WireRequest) -> Reply:
        raise NotImplementedError

    def _next_fault(self, req: WireRequest) -> Reply | None:
        with self._lock:
            for prefix, queue in self._faults:
                if queue and req.route.startswith(prefix):
                    return queue.popleft()
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = WireRequest(h.command, parts.path, parse_qs(parts.query), h.headers,
                          body, time.monotonic())
        with self._lock:
            self.received.append(req)
        try:
            reply = self._next_fault(req) or self.route(req)
        except Exception as err:  # a server bug shows up as a 500 the test can read
            reply = Reply(599, {"detail": f"wire server error: {err!r}"})
        if reply.delay_s and self._closing.wait(reply.delay_s):
            return
        try:
            self._write(h, reply)
        except (BrokenPipeError, ConnectionResetError):
            return

    @staticmethod
    def _write(h: BaseHTTPRequestHandler, reply: Reply) -> None:
        h.send_response(reply.status)
        if reply.stream is not None:
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("Cache-Control", "no-cache")
            for k, v in reply.headers.items():
                h.send_header(k, v)
            h.end_headers()
            for chunk in reply.stream:
                h.wfile.write(chunk)
                h.wfile.flush()
            return
        data, ctype = reply.encoded()
        h.send_header("Content-Type", reply.headers.get("Content-Type", ctype))
        h.send_header("Content-Length", str(len(data)))
        for k, v in reply.headers.items():
            if k.lower() != "content-type":
                h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)
