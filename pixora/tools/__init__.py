"""Function tools the agents call, by name (the names of the seed tool list)."""

from agents import FunctionTool

from pixora.tools.captions import CAPTION_TOOLS
from pixora.tools.characters import CHARACTER_TOOLS
from pixora.tools.generation import GENERATION_TOOLS
from pixora.tools.media import MEDIA_TOOLS
from pixora.tools.scenes import SCENE_TOOLS

TOOLS: dict[str, FunctionTool] = {
    t.name: t for t in [*SCENE_TOOLS, *CHARACTER_TOOLS, *MEDIA_TOOLS, *GENERATION_TOOLS,
                        *CAPTION_TOOLS]
}

__all__ = ["TOOLS"]
