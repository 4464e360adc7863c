"""`pixora render`: a hand-written breakdown becomes a narrated MP4; edits re-render one scene."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
from pathlib import Path

import av
import numpy as np
import pytest

from pixora.cli import main
from pixora.config import Settings
from pixora.media.ffmpeg import probe, run_ffmpeg_stderr

BREAKDOWN = {
    "title": "Tide Pools",
    "aspect_ratio": "16:9",
    "music": [{"mood": "intimate_story", "genre": "ambient"}],
    "scenes": [
        {"script": "Low tide opens a hidden world.", "visual_prompt": "Rocky shore at dawn",
         "duration": 4, "transition": "fade", "camera": "dolly_slow"},
        {"script": "Crabs and anemones wait for the sea.",
         "visual_prompt": "Tide pool with starfish, sunny day", "duration": 4,
         "transition": "wipeleft", "camera": "pan_slow"},
        {"script": "Then the water returns.", "visual_prompt": "Waves over rocks at sunset",
         "duration": 4, "transition": "fadeblack", "camera": "static_focus"},
    ],
}


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PIXORA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REDIS_URL", str(settings.redis_url))
    return settings


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data))
    return path


def _pieces(cache: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(cache)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in cache.rglob("*.mp4")
    }


def _rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-9))


def _audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        chunks = [f.to_ndarray() for f in c.decode(audio=0)]
        rate = c.streams.audio[0].codec_context.sample_rate
    mono = np.concatenate(chunks, axis=1).mean(axis=0)
    return mono.astype(np.float64), rate


async def _task_state(settings: Settings, task_dir_name: str):
    from pixora.context.redis import connect
    from pixora.context.store import TaskStore

    redis = connect(settings)
    try:
        return await TaskStore(redis).load(task_dir_name)
    finally:
        await redis.aclose()


@pytest.mark.slow
def test_render_then_edit_one_scene(env: Settings, tmp_path: Path):
    src = _write(tmp_path / "tide.json", copy.deepcopy(BREAKDOWN))
    out = tmp_path / "tide.mp4"
    assert main(["render", str(src), "-o", str(out)]) == 0
    info = probe(out)
    assert (info.video_codec, info.width, info.height) == ("h264", 1280, 720)
    assert (info.audio_codec, info.sample_rate) == ("aac", 48000)
    assert abs(info.duration_s - 12) <= 1.2
    log = asyncio.run(run_ffmpeg_stderr("-i", out, "-af", "ebur128", "-f", "null", "-"))
    lufs = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])
    assert abs(lufs - (-14)) <= 1.5

    (task_dir,) = [p for p in env.tasks_dir.iterdir() if p.name.startswith("r")]
    task = asyncio.run(_task_state(env, task_dir.name))
    samples, rate = _audio(out)
    starts = [0.0]
    for i in range(1, 3):
        motion = task.assets[f"scene_{i}/motion"]
        starts.append(starts[-1] + motion.duration_s - 0.5)
    for i, start in enumerate(starts, start=1):
        narr = task.assets[f"scene_{i}/narration"].duration_s
        window = samples[int((start + 0.4) * rate): int((start + 0.4 + narr) * rate)]
        assert _rms_db(window) > -30, f"scene {i} narration is silent"
    # Music between narrations: the tail of scene 1 after its narration ends.
    gap_start = starts[0] + 0.35 + task.assets["scene_1/narration"].duration_s + 0.15
    gap = samples[int(gap_start * rate): int((starts[1] + 0.3) * rate)]
    assert gap.size > rate // 10 and _rms_db(gap) > -45, "no music between narrations"

    cache = task_dir / "cache"
    before = _pieces(cache)
    edited = copy.deepcopy(BREAKDOWN)
    edited["scenes"][1]["script"] = "Starfish cling to the rocks."
    _write(src, edited)
    assert main(["render", str(src), "-o", str(out)]) == 0
    after = _pieces(cache)
    kept = {k for k in before if after.get(k) == before[k]}
    new = set(after) - set(before)
    task = asyncio.run(_task_state(env, task_dir.name))
    assert task.breakdown.version == 2 and len(task.videos) == 2
    assert len(new) <= 3, new  # scene 2's body and its two transitions at most
    assert kept == set(before), "earlier pieces must be reused untouched"
    assert probe(out).duration_s > 10


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b["scenes"][1].pop("script"), r"scenes\.1\.script: Field required"),
        (lambda b: b["scenes"][0].update(duration=-3), r"scenes\.0\.duration"),
        (lambda b: b["scenes"][2].update(transition="spin"), r"scenes\.2\.transition"),
        (lambda b: b["scenes"][0].update(image="missing.png"), r"scene 1 image .*missing\.png"),
    ],
)
def test_bad_breakdowns_give_one_line_errors(env, tmp_path, capsys, change, expected):
    data = copy.deepcopy(BREAKDOWN)
    change(data)
    src = _write(tmp_path / "bad.json", data)
    out = tmp_path / "bad.mp4"
    assert main(["render", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().out.strip().splitlines()
    assert re.search(expected, err[-1]), err
    assert not out.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_unreadable_json_names_the_file(env, tmp_path, capsys):
    src = tmp_path / "broken.json"
    src.write_text("{not json")
    assert main(["render", str(src), "-o", str(tmp_path / "x.mp4")]) == 2
    assert "broken.json: not valid JSON" in capsys.readouterr().out
    os.remove(src)
    assert main(["render", str(src), "-o", str(tmp_path / "x.mp4")]) == 2
    assert "cannot be read" in capsys.readouterr().out
