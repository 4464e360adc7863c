"""Generation and status tools: start (behind the approval gate), check, report, cancel."""

from __future__ import annotations

from typing import Any, Literal

from agents import RunContextWrapper

from pixora.context import events
from pixora.context.models import Progress, Stage
from pixora.tools.common import ToolError, require_approved, result
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext


async def needs_user_approval(
    ctx: RunContextWrapper[AgentContext], params: dict[str, Any], call_id: str
) -> bool:
    """The SDK's approval gate: pause the run unless the user approved the current version."""
    return not (await ctx.context.task()).is_approved


@pixora_tool(needs_approval=needs_user_approval)
async def generate_video_tool(ctx: RunContextWrapper[AgentContext]) -> str:
    """Generate the video from the approved scene breakdown: every scene in parallel (image,
    motion, narration), music, then composition. Only what changed since the last video is
    made again. The user must approve the breakdown first; the run pauses for that."""
    agent_ctx = ctx.context
    task = await agent_ctx.task()
    bd = require_approved(task)
    if await agent_ctx.runs.is_running(agent_ctx.task_id):
        return result("running", message="generation is already running",
                      progress=task.progress.percent)
    await agent_ctx.runs.start(agent_ctx.task_id)
    return result(
        "started", breakdown_version=bd.version, scenes=len(bd.scenes),
        video_version=len(task.videos) + 1,
        message="generation started; progress updates follow",
    )


@pixora_tool
async def check_generation_status_tool(ctx: RunContextWrapper[AgentContext]) -> str:
    """The task's stage, progress (percent, ETA in seconds), videos made and cost so far."""
    task = await ctx.context.task()
    progress = task.progress.model_dump(mode="json")
    if task.stage == Stage.GENERATING and not await ctx.context.runs.is_running(
            ctx.context.task_id):
        # No job queued or running: the percent is where it stopped, and no ETA is live.
        progress.update(eta_s=None, message="generation is not running; it was interrupted "
                        "and is waiting to be resumed")
    elif task.stage == Stage.GENERATING and getattr(ctx.context.runs, "queue", None) is not None:
        live = await ctx.context.runs.queue.live_jobs(ctx.context.task_id)  # type: ignore[attr-defined]
        if "running" not in live.values():
            progress.update(eta_s=None, message="queued: waiting for a free worker")
    return result(
        stage=task.stage, progress=progress,
        breakdown_version=task.breakdown.version if task.breakdown else None,
        approved=task.is_approved,
        videos=[{"version": v.version, "duration_s": v.duration_s,
                 "url": await ctx.context.svc.storage.url(v.key)} for v in task.videos],
        cost_usd=task.total_cost_usd, error=task.error,
    )


@pixora_tool
async def update_progress_tool(
    ctx: RunContextWrapper[AgentContext], progress: float, stage: str, message: str
) -> str:
    """Tell the user about progress on work the agent is doing itself.

    Args:
        progress: Percent done, 0 to 100.
        stage: A short stage name, e.g. "planning".
        message: One line for the user.
    """
    if not 0 <= progress <= 100:
        raise ToolError("progress must be between 0 and 100")
    await ctx.context.svc.store.set_progress(
        ctx.context.task_id, Progress(percent=progress, stage=stage, message=message))
    await ctx.context.svc.events.append(
        ctx.context.task_id, events.progress_update(progress, stage, message)
    )
    return result(progress=progress)


@pixora_tool
async def handle_error_tool(
    ctx: RunContextWrapper[AgentContext],
    error_message: str,
    recovery_action: Literal["retry", "report"] = "retry",
) -> str:
    """Recover from a failed generation: retry it (reusing everything already made), or report.

    Args:
        error_message: What went wrong, as the agent understood it.
        recovery_action: retry (start generation again) or report (tell the user only).
    """
    agent_ctx = ctx.context
    task = await agent_ctx.task()
    if recovery_action == "retry":
        if task.stage != Stage.FAILED:
            raise ToolError(f"the task is {task.stage}, not failed; nothing to retry")
        require_approved(task)
        await agent_ctx.runs.start(agent_ctx.task_id)
        return result("retrying", previous_error=task.error)
    await agent_ctx.svc.events.append(
        agent_ctx.task_id, events.error("agent_reported", error_message)
    )
    return result("reported", error=task.error or error_message)


@pixora_tool
async def cancel_generation_tool(ctx: RunContextWrapper[AgentContext]) -> str:
    """Cancel the task: stop any generation running now and withdraw the approval."""
    stopped = await ctx.context.runs.cancel(ctx.context.task_id)
    return result("cancelled", stopped_running_generation=stopped)


GENERATION_TOOLS = [
    generate_video_tool, check_generation_status_tool, update_progress_tool, handle_error_tool,
    cancel_generation_tool,
]
