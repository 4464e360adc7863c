"""The piece format: the H.264 settings every video piece of a composition shares, and the
tools to recognise a clip already in that format and cut it by stream copy.

A clip encoded with `PIECE_FILTER` and `encoder_args(fps)` (plus `keyframe_args` at the frames
where it will be cut) has the same H.264 parameter sets (SPS/PPS) as every piece the composer
renders, so frames [a, b) starting on a keyframe can be cut out of it with `copy_frames` and
joined to the other pieces by the concat demuxer without being decoded or encoded again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import av

PIECE_FILTER = "setsar=1,format=yuv420p"
"""The last filters before the encoder: square pixels (the SPS carries the aspect ratio) and
4:2:0 chroma."""


def encoder_args(fps: int) -> tuple[str, ...]:
    """The x264 settings every piece shares (stream-copy concat needs identical SPS/PPS):
    High profile, level 4.1, yuv420p, CRF 20, preset veryfast, no B-frames, closed GOP of
    `2 * fps` frames, no scene-cut keyframes."""
    return (
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
        "-profile:v", "high", "-level:v", "4.1", "-pix_fmt", "yuv420p",
        "-g", str(2 * fps), "-keyint_min", str(2 * fps), "-sc_threshold", "0", "-bf", "0",
    )


def keyframe_args(frames: Iterable[int]) -> tuple[str, ...]:
    """ffmpeg output options forcing IDR keyframes at the given frame indices (0-based, in
    output order); none when `frames` is empty. The indices are exact (`n`, not times), so
    no rounding can move a keyframe by one frame."""
    wanted = sorted({f for f in frames if f > 0})
    if not wanted:
        return ()
    expr = "+".join(f"eq(n,{f})" for f in wanted)
    return ("-force_key_frames", f"expr:{expr}", "-forced-idr", "1")


@dataclass(frozen=True)
class Layout:
    """How a clip's first video stream is stored, read from its packets without decoding.

    codec: codec name ("h264"); width, height: pixels; frames: number of frames;
    keyframes: indices of the frames coded as keyframes, in display order;
    rate: the frame rate in frames per second when every frame lasts the same and packets
    come in display order (no B-frame reordering), else None; extradata: the codec's
    out-of-band parameter sets (for H.264 in MP4, the avcC box holding SPS and PPS).
    """

    codec: str
    width: int
    height: int
    frames: int
    keyframes: tuple[int, ...]
    rate: Fraction | None
    extradata: bytes


def read_layout(path: Path) -> Layout:
    """The `Layout` of `path`'s first video stream (demuxes every packet, decodes none).

    Raises:
        ValueError: not readable media, or no video stream (the message names the file).
    """
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise ValueError(f"{path}: has no video stream")
            stream = c.streams.video[0]
            ctx = stream.codec_context
            pts, keys = [], []
            for packet in c.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue
                if packet.is_keyframe:
                    keys.append(len(pts))
                pts.append(packet.pts)
            tb = stream.time_base
            return Layout(
                codec=ctx.name, width=ctx.width, height=ctx.height, frames=len(pts),
                keyframes=tuple(keys), rate=_constant_rate(pts, tb),
                extradata=bytes(ctx.extradata or b""),
            )
    except av.error.FFmpegError:
        raise ValueError(f"{path}: not readable media") from None


def _constant_rate(pts: list[int], time_base: Fraction | None) -> Fraction | None:
    """Frames per second if `pts` (decode order) rise by one constant step, else None."""
    if len(pts) < 2 or not time_base:
        return None
    step = pts[1] - pts[0]
    if step <= 0 or any(b - a != step for a, b in pairwise(pts)):
        return None
    return 1 / (step * Fraction(time_base))


def copy_frames(src: Path, start: int, end: int, dest: Path) -> None:
    """Write frames [start, end) of `src`'s first video stream to MP4 `dest` by stream copy
    (PyAV remux), timestamps rebased to 0. Frame `start` must be a keyframe and packets must
    be in display order (see `Layout.rate`); the piece then decodes on its own.

    Raises:
        ValueError: the range is empty or outside the clip, or frame `start` is not a keyframe.
    """
    if not 0 <= start < end:
        raise ValueError(f"{src}: cannot copy frames [{start}, {end})")
    with av.open(str(src)) as inp, av.open(str(dest), "w", format="mp4") as out:
        stream = inp.streams.video[0]
        target = out.add_stream_from_template(stream)
        target.time_base = stream.time_base
        index, origin = 0, None
        for packet in inp.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            if start <= index < end:
                if origin is None:
                    if not packet.is_keyframe:
                        raise ValueError(f"{src}: frame {start} is not a keyframe")
                    origin = packet.pts
                packet.pts -= origin
                packet.dts = packet.pts
                packet.stream = target
                out.mux(packet)
            index += 1
            if index >= end:
                break
        if index < end:
            raise ValueError(f"{src}: has {index} frames, cannot copy frames [{start}, {end})")
