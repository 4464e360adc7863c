"""The `characters` eval metric on an offline story: the right characters in every frame, each
the same across scenes and unlike the others."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixora.context.models import Asset, Character, TaskContext
from pixora.context.traits import COLORS
from pixora.evals.metrics import CaseRun
from pixora.evals.metrics.characters import THRESHOLD, score, signature, similarity
from pixora.evals.suite import Case
from pixora.offline.media.image import LocalImageGenerator
from pixora.offline.writing import parse_request, write_breakdown
from pixora.pipeline.requests import image_request

STORY = "A 5-scene story about a girl named Mia, her friend Theo and their dog Rex"


def _main_color(ch: Character) -> tuple[int, int, int]:
    """The colour a character shows most: its outfit (a person) or its fur."""
    return COLORS[ch.traits.outfit_color if ch.kind == "person" else ch.traits.hair]


def _distinct_colors(ch: Character, cast: list[Character]) -> list[tuple[int, int, int]]:
    """The other characters' main colours that are far (over 120, RGB) from every colour
    of `ch`, so they should not show in its box."""
    t = ch.traits
    own = [COLORS[n] for n in (t.hair, t.outfit_color, t.accent)]
    return [rgb for c in cast if c.id != ch.id and all(
        np.linalg.norm(np.subtract(rgb := _main_color(c), o)) > 120 for o in own)]


def _share(path: Path, box: tuple[int, int, int, int], rgb: tuple[int, int, int]) -> float:
    px = np.asarray(Image.open(path).convert("RGB").crop(box), np.float32).reshape(-1, 3)
    near = np.linalg.norm(px - np.asarray(rgb, np.float32), axis=1) < 100  # sunset light
    return float(near.mean())


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[CaseRun, Path]:
    root = tmp_path_factory.mktemp("story")
    bd = write_breakdown(parse_request(STORY))
    task = TaskContext(user_id="ada", breakdown=bd, approved_version=bd.version)
    gen = LocalImageGenerator()

    async def render() -> None:
        for scene in bd.scenes:
            key = f"{task.task_id}/scene_{scene.index}/image.png"
            media = await gen.generate_image(image_request(bd, scene, ()), root / key)
            task.assets[f"scene_{scene.index}/image"] = Asset(
                key=key, kind="image", inputs_hash="x", boxes=media.boxes)

    asyncio.run(render())
    run = CaseRun(case=Case(name="story", steps=[{"approve": True}]), task=task, items=[],
                  versions=[], replies=[], refusals=[], rendered=True)
    return run, root


def test_the_story_has_two_people_and_a_dog_in_five_scenes(story):
    run, _ = story
    bd = run.task.breakdown
    assert len(bd.scenes) == 5
    assert [(c.id, c.kind) for c in bd.characters] == [
        ("mia", "person"), ("theo", "person"), ("rex", "dog")]


def test_each_frame_holds_exactly_its_scene_characters_in_their_colours(story):
    run, root = story
    bd = run.task.breakdown
    looks = {c.id: c for c in bd.characters}
    for scene in bd.scenes:
        asset = run.task.assets[f"scene_{scene.index}/image"]
        assert sorted(asset.boxes) == sorted(scene.characters), scene.index
        for cid, box in asset.boxes.items():
            assert _share(root / asset.key, box, _main_color(looks[cid])) > 0.15, (
                scene.index, cid)
            for rgb in _distinct_colors(looks[cid], bd.characters):
                assert _share(root / asset.key, box, rgb) < 0.1, (scene.index, cid, rgb)


def test_same_characters_score_above_the_threshold_and_different_ones_below(story):
    run, root = story
    result = score(run, lambda key: root / key)
    assert result.status == "pass", result.reason
    same, apart = result.data["consistency"], result.data["similarity"]
    assert set(same) == {"mia", "theo", "rex"}
    assert all(v >= THRESHOLD for v in same.values()), same
    assert set(apart) == {"mia.rex", "mia.theo", "rex.theo"}
    assert all(v < THRESHOLD for v in apart.values()), apart
    assert {c.name.split(".")[0] for c in result.checks} == {"in_frame", "same", "apart"}


def test_a_character_missing_from_a_frame_fails_the_metric(story):
    run, root = story
    broken = run.task.model_copy(deep=True)
    asset = broken.assets["scene_1/image"]
    broken.assets["scene_1/image"] = asset.model_copy(update={"boxes": {
        k: v for k, v in asset.boxes.items() if k != "mia"}})
    result = score(CaseRun(case=run.case, task=broken, items=[], versions=[], replies=[],
                           refusals=[], rendered=True), lambda key: root / key)
    assert result.status == "fail" and "in_frame.1" in result.reason


def test_signatures_ignore_the_background_beside_the_box():
    img = Image.new("RGB", (60, 40), (40, 120, 40))
    img.paste((200, 40, 40), (20, 10, 30, 30))
    on_blue = Image.new("RGB", (60, 40), (40, 60, 200))
    on_blue.paste((200, 40, 40), (20, 10, 30, 30))
    box = (15, 5, 35, 35)
    assert similarity(signature(img, box), signature(on_blue, box)) > 0.95
    grey = Image.new("RGB", (60, 40), (40, 120, 40))
    grey.paste((128, 128, 128), (20, 10, 30, 30))
    assert similarity(signature(img, box), signature(grey, box)) < 0.05
    with pytest.raises(ValueError, match="empty box"):
        signature(img, (5, 5, 5, 9))
