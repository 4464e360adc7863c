"""Per-case model usage, read from the Agents SDK's traces.

Every `Runner` run ends a `task` span carrying the run's usage (requests, input, output and
total tokens). `UsageMeter` is a trace processor that adds each task span's usage to the case
that is running in the current asyncio context (`case_scope`), so concurrent cases on one
Studio are counted apart. Runs inside a tool (the breakdown writer's structured-output run on a
cloud model) count too: they run in the same context.
"""

from __future__ import annotations

import contextvars
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agents import add_trace_processor
from agents.tracing import Span, Trace, TracingProcessor
from agents.tracing.span_data import TaskSpanData

_CASE: contextvars.ContextVar[str | None] = contextvars.ContextVar("pixora_eval_case",
                                                                   default=None)
FIELDS = ("requests", "input_tokens", "output_tokens", "total_tokens")


class UsageMeter(TracingProcessor):
    """Sums task-span usage per case name. Install with `UsageMeter.install()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    @classmethod
    def install(cls) -> UsageMeter:
        """Add a meter to the SDK's trace processors (after `Studio.open`, which sets them)."""
        meter = cls()
        add_trace_processor(meter)
        return meter

    def usage(self, case: str) -> dict[str, int]:
        with self._lock:
            return dict(self._usage[case])

    def on_span_end(self, span: Span[Any]) -> None:
        case = _CASE.get()
        data = span.span_data
        if case is None or not isinstance(data, TaskSpanData) or not data.usage:
            return
        with self._lock:
            bucket = self._usage[case]
            for name in FIELDS:
                bucket[name] += int(data.usage.get(name) or 0)

    def on_trace_start(self, trace: Trace) -> None:
        return None

    def on_trace_end(self, trace: Trace) -> None:
        return None

    def on_span_start(self, span: Span[Any]) -> None:
        return None

    def shutdown(self) -> None:
        return None

    def force_flush(self) -> None:
        return None


@contextmanager
def case_scope(case: str) -> Iterator[None]:
    """Attribute model usage in this context (and tasks started from it) to `case`."""
    token = _CASE.set(case)
    try:
        yield
    finally:
        _CASE.reset(token)
