"""Scene tools: write, edit and regenerate the scene breakdown (no media is generated here)."""

from __future__ import annotations

from typing import Literal

from agents import RunContextWrapper

from pixora.context.models import Breakdown
from pixora.context.requests import BreakdownRequest
from pixora.context.vocabulary import AspectRatio
from pixora.offline.writing import revise_scene
from pixora.tools.common import ToolError, require_breakdown, result, save_breakdown, scene_summary
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext


@pixora_tool
async def generate_scene_breakdown_tool(
    ctx: RunContextWrapper[AgentContext],
    prompt: str,
    style: str = "cinematic",
    duration: int = 30,
    aspect_ratio: AspectRatio = "16:9",
    mood: str | None = None,
    platform: str | None = None,
) -> str:
    """Write a scene breakdown for the user's video idea: narration, visual prompt, duration,
    mood, camera and transition per scene. Nothing is generated until the user approves it.

    Args:
        prompt: What the video is about, in the user's words.
        style: Visual style, e.g. cinematic, documentary, anime, watercolor.
        duration: Total length in seconds (5 to 600).
        aspect_ratio: 16:9 (YouTube), 9:16 (TikTok, Reels, Shorts), 1:1, or 4:5 (Instagram feed).
        mood: A mood word or a 0-100 energy level; inferred from the prompt when omitted.
        platform: youtube, tiktok, reels, shorts or instagram; sets the aspect ratio.
    """
    if not prompt.strip():
        raise ToolError("the prompt is empty: ask the user what the video should be about")
    if not 5 <= duration <= 600:
        raise ToolError(f"duration {duration} s is outside 5 to 600 seconds; ask for another")
    req = BreakdownRequest(
        prompt=prompt, duration_s=float(duration), style=style, aspect_ratio=aspect_ratio,
        mood=mood, platform=platform,
    )
    written = await ctx.context.write_breakdown(req)
    task = await save_breakdown(ctx.context, lambda _: written)
    bd = task.breakdown
    assert bd is not None
    return result(
        version=bd.version, title=bd.title, aspect_ratio=bd.aspect_ratio,
        total_duration_s=bd.total_duration, scenes=scene_summary(bd),
        characters=[c.name for c in bd.characters],
        next="show the breakdown and ask the user to approve it or request changes",
    )


@pixora_tool
async def update_scene_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    new_content: str,
    update_type: Literal["script", "visual", "both"] = "both",
) -> str:
    """Change one scene of the breakdown. Makes a new breakdown version that needs approval.

    Args:
        scene_index: The scene number, starting at 1.
        new_content: The new narration (script), or the change to the visuals, in plain words.
        update_type: What to change: script (narration), visual, or both.
    """
    if not new_content.strip():
        raise ToolError("new_content is empty: say what the scene should become")
    changed: dict[str, object] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet to edit")
        scene = revise_scene(bd, scene_index, new_content, update_type)
        bd.scenes[scene_index - 1] = scene
        changed.update(scene.model_dump())
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(
        version=task.breakdown.version if task.breakdown else None, scene=changed,
        next="tell the user what changed; regeneration needs their approval",
    )


@pixora_tool
async def regenerate_scene_tool(
    ctx: RunContextWrapper[AgentContext], scene_index: int, additional_guidance: str = ""
) -> str:
    """Rewrite one scene (narration and visuals) with optional guidance; the rest stays.

    Args:
        scene_index: The scene number, starting at 1.
        additional_guidance: What to do differently, e.g. "more dramatic" or "at sunrise".
    """
    guidance = additional_guidance.strip() or "a fresh angle on the same moment"
    changed: dict[str, object] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        scene = revise_scene(bd, scene_index, guidance, "both")
        bd.scenes[scene_index - 1] = scene
        changed.update(scene.model_dump())
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(version=require_breakdown(task).version, scene=changed)


SCENE_TOOLS = [generate_scene_breakdown_tool, update_scene_tool, regenerate_scene_tool]
