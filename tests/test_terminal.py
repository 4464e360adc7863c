"""The terminal client in a real pseudo-terminal: chat, approve at the prompt, get a video."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from pixora.config import Settings
from pixora.media.ffmpeg import probe


@pytest.mark.slow
def test_pixora_chat_creates_a_video(settings: Settings, tmp_path: Path):
    env = {**os.environ, "PIXORA_DATA_DIR": str(settings.data_dir),
           "REDIS_URL": str(settings.redis_url), "PIXORA_MODEL": "offline",
           "COLUMNS": "160", "TERM": "dumb", "NO_COLOR": "1"}
    pixora = str(Path(sys.executable).with_name("pixora"))
    child = pexpect.spawn(pixora, ["chat"], env=env, encoding="utf-8", timeout=60,
                          dimensions=(50, 160))
    try:
        child.expect(r"Task (\w+) \(model offline\)")
        task_id = child.match.group(1)
        child.expect("you>")
        child.sendline("Create a 10-second video about lighthouses")
        child.expect("Approve it to start generation")
        child.expect("you>")
        child.sendline("approve")
        child.expect(r"Approve and generate\? \[y/N\]")
        child.sendline("y")
        child.expect(r"Video: (\S+\.mp4)", timeout=300)
        video = Path(child.match.group(1))
        child.expect("you>")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert task_id in str(video)
    info = probe(video)
    assert info.video_codec == "h264" and info.audio_codec == "aac" and info.duration_s > 5
