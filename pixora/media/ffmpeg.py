"""Running ffmpeg (from imageio-ffmpeg) and probing media files (PyAV)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import av
import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


class FFmpegError(RuntimeError):
    """ffmpeg exited non-zero; the message carries the tail of its log."""


async def _communicate(proc: asyncio.subprocess.Process) -> bytes:
    """Wait for `proc` and return its stderr; a cancelled wait kills it first."""
    try:
        _, err = await proc.communicate()
    except asyncio.CancelledError:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    return err


async def run_ffmpeg(*args: str | Path) -> None:
    """Run `ffmpeg -y -hide_banner -loglevel error ARGS...`. Cancelling the call kills ffmpeg.

    Raises:
        FFmpegError: non-zero exit, with the last lines of stderr.
    """
    proc = await asyncio.create_subprocess_exec(
        FFMPEG, "-y", "-hide_banner", "-loglevel", "error", "-nostdin", *map(str, args),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    err = await _communicate(proc)
    if proc.returncode != 0:
        tail = "\n".join(err.decode(errors="replace").strip().splitlines()[-8:])
        raise FFmpegError(f"ffmpeg failed ({proc.returncode}): {tail}")


async def run_ffmpeg_stderr(*args: str | Path) -> str:
    """Run ffmpeg at info log level and return its stderr (for analysis filters).

    Raises:
        FFmpegError: non-zero exit.
    """
    proc = await asyncio.create_subprocess_exec(
        FFMPEG, "-hide_banner", "-nostdin", *map(str, args),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    text = (await _communicate(proc)).decode(errors="replace")
    if proc.returncode != 0:
        raise FFmpegError(f"ffmpeg failed ({proc.returncode}): {text[-800:]}")
    return text


@dataclass(frozen=True)
class Probe:
    """What a media file holds. Durations in seconds, sizes in pixels, rates in Hz."""

    duration_s: float
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None


def probe(path: Path) -> Probe:
    """Probe `path` with PyAV (libavformat).

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not readable media; the message names it.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with av.open(str(path)) as c:
            v = next(iter(c.streams.video), None)
            a = next(iter(c.streams.audio), None)
            duration = (c.duration or 0) / 1_000_000
            return Probe(
                duration_s=duration,
                video_codec=v.codec_context.name if v else None,
                width=v.codec_context.width if v else None,
                height=v.codec_context.height if v else None,
                fps=float(v.average_rate) if v and v.average_rate else None,
                audio_codec=a.codec_context.name if a else None,
                sample_rate=a.codec_context.sample_rate if a else None,
                channels=a.codec_context.channels if a else None,
            )
    except av.error.FFmpegError as err:
        raise ValueError(f"{path}: not readable media ({err})") from None
