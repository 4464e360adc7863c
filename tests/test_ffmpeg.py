"""ffmpeg runner: errors carry ffmpeg's words; a cancelled run leaves no ffmpeg behind."""

from __future__ import annotations

import asyncio

import psutil
import pytest

from pixora.media.ffmpeg import FFmpegError, probe, run_ffmpeg


async def test_error_names_the_problem(tmp_path):
    with pytest.raises(FFmpegError, match="No such file"):
        await run_ffmpeg("-i", tmp_path / "absent.mp4", tmp_path / "x.mp4")
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "absent.mp4")
    (tmp_path / "junk.mp4").write_bytes(b"not media")
    with pytest.raises(ValueError, match="not readable media"):
        probe(tmp_path / "junk.mp4")


async def test_cancel_kills_ffmpeg(tmp_path):
    def ffmpegs() -> set[int]:
        me = psutil.Process()
        return {c.pid for c in me.children(recursive=True) if "ffmpeg" in c.name()}

    run = asyncio.create_task(run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=600",
        "-c:v", "libx264", "-preset", "veryslow", tmp_path / "long.mp4",
    ))
    for _ in range(100):
        if ffmpegs():
            break
        await asyncio.sleep(0.05)
    assert ffmpegs(), "ffmpeg did not start"
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert ffmpegs() == set()
