"""The provider requests of a breakdown: one per character portrait, scene image, narration,
motion clip and music cue. Pure; seeds are derived from the request's own words, so the same
breakdown asks for the same media."""

from __future__ import annotations

from pathlib import Path

from pixora.context.files import content_hash
from pixora.context.models import Breakdown, Character, Scene
from pixora.context.traits import traits_text
from pixora.context.vocabulary import FRAME_SIZES, ken_burns_move
from pixora.media.protocols import ImageRequest, MotionRequest, MusicRequest, SpeechRequest
from pixora.media.timeline import body_edges


def seed(*parts: object) -> int:
    """A provider seed in [0, 2**31) from JSON-able `parts`."""
    return int(content_hash({"seed": parts}), 16) % (2**31)


def looks(ch: Character) -> str:
    """What `ch` looks like in words, from its traits: "Mia: child person, slim build, ..."."""
    return f"{ch.name}: {traits_text(ch.kind, ch.traits)}"


def character_request(bd: Breakdown, ch: Character) -> ImageRequest:
    """The 1024x512 reference sheet of character `ch`: four angles side by side."""
    return ImageRequest(
        prompt=f"character sheet of {ch.name} ({ch.kind}): the same character four times side "
        "by side on a plain light background, front view, three-quarter view, profile view "
        f"and back view, full body. {traits_text(ch.kind, ch.traits)}",
        width=1024, height=512, style=bd.style, title=ch.name, seed=seed(ch.id, ch.name),
        characters=(looks(ch),), cast=(ch,),
    )


def narration_request(bd: Breakdown, scene: Scene) -> SpeechRequest:
    """The narration of `scene` in the breakdown's voice."""
    return SpeechRequest(text=scene.script, voice=bd.voice)


def scene_people(bd: Breakdown, scene: Scene) -> list[Character]:
    """The characters appearing in `scene`, in breakdown order."""
    return [c for c in bd.characters if c.id in scene.characters]


def image_request(bd: Breakdown, scene: Scene, references: tuple[Path, ...]) -> ImageRequest:
    """The still of `scene` at the breakdown's frame size, with the video's subject and the
    characters in frame as fields of their own (in words and with their traits); `references`:
    their portraits (image files), if made. Nothing about a character out of frame is in it."""
    width, height = FRAME_SIZES[bd.aspect_ratio]
    return ImageRequest(
        prompt=scene.visual_prompt, width=width, height=height, style=bd.style,
        mood=scene.mood, lighting=scene.lighting, title=scene.title,
        seed=seed(scene.visual_prompt), subject=bd.prompt,
        characters=tuple(looks(c) for c in scene_people(bd, scene)),
        cast=tuple(scene_people(bd, scene)), references=references,
    )


def motion_request(
    bd: Breakdown, scene: Scene, image: Path, duration_s: float, *, fps: int,
    transition_s: float,
) -> MotionRequest:
    """The clip animating `image` (the scene's still) for `duration_s` seconds at `fps`, with
    keyframes where the composer cuts the scene's body (transitions of `transition_s`)."""
    width, height = FRAME_SIZES[bd.aspect_ratio]
    return MotionRequest(
        image=image, duration_s=duration_s, motion=ken_burns_move(scene.camera),
        width=width, height=height, fps=fps, prompt=scene.visual_prompt,
        seed=seed(scene.index),
        keyframes_s=body_edges(
            [s.transition for s in bd.scenes], scene.index - 1, duration_s,
            transition_s=transition_s, fps=fps,
        ),
    )


def music_request(bd: Breakdown, n: int, span_s: float) -> MusicRequest:
    """Music cue `n` (0-based) for a span of `span_s` seconds (rounded to 0.1 s)."""
    cue = bd.music[n]
    return MusicRequest(
        duration_s=round(span_s, 1), mood=cue.mood, genre=cue.genre, seed=seed(cue.mood, n)
    )
