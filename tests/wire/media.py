"""Small real media files for the wire servers' responses (PNG, WAV, MP3, MP4)."""

from __future__ import annotations

import io
import subprocess
import tempfile
import wave
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from pixora.media.ffmpeg import FFMPEG


def png(width: int, height: int, text: str = "") -> bytes:
    """A gradient PNG of `width`x`height` pixels whose colour depends on `text`."""
    seed = zlib.crc32(text.encode())
    x = np.linspace(0, 1, width)[None, :, None]
    y = np.linspace(0, 1, height)[:, None, None]
    base = np.array([seed & 255, (seed >> 8) & 255, (seed >> 16) & 255])[None, None, :]
    pixels = (base * (0.5 + 0.5 * x) * (0.6 + 0.4 * y)).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "PNG")
    return buf.getvalue()


def wav(duration_s: float, rate: int = 24000, channels: int = 1, hz: float = 220.0) -> bytes:
    """A 16-bit PCM WAV tone of `duration_s` seconds."""
    t = np.arange(int(duration_s * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * hz * t) * 32767).astype(np.int16)
    frames = np.repeat(tone[:, None], channels, axis=1)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames.tobytes())
    return buf.getvalue()


def _ffmpeg(*args: str | bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        inputs: list[str] = []
        for a in args:
            if isinstance(a, bytes):
                p = Path(tmp) / f"in{len(inputs)}"
                p.write_bytes(a)
                inputs.append(str(p))
            else:
                inputs.append(a)
        inputs[-1] = str(out.with_suffix(inputs[-1]))
        subprocess.run([FFMPEG, "-y", "-loglevel", "error", *inputs], check=True)
        return out.with_suffix(str(args[-1])).read_bytes()


def mp3(duration_s: float) -> bytes:
    """An MP3 tone of `duration_s` seconds (44.1 kHz mono)."""
    return _ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:duration={duration_s}",
                   "-ac", "1", ".mp3")


def mp4_from_image(image: bytes, duration_s: float, width: int = 320, height: int = 180) -> bytes:
    """An H.264 MP4 of `image` held for `duration_s` seconds at 24 fps."""
    return _ffmpeg("-loop", "1", "-i", image, "-t", str(duration_s), "-r", "24",
                   "-vf", f"scale={width}:{height},format=yuv420p", "-c:v", "libx264",
                   "-preset", "ultrafast", ".mp4")
