"""Character tools: recurring characters kept consistent across scenes."""

from __future__ import annotations

from typing import Literal

from agents import RunContextWrapper

from pixora.context.models import Breakdown, Character, character_id
from pixora.context.traits import COLORS, SKINS, Traits, derive_traits
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
    outfit: str | None = None,
    outfit_color: str | None = None,
    hair: str | None = None,
) -> str:
    """Add a character with consistent visual traits. The structured traits (age, build,
    hair, skin, outfit and colours, marks) are read from `traits`; `outfit`, `outfit_color`
    and `hair` override what the words say. Its reference sheet (one image from four angles:
    front, three-quarter, profile, back), which every scene it is in follows, is made when the
    approved breakdown is generated: nothing is made before approval.

    Args:
        name: The character's name, or a role name such as "the painter".
        traits: Visible traits used in every image of them, in plain words (age, hair,
            clothes, colours).
        kind: person, or an animal species (dog, cat...), or robot, alien...
        role: Their part in the story, e.g. protagonist, companion, narrator's friend.
        personality: How they behave, for narration and posing.
        outfit: The main garment, e.g. "raincoat" (a collar for an animal); null: from traits.
        outfit_color: Colour name of the outfit, e.g. "yellow"; null: from traits.
        hair: Colour name of the hair or fur, e.g. "auburn"; null: from traits.
    """
    if not name.strip() or not traits.strip():
        raise ToolError("a character needs a name and visible traits")
    edits = _checked_traits({k: v for k, v in {
        "outfit": outfit, "outfit_color": outfit_color, "hair": hair}.items() if v is not None})
    made: dict[str, str] = {}

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("write the scene breakdown first; characters belong to it")
        if any(c.name.lower() == name.strip().lower() for c in bd.characters):
            raise ToolError(f"a character named {name.strip()!r} exists already; use "
                            "update_character_tool")
        cid = character_id(name, {c.id for c in bd.characters})
        ch = Character(
            id=cid, name=name.strip(), kind=kind.strip() or "person", role=role.strip(),
            description=traits.strip(), personality=personality.strip(),
        )
        bd.characters.append(ch.model_copy(update={"traits": Traits.model_validate(
            {**ch.traits.model_dump(), **edits})}))
        made["id"] = cid
        return bd

    task = await save_breakdown(ctx.context, change)
    return result(character_id=made["id"],
                  version=task.breakdown.version if task.breakdown else None)



def _checked_traits(edits: dict[str, object]) -> dict[str, object]:
    """Trait edits with their colours and skin checked against the known names.

    Raises:
        ToolError: an unknown colour or skin tone (the message lists the known ones).
    """
    for key in ("hair", "outfit_color", "accent"):
        value = edits.get(key)
        if value is not None and value not in COLORS:
            raise ToolError(f"{key} {value!r}: use a colour name ({', '.join(sorted(COLORS))})")
    if edits.get("skin") is not None and edits["skin"] not in SKINS:
        raise ToolError(f"skin {edits['skin']!r}: use one of {', '.join(SKINS)}")
    return edits


@pixora_tool
async def update_character_tool(
    ctx: RunContextWrapper[AgentContext],
    character_id: str,
    name: str | None = None,
    kind: str | None = None,
    traits: str | None = None,
    role: str | None = None,
    personality: str | None = None,
    age: Literal["child", "teen", "adult", "elderly"] | None = None,
    build: Literal["slim", "average", "sturdy"] | None = None,
    hair: str | None = None,
    skin: str | None = None,
    outfit: str | None = None,
    outfit_color: str | None = None,
    accent: str | None = None,
    marks: list[str] | None = None,
) -> str:
    """Change fields of a character; each given value is saved as written, the others stay.
    New `traits` words re-derive the structured traits; the structured fields (age ... marks)
    then override them one by one. Once approved, its reference sheet and only the scenes it
    is in are re-rendered. Makes a new breakdown version that needs the user's approval.

    Args:
        character_id: The character's id (from generate_character_tool or the breakdown).
        name: A new name; null keeps it.
        kind: person, an animal species, robot...; null keeps it.
        traits: The complete new visible traits (age, hair, clothes, colours); null keeps them.
        role: A new part in the story; null keeps it.
        personality: A new personality; null keeps it.
        age: child, teen, adult or elderly; null keeps it.
        build: slim, average or sturdy; null keeps it.
        hair: Colour name of the hair (or fur, feathers, plating), e.g. "auburn"; null keeps it.
        skin: pale, fair, light, tan, olive, brown or dark; null keeps it.
        outfit: The main garment, e.g. "raincoat" (a collar for an animal); null keeps it.
        outfit_color: Colour name of the outfit, e.g. "yellow"; null keeps it.
        accent: A second colour name (trousers, scarf, markings); null keeps it.
        marks: Distinctive marks, e.g. ["glasses", "freckles"]; null keeps them.
    """
    given = {"name": name, "kind": kind, "description": traits, "role": role,
             "personality": personality}
    fields = {k: v.strip() for k, v in given.items() if v is not None}
    edits = _checked_traits({k: v for k, v in {
        "age": age, "build": build, "hair": hair, "skin": skin, "outfit": outfit,
        "outfit_color": outfit_color, "accent": accent, "marks": marks}.items()
        if v is not None})
    if not fields and not edits:
        raise ToolError("give at least one field to change: name, kind, traits, role, "
                        "personality or a trait (age, build, hair, skin, outfit, outfit_color, "
                        "accent, marks)")

    def change(bd: Breakdown | None) -> Breakdown:
        if bd is None:
            raise ToolError("there is no scene breakdown yet")
        for i, c in enumerate(bd.characters):
            if c.id == character_id:
                new = c.model_copy(update=fields)
                base = derive_traits(new.id, new.kind, f"{new.description} {new.role}",
                                     new.name) if {"description", "kind"} & set(fields) \
                    else new.traits
                bd.characters[i] = new.model_copy(
                    update={"traits": Traits.model_validate({**base.model_dump(), **edits})})
                return bd
        known = ", ".join(c.id for c in bd.characters) or "none"
        raise ToolError(f"no character {character_id!r} (known: {known})")

    task = await save_breakdown(ctx.context, change)
    return result(character_id=character_id,
                  changed=sorted(["traits" if k == "description" else k for k in fields]
                                 + list(edits)),
                  version=task.breakdown.version if task.breakdown else None)


CHARACTER_TOOLS = [generate_character_tool, update_character_tool]
