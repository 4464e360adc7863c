"""What every tool shares: the decorator, JSON results, and breakdown edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from agents import ModelBehaviorError, RunContextWrapper, function_tool

from pixora.context import events
from pixora.context.models import Breakdown, Stage, TaskContext
from pixora.tools.context import AgentContext


class ToolError(ValueError):
    """A tool could not do what was asked; the message tells the model what to do instead."""

def result(status: str = "ok", **data: Any) -> str:
    """A tool's JSON reply."""
    return json.dumps({"status": status, **data}, default=str)

def _error_reply(ctx: RunContextWrapper[Any], error: Exception) -> str:
    if isinstance(error, ModelBehaviorError):
        return result("error", code="invalid_arguments", message=str(error))
    if isinstance(error, ToolError | IndexError | KeyError | ValueError):
        message = str(error).strip("'\"")
    else:
        message = f"{type(error).__name__}: the tool failed; tell the user and offer to retry"
    return result("error", message=message)

def tool(fn: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
    """`agents.function_tool` with Pixora's error replies (JSON with a readable message)."""
    kwargs.setdefault("failure_error_function", _error_reply)
    if fn is None:
        return lambda f: function_tool(f, **kwargs)
    return function_tool(fn, **kwargs)

def require_breakdown(task: TaskContext) -> Breakdown:
    if task.breakdown is None:
        raise ToolError("there is no scene breakdown yet: call generate_scene_breakdown_tool first")
    return task.breakdown

def require_approved(task: TaskContext) -> Breakdown:
    """The approved breakdown. Raises ToolError if the current version is not approved."""
    bd = require_breakdown(task)
    if not task.is_approved:
        raise ToolError(
            f"scene breakdown version {bd.version} is not approved yet; nothing is generated "
            "before the user approves it"
        )
    return bd

async def save_breakdown(
    ctx: AgentContext, change: Callable[[Breakdown | None], Breakdown]
) -> TaskContext:
    """Install `change(current breakdown)` as the next breakdown version.

    The approval is cleared; the stage becomes awaiting_approval (editing once a video
    exists). A `scene_breakdown` event goes out.

    Raises:
        ToolError: the task is generating right now (edits wait until it finishes).
    """

    running = await ctx.runs.is_running(ctx.task_id)

    def fn(task: TaskContext) -> None:
        if task.stage == Stage.GENERATING and running:
            raise ToolError("the video is being generated right now; edit it when it finishes")
        current = task.breakdown.model_copy(deep=True) if task.breakdown else None
        task.set_breakdown(change(current))
        task.stage = Stage.EDITING if task.videos else Stage.AWAITING_APPROVAL

    task = await ctx.svc.store.update(ctx.task_id, fn)
    await ctx.svc.events.append(ctx.task_id, events.scene_breakdown(task))
    return task

def scene_summary(bd: Breakdown) -> list[dict[str, Any]]:
    return [
        {"scene": s.index, "title": s.title, "duration_s": s.duration, "script": s.script,
         "visual": s.visual_prompt, "transition": s.transition}
        for s in bd.scenes
    ]
