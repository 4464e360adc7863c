"""Asset tools: make one scene's image, narration or motion clip ahead of the full run, and
the breakdown-level audio choices (voice, music).

The approved breakdown governs every asset. A parameter that differs from it is an edit: it
makes a new breakdown version (which needs the user's approval) instead of generating.
"""

from __future__ import annotations

import json
from typing import Any

from agents import RunContextWrapper

from pixora.context.models import Breakdown, MusicCue
from pixora.context.vocabulary import (
    KEN_BURNS_MOVES,
    AspectRatio,
    KenBurnsMove,
    VoiceTone,
    resolve_mood,
)
from pixora.media.ffmpeg import run_ffmpeg
from pixora.pipeline.generate import GenerationRun
from pixora.tools.common import ToolError, require_approved, result, save_breakdown
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext


async def _edit_or_make(
    ctx: AgentContext, scene_index: int, edits: dict[str, Any], kind: str
) -> str:
    """Apply `edits` (scene fields; keys prefixed `breakdown.` for breakdown fields) if any differ
    from the approved breakdown, else make the scene's `kind` asset."""
    task = await ctx.task()
    bd = require_approved(task) if task.is_approved else task.breakdown
    if bd is None:
        raise ToolError("there is no scene breakdown yet")
    scene = bd.scene(scene_index)
    diff = {
        k: v for k, v in edits.items()
        if v not in (None, "") and v != (
            getattr(bd, k.removeprefix("breakdown."))
            if k.startswith("breakdown.") else getattr(scene, k)
        )
    }
    if diff:
        def change(current: Breakdown | None) -> Breakdown:
            assert current is not None
            s = current.scene(scene_index)
            for k, v in diff.items():
                target = current if k.startswith("breakdown.") else s
                setattr(target, k.removeprefix("breakdown."), v)
            return current

        task = await save_breakdown(ctx, change)
        return result(
            "needs_approval", changed=sorted(diff), version=task.breakdown.version if
            task.breakdown else None,
            message="the breakdown changed; the user must approve it before generation",
        )
    require_approved(task)
    asset = await GenerationRun(ctx.svc, ctx.task_id).scene_asset(kind, scene_index)
    return result(
        asset=f"scene_{scene_index}/{kind}", url=await ctx.svc.storage.url(asset.key),
        duration_s=asset.duration_s, provider=asset.provider, note=asset.note,
    )


@pixora_tool
async def generate_scene_image_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    prompt: str,
    style: str,
    aspect_ratio: AspectRatio = "16:9",
) -> str:
    """Make the image for one scene of the approved breakdown.

    Args:
        scene_index: The scene number, starting at 1.
        prompt: The visual prompt; a different one than the scene's is saved as an edit.
        style: The visual style; a different one is saved as an edit of the whole breakdown.
        aspect_ratio: Frame shape; a different one is saved as an edit of the whole breakdown.
    """
    return await _edit_or_make(
        ctx.context, scene_index,
        {"visual_prompt": prompt, "breakdown.style": style,
         "breakdown.aspect_ratio": aspect_ratio}, "image",
    )


@pixora_tool
async def regenerate_scene_image_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    new_prompt: str,
    style_adjustments: str | None = None,
) -> str:
    """Give one scene a new visual prompt (a new breakdown version that needs approval).

    Args:
        scene_index: The scene number, starting at 1.
        new_prompt: The new visual prompt for the scene's image.
        style_adjustments: Extra style words appended to the prompt, e.g. "warmer colours".
    """
    prompt = new_prompt.strip()
    if style_adjustments:
        prompt = f"{prompt}, {style_adjustments.strip()}"
    if not prompt:
        raise ToolError("new_prompt is empty")
    return await _edit_or_make(ctx.context, scene_index, {"visual_prompt": prompt}, "image")


@pixora_tool
async def generate_narration_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    script: str,
    voice_type: VoiceTone = "neutral",
) -> str:
    """Make the narration (voice-over) for one scene of the approved breakdown.

    Args:
        scene_index: The scene number, starting at 1.
        script: The words to speak; different words are saved as an edit of the scene.
        voice_type: Voice tone: neutral, warm or bright.
    """
    task = await ctx.context.task()
    if task.breakdown and voice_type != task.breakdown.voice.tone:
        voice = task.breakdown.voice.model_copy(update={"tone": voice_type})
        return await _edit_or_make(
            ctx.context, scene_index, {"script": script, "breakdown.voice": voice}, "narration"
        )
    return await _edit_or_make(ctx.context, scene_index, {"script": script}, "narration")


@pixora_tool
async def image_to_video_tool(
    ctx: RunContextWrapper[AgentContext],
    scene_index: int,
    image_url: str,
    duration: float,
    motion_type: KenBurnsMove = "gentle_pan",
) -> str:
    """Animate one scene's image into its motion clip (Ken Burns locally, Kling with fal.ai).

    Args:
        scene_index: The scene number, starting at 1.
        image_url: The scene's image URL (from generate_scene_image_tool), or empty.
        duration: Planned scene length in seconds; a different one is saved as an edit.
        motion_type: Camera motion; a different one than the scene's camera is saved as an edit.
    """
    if motion_type not in KEN_BURNS_MOVES:
        raise ToolError(f"motion_type must be one of {', '.join(KEN_BURNS_MOVES)}")
    task = await ctx.context.task()
    if image_url and task.breakdown:
        key = task.assets.get(f"scene_{scene_index}/image")
        if key is None or image_url != await ctx.context.svc.storage.url(key.key):
            raise ToolError(f"image_url is not scene {scene_index}'s image; leave it empty")
    motion: KenBurnsMove = motion_type
    return await _edit_or_make(
        ctx.context, scene_index, {"duration": round(duration, 1), "camera": motion}, "motion"
    )


@pixora_tool
async def combine_video_audio_tool(
    ctx: RunContextWrapper[AgentContext], scene_index: int, video_url: str, audio_url: str
) -> str:
    """Mux one scene's motion clip with its narration into a scene preview MP4.

    Args:
        scene_index: The scene number, starting at 1.
        video_url: The scene's motion clip URL (from image_to_video_tool).
        audio_url: The scene's narration URL (from generate_narration_tool).
    """
    task = await ctx.context.task()
    require_approved(task)
    storage = ctx.context.svc.storage
    clip = task.assets.get(f"scene_{scene_index}/motion")
    voice = task.assets.get(f"scene_{scene_index}/narration")
    if clip is None or voice is None:
        raise ToolError(f"scene {scene_index} needs its motion clip and narration first")
    if video_url != await storage.url(clip.key) or audio_url != await storage.url(voice.key):
        raise ToolError(f"video_url and audio_url must be scene {scene_index}'s own files")
    key = clip.key.replace("motion.mp4", "preview.mp4")
    await run_ffmpeg(
        "-i", storage.local_path(clip.key), "-i", storage.local_path(voice.key),
        "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-ar", "48000",
        storage.local_path(key),
    )
    await storage.publish(key)
    return result(url=await storage.url(key))


@pixora_tool
async def generate_music_tool(
    ctx: RunContextWrapper[AgentContext], mood: str, duration: int, genre: str = "ambient"
) -> str:
    """Choose the background music: mood and genre for the whole video (an edit that needs
    approval; the music is made at generation, fitted to the video's length).

    Args:
        mood: A mood word (calm, epic, dreamy...) or a mood category.
        duration: Music length wanted in seconds; the video's length decides in the end.
        genre: ambient, orchestral, electronic, acoustic, lofi, piano...
    """
    category = resolve_mood(mood)

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        bd.music = [MusicCue(mood=category, genre=genre.strip() or "ambient")]
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(mood=category, genre=genre, requested_duration_s=duration,
                  version=task.breakdown.version if task.breakdown else None)


@pixora_tool
async def update_voice_tool(
    ctx: RunContextWrapper[AgentContext], tone: VoiceTone | None = None,
    speed: float | None = None,
) -> str:
    """Change the narration voice for every scene (an edit that needs approval).

    Args:
        tone: neutral, warm or bright.
        speed: Speaking rate multiplier, 0.5 to 2.0 (1.0 is the voice's own pace).
    """
    if tone is None and speed is None:
        raise ToolError("give a tone, a speed, or both")
    if speed is not None and not 0.5 <= speed <= 2.0:
        raise ToolError("speed must be between 0.5 and 2.0")

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        update = {k: v for k, v in {"tone": tone, "speed": speed}.items() if v is not None}
        bd.voice = bd.voice.model_copy(update=update)
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(voice=task.breakdown.voice.model_dump() if task.breakdown else None)


@pixora_tool
async def adjust_audio_tool(
    ctx: RunContextWrapper[AgentContext], audio_id: str, target_duration: float,
    fade_out: bool = True,
) -> str:
    """Fit an audio asset to a target length: trim (with fade-out), speed up to 1.25x, or loop.

    Args:
        audio_id: The asset name, e.g. "scene_2/narration" or "music/1".
        target_duration: Length wanted, in seconds.
        fade_out: Fade the last second out.
    """
    task = await ctx.context.task()
    asset = task.assets.get(audio_id)
    if asset is None or asset.kind not in ("narration", "music"):
        names = [n for n, a in task.assets.items() if a.kind in ("narration", "music")]
        raise ToolError(f"no audio asset {audio_id!r} (known: {', '.join(names) or 'none'})")
    if not 0.5 <= target_duration <= 900:
        raise ToolError("target_duration must be between 0.5 and 900 seconds")
    storage = ctx.context.svc.storage
    src = storage.local_path(asset.key)
    length = asset.duration_s or 0.0
    filters = []
    if length > target_duration or length <= 0:
        filters.append(f"atrim=0:{target_duration}")
    elif length >= 0.8 * target_duration:
        filters.append(f"atempo={length / target_duration:.4f}")
    else:
        filters.append(f"aloop=loop=-1:size=2e9,atrim=0:{target_duration}")
    if fade_out:
        filters.append(f"afade=t=out:st={max(target_duration - 1.0, 0):.3f}:d=1")
    key = f"{asset.key.rsplit('.', 1)[0]}_fit{round(target_duration * 1000)}ms.wav"
    await run_ffmpeg("-i", src, "-af", ",".join(filters), storage.local_path(key))
    await storage.publish(key)
    return result(url=await storage.url(key), duration_s=target_duration,
                  method=json.dumps(filters))


MEDIA_TOOLS = [
    generate_scene_image_tool, regenerate_scene_image_tool, generate_narration_tool,
    image_to_video_tool, combine_video_audio_tool, generate_music_tool, update_voice_tool,
    adjust_audio_tool,
]
