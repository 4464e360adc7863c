"""Scene bodies cut by stream copy: Ken Burns clips made with the keyframes the pipeline asks
for are not re-encoded by the composer; any other clip falls back to rendering its body."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pixora.media import timeline
from pixora.media.captions.words import Word
from pixora.media.composition import Captions, Composer, ComposeResult, SceneInput, runner
from pixora.media.encoding import (
    PIECE_FILTER,
    copy_frames,
    encoder_args,
    keyframe_args,
    read_layout,
)
from pixora.media.ffmpeg import FFMPEG, probe
from pixora.media.protocols import MotionRequest
from pixora.offline.media.motion import KenBurnsAnimator

FPS = 30
SIZE = (320, 180)
TRANSITION_S = 0.5


@pytest.fixture(scope="module")
def stills(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three textured stills (blurred noise over a gradient, a bright disc off centre)."""
    d = tmp_path_factory.mktemp("stills")
    rng = np.random.default_rng(7)
    paths = []
    for i in range(3):
        y, x = np.mgrid[0:360, 0:640]
        base = (x / 640 * 180 + y / 360 * 60 + i * 25)[..., None] * np.array([1.0, 0.7, 0.4])
        noise = rng.normal(0, 40, (90, 160, 3)).repeat(4, 0).repeat(4, 1)
        disc = ((x - 200 - 90 * i) ** 2 + (y - 150) ** 2 < 40**2)[..., None] * 120
        path = d / f"still{i}.png"
        Image.fromarray(np.clip(base + noise + disc, 0, 255).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


async def _ken_burns(still: Path, out: Path, seconds: float, keyframes_s: tuple[float, ...],
                     size: tuple[int, int] = SIZE, motion: str = "zoom_in") -> Path:
    req = MotionRequest(still, seconds, motion, *size, fps=FPS,  # type: ignore[arg-type]
                        keyframes_s=keyframes_s)
    await KenBurnsAnimator().animate(req, out)
    return out


def _edges(transitions: list[str], index: int, seconds: float) -> tuple[float, ...]:
    return timeline.body_edges(transitions, index, seconds, transition_s=TRANSITION_S, fps=FPS)


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in c.decode(video=0)]


def _extradata(path: Path) -> bytes:
    with av.open(str(path)) as c:
        return bytes(c.streams.video[0].codec_context.extradata)


def _bodies(result: ComposeResult) -> list[Path]:
    return [p for p in result.pieces if p.name.startswith("body-")]


def test_body_edges_follow_the_transition_overlaps() -> None:
    transitions = ["fade", "cut", "wipeleft", "fade"]
    assert _edges(transitions, 0, 2.0) == (1.5,)  # no incoming overlap
    assert _edges(transitions, 1, 2.0) == (0.5,)  # a cut out: the body runs to the end
    assert _edges(transitions, 2, 2.0) == (1.5,)  # a cut in: the body starts on frame 0
    assert _edges(transitions, 3, 2.0) == (0.5,)  # the last scene has no outgoing overlap
    assert _edges(["fade", "dissolve", "fade"], 1, 3.0) == (0.5, 2.5)


def test_keyframe_args_force_exact_frames() -> None:
    assert keyframe_args([]) == keyframe_args([0]) == ()
    assert keyframe_args([45, 15, 15]) == (
        "-force_key_frames", "expr:eq(n,15)+eq(n,45)", "-forced-idr", "1")


@pytest.mark.slow
async def test_ken_burns_bodies_are_copied_frame_exact(
    tmp_path: Path, stills: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    transitions = ["fade", "cut", "dissolve", "fade"]
    seconds = [2.0, 2.0, 2.0, 2.0]
    clips = [
        await _ken_burns(stills[i % 3], tmp_path / f"kb{i}.mp4", s, _edges(transitions, i, s),
                         motion=("zoom_in", "pan_left", "zoom_out", "gentle_pan")[i])
        for i, s in enumerate(seconds)
    ]
    assert [read_layout(c).keyframes for c in clips] == [(0, 45), (0, 15), (0, 45), (0, 15)]
    scenes = [SceneInput(c, s, None, t)
              for c, s, t in zip(clips, seconds, transitions, strict=True)]
    out = tmp_path / "video.mp4"
    result = await Composer(tmp_path / "cache", fps=FPS).compose(
        scenes, [], SIZE, out, tmp_path / "thumb.jpg")

    bodies = _bodies(result)
    assert len(result.pieces) == 6  # 4 bodies, 2 transitions (none at the cut)
    assert result.copied == bodies and all("-copy-" in p.name for p in bodies)
    # One parameter set for every piece and every clip: the concat is valid.
    assert {_extradata(p) for p in [*result.pieces, *clips]} == {_extradata(clips[0])}

    frames = _frames(out)
    assert len(frames) == 4 * 60 - 2 * 15
    assert abs(probe(out).duration_s - len(frames) / FPS) <= 1 / FPS
    assert result.duration_s == pytest.approx(len(frames) / FPS)
    src = [_frames(c) for c in clips]
    windows = [(0, 45), (15, 60), (0, 45), (15, 60)]
    for body, clip_frames, (a, b) in zip(bodies, src, windows, strict=True):
        copied = _frames(body)
        assert len(copied) == b - a
        assert all(np.array_equal(x, y) for x, y in zip(copied, clip_frames[a:b], strict=True))
    # In the final video, each body shows its clip's frames bit for bit, on the timeline grid.
    starts = [round(s * FPS) for s in result.scene_starts]
    assert starts == [0, 45, 105, 150]
    for start, clip_frames, (a, b) in zip(starts, src, windows, strict=True):
        shown = frames[start + a: start + b]
        assert all(np.array_equal(x, y) for x, y in zip(shown, clip_frames[a:b], strict=True))
    # Transitions decode from the keyframe at the body's end and keep the same frame grid:
    # the fade's first frame is the outgoing clip's frame 45, re-encoded...
    for start, clip_frames in ((0, src[0]), (105, src[2])):
        first = frames[start + 45]
        errors = {k: float(np.abs(first - clip_frames[k]).mean()) for k in range(42, 49)}
        assert min(errors, key=errors.__getitem__) == 45, errors
    # ...and they are the very frames the rendering path makes, which decodes the whole clip.
    monkeypatch.setattr(runner, "needs_reference", lambda *_: False)
    rendered = await Composer(tmp_path / "cache2", fps=FPS).compose(
        scenes, [], SIZE, tmp_path / "rendered.mp4", tmp_path / "thumb2.jpg")
    assert rendered.copied == [] and len(rendered.pieces) == 6
    for ours, theirs in ((1, 1), (4, 4)):
        assert all(np.array_equal(x, y) for x, y in zip(
            _frames(result.pieces[ours]), _frames(rendered.pieces[theirs]), strict=True))


@pytest.mark.slow
async def test_captioned_bodies_burn_only_where_captions_show(
    tmp_path: Path, stills: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    transitions = ["fade", "fade"]
    seconds = [4.0, 2.0]
    clips = [await _ken_burns(stills[i], tmp_path / f"kb{i}.mp4", s, _edges(transitions, i, s))
             for i, s in enumerate(seconds)]
    assert read_layout(clips[0]).keyframes == (0, 60, 105)
    voice = tmp_path / "voice.wav"
    subprocess.run([FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=f=440:d=1.0", str(voice)], check=True)
    # Spoken from 0.35 s (the lead) to 1.25 s, shown until 1.55 s (the hold): frames 11-46,
    # rendered from frame 10 (a frame may show a caption up to 10 ms early) to the keyframe.
    words = (Word("Hello", 0.0, 0.4), Word("there.", 0.45, 0.9))
    scenes = [SceneInput(clips[0], 4.0, voice, "fade", words), SceneInput(clips[1], 2.0)]
    out = tmp_path / "video.mp4"
    result = await Composer(tmp_path / "cache", fps=FPS).compose(
        scenes, [], SIZE, out, tmp_path / "thumb.jpg", captions=Captions("subtitle"))

    # Body 1: frames 0-9 and 60-104 copied, 10-59 burned; body 2 copied whole.
    head, burned, tail, _, body2 = result.pieces
    assert result.copied == [head, tail, body2]
    assert [len(_frames(p)) for p in (head, burned, tail)] == [10, 50, 45]
    assert len({_extradata(p) for p in result.pieces}) == 1
    frames, src = _frames(out), _frames(clips[0])
    assert len(frames) == (4 + 2) * FPS - 15
    for k in [*range(10), *range(60, 105)]:
        assert np.array_equal(frames[k], src[k]), k
    # Captions on the very frames the whole-body render burns them on.
    monkeypatch.setattr(runner, "needs_reference", lambda *_: False)
    whole = await Composer(tmp_path / "cache2", fps=FPS).compose(
        scenes, [], SIZE, tmp_path / "whole.mp4", tmp_path / "thumb2.jpg",
        captions=Captions("subtitle"))
    assert whole.copied == [] and len(whole.pieces) == 3
    rendered = _frames(tmp_path / "whole.mp4")

    def captioned(shown: list[np.ndarray]) -> list[int]:
        return [k for k in range(105) if np.abs(shown[k] - src[k]).max() > 100]

    assert captioned(frames) == captioned(rendered) == list(range(11, 47))


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["no keyframes", "crf", "size", "longer"])
async def test_other_clips_fall_back_to_rendering_the_body(
    tmp_path: Path, stills: list[Path], variant: str
) -> None:
    transitions = ["fade", "fade"]
    first = await _ken_burns(stills[0], tmp_path / "first.mp4", 2.0, _edges(transitions, 0, 2.0))
    edges = _edges(transitions, 1, 2.0)
    second = tmp_path / "second.mp4"
    if variant == "no keyframes":
        await _ken_burns(stills[1], second, 2.0, ())
    elif variant == "crf":
        made = await _ken_burns(stills[1], tmp_path / "made.mp4", 2.0, edges)
        enc = [*encoder_args(FPS)]
        enc[enc.index("-crf") + 1] = "26"
        subprocess.run([FFMPEG, "-y", "-loglevel", "error", "-i", str(made), "-vf", PIECE_FILTER,
                        *enc, *keyframe_args([15]), str(second)], check=True)
        assert read_layout(second).keyframes[:2] == (0, 15)
    elif variant == "size":
        await _ken_burns(stills[1], second, 2.0, edges, size=(384, 216))
    else:
        await _ken_burns(stills[1], second, 2.4, edges)
    scenes = [SceneInput(first, 2.0, None, "fade"), SceneInput(second, 2.0, None, "fade")]
    out = tmp_path / "video.mp4"
    result = await Composer(tmp_path / "cache", fps=FPS).compose(
        scenes, [], SIZE, out, tmp_path / "thumb.jpg")

    copied, rendered = _bodies(result)
    assert result.copied == [copied]
    assert "-copy-" in copied.name and "-encode-" in rendered.name
    frames = _frames(out)
    assert len(frames) == 2 * 60 - 15
    assert len({_extradata(p) for p in result.pieces}) == 1
    # The rendered body still shows the clip's frames 15..59, fitted to the output size.
    src = _frames(second)
    if variant == "size":
        src = [np.asarray(Image.fromarray(f).resize(SIZE, Image.Resampling.BILINEAR))
               for f in src]
    for out_i, src_i in ((60, 15), (90, 45), (104, 59)):
        near = range(src_i - 3, min(len(src), src_i + 4))
        errors = {k: float(np.abs(frames[out_i] - src[k]).mean()) for k in near}
        assert min(errors, key=errors.__getitem__) == src_i, (out_i, errors)


async def test_copy_frames_needs_a_keyframe_and_the_frames(
    tmp_path: Path, stills: list[Path]
) -> None:
    clip = await _ken_burns(stills[0], tmp_path / "kb.mp4", 1.0, (0.5,))
    copy_frames(clip, 15, 30, tmp_path / "tail.mp4")
    assert len(_frames(tmp_path / "tail.mp4")) == 15
    with pytest.raises(ValueError, match="frame 10 is not a keyframe"):
        copy_frames(clip, 10, 20, tmp_path / "bad.mp4")
    with pytest.raises(ValueError, match="has 30 frames"):
        copy_frames(clip, 15, 40, tmp_path / "bad.mp4")
