"""Offline scene stills: flat illustrations rendered with Pillow and numpy from the prompt.

The renderer (`pixora.offline.media.scene_art`) reads the visual prompt for a setting and time
of day (night, sunset, dawn, day, neon, underwater, space, Mars, interiors), landscape
(mountains, hills, city skyline, sea, cliffs, desert dunes, lunar ground, clouds), foreground
subjects (rocket, astronaut, rover, space station or satellite, radio dish, lighthouse,
boats, diver, fish, coral, volcano, trees in season colours, flowers, bees, buildings, house,
car, train, airliner, birds, people, a child, a dog, things on a table, instruments, a
gallery wall; an abstract composition when nothing drawable is named) and the shot size
(wide, aerial, medium, close-up, low angle). The characters a request lists (`cast`) are drawn
from their traits as part of the picture, and the result says where (`MediaFile.boxes`);
reference images are for cloud providers and not drawn. It takes its palette from the mood
category and the lighting, grades the frame (saturation, hue, vignette, film grain) and sets
the title as a lower third. A prompt starting "character sheet" with one character in `cast`
gives its reference sheet (four angles, see `sheet`). Output is
a PNG of exactly the requested size; the same request and seed always give the same pixels.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PIL import Image

from pixora.media.protocols import ImageRequest, MediaFile
from pixora.offline.media.scene_art.layout import layout_scene, render_frame
from pixora.offline.media.scene_art.portrait import character_colors
from pixora.offline.media.scene_art.prompt import SceneReading, read_scene
from pixora.offline.media.scene_art.sheet import render_character_sheet
from pixora.offline.media.scene_art.typography import draw_title

Box = tuple[int, int, int, int]

__all__ = [
    "LocalImageGenerator",
    "SceneReading",
    "character_colors",
    "draw_scene",
    "layout_scene",
    "read_scene",
    "render_scene",
]

def draw_scene(req: ImageRequest) -> tuple[Image.Image, dict[str, Box]]:
    """The still for `req` (req.width x req.height px), deterministic per seed, and where each
    character of `req.cast` was drawn, by id: (left, top, right, bottom) px."""
    if req.prompt.lower().startswith("character sheet") and len(req.cast) == 1:
        return render_character_sheet(req.cast[0], (req.width, req.height)), {}
    img, boxes = render_frame(req)
    if req.title.strip():
        img = draw_title(img, req.title.strip())
    return img, boxes


def render_scene(req: ImageRequest) -> Image.Image:
    """The still for `req`; see `draw_scene`."""
    return draw_scene(req)[0]


class LocalImageGenerator:
    """Scene stills rendered offline with Pillow and numpy (`ImageGenerator` protocol)."""

    name = "local"

    async def generate_image(self, req: ImageRequest, out: Path) -> MediaFile:
        """Render `req` to a PNG at `out` of exactly req.width x req.height px.

        Raises:
            ValueError: a non-positive size.
            FileNotFoundError: a reference image does not exist.
        """
        if req.width <= 0 or req.height <= 0:
            raise ValueError(f"image size must be positive, got {req.width}x{req.height}")
        for ref in req.references:
            if not Path(ref).is_file():
                raise FileNotFoundError(f"{ref}: no such reference image")

        def work() -> dict[str, Box]:
            out.parent.mkdir(parents=True, exist_ok=True)
            img, boxes = draw_scene(req)
            img.save(out, format="PNG", compress_level=1)
            return boxes

        boxes = await asyncio.to_thread(work)
        return MediaFile(out, self.name, width=req.width, height=req.height, boxes=boxes)
