"""The captions tool: burned-in caption style and look for the whole video (a breakdown edit,
so it needs approval; re-rendering after it reuses every asset and re-burns only the captioned
pieces)."""

from __future__ import annotations

from agents import RunContextWrapper

from pixora.context.models import Breakdown, CaptionLook
from pixora.context.vocabulary import CAPTION_STYLES
from pixora.tools.common import ToolError, result, save_breakdown
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext

COLOURS = {
    "white": "#FFFFFF", "yellow": "#FFD400", "red": "#FF3B30", "green": "#34C759",
    "blue": "#0A84FF", "cyan": "#32D6FF", "magenta": "#FF2DAA", "pink": "#FF6EC7",
    "orange": "#FF9500", "black": "#000000", "gold": "#FFC94D", "purple": "#AF52DE",
}
SIZES = ("small", "medium", "large")
POSITIONS = ("bottom", "middle", "top")


def colour(value: str) -> str:
    """A colour name (white, yellow, ...) or "#RRGGBB" as "#RRGGBB".

    Raises:
        ToolError: neither; the message lists the names.
    """
    v = value.strip().lower()
    if v in COLOURS:
        return COLOURS[v]
    if len(v) == 7 and v.startswith("#") and all(c in "0123456789abcdef" for c in v[1:]):
        return v.upper()
    raise ToolError(f"colour {value!r}: use #RRGGBB or one of {', '.join(COLOURS)}")


def _one_of(what: str, value: str, valid: tuple[str, ...]) -> str:
    v = value.strip().lower()
    if v not in valid:
        raise ToolError(f"{what} {value!r}: unknown (use one of {', '.join(valid)})")
    return v


@pixora_tool
async def update_captions_tool(
    ctx: RunContextWrapper[AgentContext],
    style: str | None = None,
    size: str | None = None,
    color: str | None = None,
    highlight: str | None = None,
    position: str | None = None,
) -> str:
    """Change the burned-in captions of the whole video (an edit that needs approval; the
    re-render reuses every asset). The SRT/VTT caption files are made in every case.

    Args:
        style: off, subtitle (plain lines), karaoke (the spoken word highlighted) or bold
            (big centred words, 1-3 at a time).
        size: small, medium or large.
        color: Text colour: a name (white, yellow, red, ...) or #RRGGBB.
        highlight: Colour of the spoken word in karaoke: a name or #RRGGBB.
        position: bottom, middle or top (always inside the platform's safe area).
    """
    if all(v is None for v in (style, size, color, highlight, position)):
        raise ToolError("give a style, size, color, highlight or position")
    update: dict[str, str] = {}
    new_style = _one_of("caption style", style, CAPTION_STYLES) if style is not None else None
    if size is not None:
        update["size"] = _one_of("caption size", size, SIZES)
    if position is not None:
        update["position"] = _one_of("caption position", position, POSITIONS)
    if color is not None:
        update["color"] = colour(color)
    if highlight is not None:
        update["highlight"] = colour(highlight)

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        look = bd.caption_look.model_copy(update=update)
        if "color" in update and "highlight" not in update and look.highlight == look.color:
            look = look.model_copy(update={"highlight": "#FFFFFF" if look.color != "#FFFFFF"
                                           else "#FFD400"})
        bd.caption_look = CaptionLook.model_validate(look.model_dump())
        if new_style is not None:
            bd.caption_style = new_style
        elif update and bd.captions == "off":
            bd.caption_style = "subtitle"  # asking for a look means wanting captions shown
        return bd

    task = await save_breakdown(ctx.context, change)
    bd = task.breakdown
    assert bd is not None
    return result(style=bd.captions, look=bd.caption_look.model_dump(), version=bd.version)


CAPTION_TOOLS = [update_captions_tool]
