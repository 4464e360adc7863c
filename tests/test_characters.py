"""Characters' structured traits: derived, edited by tool and by chat, drawn in the scene."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from pixora.context.models import Character
from pixora.context.traits import COLORS, derive_traits, edit_traits, parse_trait_edit
from pixora.media.protocols import ImageRequest
from pixora.offline.media.image import draw_scene
from pixora.offline.media.scene_art.sheet import render_character_sheet
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
    assert edit_traits(t, "top", "red").model_dump() == {**t.model_dump(), "outfit_color": "red"}
    assert edit_traits(t, "overalls", "red").outfit == "overalls"
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


MIA = Character(id="mia", name="Mia", kind="person",
                description="a young girl with curly red hair, wearing a green raincoat")
THEO = Character(id="theo", name="Theo", kind="person",
                 description="a tall man with short black hair, wearing a blue jacket")
REX = Character(id="rex", name="Rex", kind="dog", description="a cream dog with a red collar")


def _share(img: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, int, int],
           tol: float = 70.0) -> float:
    """The fraction of the pixels in `box` within `tol` (RGB distance) of `rgb`."""
    px = np.asarray(img.crop(box).convert("RGB"), np.float32).reshape(-1, 3)
    return float((np.linalg.norm(px - np.asarray(rgb, np.float32), axis=1) < tol).mean())


def test_each_kind_is_drawn_where_its_box_says():
    zoo = tuple(Character(id=k, name=k.title(), kind=k, description=f"a {color} {k}")
                for k, color in (("cat", "white"), ("dog", "golden"), ("bird", "yellow"),
                                 ("horse", "chestnut"), ("fish", "orange"), ("rabbit", "grey"),
                                 ("bear", "brown"), ("fox", "ginger"), ("robot", "silver")))
    img, boxes = draw_scene(ImageRequest("a meadow, wide shot", 1280, 480, seed=3, cast=zoo))
    assert list(boxes) == [c.id for c in zoo]
    spans = sorted((b[0], b[2]) for b in boxes.values())
    assert all(a[1] <= b[0] for a, b in pairwise(spans)), "side by side, no overlap"
    blank, _ = draw_scene(ImageRequest("a meadow, wide shot", 1280, 480, seed=3))
    diff = np.abs(np.asarray(img, np.float32) - np.asarray(blank, np.float32)).sum(axis=2)
    for cid, (x0, y0, x1, y1) in boxes.items():
        assert (diff[y0:y1, x0:x1] > 40).mean() > 0.15, f"{cid}: nothing drawn in its box"
    heights = {cid: b[3] - b[1] for cid, b in boxes.items()}
    assert heights["horse"] > heights["dog"] > heights["cat"] > heights["bird"]


def test_a_cat_and_a_dog_are_drawn_without_a_person():
    cat = Character(id="tom", name="Tom", kind="cat", description="a black cat")
    req = ImageRequest("A cat and a dog in a sunny garden", 640, 360, seed=2, cast=(cat, REX),
                       references=())
    img, boxes = draw_scene(req)
    assert set(boxes) == {"tom", "rex"}
    assert _share(img, boxes["rex"], COLORS["cream"]) > 0.2
    assert _share(img, boxes["tom"], COLORS["black"], 60) > 0.2


@pytest.mark.parametrize("prompt", [
    "A park at noon, wide shot", "A beach on a sunny day, medium shot",
    "Close-up in a bright kitchen", "A snowy street in winter"])
def test_a_character_keeps_its_colours_and_size_in_every_scene(prompt):
    img, boxes = draw_scene(ImageRequest(prompt, 640, 360, seed=5, cast=(MIA, THEO, REX)))
    assert list(boxes) == ["mia", "theo", "rex"]
    assert _share(img, boxes["mia"], COLORS["green"]) > 0.2
    assert _share(img, boxes["mia"], COLORS["blue"]) < 0.02
    assert _share(img, boxes["theo"], COLORS["blue"]) > 0.15
    assert _share(img, boxes["rex"], COLORS["cream"], 90) > 0.2  # lit warm indoors
    h = {cid: b[3] - b[1] for cid, b in boxes.items()}
    assert h["mia"] / h["theo"] == pytest.approx(0.62 / 1.0 * 1.0, abs=0.06)
    assert h["rex"] / h["theo"] == pytest.approx(0.42, abs=0.06)


def test_the_reference_sheet_shows_four_views_of_the_character():
    sheet = render_character_sheet(MIA, (1024, 512))
    assert sheet.size == (1024, 512)
    for k in range(4):
        quarter = (k * 256, 60, (k + 1) * 256, 440)
        assert _share(sheet, quarter, COLORS["green"], 40) > 0.1, f"view {k + 1}"
    front, back = (np.asarray(sheet.crop((k * 256, 60, k * 256 + 256, 200)), np.float32)
                   for k in (0, 3))
    assert np.abs(front - back).mean() > 1, "the back view shows no face"
    dog = render_character_sheet(REX, (1024, 512))
    assert _share(dog, (0, 100, 1024, 440), COLORS["cream"], 40) > 0.05

