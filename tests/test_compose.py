"""The composer on real media made with ffmpeg lavfi: streams, timing, frames, loudness, the
narration/music mix, piece reuse after edits, and bad input."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pixora.media.composition import Composer, CompositionError, MusicInput, SceneInput, runner
from pixora.media.ffmpeg import FFMPEG, probe, run_ffmpeg_stderr

FPS = 30
SIZE = (320, 180)
VOICE_HZ = 1000.0
MUSIC_HZ = 200.0


def _make(out: Path, *args: str) -> Path:
    subprocess.run(
        [FFMPEG, "-y", "-hide_banner", "-loglevel", "error", *args, str(out)], check=True
    )
    return out


def _clip(out: Path, src: str, seconds: float, rate: int = FPS, size: str = "320x180") -> Path:
    return _make(out, "-f", "lavfi", "-i", f"{src}=s={size}:r={rate}:d={seconds}",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")


def _speech(out: Path, seconds: float) -> Path:
    """A speech-like 1 kHz tone: syllable-rate (4 Hz) amplitude envelope, 24 kHz mono."""
    return _make(out, "-f", "lavfi", "-i", f"sine=f={VOICE_HZ}:d={seconds}:r=24000",
                 "-af", "volume='0.35+0.3*sin(2*PI*4*t)':eval=frame")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    return {
        "a": _clip(d / "a.mp4", "testsrc2", 3.0),
        "b": _clip(d / "b.mp4", "testsrc", 3.0),
        "c": _clip(d / "c.mp4", "testsrc2", 2.2, rate=24, size="640x480"),  # speed-adjusted
        "short": _clip(d / "short.mp4", "testsrc", 0.8),  # looped
        "other": _clip(d / "other.mp4", "smptebars", 3.0),
        "n1": _speech(d / "n1.wav", 1.0),
        "n2": _speech(d / "n2.wav", 0.9),
        "n3": _speech(d / "n3.wav", 1.1),
        "music": _make(d / "music.wav", "-f", "lavfi", "-i", f"sine=f={MUSIC_HZ}:d=4:r=44100",
                       "-ac", "2", "-af", "volume=0.5"),
        "text": _write(d / "notes.mp4", "not a video"),
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in c.decode(video=0)]


def _audio(path: Path) -> tuple[np.ndarray, int]:
    """Decoded audio as mono float samples, and the sample rate."""
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        chunks = [f.to_ndarray() for f in c.decode(stream)]
        rate = stream.codec_context.sample_rate
    return np.concatenate(chunks, axis=1).mean(axis=0), rate


def _tone(samples: np.ndarray, rate: int, start: float, end: float, hz: float) -> float:
    """Amplitude of the `hz` component of samples[start:end] (seconds)."""
    x = samples[int(start * rate): int(end * rate)]
    t = np.arange(len(x)) / rate
    return float(2 * abs(np.sum(x * np.exp(-2j * np.pi * hz * t))) / len(x))


async def _integrated_lufs(path: Path) -> float:
    """EBU R128 integrated loudness. The meter counts only complete blocks; trailing silence
    (gated out at -70 LUFS) lets it take in the last seconds of a short file."""
    log = await run_ffmpeg_stderr(
        "-i", str(path), "-af", "apad=pad_dur=3,ebur128", "-f", "null", "-"
    )
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


@pytest.mark.slow
async def test_compose_streams_timing_frames_loudness_and_mix(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    scenes = [
        SceneInput(media["a"], 2.5, media["n1"], "dissolve"),
        SceneInput(media["b"], 2.5, media["n2"], "cut"),
        SceneInput(media["c"], 2.5, media["n3"], "fade"),
    ]
    music = [MusicInput(media["music"], 0.0, 7.0)]
    progress: list[float] = []
    out, thumb = tmp_path / "out" / "video.mp4", tmp_path / "out" / "thumb.jpg"
    result = await Composer(tmp_path / "cache").compose(
        scenes, music, SIZE, out, thumb, lambda f, _m: progress.append(f)
    )

    info = probe(out)
    assert (info.video_codec, info.width, info.height, info.fps) == ("h264", 320, 180, 30.0)
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, 2)
    # 7.5 s of scenes minus one 0.5 s dissolve; the cut does not overlap.
    assert result.duration_s == pytest.approx(7.0)
    assert abs(info.duration_s - 7.0) <= 1 / FPS
    assert result.scene_starts == pytest.approx([0.0, 2.0, 4.5])
    assert len(result.pieces) == 4 and result.reused == []
    assert progress == sorted(progress) and progress[-1] == 1.0

    frames = _frames(out)
    assert len(frames) == 7 * FPS
    # Pieces share identical parameter sets, as stream-copy concat requires.
    extradata = set()
    for p in result.pieces:
        with av.open(str(p)) as c:
            extradata.add(bytes(c.streams.video[0].codec_context.extradata))
    assert len(extradata) == 1
    # Scene bodies show their clip's own frames, on the same frame grid across the dissolve.
    src_a, src_b = _frames(media["a"]), _frames(media["b"])
    for out_i, src, src_i in [(5, src_a, 5), (40, src_a, 40), (80, src_b, 20), (134, src_b, 74)]:
        near = range(max(0, src_i - 3), min(len(src), src_i + 4))
        errors = {k: np.abs(frames[out_i] - src[k]).mean() for k in near}
        assert min(errors, key=errors.__getitem__) == src_i, (out_i, errors)
    with Image.open(thumb) as im:
        assert (im.format, im.size) == ("JPEG", SIZE)

    assert abs(await _integrated_lufs(out) - (-14.0)) <= 1.5
    assert result.loudness_lufs is not None and abs(result.loudness_lufs + 14.0) <= 1.0
    assert result.loudness_lufs == pytest.approx(await _integrated_lufs(out), abs=0.3)

    samples, rate = _audio(out)
    voiced = [(s + 0.45, s + 1.2) for s in result.scene_starts]  # lead 0.35 s, >= 0.9 s speech
    gaps = [(1.6, 2.3), (4.0, 4.8)]  # after each narration ends, before the next begins
    voice_on = [_tone(samples, rate, a, b, VOICE_HZ) for a, b in voiced]
    voice_off = [_tone(samples, rate, a, b, VOICE_HZ) for a, b in gaps]
    music_gap = [_tone(samples, rate, a, b, MUSIC_HZ) for a, b in gaps]
    music_ducked = [_tone(samples, rate, a, b, MUSIC_HZ) for a, b in voiced]
    assert min(voice_on) > 10 * max(voice_off)
    assert min(music_gap) > 0.02  # the bed is clearly present between narrations
    assert max(music_ducked) < 0.5 * min(music_gap)  # and ducked under the voice


async def test_every_transition_and_clip_fit(tmp_path: Path, media: dict[str, Path]) -> None:
    kinds = ["fade", "wipeleft", "wiperight", "slideleft", "slideright", "fadeblack", "dissolve"]
    clips = [media["a"], media["short"], media["c"], media["b"]]
    scenes = [SceneInput(clips[i % 4], 1.5, None, t) for i, t in enumerate([*kinds, "fade"])]
    out = tmp_path / "all.mp4"
    result = await Composer(tmp_path / "cache", fps=24).compose(
        scenes, [], SIZE, out, tmp_path / "t.jpg"
    )
    frames = _frames(out)
    assert len(frames) == 8 * 36 - 7 * 12  # 1.5 s scenes, 0.5 s overlaps, at 24 fps
    assert result.duration_s == pytest.approx(len(frames) / 24)
    # Halfway through the fade-to-black (the 6th boundary) the picture is nearly black.
    mid = round((result.scene_starts[6] + 0.25) * 24)
    assert frames[mid].mean() < 0.25 * frames[mid - 24].mean()
    assert probe(out).audio_codec == "aac"


@pytest.mark.slow
async def test_edits_reuse_unchanged_pieces(tmp_path: Path, media: dict[str, Path]) -> None:
    composer = Composer(tmp_path / "cache")
    scenes = [
        SceneInput(media["a"], 2.0, media["n1"], "fade"),
        SceneInput(media["b"], 2.0, media["n2"], "wipeleft"),
        SceneInput(media["a"], 2.0, media["n3"], "fade"),
    ]
    music = [MusicInput(media["music"], 0.0, 3.0), MusicInput(media["music"], 3.0, 5.0)]
    first = await composer.compose(scenes, music, SIZE, tmp_path / "v1.mp4", tmp_path / "t1.jpg")
    stats = {p: _stat(p) for p in first.pieces}
    assert len(first.pieces) == 5 and first.reused == []

    # New narration for scene 2: the soundtrack changes, no video piece is rendered.
    renarrated = [scenes[0], SceneInput(media["b"], 2.0, media["n3"], "wipeleft"), scenes[2]]
    second = await composer.compose(
        renarrated, music, SIZE, tmp_path / "v2.mp4", tmp_path / "t2.jpg"
    )
    assert second.pieces == first.pieces and second.reused == first.pieces
    assert not second.soundtrack_reused and second.soundtrack != first.soundtrack
    assert {p: _stat(p) for p in second.pieces} == stats

    # New clip for scene 2: its body and both adjacent transitions are rendered again.
    edited_clip = shutil.copy(media["other"], tmp_path / "scene2.mp4")
    reclipped = [scenes[0], SceneInput(edited_clip, 2.0, media["n2"], "wipeleft"), scenes[2]]
    third = await composer.compose(
        reclipped, music, SIZE, tmp_path / "v3.mp4", tmp_path / "t3.jpg"
    )
    kept = [first.pieces[0], first.pieces[4]]
    assert third.reused == kept
    assert third.soundtrack_reused and third.soundtrack == first.soundtrack
    assert [_stat(p) for p in kept] == [stats[p] for p in kept]
    assert set(third.pieces).isdisjoint(first.pieces[1:4])
    assert abs(probe(tmp_path / "v3.mp4").duration_s - 5.0) <= 1 / FPS


async def test_renders_share_the_cores_among_the_workers(
    tmp_path: Path, media: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real = runner.run_ffmpeg

    async def spy(*args: str | Path) -> None:
        calls.append([str(a) for a in args])
        await real(*args)

    monkeypatch.setattr(runner, "run_ffmpeg", spy)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    scenes = [SceneInput(media["a"], 2.0, None, "fade"), SceneInput(media["b"], 2.0)]
    await Composer(tmp_path / "cache", workers=2).compose(
        scenes, [], SIZE, tmp_path / "v.mp4", tmp_path / "t.jpg")
    renders = [c for c in calls if "-filter_complex" in c]
    assert len(renders) == 2  # body 1 + transition, body 2
    for args in renders:
        # 4 cores, 2 workers: every decoder, the graph and every encoder on 2 threads.
        inputs = [k for k, a in enumerate(args) if a == "-i"]
        outputs = [k for k, a in enumerate(args) if a == "-map"]
        assert all(args[k - 2:k] == ["-threads", "2"] for k in inputs)
        assert args.count("-threads") == len(inputs) + len(outputs)
        assert args[args.index("-filter_complex_threads") + 1] == "2"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"clip": "missing"}, r"^scene 2 clip .*gone\.mp4: no such file$"),
        ({"clip": "text"}, r"^scene 2 clip .*notes\.mp4: not readable media$"),
        ({"narration": "missing"}, r"^scene 2 narration .*gone\.mp4: no such file$"),
        ({"narration": "video"}, r"^scene 2 narration .*: has no audio stream$"),
        ({"transition": "spin"}, r"^scene 2 transition 'spin': unknown"),
        ({"duration_s": 0.0}, r"^scene 2 duration 0.0 s: must be positive$"),
        ({"duration_s": -2.0}, r"^scene 2 duration -2.0 s: must be positive$"),
        ({"duration_s": 0.9}, r"^scene 2 duration 0.9 s: shorter than its transitions"),
    ],
)
async def test_bad_input_is_one_line_and_touches_nothing(
    tmp_path: Path, media: dict[str, Path], edit: dict[str, object], message: str
) -> None:
    files = {"missing": tmp_path / "gone.mp4", "text": media["text"], "video": media["a"]}
    values = {k: files.get(v, v) if isinstance(v, str) and k != "transition" else v
              for k, v in edit.items()}
    good = {"clip": media["a"], "duration_s": 2.0, "narration": media["n1"], "transition": "fade"}
    scenes = [SceneInput(**good), SceneInput(**{**good, **values}), SceneInput(**good)]  # type: ignore[arg-type]
    out = tmp_path / "video.mp4"
    out.write_bytes(b"previous render")
    with pytest.raises(CompositionError, match=message) as err:
        await Composer(tmp_path / "cache").compose(
            scenes, [], SIZE, out, tmp_path / "thumb.jpg"
        )
    assert "\n" not in str(err.value)
    assert out.read_bytes() == b"previous render"
    assert not (tmp_path / "thumb.jpg").exists()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


async def test_files_are_read_at_once_and_the_first_fault_is_reported(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    good = SceneInput(media["a"], 2.0, media["n1"], "fade")
    scenes = [good, SceneInput(media["a"], 2.0, media["text"], "fade"),
              SceneInput(tmp_path / "gone.mp4", 2.0, media["n1"], "fade")]
    for _ in range(3):  # whichever read fails first, scene 2's fault is the one reported
        with pytest.raises(CompositionError, match=r"^scene 2 narration .*notes\.mp4: not"):
            await Composer(tmp_path / "cache").compose(scenes, [], SIZE, tmp_path / "v.mp4",
                                                       tmp_path / "t.jpg")


async def test_bad_music_span_and_file(tmp_path: Path, media: dict[str, Path]) -> None:
    scenes = [SceneInput(media["a"], 2.0, None, "fade")]
    composer = Composer(tmp_path / "cache")
    with pytest.raises(CompositionError, match=r"^music cue 1 span 3.0-2.0 s"):
        await composer.compose(scenes, [MusicInput(media["music"], 3.0, 2.0)], SIZE,
                               tmp_path / "v.mp4", tmp_path / "t.jpg")
    with pytest.raises(CompositionError, match=r"^music cue 1 .*notes\.mp4: not readable"):
        await composer.compose(scenes, [MusicInput(media["text"], 0.0, 2.0)], SIZE,
                               tmp_path / "v.mp4", tmp_path / "t.jpg")
    assert not (tmp_path / "v.mp4").exists()
