"""A look edit re-renders exactly the scenes its character is in (`pixora render`)."""

from __future__ import annotations

import asyncio
import copy
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pixora.cli import main
from pixora.config import Settings
from pixora.context.models import Breakdown
from pixora.context.redis import connect
from pixora.context.store import TaskStore
from pixora.context.traits import COLORS, edit_traits, parse_trait_edit

STORY = {
    "title": "Mia and Theo",
    "aspect_ratio": "16:9",
    "characters": [
        {"id": "mia", "name": "Mia", "kind": "person",
         "description": "a young girl with curly red hair, wearing a green raincoat"},
        {"id": "theo", "name": "Theo", "kind": "person",
         "description": "a tall man with short black hair, wearing a blue jacket"},
    ],
    "scenes": [
        {"script": "Mia wakes early.", "visual_prompt": "A garden at dawn, wide shot",
         "duration": 2, "characters": ["mia"]},
        {"script": "Theo waits.", "visual_prompt": "A quiet street, medium shot",
         "duration": 2, "characters": ["theo"]},
        {"script": "Theo reads.", "visual_prompt": "A park bench, wide shot", "duration": 2,
         "characters": ["theo"]},
        {"script": "They meet.", "visual_prompt": "A sunny park, medium shot", "duration": 2,
         "characters": ["mia", "theo"]},
    ],
}


async def _task(settings: Settings, task_id: str):
    redis = connect(settings)
    try:
        return await TaskStore(redis).load(task_id)
    finally:
        await redis.aclose()


def _inodes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_ino
            for p in root.rglob("*") if p.suffix in (".png", ".mp4")}


def _share(path: Path, box: tuple[int, int, int, int], rgb: tuple[int, int, int]) -> float:
    px = np.asarray(Image.open(path).convert("RGB").crop(box), np.float32).reshape(-1, 3)
    return float((np.linalg.norm(px - np.asarray(rgb, np.float32), axis=1) < 70).mean())


@pytest.mark.slow
def test_a_coat_edit_rerenders_only_the_scenes_with_that_character(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PIXORA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REDIS_URL", str(settings.redis_url))
    src, out = tmp_path / "story.json", tmp_path / "story.mp4"
    src.write_text(json.dumps(STORY))
    assert main(["render", str(src), "-o", str(out)]) == 0
    (task_dir,) = [p for p in settings.tasks_dir.iterdir() if p.name.startswith("r")]
    before = asyncio.run(_task(settings, task_dir.name))
    mia = before.breakdown.characters[0]
    assert mia.reference_image and (task_dir / "characters" / "mia.png").is_file()
    def shares(task, n: str) -> tuple[float, float]:
        a = task.assets[n]
        path = settings.tasks_dir / a.key
        return (_share(path, a.boxes["mia"], COLORS["green"]),
                _share(path, a.boxes["mia"], COLORS["yellow"]))

    was = {n: shares(before, n) for n in ("scene_1/image", "scene_4/image")}
    assert all(green > 0.2 and yellow < 0.05 for green, yellow in was.values()), was
    inodes = _inodes(task_dir)

    who, thing, color = parse_trait_edit("Make Mia's coat yellow")
    edited = copy.deepcopy(STORY)
    edited["characters"][0]["traits"] = edit_traits(mia.traits, thing, color).model_dump()
    assert who == "Mia"
    Breakdown.model_validate(edited)
    src.write_text(json.dumps(edited))
    assert main(["render", str(src), "-o", str(out)]) == 0
    after = asyncio.run(_task(settings, task_dir.name))
    now = _inodes(task_dir)
    remade = {k for k, ino in now.items() if inodes.get(k) != ino}
    kept = set(inodes) - remade
    def rel(n: str) -> str:
        return after.assets[n].key.split("/", 1)[1]

    images = {rel(n) for n in after.assets if n.endswith("/image")}
    assert remade & images == {rel("scene_1/image"), rel("scene_4/image")}
    for n in ("scene_2/image", "scene_3/image", "scene_2/motion", "scene_3/motion",
              "character/theo"):
        assert after.assets[n].inputs_hash == before.assets[n].inputs_hash, n
        assert rel(n) in kept, n
    for n in ("scene_1/motion", "scene_4/motion", "character/mia"):
        assert after.assets[n].inputs_hash != before.assets[n].inputs_hash, n
    old_pieces = {k for k in inodes if k.startswith("cache/")}
    assert old_pieces and old_pieces <= kept, "earlier pieces are reused untouched"
    new_pieces = {k for k in remade if k.startswith("cache/")}
    assert 1 <= len(new_pieces) <= 4, new_pieces  # bodies of scenes 1, 4; transitions 1-2, 3-4
    for n, (green, _) in was.items():
        green_now, yellow_now = shares(after, n)
        assert yellow_now > 0.2 and green_now < green - 0.15, (n, green_now, yellow_now)
    assert os.path.getsize(out) > 0
