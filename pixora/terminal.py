"""The terminal client: renders a task's event stream with rich (streamed text, tool calls,
handoffs, the breakdown as a table, a progress bar with ETA)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from redis.exceptions import RedisError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pixora.context.events import Event, EventStream


def breakdown_table(breakdown: dict[str, Any]) -> Table:
    """A rich table of a breakdown (the `scene_breakdown` event's `data.breakdown`)."""
    table = Table(title=f"{breakdown['title']} - version {breakdown['version']} "
                        f"({breakdown['aspect_ratio']}, {breakdown['style']})")
    for col in ("#", "s", "Narration", "Visual", "Camera", "Transition"):
        table.add_column(col, overflow="fold")
    for s in breakdown["scenes"]:
        table.add_row(str(s["index"]), f"{s['duration']:g}", s["script"], s["visual_prompt"],
                      s["camera"], s["transition"])
    return table


class EventPrinter:
    """Follows one task's events and prints them until stopped."""

    def __init__(self, events: EventStream, task_id: str, console: Console) -> None:
        self.events = events
        self.task_id = task_id
        self.console = console
        self.after = 0
        self.progress: Progress | None = None
        self.bar: Any = None
        self.approval = asyncio.Event()
        self.completion: dict[str, Any] | None = None
        self.failed: str | None = None
        self._streaming = False
        self._dropped = False
        """Tokens of the current message went unprinted (a progress bar was live)."""
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.after = await self.events.last_id(self.task_id)
        self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        await asyncio.sleep(0.05)
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._end_stream()
        if self.progress:
            self.progress.stop()
            self.progress = None

    async def _follow(self) -> None:
        """Print events as they come; a dropped Redis read resumes from the last event shown."""
        while True:
            try:
                async for event in self.events.follow(self.task_id, self.after, block_ms=500):
                    self.after = event.id
                    self.show(event)
            except (RedisError, TimeoutError):
                await asyncio.sleep(0.2)

    def _end_stream(self) -> None:
        if self._streaming:
            self.console.print()
            self._streaming = False

    def show(self, e: Event) -> None:
        c = self.console
        if e.type == "token":
            if self.progress is None:  # a live progress bar would overwrite a partial line
                self._streaming = True
                c.print(e.content or "", end="", markup=False, highlight=False)
            else:
                self._dropped = True
            return
        self._end_stream()
        if e.type == "agent_message":
            if self._dropped:
                c.print(e.content or "", markup=False, highlight=False)
            self._dropped = False
        if e.type == "tool_call":
            c.print(f"[dim]  tool {e.data.get('tool')}({_args(e.data.get('parameters'))})[/]")
        elif e.type == "handoff":
            c.print(f"[dim]  handoff {e.data.get('from')} -> {e.data.get('to')}[/]")
        elif e.type == "scene_breakdown":
            c.print(breakdown_table(e.data["breakdown"]))
        elif e.type == "approval_required":
            self.approval.set()
        elif e.type == "progress_update":
            self._progress(e.data)
        elif e.type == "completion":
            self.completion = e.data
        elif e.type == "error":
            self.failed = e.data.get("message")
            c.print(f"[red]error ({e.data.get('code')}): {e.data.get('message')}[/]")

    def _progress(self, data: dict[str, Any]) -> None:
        if self.progress is None:
            self.progress = Progress(
                TextColumn("[bold]{task.fields[stage]:<12}"), BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"), TextColumn("{task.fields[eta]}"),
                TimeElapsedColumn(), TextColumn("{task.description}"), console=self.console,
            )
            self.progress.start()
            self.bar = self.progress.add_task("", total=100, stage="", eta="")
        eta = data.get("eta_s")
        self.progress.update(
            self.bar, completed=data.get("progress", 0), description=data.get("message", ""),
            stage=data.get("stage", ""), eta=f"ETA {eta:.0f}s" if eta else "",
        )
        if data.get("progress", 0) >= 100 or data.get("stage") == "cancelled":
            self.progress.stop()
            self.progress = None


def _args(params: Any) -> str:
    if not isinstance(params, dict):
        return ""
    parts = [f"{k}={v!r}" for k, v in params.items() if v not in (None, "")]
    text = ", ".join(parts)
    return text if len(text) < 100 else text[:97] + "..."
