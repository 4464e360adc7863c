"""Composition speed: Pixora's Composer against moviepy 2 and the encode floor.

One 8-scene 720p project: stills, narration and a music bed made once in bench/.work/; the
8 Ken Burns motion clips are made in every run with the real `KenBurnsAnimator`, as the
pipeline makes them (scene length, the keyframes `timeline.body_edges` gives, 2 at once),
and timed. Then, in one run:

1. Pixora's Composer from a cold piece cache (scene bodies cut from the clips by stream
   copy, transitions and soundtrack rendered);
2. an equivalent moviepy 2 script on the same clips (crossfades, narration over music
   lowered under it, libx264/aac with the same preset and CRF);
3. the encode floor: one still image encoded for the same length with the composer's x264
   settings;
4. the Composer again after scene 4's clip changed (warm cache; the new clip is made first);
5. the Composer on the same clips transcoded out of the piece format (CRF 18, as clips from
   elsewhere are): every body is re-encoded, as before stream copy;
6. the Composer with karaoke captions burned in (cold cache; the narration's words are the
   scripts below spread over each narration's voiced spans, `estimate_words`), then after
   scene 4's narration changed (new audio of the same length and new words: its body and
   incoming transition re-burned, the soundtrack remixed);
and, for context, the composer's output decoded and re-encoded with the same settings (what
encoding this motion costs, as opposed to a still).

The end-to-end rows add the motion-clip generation to each composition, so work moved into
the clip encoder is counted: clips + composer against clips + moviepy.

Targets: moviepy/composer >= 10, composer/floor <= 2, rerender/full <= 0.30,
captioned/floor <= 2, captioned one-scene edit / captioned full <= 0.30.

Run: .venv/bin/python bench/compose.py [--skip-moviepy] [--captions-only] [--workers N]
(--captions-only: the clips, the captioned rows and the encode floor, nothing else)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pixora.media import timeline  # noqa: E402
from pixora.media.captions.words import estimate_file_words  # noqa: E402
from pixora.media.composition import Captions, Composer, MusicInput, SceneInput  # noqa: E402
from pixora.media.encoding import encoder_args  # noqa: E402
from pixora.media.ffmpeg import FFMPEG, probe  # noqa: E402
from pixora.media.protocols import MotionRequest  # noqa: E402
from pixora.offline.media.motion import KenBurnsAnimator  # noqa: E402

WORK = ROOT / "bench" / ".work"
SIZE = (1280, 720)
FPS = 30
MOTIONS = ["zoom_in", "pan_left", "zoom_out", "pan_right", "gentle_pan", "zoom_in", "pan_left",
           "zoom_out", "gentle_pan"]
NARRATION_S = [3.6, 4.2, 3.1, 4.5, 3.8, 2.9, 4.0, 3.4]
TRANSITIONS = ["fade", "dissolve", "wipeleft", "slideright", "fade", "cut", "fadeblack", "fade"]
SCRIPTS = [
    "Deep in the canyon, the river has carved its way for a million years.",
    "Morning light spills over the red stone walls, warming the cold air below.",
    "A hawk circles once, twice, and drops toward the water.",
    "Every layer of rock is a page of history, written in sand, silt and ash.",
    "By noon the heat rises and the canyon falls silent.",
    "Then the shadows stretch across the trail.",
    "At dusk the walls glow orange, then violet, then deep blue.",
    "And under the first stars, the river keeps on talking.",
]
EDITED_SCRIPT = "Storms in spring can fill the canyon in minutes, so hikers watch the sky."
PALETTES = ["0x1b2a49:0xc9a227", "0x0b3d2e:0xe8d9b0", "0x3a0ca3:0xf72585", "0x2b2d42:0xef233c",
            "0x14213d:0xfca311", "0x283618:0xdda15e", "0x03045e:0x90e0ef", "0x370617:0xffba08",
            "0x001219:0x94d2bd"]


class Timer:
    """Wall-clock and CPU seconds (this process and its children) of a `with` block."""

    wall: float
    cpu: float

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _sum(a: Timer | None, b: Timer | None) -> Timer | None:
    """Two timed runs one after the other, as one."""
    if a is None or b is None:
        return None
    total = Timer()
    total.wall, total.cpu = a.wall + b.wall, a.cpu + b.cpu
    return total


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ffmpeg(*args: str | Path) -> None:
    subprocess.run([FFMPEG, "-y", "-hide_banner", "-loglevel", "error", *map(str, args)],
                   check=True)


def make_inputs() -> dict[str, list[Path]]:
    """Textured gradient stills (the 9th replaces scene 4 later), speech-like narration, a
    music bed."""
    WORK.mkdir(parents=True, exist_ok=True)
    stills, voices = [], []
    for i in range(9):
        still = WORK / f"still{i + 1}.png"
        if not still.exists():
            c0, c1 = PALETTES[i].split(":")
            ffmpeg("-f", "lavfi", "-i",
                   f"gradients=s=1920x1080:c0={c0}:c1={c1}:x0=0:y0=0:x1=1920:y1=1080:seed={i}",
                   "-vf", "noise=alls=10:allf=u,gblur=sigma=2", "-frames:v", "1", still)
        stills.append(still)
    for i, seconds in enumerate(NARRATION_S):
        voice = WORK / f"narration{i + 1}.wav"
        if not voice.exists():
            ffmpeg("-f", "lavfi", "-i", f"anoisesrc=d={seconds}:c=pink:r=24000:a=0.5:seed={i}",
                   "-af", "bandpass=f=900:width_type=o:w=2,"
                   "volume='0.25+0.75*abs(sin(2*PI*2.3*t))*(0.6+0.4*sin(2*PI*0.4*t))'"
                   ":eval=frame", voice)
        voices.append(voice)
    edited = WORK / "narration4b.wav"
    if not edited.exists():
        ffmpeg("-f", "lavfi", "-i", f"anoisesrc=d={NARRATION_S[3]}:c=pink:r=24000:a=0.5:seed=99",
               "-af", "bandpass=f=900:width_type=o:w=2,"
               "volume='0.25+0.75*abs(sin(2*PI*1.9*t))*(0.6+0.4*sin(2*PI*0.5*t))'"
               ":eval=frame", edited)
    voices.append(edited)
    music = WORK / "music.wav"
    if not music.exists():
        chord = "+".join(f"0.2*sin(2*PI*{f}*t)" for f in (110, 164.8, 220, 277.2))
        ffmpeg("-f", "lavfi", "-i", f"aevalsrc='{chord}|{chord}':s=44100:d=20",
               "-af", "volume='0.6+0.4*sin(2*PI*0.5*t)':eval=frame", music)
    return {"stills": stills, "voices": voices, "music": [music]}


async def make_clips(stills: list[Path], workers: int) -> tuple[list[Path], Timer, Timer]:
    """The 8 scene clips and scene 4's replacement, made with `KenBurnsAnimator` at each
    scene's length with the keyframes the pipeline requests, `workers` at once. Returns the 9
    clips, the timer of the 8 and the timer of the replacement."""
    durations = plan()
    sem = asyncio.Semaphore(workers)

    async def one(i: int) -> Path:
        scene = i if i < 8 else 3
        req = MotionRequest(
            stills[i], durations[scene], MOTIONS[i], *SIZE, fps=FPS,  # type: ignore[arg-type]
            keyframes_s=timeline.body_edges(TRANSITIONS, scene, durations[scene],
                                            transition_s=0.5, fps=FPS),
        )
        async with sem:
            await KenBurnsAnimator().animate(req, WORK / f"clip{i + 1}.mp4")
        return WORK / f"clip{i + 1}.mp4"

    with Timer() as timer:
        clips = list(await asyncio.gather(*(one(i) for i in range(8))))
    with Timer() as edit:
        clips.append(await one(8))
    return clips, timer, edit


def transcode(clips: list[Path]) -> list[Path]:
    """The clips re-encoded out of the piece format (CRF 18, 4 s GOP), untimed."""
    out = []
    for clip in clips:
        other = clip.with_name(f"{clip.stem}-crf18.mp4")
        ffmpeg("-i", clip, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
               "-pix_fmt", "yuv420p", "-g", str(4 * FPS), other)
        out.append(other)
    return out


def plan() -> list[float]:
    return timeline.plan_scene_durations(
        [5.5] * 8, NARRATION_S, transition_s=0.5, fps=FPS, transitions=TRANSITIONS
    )


def scenes_for(inputs: dict[str, list[Path]], clips: list[Path], words: list | None = None,
               voices: list[Path] | None = None) -> list:
    words = words or [()] * 8
    voices = voices or inputs["voices"][:8]
    return [SceneInput(c, d, v, t, tuple(w)) for c, d, v, t, w in
            zip(clips, plan(), voices, TRANSITIONS, words, strict=True)]


async def run_captioned(
    inputs: dict[str, list[Path]], clips: list[Path], workers: int
) -> tuple[Timer, Timer, Timer]:
    """Karaoke captions burned in from a cold cache, then scene 4's narration changed; and the
    same narration change without captions (warm cache of an uncaptioned compose, untimed),
    which is what the edit costs before any caption is burned (mostly the soundtrack remix)."""
    cache = WORK / "cache-captions"
    shutil.rmtree(cache, ignore_errors=True)
    voices = inputs["voices"]
    words = [estimate_file_words(s, v) for s, v in zip(SCRIPTS, voices[:8], strict=True)]
    edited_words = [*words[:3], estimate_file_words(EDITED_SCRIPT, voices[8]), *words[4:]]
    edited_voices = [*voices[:3], voices[8], *voices[4:8]]
    durations = plan()
    starts = timeline.scene_starts(durations, timeline.overlaps(TRANSITIONS, 0.5))
    total = timeline.total_duration(durations, timeline.overlaps(TRANSITIONS, 0.5))
    music = [MusicInput(inputs["music"][0], 0.0, starts[4]),
             MusicInput(inputs["music"][0], starts[4], total)]
    composer = Composer(cache, fps=FPS, workers=workers)
    style = Captions("karaoke")
    with Timer() as cold:
        first = await composer.compose(
            scenes_for(inputs, clips[:8], words), music, SIZE, WORK / "captioned.mp4",
            WORK / "captioned.jpg", captions=style)
    with Timer() as edit:
        second = await composer.compose(
            scenes_for(inputs, clips[:8], edited_words, edited_voices), music, SIZE,
            WORK / "captioned-edit.mp4", WORK / "captioned-edit.jpg", captions=style)
    plain = Composer(WORK / "cache", fps=FPS, workers=workers)
    await plain.compose(scenes_for(inputs, clips[:8], words), music, SIZE,
                        WORK / "plain.mp4", WORK / "plain.jpg")
    with Timer() as plain_edit:
        await plain.compose(scenes_for(inputs, clips[:8], edited_words, edited_voices), music,
                            SIZE, WORK / "plain-edit.mp4", WORK / "plain-edit.jpg")
    print(f"captioned: {len(first.pieces)} pieces ({len(first.copied)} bodies copied), "
          f"{len(first.cues)} cues; the narration edit re-rendered "
          f"{len(second.pieces) - len(second.reused)} pieces, soundtrack "
          f"{'reused' if second.soundtrack_reused else 'remixed'}")
    return cold, edit, plain_edit


async def run_composer(
    inputs: dict[str, list[Path]], clips: list[Path], workers: int
) -> tuple[Timer, Timer, Timer, float]:
    """Cold compose, the scene-4 clip edit, and a cold compose of the clips out of the piece
    format; returns the three timers and the video length."""
    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    durations = plan()
    composer = Composer(cache, fps=FPS, workers=workers)
    starts = timeline.scene_starts(durations, timeline.overlaps(TRANSITIONS, 0.5))
    total = timeline.total_duration(durations, timeline.overlaps(TRANSITIONS, 0.5))
    music = [MusicInput(inputs["music"][0], 0.0, starts[4]),
             MusicInput(inputs["music"][0], starts[4], total)]
    with Timer() as cold:
        first = await composer.compose(
            scenes_for(inputs, clips[:8]), music, SIZE, WORK / "composer.mp4",
            WORK / "composer.jpg")
    with Timer() as edit:
        second = await composer.compose(
            scenes_for(inputs, [*clips[:3], clips[8], *clips[4:8]]), music, SIZE,
            WORK / "composer-edit.mp4", WORK / "composer-edit.jpg")
    others = transcode(clips[:8])
    shutil.rmtree(cache, ignore_errors=True)
    with Timer() as fallback:
        third = await Composer(cache, fps=FPS, workers=workers).compose(
            scenes_for(inputs, others), music, SIZE, WORK / "composer-fallback.mp4",
            WORK / "composer-fallback.jpg")
    rendered = len(second.pieces) - len(second.reused)
    print(f"composer: {len(first.pieces)} pieces ({len(first.copied)} bodies copied), "
          f"{first.duration_s:.2f} s video, {first.loudness_lufs} LUFS; the edit re-rendered "
          f"{rendered} pieces ({len(second.copied) - len(set(second.copied) & set(first.copied))}"
          f" copied), soundtrack {'reused' if second.soundtrack_reused else 'remixed'}; "
          f"out-of-format clips: {len(third.copied)} bodies copied")
    return cold, edit, fallback, first.duration_s


def run_moviepy(inputs: dict[str, list[Path]], clips: list[Path]) -> Timer:
    """The same project with moviepy 2."""
    from moviepy import (
        AudioFileClip,
        CompositeAudioClip,
        CompositeVideoClip,
        VideoFileClip,
        afx,
        vfx,
    )

    durations = plan()
    overlaps = timeline.overlaps(TRANSITIONS, 0.5)
    starts = timeline.scene_starts(durations, overlaps)
    total = timeline.total_duration(durations, overlaps)
    with Timer() as timer:
        layers, voices = [], []
        for i, (clip_path, d) in enumerate(zip(clips[:8], durations, strict=True)):
            clip = VideoFileClip(str(clip_path), audio=False)
            if clip.duration >= d:
                clip = clip.subclipped(0, d)
            elif clip.duration >= 0.8 * d:
                clip = clip.with_effects([vfx.MultiplySpeed(final_duration=d)])
            else:
                clip = clip.with_effects([vfx.Loop(duration=d)])
            clip = clip.resized(SIZE).with_start(starts[i])
            effects = []
            if i > 0 and overlaps[i - 1]:
                effects.append(vfx.CrossFadeIn(overlaps[i - 1]))
            if i < 7 and overlaps[i]:
                effects.append(vfx.CrossFadeOut(overlaps[i]))
            layers.append(clip.with_effects(effects) if effects else clip)
            voices.append(AudioFileClip(str(inputs["voices"][i])).with_start(starts[i] + 0.35))
        music = AudioFileClip(str(inputs["music"][0])).with_effects(
            [afx.AudioLoop(duration=total), afx.MultiplyVolume(0.2)]
            + [afx.MultiplyVolume(0.3, start_time=s + 0.35, end_time=s + 0.35 + v.duration)
               for s, v in zip(starts, voices, strict=True)]
            + [afx.AudioFadeOut(1.5)]
        )
        video = CompositeVideoClip(layers, size=SIZE).with_duration(total)
        video = video.with_audio(CompositeAudioClip([music, *voices]).with_duration(total))
        video.write_videofile(
            str(WORK / "moviepy.mp4"), fps=FPS, codec="libx264", audio_codec="aac",
            audio_fps=48000, audio_bitrate="192k", preset="veryfast",
            ffmpeg_params=["-crf", "20", "-pix_fmt", "yuv420p"], threads=os.cpu_count(),
            logger=None,
        )
    return timer


def run_floor(inputs: dict[str, list[Path]], seconds: float) -> Timer:
    """One still encoded for `seconds` with the composer's x264 settings. The still is decoded
    once and repeated by the `loop` filter, so only encoding is measured."""
    frames = round(seconds * FPS)
    with Timer() as timer:
        ffmpeg("-i", inputs["still"][0], "-vf", f"loop=loop={frames - 1}:size=1,fps={FPS}",
               "-frames:v", str(frames), *encoder_args(FPS), WORK / "floor.mp4")
    return timer


def run_motion_floor() -> Timer:
    """The composer's own output decoded and re-encoded with the same x264 settings: what
    encoding this motion (not a still) costs by itself. Reported for context only."""
    with Timer() as timer:
        ffmpeg("-i", WORK / "composer.mp4", "-an", *encoder_args(FPS), WORK / "motion-floor.mp4")
    return timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--captions-only", action="store_true",
                        help="only the captioned rows and the encode floor")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    inputs = make_inputs()
    clips, making, remaking = asyncio.run(make_clips(inputs["stills"], args.workers))
    inputs["still"] = [WORK / "floor.png"]
    ffmpeg("-i", clips[0], "-frames:v", "1", inputs["still"][0])
    cold = edit = fallback = motion = moviepy = None
    length = timeline.total_duration(plan(), timeline.overlaps(TRANSITIONS, 0.5))
    if not args.captions_only:
        cold, edit, fallback, length = asyncio.run(run_composer(inputs, clips, args.workers))
    captioned, captioned_edit, plain_edit = asyncio.run(
        run_captioned(inputs, clips, args.workers))
    floor = run_floor(inputs, length)
    if not args.captions_only:
        motion = run_motion_floor()
        moviepy = None if args.skip_moviepy else run_moviepy(inputs, clips)
    for name in ["captioned.mp4"] if args.captions_only else ["composer.mp4", "captioned.mp4"]:
        check = probe(WORK / name)
        print(f"{name}: {check.width}x{check.height} {check.fps:g} fps {check.video_codec}/"
              f"{check.audio_codec} {check.duration_s:.2f} s")
    rows = [("motion clips (8 x KenBurnsAnimator)", making),
            ("composer (cold cache)", cold), ("moviepy 2", moviepy),
            ("encode floor (still image)", floor), ("re-render after scene 4 clip change", edit),
            ("composer, clips out of piece format", fallback),
            ("composer, karaoke captions (cold cache)", captioned),
            ("captioned, after scene 4 narration change", captioned_edit),
            ("same narration change, no captions", plain_edit),
            ("(end to end) clips + composer", _sum(making, cold)),
            ("(end to end) clips + moviepy", _sum(making, moviepy)),
            ("(end to end) new clip + re-render", _sum(remaking, edit)),
            ("(context) re-encode of composer output", motion)]
    print(f"| {'run':40} | {'wall s':>7} | {'CPU s':>7} |")
    for name, t in rows:
        wall, cpu = ("-", "-") if t is None else (f"{t.wall:.2f}", f"{t.cpu:.2f}")
        print(f"| {name:40} | {wall:>7} | {cpu:>7} |")
    ratios = [
        ("moviepy / composer", moviepy, cold, ">=", 10.0),
        ("composer / floor", cold, floor, "<=", 2.0),
        ("rerender / full", edit, cold, "<=", 0.30),
        ("captioned / floor", captioned, floor, "<=", 2.0),
        ("captioned one-scene edit / captioned full", captioned_edit, captioned, "<=", 0.30),
        ("captioned / uncaptioned composer", captioned, cold, None, 0.0),
        ("uncaptioned narration edit / composer", plain_edit, cold, None, 0.0),
        ("(end to end) clips+moviepy / clips+comp.", _sum(making, moviepy), _sum(making, cold),
         None, 0.0),
        ("(end to end) edit / clips+composer", _sum(remaking, edit), _sum(making, cold),
         None, 0.0),
        ("composer out-of-format / in format", fallback, cold, None, 0.0),
        ("(context) composer / re-encode", cold, motion, None, 0.0),
    ]
    print(f"| {'ratio':40} | {'wall':>7} | {'CPU':>7} | target")
    for name, num, den, op, bound in ratios:
        if num is None or den is None:
            print(f"| {name:40} | {'-':>7} | {'-':>7} | {op or ''} {bound:g}")
            continue
        wall, cpu = num.wall / den.wall, num.cpu / den.cpu
        if op is None:
            print(f"| {name:40} | {wall:7.2f} | {cpu:7.2f} | -")
            continue
        met_wall = (wall >= bound) if op == ">=" else (wall <= bound)
        met_cpu = (cpu >= bound) if op == ">=" else (cpu <= bound)
        print(f"| {name:40} | {wall:7.2f} | {cpu:7.2f} | {op} {bound:g}: wall "
              f"{'met' if met_wall else 'MISSED'}, CPU {'met' if met_cpu else 'MISSED'}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
