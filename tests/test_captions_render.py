"""Captions on rendered video (slow): Piper word timings against energy onsets in the composed
audio, SRT/VTT cues inside each scene's narration window, a 9:16 karaoke burn checked by
pixels (highlight colour on the spoken word, nothing in the platform UI bands), the caption
layer against libass drawing into every frame, every style inside its burn band, and edit
locality (one scene's new narration re-burns only that scene's pieces)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
import srt
import webvtt

from pixora.context.models import CaptionLook
from pixora.media.captions import ass
from pixora.media.captions.cues import SceneWords, build_cues
from pixora.media.captions.files import to_srt, to_vtt
from pixora.media.captions.words import Word, read_mono
from pixora.media.composition import Captions, Composer, SceneInput, filters
from pixora.media.ffmpeg import FFMPEG
from pixora.media.protocols import MediaFile, SpeechRequest
from pixora.media.timeline import plan_scene_durations
from pixora.offline.media.speech import PiperSpeech

pytestmark = pytest.mark.slow

FPS = 30
SIZE = (540, 960)
BG = (48, 80, 112)
LEAD, TAIL, XF = 0.35, 0.6, 0.5
TEXTS = [
    "Meet the new Aurora watch, crafted for explorers who never stop.",
    "It's 42 millimetres of titanium, tested for 40 days at sea. 🌊",
    "Order today at https://pixora.dev, and start your own adventure!",
]
HIGHLIGHT = "#FF00FF"


def _clip(out: Path, seconds: float) -> Path:
    colour = "0x{:02x}{:02x}{:02x}".format(*BG)
    subprocess.run([FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"color=c={colour}:s={SIZE[0]}x{SIZE[1]}:r={FPS}:d={seconds}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)],
                   check=True)
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("captions")
    speech = PiperSpeech(d / "data")
    import asyncio

    async def make() -> list[MediaFile]:
        return [await speech.synthesize(SpeechRequest(t), d / f"n{i}.wav")
                for i, t in enumerate(TEXTS)]

    narr = asyncio.run(make())
    durs = plan_scene_durations([3.0] * 3, [n.duration_s for n in narr], transition_s=XF,
                                fps=FPS)
    # Scene 2 is too short for its narration as recorded: the composer speeds it up 1.15x.
    durs[1] = round((LEAD + narr[1].duration_s / 1.15 + TAIL + XF) * FPS) / FPS
    clips = [_clip(d / f"c{i}.mp4", s) for i, s in enumerate(durs)]
    return {"dir": d, "narr": narr, "durs": durs, "clips": clips, "speech": speech}


def _scenes(p: dict, narr: list[MediaFile] | None = None) -> list[SceneInput]:
    narr = narr or p["narr"]
    return [SceneInput(c, d, n.path, "fade", n.words)
            for c, d, n in zip(p["clips"], p["durs"], narr, strict=True)]


async def _compose(p: dict, name: str, captions: Captions, narr=None):
    d = p["dir"]
    return await Composer(d / "cache").compose(
        _scenes(p, narr), [], SIZE, d / f"{name}.mp4", d / f"{name}.jpg", captions=captions)


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _spans(audio: np.ndarray, rate: int, gap: float = 0.15) -> list[list[float]]:
    """Voiced spans (5 ms frames within 30 dB of the loudest) separated by >= `gap` s."""
    hop = rate // 200
    n = len(audio) // hop
    db = 10 * np.log10(np.mean(audio[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    out: list[list[float]] = []
    for i in np.flatnonzero(db > db.max() - 30):
        t0, t1 = i * hop / rate, (i + 1) * hop / rate
        if out and t0 - out[-1][1] < gap:
            out[-1][1] = t1
        else:
            out.append([t0, t1])
    return out


async def test_cues_follow_the_timeline_and_match_the_audio(project: dict) -> None:
    r = await _compose(project, "off", Captions("off"))
    cues = r.cues
    subs = list(srt.parse(to_srt(cues)))
    vtt_path = project["dir"] / "off.vtt"
    vtt_path.write_text(to_vtt(cues), encoding="utf-8")
    assert len(subs) == len(webvtt.read(str(vtt_path)).captions) == len(cues) >= 3
    # Every cue inside its scene's narration window on the final timeline.
    for c in cues:
        i = c.scene - 1
        start, d = r.scene_starts[i], project["durs"][i]
        lo, hi = start + LEAD, start + d - XF * (i < 2) - TAIL
        assert lo - 1e-6 <= c.start_s < c.end_s <= hi + 0.02, (c, lo, hi)
    # Word boundaries at pauses (energy onsets and offsets of the composed audio) against
    # the nearest word start / end: speed-up, trimming and scene offsets all carried through.
    audio, rate = read_mono(r.out)
    words = [w for c in cues for w in c.words]
    errors = []
    for a, b in _spans(audio, rate):
        errors.append(min(abs(a - w.start_s) for w in words))
        errors.append(min(abs(b - w.end_s) for w in words))
    assert len(errors) >= 10
    assert np.median(errors) <= 0.080, errors
    assert np.percentile(errors, 95) <= 0.200, errors


async def test_karaoke_highlights_the_spoken_word_outside_the_ui_bands(project: dict) -> None:
    look = CaptionLook(highlight=HIGHLIGHT)
    r = await _compose(project, "karaoke", Captions("karaoke", look))
    plain = await _compose(project, "karaoke-plain",
                           Captions("karaoke", look.model_copy(update={"highlight": "#FFFFFF"})))
    assert plain.soundtrack_reused  # a caption change remixes no audio
    frames, flat = _frames(r.out), _frames(plain.out)
    w, h = SIZE
    words = [x for c in r.cues for x in c.words if x.end_s - x.start_s > 0.15]
    picks = [words[k] for k in np.linspace(0, len(words) - 1, 5).astype(int)]
    boxes = []
    for word in picks:
        k = round((word.start_s + 0.08) * FPS)
        frame, other = frames[k].astype(int), flat[k].astype(int)
        ink = np.abs(frame - np.array(BG)).sum(axis=2) > 60  # any caption pixel
        ys, xs = np.nonzero(ink)
        assert ys.size, f"no caption at {word}"
        # Nothing in the platform UI bands: top 12 %, bottom 20 %, right-hand rail.
        assert ys.min() >= 0.12 * h and ys.max() < 0.80 * h, word
        assert xs.max() < (1 - ass.RAIL) * w, word
        # The spoken word's box: where the highlighted render differs from the plain one.
        diff = np.abs(frame - other).sum(axis=2) > 90
        dy, dx = np.nonzero(diff)
        assert dy.size > 30, f"no highlight at {word}"
        box = (dx.min(), dy.min(), dx.max(), dy.max())
        inside = frame[box[1]:box[3] + 1, box[0]:box[2] + 1][diff[box[1]:box[3] + 1,
                                                                 box[0]:box[2] + 1]]
        # Glyph edges blend with the outline (and 4:2:0 chroma), so judge the typical pixel.
        r, g, b = np.median(inside, axis=0)
        assert r > 160 and g < 100 and b > 160, (word, (r, g, b))
        boxes.append(box)
    assert len(set(boxes)) == 5  # the highlight moves from word to word


def _ffmpeg_frames(args: list[str], size: tuple[int, int], planes: float = 1.5) -> np.ndarray:
    """The raw frames ffmpeg `args` write to stdout, as (frames, bytes per frame)."""
    raw = subprocess.run([FFMPEG, "-loglevel", "error", *args, "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, int(size[0] * size[1] * planes))


def test_caption_layer_matches_libass_drawing_into_every_frame(tmp_path: Path) -> None:
    """Edges on, just off and between frame times; a moving background; karaoke colours."""
    size, fps, n = (640, 360), 30, 60
    look = CaptionLook(highlight=HIGHLIGHT)
    words = (Word("Shadows", 0.2, 0.5), Word("stretch", 0.5, 0.999), Word("across,", 1.0, 1.001),
             Word("then", 1.016, 1.3), Word("fade.", 1.3, 1.6))
    events = ass.events(build_cues([SceneWords(1, words, (0.2, 2.0))]), "karaoke", size, look)
    script = ass.piece_script(ass.header(size, "karaoke", look), [(events, 0.1)], n / fps)
    assert script is not None
    path = tmp_path / "piece.ass"
    path.write_text(script.text, encoding="utf-8")
    # Drawn into each frame, the shadow is written at its own opacity (the layer's script
    # carries it as the layer needs it: see `ass.header`).
    shadow = f"&H{255 - round(255 * ass.SHADOW_OPACITY):02X}000000"
    (tmp_path / "direct.ass").write_text(re.sub(r"&H[0-9A-F]{2}000000,-1", f"{shadow},-1",
                                                script.text), encoding="utf-8")
    clip = ["-f", "lavfi", "-i", f"testsrc2=s={size[0]}x{size[1]}:r={fps},format=yuv420p"]
    fonts = f"fontsdir={ass.FONT_DIR}"
    direct = _ffmpeg_frames([*clip, "-vf", f"ass=filename={tmp_path / 'direct.ass'}:{fonts}",
                             "-frames:v", str(n), "-pix_fmt", "yuv420p"], size)
    burn = filters.Burn(path, script.change_frames(n, fps), ass.layout(
        size, "karaoke", look).burn_band(), size)
    layered = _ffmpeg_frames([*clip, "-filter_complex", filters.piece(
        "0:v", "null", "out", n, fps, burn), "-map", "[out]", "-frames:v", str(n),
        "-pix_fmt", "yuv420p"], size)
    luma = size[0] * size[1]
    diff = np.abs(direct.astype(int) - layered.astype(int))
    assert diff[:, :luma].max() <= 3  # the same pixels on every frame, to rounding
    # Chroma: blended at 4:4:4 and then subsampled, against blended at 4:2:0, so glyph edges
    # may differ a little.
    chroma = diff[:, luma:]
    assert chroma.max() <= 24 and (chroma > 8).mean() < 1e-4


@pytest.mark.parametrize("size", [(1280, 720), (1080, 1920)])
def test_every_style_draws_inside_its_burn_band(tmp_path: Path, size: tuple[int, int]) -> None:
    # Tall and deep glyphs, two lines.
    texts = ["ÉTÉ", "Åland,", "Qjy", "gypsy", "ÇÀ|", "jumps;", "quickly", "ÑÖ", "over", "the",
             "lazy", "dog's", "fjord!"]
    words = tuple(Word(w, 0.4 + 0.1 * i, 0.5 + 0.1 * i) for i, w in enumerate(texts))
    for style in ("subtitle", "karaoke", "bold"):
        for position in ("bottom", "middle", "top"):
            for scale in ("small", "large"):
                look = CaptionLook(position=position, size=scale)
                lay = ass.layout(size, style, look)
                events = ass.events(build_cues([SceneWords(1, words, (0.4, 9.0))], lay.columns),
                                    style, size, look)
                # Each event on a frame of its own (one a second).
                shown = [ass.Event(k, k + 1, e.text) for k, e in enumerate(events)]
                script = ass.piece_script(ass.header(size, style, look), [(shown, 0.0)],
                                          len(shown))
                assert script is not None
                path = tmp_path / f"{style}-{position}-{scale}.ass"
                path.write_text(script.text, encoding="utf-8")
                alpha = _ffmpeg_frames([
                    "-filter_complex", f"color=c=black@0:s={size[0]}x{size[1]}:r=1,"
                    f"format=yuva444p,trim=end_frame={len(shown)},"
                    f"ass=filename={path}:fontsdir={ass.FONT_DIR}:alpha=1,"
                    "alphaextract[a]", "-map", "[a]", "-pix_fmt", "gray"], size, 1)
                rows = np.flatnonzero(alpha.reshape(-1, size[1], size[0]).max(axis=(0, 2)))
                y0, y1 = lay.burn_band()
                assert rows.size and y0 <= rows.min() and rows.max() < y1, (
                    style, position, scale, rows.min(), rows.max(), (y0, y1))


async def test_one_scene_narration_edit_reburns_only_that_scene(project: dict) -> None:
    look = CaptionLook()
    first = await _compose(project, "edit-a", Captions("subtitle", look))
    new = await project["speech"].synthesize(
        SpeechRequest("Forty days at sea, and not a scratch."), project["dir"] / "n1b.wav")
    narr = [project["narr"][0], new, project["narr"][2]]
    before = {p: p.stat().st_ino for p in first.pieces}
    second = await _compose(project, "edit-b", Captions("subtitle", look), narr)
    changed = [i for i, p in enumerate(second.pieces) if p not in before]
    # pieces: body1, xf12, body2, xf23, body3: scene 2's body and its incoming transition
    # (scene 2's first words show during it) are re-burned; the rest keep their files.
    assert changed == [1, 2], changed
    for i in (0, 3, 4):
        p = second.pieces[i]
        assert p.stat().st_ino == before[p]
    # A caption-only change re-burns the captioned pieces and reuses the soundtrack.
    third = await _compose(project, "edit-c",
                           Captions("bold", look.model_copy(update={"size": "large"})), narr)
    assert third.soundtrack_reused
    assert replace(third, out=second.out).duration_s == second.duration_s


async def test_unknown_style_fails_before_any_work(project: dict, tmp_path: Path) -> None:
    with pytest.raises(ass.UnknownCaptionStyle, match="use one of off, subtitle, karaoke, bold"):
        await Composer(tmp_path / "cache").compose(
            _scenes(project), [], SIZE, tmp_path / "x.mp4", tmp_path / "x.jpg",
            captions=Captions("neon"))
    assert not (tmp_path / "cache").exists()


async def test_chat_caption_change_reburns_without_touching_assets(studio, settings) -> None:
    """A generated video gets captions/vN.srt and .vtt (URLs in completion, served by REST to
    the owner only); "karaoke captions" in chat re-renders with every asset reused."""
    import os

    import httpx
    from server_live import live_server, token_for

    tid = (await studio.create_task("ada")).task_id
    await studio.chat(tid, "ada", "Create a 10-second video about tide pools")
    await studio.approve(tid, "ada")
    await studio.runs.wait(tid)
    task = await studio.store.load(tid)
    assert task.breakdown.captions == "off" and len(task.videos) == 1, task.error
    done = [e for e in await studio.events.read(tid) if e.type == "completion"][-1]
    assert done.data["srt_url"].endswith(f"/{tid}/captions/v1.srt")
    assert done.data["vtt_url"].endswith(f"/{tid}/captions/v1.vtt")
    v1 = task.videos[0]
    srt1 = studio.storage.local_path(v1.srt_key).read_text(encoding="utf-8")
    subs = list(srt.parse(srt1))
    scripts = " ".join(s.script for s in task.breakdown.scenes)
    assert subs and all(w in scripts for s in subs for w in s.content.split())
    assets = {n: (a.inputs_hash, os.stat(studio.storage.local_path(a.key)).st_ino)
              for n, a in task.assets.items()}

    async with live_server(studio) as addr, httpx.AsyncClient(base_url=f"http://{addr}") as http:
        mine = {"Authorization": f"Bearer {token_for(settings, 'ada')}"}
        theirs = {"Authorization": f"Bearer {token_for(settings, 'bob')}"}
        r = await http.get(f"/api/tasks/{tid}/captions.vtt?version=1", headers=mine)
        assert r.status_code == 200 and r.text.startswith("WEBVTT")
        assert r.headers["content-type"].startswith("text/vtt")
        assert (await http.get(f"/api/tasks/{tid}/captions.srt", headers=mine)).text == srt1
        assert (await http.get(f"/api/tasks/{tid}/captions.vtt", headers=theirs)).status_code \
            == 403
        assert (await http.get(f"/api/tasks/{tid}/captions.txt", headers=mine)).status_code \
            == 404

    await studio.chat(tid, "ada", "karaoke captions, bigger and yellow")
    task = await studio.store.load(tid)
    assert task.breakdown.caption_style == "karaoke"
    assert task.breakdown.caption_look.size == "large"
    await studio.approve(tid, "ada")
    await studio.runs.wait(tid)
    task = await studio.store.load(tid)
    assert len(task.videos) == 2, task.error
    after = {n: (a.inputs_hash, os.stat(studio.storage.local_path(a.key)).st_ino)
             for n, a in task.assets.items()}
    assert after == assets, "a caption change must not remake any asset"
    done = [e for e in await studio.events.read(tid) if e.type == "completion"][-1]
    assert done.data["version"] == 2 and done.data["rendered_pieces"] > 0
    srt2 = studio.storage.local_path(task.videos[1].srt_key).read_text(encoding="utf-8")
    assert srt2 == srt1  # same narration, same timeline: same cues
