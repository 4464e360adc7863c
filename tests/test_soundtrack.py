"""Soundtrack loudness normalisation on both paths: a linear gain, and the gain with a
limiter when the gain alone would push the true peak over the ceiling."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pixora.media import soundtrack as st
from pixora.media.ffmpeg import FFMPEG, probe, run_ffmpeg_stderr


def _make(out: Path, source: str) -> Path:
    subprocess.run([FFMPEG, "-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                    "-i", source, str(out)], check=True)
    return out


async def _meter(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) with the ebur128 filter."""
    log = await run_ffmpeg_stderr(
        "-i", str(path), "-af", "apad=pad_dur=3,ebur128=peak=true", "-f", "null", "-"
    )
    integrated = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log)[-1])
    return integrated, peak


@pytest.mark.slow
@pytest.mark.parametrize(
    "voice",
    [
        # Steady tone: a linear gain reaches the target.
        "sine=f=700:d=8:r=24000,volume=0.05",
        # Quiet bed with loud clicks: the gain alone would clip; the limiter holds the clicks.
        "sine=f=700:d=8:r=24000,volume='0.02+0.9*lt(mod(t\\,1)\\,0.004)':eval=frame",
    ],
    ids=["linear", "limited"],
)
async def test_soundtrack_hits_target_under_true_peak_ceiling(tmp_path: Path, voice: str) -> None:
    narration = _make(tmp_path / "voice.wav", voice)
    sg = st.soundtrack_graph([st.NarrationPlacement(narration, 0.5)], [], 9.0, music_level_db=-14.0)
    out = tmp_path / "audio.m4a"
    reported = await st.render_soundtrack(sg, -16.0, out, tmp_path)
    integrated, peak = await _meter(out)
    assert abs(integrated + 16.0) <= 1.0
    assert reported == pytest.approx(integrated, abs=0.3)
    assert peak <= st.TRUE_PEAK_DBTP
    info = probe(out)
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, 2)
    assert abs(info.duration_s - 9.0) < 0.05


async def test_silent_soundtrack(tmp_path: Path) -> None:
    sg = st.soundtrack_graph([], [], 3.0, music_level_db=-14.0)
    assert sg.silent
    assert await st.render_soundtrack(sg, -14.0, tmp_path / "a.m4a", tmp_path) is None
    assert probe(tmp_path / "a.m4a").audio_codec == "aac"
