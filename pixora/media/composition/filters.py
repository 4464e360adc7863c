"""The ffmpeg filter chains of a video piece: decode a scene's clip onto the output frame grid,
cut a window of frames out of it in the piece format, cross two scenes with `xfade`, and burn
captions in.

Pure string building. Frames are counted at the output rate `fps`, from the scene's start.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Burn:
    """Captions to burn into a piece: the ASS `script` file, the piece's frames on which what
    it shows may change (`ass.Script.change_frames`), and the `band` of rows (y0, y1) it may
    draw on, of frames `size` (width, height) pixels; the piece's first frame is at `clock`
    frames of the script's time."""

    script: Path
    changes: tuple[int, ...]
    band: tuple[int, int]
    size: tuple[int, int]
    clock: int = 0


def burn(pad: str, out: str, frames: int, fps: int, b: Burn) -> str:
    """Graph burning `b` into the `frames` frames at `fps` of pad [pad] (in the piece format),
    out to pad [out].

    libass draws the script with the caption font only on the change frames, onto a
    transparent layer (yuva444p: premultiplied over black, then made straight; only the band
    is kept), which `overlay` lays over every frame. Drawing into every frame with the `ass`
    filter instead blends the glyphs in C on each one, about twice the CPU time at 720p."""
    w, h = b.size
    y0, y1 = b.band
    pick = "+".join(f"eq(n\\,{k})" for k in b.changes)
    layer = (f"color=c=black@0:s={w}x{h}:r={fps},format=yuva444p,trim=end_frame={frames},"
             f"select='{pick}',setpts=PTS+{b.clock},"
             f"ass=filename={_quote(b.script)}:fontsdir={_quote(FONT_DIR)}:alpha=1,"
             f"setpts=PTS-STARTPTS,crop={w}:{y1 - y0}:0:{y0},unpremultiply=inplace=1,"
             f"format=yuva420p")
    return f"{layer}[{out}c];[{pad}][{out}c]overlay=0:{y0}[{out}]"


def piece(pad: str, chain: str, out: str, frames: int, fps: int, b: Burn | None) -> str:
    """Graph applying filter chain `chain` to pad [pad], out to pad [out], with `b` burned in
    (`burn`; none: nothing)."""
    if b is None:
        return f"[{pad}]{chain}[{out}]"
    return f"[{pad}]{chain}[{out}u];{burn(f'{out}u', out, frames, fps, b)}"


def _quote(path: Path) -> str:
    """`path` escaped as a filter option value inside a filter graph."""
    text = str(path)
    for ch in "\\:'":
        text = text.replace(ch, "\\" + ch)
    for ch in ",;[]":
        text = text.replace(ch, "\\" + ch)
    return text


def cut(a: int, b: int, size: tuple[int, int], m: SceneMedia) -> str:
    """Filter chain taking frames [a, b) of a `source` chain of scene `m`: exactly b - a
    frames from timestamp 0 (the last frame repeated if the clip ends early), scaled to fit
    and padded to `size` (width, height in pixels; unless the clip already has that size), in
    the piece format."""
    n = b - a
    chain = (f"trim=start_pts={a}:end_pts={b},setpts=PTS-STARTPTS,"
             f"tpad=stop_mode=clone:stop={n},trim=end_frame={n},")
    w, h = size
    if (m.layout.width, m.layout.height) != size:
        chain += (f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                  f"pad={w}:{h}:-1:-1:color=black,")
    return chain + PIECE_FILTER


def xfade(transition: str, frames: int, fps: int, b: Burn | None = None) -> str:
    """`xfade` of pads [a] into [b] over `frames` frames at `fps`, with `b` burned in, out to
    pad [xf]."""
    graph = f"[a][b]xfade=transition={transition}:duration={frames / fps}:offset=0"
    if b is None:
        return graph + "[xf]"
    return f"{graph}[xb];{burn('xb', 'xf', frames, fps, b)}"
