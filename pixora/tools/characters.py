"""Character tools: recurring characters kept consistent across scenes."""

from __future__ import annotations

from agents import RunContextWrapper
from pydantic import BaseModel, ConfigDict

from pixora.context.models import Breakdown, Character
from pixora.offline.writing import character_id
from pixora.tools.common import ToolError, result, save_breakdown
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext


class CharacterUpdates(BaseModel):
    """Fields to change on a character; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    role: str | None = None
    description: str | None = None
    personality: str | None = None


@pixora_tool
async def generate_character_tool(
    ctx: RunContextWrapper[AgentContext],
    name: str,
    role: str,
    description: str,
    personality: str = "",
) -> str:
    """Add a character with consistent visual traits; a reference image is made at generation.

    Args:
        name: The character's name.
        role: Their part in the story, e.g. protagonist, narrator's friend.
        description: Visual traits used in every image of them (age, hair, clothes, colours).
        personality: How they behave, for narration and posing.
    """
    if not name.strip() or not description.strip():
        raise ToolError("a character needs a name and a visual description")
    made: dict[str, str] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("write the scene breakdown first; characters belong to it")
        if any(c.name.lower() == name.strip().lower() for c in bd.characters):
            raise ToolError(f"a character named {name.strip()!r} exists already; use "
                            "update_character_tool")
        cid = character_id(name, {c.id for c in bd.characters})
        bd.characters.append(Character(
            id=cid, name=name.strip(), role=role.strip(), description=description.strip(),
            personality=personality.strip(),
        ))
        made["id"] = cid
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(character_id=made["id"], version=task.breakdown.version if task.breakdown
                  else None)


@pixora_tool
async def update_character_tool(
    ctx: RunContextWrapper[AgentContext], character_id: str, updates: CharacterUpdates
) -> str:
    """Change a character's name, role, description or personality.

    Args:
        character_id: The character's id (from generate_character_tool or the breakdown).
        updates: The fields to change.
    """
    fields = updates.model_dump(exclude_none=True)
    if not fields:
        raise ToolError("updates is empty: say which fields change")

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        for i, c in enumerate(bd.characters):
            if c.id == character_id:
                bd.characters[i] = c.model_copy(update=fields)
                return bd
        known = ", ".join(c.id for c in bd.characters) or "none"
        raise ToolError(f"no character {character_id!r} (known: {known})")

    task = await save_breakdown(ctx.context, change)
    return result(character_id=character_id, changed=sorted(fields),
                  version=task.breakdown.version if task.breakdown else None)


CHARACTER_TOOLS = [generate_character_tool, update_character_tool]
