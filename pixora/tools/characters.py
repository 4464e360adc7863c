"""Character tools: recurring characters kept consistent across scenes."""

from __future__ import annotations

from agents import RunContextWrapper

from pixora.context.models import Breakdown, Character, character_id
from pixora.tools.common import ToolError, result, save_breakdown
from pixora.tools.common import tool as pixora_tool
from pixora.tools.context import AgentContext


@pixora_tool
async def generate_character_tool(
    ctx: RunContextWrapper[AgentContext],
    name: str,
    traits: str,
    kind: str = "person",
    role: str = "",
    personality: str = "",
) -> str:
    """Add a character with consistent visual traits; a reference image is made at generation.

    Args:
        name: The character's name, or a role name such as "the painter".
        traits: Visible traits used in every image of them, in plain words (age, hair,
            clothes, colours).
        kind: person, or an animal species (dog, cat...), or robot, alien...
        role: Their part in the story, e.g. protagonist, companion, narrator's friend.
        personality: How they behave, for narration and posing.
    """
    if not name.strip() or not traits.strip():
        raise ToolError("a character needs a name and visible traits")
    made: dict[str, str] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("write the scene breakdown first; characters belong to it")
        if any(c.name.lower() == name.strip().lower() for c in bd.characters):
            raise ToolError(f"a character named {name.strip()!r} exists already; use "
                            "update_character_tool")
        cid = character_id(name, {c.id for c in bd.characters})
        bd.characters.append(Character(
            id=cid, name=name.strip(), kind=kind.strip() or "person", role=role.strip(),
            description=traits.strip(), personality=personality.strip(),
        ))
        made["id"] = cid
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(character_id=made["id"], version=task.breakdown.version if task.breakdown
                  else None)


@pixora_tool
async def update_character_tool(
    ctx: RunContextWrapper[AgentContext],
    character_id: str,
    name: str | None = None,
    kind: str | None = None,
    traits: str | None = None,
    role: str | None = None,
    personality: str | None = None,
) -> str:
    """Change fields of a character; each given value is saved as written, the others stay.
    Makes a new breakdown version that needs the user's approval.

    Args:
        character_id: The character's id (from generate_character_tool or the breakdown).
        name: A new name; null keeps it.
        kind: person, an animal species, robot...; null keeps it.
        traits: The complete new visible traits (age, hair, clothes, colours); null keeps them.
        role: A new part in the story; null keeps it.
        personality: A new personality; null keeps it.
    """
    given = {"name": name, "kind": kind, "description": traits, "role": role,
             "personality": personality}
    fields = {k: v.strip() for k, v in given.items() if v is not None}
    if not fields:
        raise ToolError("give at least one field to change: name, kind, traits, role or "
                        "personality")

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
    return result(character_id=character_id,
                  changed=sorted("traits" if k == "description" else k for k in fields),
                  version=task.breakdown.version if task.breakdown else None)


CHARACTER_TOOLS = [generate_character_tool, update_character_tool]
