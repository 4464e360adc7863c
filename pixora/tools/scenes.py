"""Scene tools: write, edit and regenerate the scene breakdown (no media is generated here).

Edits take the new field values themselves (narration, visual prompt, camera...), which are
saved verbatim: whoever calls the tool (a model, the offline director, the web page) decides
the words.
"""

from __future__ import annotations

from typing import Any

from agents import RunContextWrapper
from pydantic import ValidationError

from pixora.context.models import Breakdown, Scene
from pixora.context.requests import BreakdownRequest, CharacterSpec
from pixora.context.vocabulary import AspectRatio, Camera, Lighting, Mood, Transition
from pixora.tools.common import ToolError, result, save_breakdown, scene_summary
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
    scenes: int | None = None,
    characters: list[CharacterSpec] | None = None,
    audience: str | None = None,
) -> str:
    """Write a scene breakdown for the user's video idea: narration, visual prompt, duration,
    mood, camera and transition per scene. Nothing is generated until the user approves it.
    When the request cannot be met (e.g. more scenes than the duration holds) the error
    message is a question: ask the user exactly that one question.

    Args:
        prompt: What the video is about, in the user's words.
        style: Visual style, e.g. cinematic, documentary, anime, watercolor.
        duration: Total length in seconds (5 to 600).
        aspect_ratio: 16:9 (YouTube), 9:16 (TikTok, Reels, Shorts), 1:1, or 4:5 (Instagram feed).
        mood: A mood word or a 0-100 energy level; inferred from the prompt when omitted.
        platform: youtube, tiktok, reels, shorts or instagram; sets the aspect ratio.
        scenes: The exact number of scenes the user asked for (each lasts at least 1.5 s);
            null lets the writer choose.
        characters: The characters the user named: name, kind (person, dog, robot...) and
            visible traits in plain words; null or empty when they named none.
        audience: Who the video is for, e.g. children or investors; null when not said.
    """
    args: dict[str, Any] = {
        "style": style, "duration": duration, "aspect_ratio": aspect_ratio, "mood": mood,
        "platform": platform, "scenes": scenes, "audience": audience,
        **ctx.context.fixed_fields,
    }
    try:
        req = BreakdownRequest(
            prompt=prompt, duration_s=float(args["duration"]), style=args["style"],
            aspect_ratio=args["aspect_ratio"], mood=args["mood"], platform=args["platform"],
            scenes=args["scenes"], characters=tuple(characters or ()),
            audience=args["audience"],
        )
    except ValueError as err:
        raise ToolError(str(err)) from None
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


async def _set_scene_fields(ctx: AgentContext, scene_index: int, fields: dict[str, Any]) -> str:
    """Save `fields` (the given, non-None values) verbatim on scene `scene_index` as a new
    breakdown version; the reply carries the whole scene as it now is."""
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields:
        raise ToolError("give at least one field to change (script, visual_prompt, camera, "
                        "duration, mood, lighting, transition or title)")
    changed: dict[str, object] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet: call "
                            "generate_scene_breakdown_tool first")
        try:
            scene = Scene.model_validate({**bd.scene(scene_index).model_dump(), **fields})
        except ValidationError as err:
            first = err.errors()[0]
            raise ToolError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        bd.scenes[scene_index - 1] = scene
        changed.update(scene.model_dump())
        return bd

    task = await save_breakdown(ctx, change)
    return result(
        version=task.breakdown.version if task.breakdown else None, scene=changed,
        changed=sorted(fields),
        next="tell the user what changed; regeneration needs their approval",
    )


@pixora_tool
async def update_scene_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    script: str | None = None,
    visual_prompt: str | None = None,
    camera: Camera | None = None,
    duration: float | None = None,
    mood: Mood | None = None,
    lighting: Lighting | None = None,
    transition: Transition | None = None,
    title: str | None = None,
) -> str:
    """Change fields of one scene; each given value is saved exactly as written, the others
    stay. Makes a new breakdown version that needs the user's approval.

    Args:
        scene_index: The scene number, starting at 1.
        script: The complete new narration, spoken verbatim (about 2.7 words per second of
            the scene at most); null keeps it.
        visual_prompt: The complete new visual prompt (what the image shows, concretely);
            null keeps it.
        camera: The camera move; null keeps it.
        duration: The scene's length in seconds (1.5 to 60); null keeps it.
        mood: The mood category; null keeps it.
        lighting: The lighting preset; null keeps it.
        transition: How this scene passes into the next one; null keeps it.
        title: A short scene title; null keeps it.
    """
    return await _set_scene_fields(ctx.context, scene_index, {
        "script": script, "visual_prompt": visual_prompt, "camera": camera,
        "duration": duration, "mood": mood, "lighting": lighting, "transition": transition,
        "title": title,
    })


@pixora_tool
async def regenerate_scene_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    script: str,
    visual_prompt: str,
    camera: Camera | None = None,
    lighting: Lighting | None = None,
) -> str:
    """Replace one scene with a fresh take: a new narration and a new visual prompt (both
    saved verbatim), optionally a new camera move and lighting; the rest of the breakdown
    stays. Makes a new breakdown version that needs the user's approval.

    Args:
        scene_index: The scene number, starting at 1.
        script: The new narration, spoken verbatim (about 2.7 words per second at most).
        visual_prompt: The new visual prompt (what the image shows, concretely).
        camera: A new camera move; null keeps the scene's.
        lighting: A new lighting preset; null keeps the scene's.
    """
    return await _set_scene_fields(ctx.context, scene_index, {
        "script": script, "visual_prompt": visual_prompt, "camera": camera,
        "lighting": lighting,
    })


SCENE_TOOLS = [generate_scene_breakdown_tool, update_scene_tool, regenerate_scene_tool]
