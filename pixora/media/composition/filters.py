"""The ffmpeg filter chains of a video piece: decode a scene's clip onto the output frame grid,
cut a window of frames out of it in the piece format, and cross two scenes with `xfade`.

Pure string building. Frames are counted at the output rate `fps`, from the scene's start.
"""

from __future__ import annotations

from pathlib import Path

from pixora.media import timeline
from pixora.media.captions.ass import FONT_DIR
from pixora.media.composition.inputs import SceneMedia
from pixora.media.encoding import PIECE_FILTER

SEEK_MARGIN_S = 0.5
"""Extra seconds decoded either side of a seek, so the frames wanted are always inside."""


def source(
    m: SceneMedia, frames: int, a: int, b: int, fps: int, *, copy: bool
) -> tuple[tuple[str, ...], str]:
    """ffmpeg input options and the filter chain decoding scene `m`'s clip fitted to `frames`
    frames at `fps`, covering at least its frames [a, b). Frames keep their scene-time
    timestamps (in 1/fps units), so every piece of a scene samples the same frame grid and
    pieces join without a jump. A `copy` clip (already `frames` frames in the piece format) is
    decoded from its last keyframe at or before frame a (half a frame past it, without accurate
    seek, lands on it)."""
    clip = str(m.scene.clip)
    if copy:
        k = max(f for f in m.layout.keyframes if f <= a)
        seek = (k + 0.5) / fps if k else 0.0
        inputs = ("-noaccurate_seek", "-ss", f"{seek:.6f}",
                  "-t", f"{(b - k) / fps + SEEK_MARGIN_S:.6f}", "-i", clip)
        return inputs, f"setpts=PTS+{seek:.6f}/TB,fps={fps}"
    fit = timeline.fit_clip(m.clip_s, frames / fps)
    if fit.mode == "loop":
        return ("-stream_loop", "-1", "-i", clip), f"fps={fps}"
    src_start, src_end = a / fps / fit.stretch, b / fps / fit.stretch
    seek = max(0.0, src_start - SEEK_MARGIN_S)
    length = src_end - seek + SEEK_MARGIN_S
    inputs = ("-ss", f"{seek:.6f}", "-t", f"{length:.6f}", "-i", clip)
    return inputs, f"setpts=(PTS+{seek:.6f}/TB)*{fit.stretch:.9f},fps={fps}"


def burn(script: Path | None) -> str:
    """The `ass` filter drawing ASS `script` with the shipped caption font, then a comma; ""
    without a script."""
    if script is None:
        return ""
    return f"ass=filename={_quote(script)}:fontsdir={_quote(FONT_DIR)},"


def _quote(path: Path) -> str:
    """`path` escaped as a filter option value inside a filter graph."""
    text = str(path)
    for ch in "\\:'":
        text = text.replace(ch, "\\" + ch)
    for ch in ",;[]":
        text = text.replace(ch, "\\" + ch)
    return text


def cut(a: int, b: int, size: tuple[int, int], m: SceneMedia,
        script: Path | None = None, script_start: int | None = None) -> str:
    """Filter chain taking frames [a, b) of a `source` chain of scene `m`: exactly b - a
    frames from timestamp 0 (the last frame repeated if the clip ends early), scaled to fit
    and padded to `size` (width, height in pixels; unless the clip already has that size), in
    the piece format, with ASS `script` burned in (after scaling, so at the output size).
    The script's time 0 is on frame `script_start` (at or before a; default a)."""
    n = b - a
    chain = (f"trim=start_pts={a}:end_pts={b},setpts=PTS-STARTPTS,"
             f"tpad=stop_mode=clone:stop={n},trim=end_frame={n},")
    w, h = size
    if (m.layout.width, m.layout.height) != size:
        chain += (f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                  f"pad={w}:{h}:-1:-1:color=black,")
    ahead = 0 if script_start is None else a - script_start
    if script is not None and ahead:
        # Frame timestamps count frames at 1/fps: the frames are put on the script's clock
        # for libass, then back from 0.
        return f"{chain}setpts=PTS+{ahead},{burn(script)}setpts=PTS-STARTPTS,{PIECE_FILTER}"
    return chain + burn(script) + PIECE_FILTER


def xfade(transition: str, frames: int, fps: int, script: Path | None = None) -> str:
    """`xfade` of pads [a] into [b] over `frames` frames at `fps`, ASS `script` burned on the
    result, out to pad [xf]."""
    graph = f"[a][b]xfade=transition={transition}:duration={frames / fps}:offset=0"
    if script is None:
        return graph + "[xf]"
    return f"{graph}[xb];[xb]{burn(script)}{PIECE_FILTER}[xf]"
