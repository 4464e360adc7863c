"""Composition speed: Pixora's Composer against moviepy 2 and the encode floor.

One 8-scene 720p project (motion clips, narration, a music bed; made once in bench/.work/)
composed four ways in one run:

1. Pixora's Composer from a cold piece cache;
2. an equivalent moviepy 2 script (crossfades, narration over music lowered under it,
   libx264/aac with the same preset and CRF);
3. the encode floor: one still image encoded for the same length with the composer's x264
   settings;
4. the Composer again after scene 4's clip changed (warm cache);
and, for context, the composer's output decoded and re-encoded with the same settings (what
encoding this motion costs, as opposed to a still).

Targets: moviepy/composer >= 10, composer/floor <= 2, rerender/full <= 0.30.

Run: .venv/bin/python bench/compose.py [--skip-moviepy] [--jobs N]
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
from pixora.media.compose import Composer, MusicInput, SceneInput, encoder_args  # noqa: E402
from pixora.media.ffmpeg import FFMPEG, probe  # noqa: E402

WORK = ROOT / "bench" / ".work"
SIZE = (1280, 720)
FPS = 30
CLIP_S = [5.2, 5.6, 6.0, 5.4, 5.8, 5.0, 5.5, 6.0]
NARRATION_S = [3.6, 4.2, 3.1, 4.5, 3.8, 2.9, 4.0, 3.4]
TRANSITIONS = ["fade", "dissolve", "wipeleft", "slideright", "fade", "cut", "fadeblack", "fade"]
PALETTES = ["0x1b2a49:0xc9a227", "0x0b3d2e:0xe8d9b0", "0x3a0ca3:0xf72585", "0x2b2d42:0xef233c",
            "0x14213d:0xfca311", "0x283618:0xdda15e", "0x03045e:0x90e0ef", "0x370617:0xffba08",
            "0x001219:0x94d2bd"]


class Timer:
    """Wall-clock and CPU seconds (this process and its children) of a `with` block."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ffmpeg(*args: str | Path) -> None:
    subprocess.run([FFMPEG, "-y", "-hide_banner", "-loglevel", "error", *map(str, args)],
                   check=True)


def make_inputs() -> dict[str, list[Path]]:
    """Ken Burns clips of textured gradient stills, speech-like narration, a music bed."""
    WORK.mkdir(parents=True, exist_ok=True)
    clips, voices = [], []
    for i, seconds in enumerate([*CLIP_S, 5.6]):  # the 9th clip replaces scene 4 later
        clip = WORK / f"clip{i + 1}.mp4"
        if not clip.exists():
            c0, c1 = PALETTES[i].split(":")
            still = WORK / f"still{i + 1}.png"
            ffmpeg("-f", "lavfi", "-i",
                   f"gradients=s=1920x1080:c0={c0}:c1={c1}:x0=0:y0=0:x1=1920:y1=1080:seed={i}",
                   "-vf", "noise=alls=10:allf=u,gblur=sigma=2", "-frames:v", "1", still)
            frames = round(seconds * FPS)
            zoom = "in" if i % 2 == 0 else "out"
            z = "1+0.15*on/{n}" if zoom == "in" else "1.15-0.15*on/{n}"
            ffmpeg("-loop", "1", "-i", still, "-vf",
                   f"zoompan=z='{z.format(n=frames)}':x='iw/2-(iw/zoom/2)+on*0.6'"
                   f":y='ih/2-(ih/zoom/2)':d={frames}:s=1280x720:fps={FPS}",
                   "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast",
                   "-crf", "18", "-pix_fmt", "yuv420p", clip)
        clips.append(clip)
    for i, seconds in enumerate(NARRATION_S):
        voice = WORK / f"narration{i + 1}.wav"
        if not voice.exists():
            ffmpeg("-f", "lavfi", "-i", f"anoisesrc=d={seconds}:c=pink:r=24000:a=0.5:seed={i}",
                   "-af", "bandpass=f=900:width_type=o:w=2,"
                   "volume='0.25+0.75*abs(sin(2*PI*2.3*t))*(0.6+0.4*sin(2*PI*0.4*t))'"
                   ":eval=frame", voice)
        voices.append(voice)
    music = WORK / "music.wav"
    if not music.exists():
        chord = "+".join(f"0.2*sin(2*PI*{f}*t)" for f in (110, 164.8, 220, 277.2))
        ffmpeg("-f", "lavfi", "-i", f"aevalsrc='{chord}|{chord}':s=44100:d=20",
               "-af", "volume='0.6+0.4*sin(2*PI*0.5*t)':eval=frame", music)
    still = WORK / "floor.png"
    if not still.exists():
        ffmpeg("-i", clips[0], "-frames:v", "1", still)
    return {"clips": clips, "voices": voices, "music": [music], "still": [still]}


def plan() -> list[float]:
    return timeline.plan_scene_durations(
        [5.5] * 8, NARRATION_S, transition_s=0.5, fps=FPS, transitions=TRANSITIONS
    )


def scenes_for(inputs: dict[str, list[Path]], durations: list[float], clip4: Path) -> list:
    clips = [*inputs["clips"][:3], clip4, *inputs["clips"][4:8]]
    return [SceneInput(c, d, v, t) for c, d, v, t in
            zip(clips, durations, inputs["voices"], TRANSITIONS, strict=True)]


async def run_composer(inputs: dict[str, list[Path]], jobs: int) -> tuple[Timer, Timer, float]:
    """Cold compose, then the scene-4 clip edit; returns both timers and the video length."""
    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    durations = plan()
    composer = Composer(cache, fps=FPS, jobs=jobs)
    starts = timeline.scene_starts(durations, timeline.overlaps(TRANSITIONS, 0.5))
    total = timeline.total_duration(durations, timeline.overlaps(TRANSITIONS, 0.5))
    music = [MusicInput(inputs["music"][0], 0.0, starts[4]),
             MusicInput(inputs["music"][0], starts[4], total)]
    with Timer() as cold:
        first = await composer.compose(
            scenes_for(inputs, durations, inputs["clips"][3]), music, SIZE,
            WORK / "composer.mp4", WORK / "composer.jpg")
    with Timer() as edit:
        second = await composer.compose(
            scenes_for(inputs, durations, inputs["clips"][8]), music, SIZE,
            WORK / "composer-edit.mp4", WORK / "composer-edit.jpg")
    rendered = len(second.pieces) - len(second.reused)
    print(f"composer: {len(first.pieces)} pieces, {first.duration_s:.2f} s video, "
          f"{first.loudness_lufs} LUFS; the edit re-rendered {rendered} pieces, soundtrack "
          f"{'reused' if second.soundtrack_reused else 'remixed'}")
    return cold, edit, first.duration_s


def run_moviepy(inputs: dict[str, list[Path]]) -> Timer:
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
        for i, (clip_path, d) in enumerate(zip(inputs["clips"][:8], durations, strict=True)):
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
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    inputs = make_inputs()
    cold, edit, length = asyncio.run(run_composer(inputs, args.jobs))
    floor = run_floor(inputs, length)
    motion = run_motion_floor()
    moviepy = None if args.skip_moviepy else run_moviepy(inputs)
    check = probe(WORK / "composer.mp4")
    print(f"output: {check.width}x{check.height} {check.fps:g} fps {check.video_codec}/"
          f"{check.audio_codec} {check.duration_s:.2f} s")
    rows = [("composer (cold cache)", cold), ("moviepy 2", moviepy),
            ("encode floor (still image)", floor), ("re-render after scene 4 clip change", edit),
            ("(context) re-encode of composer output", motion)]
    print(f"| {'run':38} | {'wall s':>7} | {'CPU s':>7} |")
    for name, t in rows:
        wall, cpu = ("-", "-") if t is None else (f"{t.wall:.2f}", f"{t.cpu:.2f}")
        print(f"| {name:38} | {wall:>7} | {cpu:>7} |")
    ratios = [
        ("moviepy / composer", moviepy, cold, ">=", 10.0),
        ("composer / floor", cold, floor, "<=", 2.0),
        ("rerender / full", edit, cold, "<=", 0.30),
        ("(context) composer / re-encode", cold, motion, "<=", 2.0),
    ]
    print(f"| {'ratio':38} | {'wall':>7} | {'CPU':>7} | target")
    for name, num, den, op, bound in ratios:
        if num is None:
            print(f"| {name:38} | {'-':>7} | {'-':>7} | {op} {bound:g}")
            continue
        wall, cpu = num.wall / den.wall, num.cpu / den.cpu
        met = (wall >= bound) if op == ">=" else (wall <= bound)
        print(f"| {name:38} | {wall:7.2f} | {cpu:7.2f} | {op} {bound:g}: "
              f"{'met' if met else 'MISSED'} (wall)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
