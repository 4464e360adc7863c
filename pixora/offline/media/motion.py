"""Ken Burns motion: a still becomes a clip by slow zooms and pans.

Each frame is a sub-pixel crop of the still, resampled by Pillow (`Image.resize` with a
float `box`), and piped as raw RGB to ffmpeg/libx264. Sub-pixel crops keep slow moves
smooth, where ffmpeg's `zoompan` rounds the crop to whole pixels and visibly jitters.

The clip is encoded in the composer's piece format (`pixora.media.encoding`) with keyframes
where the request asks for them, so the composer can cut a scene body out of it by stream
copy: each frame of the final video is then encoded once.
"""

from __future__ import annotations

import asyncio
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pixora.context.vocabulary import KEN_BURNS_MOVES, KenBurnsMove
from pixora.media.encoding import PIECE_FILTER, encoder_args, keyframe_args
from pixora.media.ffmpeg import FFMPEG, FFmpegError
from pixora.media.protocols import MediaFile, MotionRequest

MAX_ZOOM = 1.18
"""The tightest crop any move reaches (1.18 = 1/1.18 of the still's width in frame)."""


@dataclass(frozen=True)
class Move:
    """A camera move as (zoom, centre x, centre y) at the start and end of the clip.

    Zoom is >= 1 (1 = the whole still); centres are fractions of the still's size.
    """

    start: tuple[float, float, float]
    end: tuple[float, float, float]


def plan_move(motion: KenBurnsMove, seed: int = 0) -> Move:
    """The start and end framing of a Ken Burns `motion`; `seed` picks drift directions.

    Raises:
        ValueError: unknown motion.
    """
    if motion not in KEN_BURNS_MOVES:
        raise ValueError(f"unknown motion {motion!r}; expected one of {', '.join(KEN_BURNS_MOVES)}")
    side = -1 if seed % 2 else 1
    z = 1.12
    slack = (1 - 1 / z) / 2  # how far the centre can travel at zoom z
    match motion:
        case "zoom_in":
            return Move((1.0, 0.5, 0.5), (MAX_ZOOM, 0.5 + side * 0.02, 0.48))
        case "zoom_out":
            return Move((MAX_ZOOM, 0.5 + side * 0.02, 0.48), (1.0, 0.5, 0.5))
        case "pan_left":
            return Move((z, 0.5 + slack, 0.5), (z, 0.5 - slack, 0.5))
        case "pan_right":
            return Move((z, 0.5 - slack, 0.5), (z, 0.5 + slack, 0.5))
        case "gentle_pan":
            g = 1.08
            drift = (1 - 1 / g) / 2 * 0.8
            return Move((1.04, 0.5 - side * drift * 0.5, 0.5),
                        (g, 0.5 + side * drift, 0.5 - drift * 0.4))
        case _:
            return Move((1.0, 0.5, 0.5), (1.0, 0.5, 0.5))


def _ease(t: float) -> float:
    """Half-cosine ease in and out, blended with linear so the move never stalls."""
    return 0.5 * t + 0.5 * (0.5 - 0.5 * math.cos(math.pi * t))


def frame_boxes(move: Move, frames: int, src_w: int, src_h: int,
                ) -> list[tuple[float, float, float, float]]:
    """Crop boxes (left, top, right, bottom) in source px for each of `frames` frames."""
    boxes = []
    for i in range(frames):
        t = _ease(i / (frames - 1)) if frames > 1 else 0.0
        z, cx, cy = (a + (b - a) * t for a, b in zip(move.start, move.end, strict=True))
        cw, ch = src_w / z, src_h / z
        left = min(max(cx * src_w - cw / 2, 0.0), src_w - cw)
        top = min(max(cy * src_h - ch / 2, 0.0), src_h - ch)
        boxes.append((left, top, left + cw, top + ch))
    return boxes


def _cover(img: Image.Image, w: int, h: int) -> Image.Image:
    """Crop `img` to the w:h aspect ratio (centred) and scale it to w x h."""
    ratio = w / h
    if img.width / img.height > ratio:
        cw = round(img.height * ratio)
        img = img.crop(((img.width - cw) // 2, 0, (img.width - cw) // 2 + cw, img.height))
    else:
        ch = round(img.width / ratio)
        img = img.crop((0, (img.height - ch) // 2, img.width, (img.height - ch) // 2 + ch))
    return img.resize((w, h), Image.Resampling.LANCZOS)


def keyframe_indices(req: MotionRequest, frames: int) -> list[int]:
    """The frames (0-based) nearest to `req.keyframes_s` that fall inside a clip of
    `frames` frames."""
    return sorted({k for t in req.keyframes_s if 0 < (k := round(t * req.fps)) < frames})


def encode_args(width: int, height: int, fps: int, out: Path,
                keyframes: Sequence[int] = ()) -> list[str]:
    """ffmpeg arguments reading raw RGB frames on stdin and writing an H.264 MP4 in the
    piece format (`pixora.media.encoding.encoder_args`), with IDR keyframes at the frame
    indices `keyframes`."""
    return [
        FFMPEG, "-y", "-hide_banner", "-loglevel", "error", "-f", "rawvideo",
        "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
        "-an", "-vf", PIECE_FILTER, *encoder_args(fps), *keyframe_args(keyframes),
        "-movflags", "+faststart", str(out),
    ]


def render_clip(req: MotionRequest, out: Path) -> int:
    """Render `req` to `out` (blocking); returns the number of frames written.

    Raises:
        FFmpegError: the encoder failed.
    """
    frames = max(round(req.duration_s * req.fps), 1)
    move = plan_move(req.motion, req.seed)
    zmax = max(move.start[0], move.end[0])
    with Image.open(req.image) as still:
        src = _cover(still.convert("RGB"), round(req.width * zmax), round(req.height * zmax))
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(encode_args(req.width, req.height, req.fps, out,
                                        keyframe_indices(req, frames)),
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        last: tuple[float, ...] | None = None
        data = b""
        for box in frame_boxes(move, frames, src.width, src.height):
            if box != last:
                data = src.resize((req.width, req.height), Image.Resampling.BILINEAR,
                                  box=box).tobytes()
                last = box
            proc.stdin.write(data)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise FFmpegError(f"ffmpeg failed ({proc.returncode}): {err.strip()[-800:]}")
    return frames


class KenBurnsAnimator:
    """Ken Burns clips from stills (`ImageToVideo` protocol), rendered offline.

    Output: H.264 MP4 without audio in the composer's piece format (libx264 High, yuv420p,
    CRF 20, preset veryfast, no B-frames, see `pixora.media.encoding.encoder_args`), exactly
    req.width x req.height px at req.fps, req.duration_s rounded to whole frames, with a
    keyframe on the frame nearest each of `req.keyframes_s` inside the clip.
    """

    name = "local"

    def depends_on(self, req: MotionRequest) -> dict[str, object]:
        """Everything but the prompt: length, move, size, rate, keyframes, seed."""
        return {"duration_s": req.duration_s, "motion": req.motion, "size": [req.width, req.height],
                "fps": req.fps, "keyframes_s": list(req.keyframes_s), "seed": req.seed}

    async def animate(self, req: MotionRequest, out: Path) -> MediaFile:
        """Animate `req.image` with `req.motion` into `out`.

        Raises:
            FileNotFoundError: the still does not exist.
            ValueError: odd or non-positive size, non-positive fps or duration, unknown motion.
            FFmpegError: the encoder failed.
        """
        if not Path(req.image).is_file():
            raise FileNotFoundError(f"{req.image}: no such image")
        if req.width <= 0 or req.height <= 0 or req.width % 2 or req.height % 2:
            raise ValueError(f"clip size must be positive and even, got {req.width}x{req.height}")
        if req.fps <= 0 or req.duration_s <= 0:
            raise ValueError(f"fps and duration must be positive, got {req.fps}, {req.duration_s}")
        plan_move(req.motion)
        frames = await asyncio.to_thread(render_clip, req, out)
        return MediaFile(out, self.name, duration_s=frames / req.fps, width=req.width,
                         height=req.height)
