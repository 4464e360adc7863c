"""A local trace processor: every trace and span of an agent run, as JSON lines on disk.

Nothing is uploaded unless an OpenAI key is set (then the SDK's own exporter runs too).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from agents import add_trace_processor, set_trace_processors
from agents.tracing import Span, Trace, TracingProcessor


class JsonlTraceProcessor(TracingProcessor):
    """Appends `{"event": "trace_start"|"trace_end"|"span_end", "at": unix s, ...export}` lines to
    `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _write(self, event: str, body: dict[str, Any] | None) -> None:
        line = json.dumps({"event": event, "at": time.time(), **(body or {})}, default=str)
        with self._lock, self.path.open("a") as f:
            f.write(line + "\n")

    def on_trace_start(self, trace: Trace) -> None:
        self._write("trace_start", trace.export())

    def on_trace_end(self, trace: Trace) -> None:
        self._write("trace_end", trace.export())

    def on_span_start(self, span: Span[Any]) -> None:
        return None

    def on_span_end(self, span: Span[Any]) -> None:
        self._write("span_end", span.export())

    def shutdown(self) -> None:
        return None

    def force_flush(self) -> None:
        return None


def install_tracing(data_dir: Path, *, upload: bool) -> Path:
    """Send traces to `data_dir/traces/traces.jsonl`; keep the SDK's uploader only if `upload`.

    Returns the JSONL path.
    """
    path = data_dir / "traces" / "traces.jsonl"
    local = JsonlTraceProcessor(path)
    if upload:
        add_trace_processor(local)
    else:
        set_trace_processors([local])
    return path
