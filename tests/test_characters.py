"""Characters' structured traits: derived, edited by tool and by chat, drawn in the scene."""

from __future__ import annotations

import pytest

from pixora.context.models import Character
from pixora.context.traits import derive_traits, edit_traits, parse_trait_edit
from pixora.studio import Studio


def test_traits_come_from_the_description_and_a_stable_seed():
    t = derive_traits("mia", "person", "a 6-year-old girl with curly red hair, wearing a "
                      "yellow raincoat and glasses")
    assert (t.age, t.hair, t.hair_style, t.outfit, t.outfit_color) == (
        "child", "red", "curly", "raincoat", "yellow")
    assert t.marks == ["glasses"]
    dog = derive_traits("rex", "dog", "a scruffy cream dog with a red collar")
    assert (dog.hair, dog.outfit, dog.outfit_color) == ("cream", "collar", "red")
    assert derive_traits("joe", "person", "") == derive_traits("joe", "person", "")
    unsaid = {derive_traits(cid, "person", "").model_dump_json() for cid in "abcdefgh"}
    assert len(unsaid) > 1, "what a description does not say comes from the id's seed"
    old = Character(id="joe", name="Grandpa Joe", role="supporting character, grandfather")
    assert old.traits.age == "elderly" and old.traits.hair == "silver"


@pytest.mark.parametrize(("text", "expected"), [
    ("Make Mia's coat yellow", ("Mia", "coat", "yellow")),
    ("give Mia a yellow raincoat", ("Mia", "raincoat", "yellow")),
    ("please give Grandpa Joe a red scarf", ("Grandpa Joe", "scarf", "red")),
    ("make Rex's fur black", ("Rex", "fur", "black")),
    ("make scene 2 at night", None),
])
def test_look_edits_are_read_from_plain_words(text, expected):
    assert parse_trait_edit(text) == expected


def test_a_coat_edit_recolours_a_raincoat_and_another_garment_replaces_it():
    t = derive_traits("mia", "person", "a girl in a green raincoat")
    assert edit_traits(t, "coat", "yellow").model_dump() == {
        **t.model_dump(), "outfit_color": "yellow"}
    assert (edit_traits(t, "dress", "blue").outfit, edit_traits(t, "hair", "black").hair) == (
        "dress", "black")
    with pytest.raises(ValueError, match="colour"):
        edit_traits(t, "coat", "plaid")
    with pytest.raises(ValueError, match="not 'umbrella'"):
        edit_traits(t, "umbrella", "red")


async def test_chat_recolours_one_character_only(studio: Studio):
    tid = (await studio.create_task("ada")).task_id
    await studio.chat(tid, "ada", "A 20-second story about a girl named Mia and her dog Rex")
    before = (await studio.store.load(tid)).breakdown
    assert [c.id for c in before.characters] == ["mia", "rex"]
    await studio.chat(tid, "ada", "Make Mia's coat yellow")
    after = (await studio.store.load(tid)).breakdown
    mia, rex = after.characters
    assert mia.traits.outfit_color == "yellow" and mia.traits.outfit in (
        "coat", "raincoat", "peacoat")
    assert rex == before.characters[1] and after.scenes == before.scenes
    assert after.version == before.version + 1
    await studio.chat(tid, "ada", "give Bob a red hat")
    assert (await studio.store.load(tid)).breakdown.version == after.version
