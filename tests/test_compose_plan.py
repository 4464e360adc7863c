"""The composition plan without ffmpeg: the timeline, which pieces exist, which are made (and
how) or reused after an edit, and which cache keys an edit changes."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from pixora.context.models import CaptionLook
from pixora.media.captions import ass
from pixora.media.composition.inputs import (
    CompositionError,
    MusicInput,
    MusicMedia,
    SceneInput,
    SceneMedia,
)
from pixora.media.composition.plan import (
    CaptionBurn,
    CompositionSettings,
    Plan,
    Render,
    StreamCopy,
    body_parts,
    check_music,
    lay_out,
    needs_reference,
    plan,
)
from pixora.media.encoding import Layout

SIZE = (320, 180)
SETTINGS = CompositionSettings(fps=30, transition_s=0.5)
CACHE = Path("/cache")
PARAMETER_SETS = b"avcC of a piece"


def _layout(frames: int = 90, keyframes: tuple[int, ...] = (0,), size: tuple[int, int] = SIZE,
            extradata: bytes = b"other encoder") -> Layout:
    return Layout("h264", size[0], size[1], frames, keyframes, Fraction(30), extradata)


def _scene(clip: str, duration_s: float = 2.0, transition: str = "fade",
           narration: str | None = "n.wav", layout: Layout | None = None) -> SceneMedia:
    return SceneMedia(
        SceneInput(Path(clip), duration_s, Path(narration) if narration else None, transition),
        clip_s=3.0, clip_hash=f"hash-of-{clip}", layout=layout or _layout(),
        narration_s=1.0 if narration else 0.0,
        narration_hash=f"hash-of-{narration}" if narration else None,
    )


MUSIC = [MusicMedia(MusicInput(Path("m.wav"), 0.0, 5.0), length_s=4.0, file_hash="hash-of-m")]


def _plan(media: list[SceneMedia], cached: set[Path] | None = None,
          music: list[MusicMedia] = MUSIC, settings: CompositionSettings = SETTINGS,
          size: tuple[int, int] = SIZE, reference: bytes | None = None,
          captions: CaptionBurn | None = None) -> Plan:
    tl = lay_out([m.scene for m in media], settings)
    done = cached or set()
    return plan(tl, media, music, size, settings, CACHE, reference=reference,
                cached=lambda p: p in done, captions=captions)


def _made(p: Plan) -> list[Path]:
    """The pieces the plan's work makes, in order."""
    out: list[Path] = []
    for w in p.work:
        out += [w.piece.path] if isinstance(w, StreamCopy) else [pc.path for *_, pc in w.outputs]
    return out


def _everything(p: Plan) -> set[Path]:
    return {pc.path for pc in p.pieces} | {p.soundtrack_path}


SCENES = [_scene("a.mp4", transition="fade", narration="n1.wav"),
          _scene("b.mp4", transition="wipeleft", narration="n2.wav"),
          _scene("c.mp4", narration="n3.wav")]


def test_cold_plan_pieces_timeline_and_work() -> None:
    p = _plan(SCENES)
    assert [pc.kind for pc in p.pieces] == ["body", "transition", "body", "transition", "body"]
    assert all(re.fullmatch(r"(body-encode|xfade)-[0-9a-f]{16}\.mp4", pc.path.name)
               for pc in p.pieces)
    assert p.soundtrack_path.parent == CACHE
    assert re.fullmatch(r"audio-[0-9a-f]{16}\.m4a", p.soundtrack_path.name)
    assert p.reused == () and p.copied == () and not p.soundtrack_reused
    # 60 frames a scene, 15-frame transitions: 3 * 60 - 2 * 15 frames.
    assert p.timeline.total_s == pytest.approx(150 / 30)
    assert p.timeline.starts == pytest.approx([0.0, 1.5, 3.0])
    assert [(s.overlap_in, s.overlap_out) for s in p.timeline.scenes] == [(0, 15), (15, 15),
                                                                           (15, 0)]
    # A body and its outgoing transition come from one render (the clip decoded once).
    assert [len(w.outputs) for w in p.work if isinstance(w, Render)] == [2, 2, 1]
    assert _made(p) == [pc.path for pc in p.pieces]
    first = p.work[0]
    assert isinstance(first, Render)
    assert [(label, frames) for label, frames, _ in first.outputs] == [("body", 45), ("xf", 15)]
    assert "xfade=transition=fade" in first.graph and str(Path("b.mp4")) in first.inputs
    assert p.thumbnail == (p.pieces[0].path, pytest.approx(30 / 30))
    # Each narration starts at its scene's start + lead_s (0.35 s), over the music.
    assert "n2.wav" in p.soundtrack.inputs and "m.wav" in p.soundtrack.inputs
    assert any("adelay=delays=1850:" in chain for chain in p.soundtrack.graph)


def test_cut_has_no_transition_piece() -> None:
    p = _plan([_scene("a.mp4", transition="cut"), _scene("b.mp4")])
    assert [pc.kind for pc in p.pieces] == ["body", "body"]
    assert p.timeline.total_s == pytest.approx(4.0)


def test_same_piece_twice_is_made_once() -> None:
    twice = [_scene("a.mp4", transition="cut"), _scene("a.mp4")]
    p = _plan(twice)
    assert p.pieces[0] == p.pieces[1]
    assert len(p.work) == 1 and _made(p) == [p.pieces[0].path]


def test_new_clip_for_one_scene_remakes_its_body_and_both_transitions() -> None:
    first = _plan(SCENES)
    edited = [SCENES[0], replace(SCENES[1], clip_hash="hash-of-new-clip"), SCENES[2]]
    second = _plan(edited, cached=_everything(first))
    kept = [first.pieces[0].path, first.pieces[4].path]
    assert list(second.reused) == kept
    assert [pc.path for pc in second.pieces][0::4] == kept
    assert set(_made(second)) == {pc.path for pc in second.pieces[1:4]}
    assert set(_made(second)).isdisjoint(_everything(first))
    # The transition out of scene 1 is made alone: scene 1's body is in the cache.
    assert [len(w.outputs) for w in second.work if isinstance(w, Render)] == [1, 2]
    assert second.soundtrack_path == first.soundtrack_path and second.soundtrack_reused


def test_new_narration_changes_the_soundtrack_only() -> None:
    first = _plan(SCENES)
    edited = [SCENES[0], replace(SCENES[1], narration_hash="hash-of-new-narration"), SCENES[2]]
    second = _plan(edited, cached=_everything(first))
    assert second.pieces == first.pieces and list(second.reused) == [
        pc.path for pc in first.pieces]
    assert second.work == ()
    assert second.soundtrack_path != first.soundtrack_path and not second.soundtrack_reused


def test_cache_keys_follow_content_not_names() -> None:
    first = _plan(SCENES)
    assert _plan(SCENES) == first
    # The same clip content under another name: same pieces.
    moved = [replace(SCENES[0], scene=replace(SCENES[0].scene, clip=Path("elsewhere/a.mp4"))),
             *SCENES[1:]]
    assert _plan(moved).pieces == first.pieces
    # Another transition: that transition only.
    rewiped = [SCENES[0], replace(SCENES[1], scene=replace(SCENES[1].scene,
                                                           transition="slideleft")), SCENES[2]]
    changed = [a != b for a, b in zip(_plan(rewiped).pieces, first.pieces, strict=True)]
    assert changed == [False, False, False, True, False]
    # Output settings: every piece.
    for other in (_plan(SCENES, size=(640, 360)),
                  _plan(SCENES, settings=replace(SETTINGS, fps=24))):
        assert {pc.path for pc in other.pieces}.isdisjoint(pc.path for pc in first.pieces)
    # Music and loudness: the soundtrack only.
    louder = _plan(SCENES, settings=replace(SETTINGS, loudness_lufs=-10.0))
    assert louder.pieces == first.pieces and louder.soundtrack_path != first.soundtrack_path
    remixed = _plan(SCENES, music=[replace(MUSIC[0], file_hash="hash-of-other-music")])
    assert remixed.pieces == first.pieces and remixed.soundtrack_path != first.soundtrack_path


def test_clips_in_the_piece_format_are_cut_by_stream_copy() -> None:
    ready = _layout(frames=60, keyframes=(0, 45), extradata=PARAMETER_SETS)
    media = [_scene("kb1.mp4", layout=ready), _scene("b.mp4")]
    tl = lay_out([m.scene for m in media], SETTINGS)
    assert needs_reference(tl, media, SIZE)
    assert not needs_reference(tl, [_scene("a.mp4"), media[1]], SIZE)
    p = _plan(media, reference=PARAMETER_SETS)
    body = p.pieces[0]
    assert "-copy-" in body.path.name and p.copied == (body.path,)
    assert p.work[0] == StreamCopy(Path("kb1.mp4"), 0, 45, body)
    # Its transition is rendered alone, decoding from the keyframe at the body's end.
    xfade = p.work[1]
    assert isinstance(xfade, Render) and [o[0] for o in xfade.outputs] == ["xf"]
    assert "-noaccurate_seek" in xfade.inputs
    # Other parameter sets (or none known): the body is rendered.
    for reference in (None, b"another encoder"):
        other = _plan(media, reference=reference)
        assert other.copied == () and "-encode-" in other.pieces[0].path.name
    # Wrong size, frame count or no keyframe at the body's start: not in the piece format.
    for layout in (replace(ready, width=640), replace(ready, frames=61),
                   replace(ready, keyframes=(45,))):
        assert not needs_reference(tl, [replace(media[0], layout=layout), media[1]], SIZE)


def test_body_parts() -> None:
    keys = (0, 60, 75)
    assert body_parts(0, 75, None, (14, 46)) == [(0, 75, False)]  # not in the piece format
    assert body_parts(0, 75, keys, None) == [(0, 75, True)]  # no captions on it
    # Rendered from the first captioned frame to the next keyframe after the last.
    assert body_parts(0, 75, keys, (14, 46)) == [(0, 14, True), (14, 60, False), (60, 75, True)]
    assert body_parts(0, 75, keys, (0, 60)) == [(0, 60, False), (60, 75, True)]
    assert body_parts(0, 75, keys, (14, 61)) == [(0, 14, True), (14, 75, False)]
    assert body_parts(15, 75, (0, 15), (15, 70)) == [(15, 75, False)]


def test_captioned_bodies_copy_their_caption_free_frames() -> None:
    ready = _layout(frames=90, keyframes=(0, 60, 75), extradata=PARAMETER_SETS)
    second = _layout(frames=60, keyframes=(0, 15), extradata=PARAMETER_SETS)
    media = [_scene("kb1.mp4", 3.0, layout=ready), _scene("kb2.mp4", layout=second)]
    header = ass.header(SIZE, "subtitle", CaptionLook())
    said = CaptionBurn(header, ((ass.Event(0.5, 1.5, "Hello"),), ()), (140, 172))
    p = _plan(media, reference=PARAMETER_SETS, captions=said)
    head, burned, tail = p.pieces[:3]
    assert [pc.kind for pc in p.pieces] == ["body", "body", "body", "transition", "body"]
    assert p.copied == (head.path, tail.path, p.pieces[4].path)
    assert p.work[:2] == (StreamCopy(Path("kb1.mp4"), 0, 14, head),
                          StreamCopy(Path("kb1.mp4"), 60, 75, tail))
    render = p.work[2]
    assert isinstance(render, Render)
    assert [(label, frames) for label, frames, _ in render.outputs] == [("body", 46), ("xf", 15)]
    assert render.outputs[0][2] == burned and "-encode-" in burned.path.name
    assert p.thumbnail == (burned.path, pytest.approx((45 - 14) / 30))  # frame 45 of scene 1
    # The burned frames are put on the body's clock, as when the whole body was rendered, so
    # libass shows each caption on the very frames it did; it draws the caption layer on the
    # frames where the caption may change (0.5 s and 1.5 s fall on frames 15 and 45 of the
    # body: 1 and 31 of this part, or one later), and only its band is laid on the video.
    (script, text), = render.scripts
    assert "Dialogue: 0,0:00:00.50,0:00:01.50,Main,,0,0,0,,Hello" in text
    assert (r"select='eq(n\,0)+eq(n\,1)+eq(n\,2)+eq(n\,31)+eq(n\,32)',setpts=PTS+14,"
            f"ass=filename={script}") in render.graph
    assert "crop=320:32:0:140" in render.graph and "overlay=0:140[body]" in render.graph
    # Scene 2 shows no caption: its whole body is copied...
    assert p.work[3] == StreamCopy(Path("kb2.mp4"), 15, 60, p.pieces[4])
    # ...and a caption change on scene 1 re-makes scene 1's parts only.
    other = CaptionBurn(header, ((ass.Event(0.5, 2.2, "Hello there"),), ()), (140, 172))
    edited = _plan(media, reference=PARAMETER_SETS, captions=other, cached=_everything(p))
    assert [pc.kind for pc in edited.pieces] == ["body", "body", "transition", "body"]
    assert edited.pieces[0] == head and edited.pieces[2:] == p.pieces[3:]
    assert [o[:2] for w in edited.work if isinstance(w, Render) for o in w.outputs] == [
        ("body", 61)]
    # Clips not in the piece format: the whole body is rendered with its captions.
    whole = _plan(media, captions=said)
    assert [pc.kind for pc in whole.pieces] == ["body", "transition", "body"]
    assert "-encode-" in whole.pieces[0].path.name and whole.copied == ()


def test_bad_timeline_and_music_spans() -> None:
    with pytest.raises(CompositionError, match=r"^no scenes to compose$"):
        lay_out([], SETTINGS)
    too_short = [SceneInput(Path("a.mp4"), 2.0), SceneInput(Path("b.mp4"), 0.9),
                 SceneInput(Path("c.mp4"), 2.0)]
    with pytest.raises(CompositionError, match=r"^scene 2 duration 0.9 s: shorter than"):
        lay_out(too_short, SETTINGS)
    with pytest.raises(CompositionError, match=r"^music cue 2 span 6.0-8.0 s"):
        check_music([MusicInput(Path("m.wav"), 0.0, 5.0), MusicInput(Path("m.wav"), 6.0, 8.0)],
                    5.0)
