"""The offline media providers, checked on the files they write."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pixora.context.models import VoiceSpec
from pixora.context.vocabulary import FRAME_SIZES, KEN_BURNS_MOVES
from pixora.media.ffmpeg import probe
from pixora.media.protocols import ImageRequest, MotionRequest, MusicRequest, SpeechRequest
from pixora.offline.media import (
    KenBurnsAnimator,
    LocalImageGenerator,
    PiperSpeech,
    SynthMusic,
)
from pixora.offline.media.image import layout_scene, read_scene, render_scene
from pixora.offline.media.music import RATE, arrange, plan
from pixora.offline.writing import BreakdownRequest, write_breakdown

# ---- images ---------------------------------------------------------------------------------


def luma(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), np.float32)


@pytest.mark.parametrize("aspect", list(FRAME_SIZES))
async def test_image_has_exact_size_for_each_aspect_ratio(tmp_path: Path, aspect: str) -> None:
    w, h = FRAME_SIZES[aspect]
    out = tmp_path / "scene.png"
    req = ImageRequest("a city skyline by the sea at sunset", w, h, title="Scene one: arrival")
    result = await LocalImageGenerator().generate_image(req, out)
    img = Image.open(out)
    assert (img.format, img.size, img.mode) == ("PNG", (w, h), "RGB")
    assert (result.width, result.height, result.provider) == (w, h, "local")
    assert luma(out).std() > 15  # a composed scene, not a flat fill


async def test_night_prompt_is_darker_and_bluer_than_sunny_day(tmp_path: Path) -> None:
    gen = LocalImageGenerator()
    day, night = tmp_path / "day.png", tmp_path / "night.png"
    await gen.generate_image(ImageRequest("mountains over a lake on a sunny day", 480, 270), day)
    await gen.generate_image(ImageRequest("mountains over a lake at night", 480, 270), night)
    assert luma(night).mean() < luma(day).mean() - 40
    sky = np.asarray(Image.open(night), np.float32)[:60].mean(axis=(0, 1))
    assert sky[2] > sky[0]  # night sky is blue, not warm


def test_prompt_words_pick_setting_and_motifs() -> None:
    assert read_scene("Tokyo streets in neon rain", "high_energy").setting == "neon"
    scene = read_scene("a snowy mountain village at dawn", "calm")
    assert (scene.setting, "snow" in scene.weather) == ("dawn", True)
    assert "mountains" in scene.motifs
    assert read_scene("an astronaut drifting past Saturn", "dreamy").motifs == {"planets"}
    fallback = read_scene("a quiet moment", "surreal_trip")
    assert fallback.setting == "dream"
    assert fallback.motifs & {"hills", "mountains", "sea"}


async def test_image_is_deterministic_per_seed(tmp_path: Path) -> None:
    gen = LocalImageGenerator()
    paths = [tmp_path / f"{i}.png" for i in range(3)]
    for path, seed in zip(paths, (4, 4, 5), strict=True):
        await gen.generate_image(ImageRequest("forest hills", 320, 180, seed=seed), path)
    a, b, c = (np.asarray(Image.open(p)) for p in paths)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


async def test_title_is_set_in_the_lower_third(tmp_path: Path) -> None:
    gen = LocalImageGenerator()
    plain, titled = tmp_path / "plain.png", tmp_path / "titled.png"
    req = ImageRequest("desert dunes at dawn", 640, 360, seed=1)
    await gen.generate_image(req, plain)
    await gen.generate_image(
        ImageRequest(req.prompt, 640, 360, seed=1, title="A long journey begins here"), titled)
    diff = np.abs(luma(plain) - luma(titled))
    assert diff[:120].max() == 0
    assert diff[240:].mean() > 5
    assert luma(titled)[240:].max() > 240  # white lettering


async def test_references_are_not_pasted_on_the_frame(tmp_path: Path) -> None:
    ref = tmp_path / "maya.png"
    Image.new("RGB", (512, 512), (200, 30, 40)).save(ref)
    gen = LocalImageGenerator()
    plain, with_ref = tmp_path / "plain.png", tmp_path / "with.png"
    await gen.generate_image(ImageRequest("sea at night", 640, 360), plain)
    await gen.generate_image(ImageRequest("sea at night", 640, 360, references=(ref,)), with_ref)
    assert np.abs(luma(plain) - luma(with_ref)).max() == 0  # no corner badge
    with pytest.raises(FileNotFoundError):
        await gen.generate_image(
            ImageRequest("sea", 64, 64, references=(tmp_path / "nope.png",)), plain)


def frame(prompt: str, w: int = 480, h: int = 270, **kw: object) -> np.ndarray:
    return np.asarray(render_scene(ImageRequest(prompt, w, h, **kw)).convert("L"), np.float32)


def test_prompt_nouns_pick_foreground_subjects_and_shot() -> None:
    cases = {
        "Low-angle shot of a rocket tested by engineers in the desert at golden hour":
            ("rocket", "low", "sunset"),
        "Close-up of a rover crossing rust-red Martian dunes": ("rover", "close", "mars"),
        "Wide shot of a lighthouse on a rocky cliff with waves": ("lighthouse", "wide", None),
        "Medium shot of a diver over a coral reef": ("diver", "medium", "underwater"),
        "Aerial shot of a forest path in autumn": ("forest", "aerial", None),
        "a kitchen table with fresh bread": ("table", "", "interior"),
        "Close-up of a saxophone in a smoky jazz club": ("music", "close", "interior"),
    }
    for prompt, (hero, shot, setting) in cases.items():
        scene = read_scene(prompt, "calm", "golden_hour")
        assert (scene.subjects[0], scene.shot) == (hero, shot), prompt
        assert setting is None or scene.setting == setting, prompt
    assert "people" in read_scene(next(iter(cases)), "calm").subjects
    crew = read_scene("astronauts and engineers testing rockets in the desert", "calm")
    assert set(crew.subjects[:2]) == {"people", "rocket"} and crew.setting != "space"
    assert read_scene("Aerial shot of a forest path in autumn", "calm").season == "autumn"
    mia = read_scene("Mia (a young girl with blond hair) and Rex (a scruffy cream dog) near a "
                     "cozy family home.", "calm", subject="a girl and her dog")
    assert mia.subjects[:3] == ("people", "dog", "house")
    styled = read_scene("A quiet moment at dawn. Cinematic film still, shallow depth of field.",
                        "calm", subject="lighthouses on the coast")
    assert styled.subjects[0] == "lighthouse" and "hills" not in styled.motifs
    cast = read_scene("Two figures by the sea", "calm", characters=("Mia: a girl", "Rex: a dog"))
    assert "rex: a dog" in cast.text
    assert read_scene("a quiet moment", "calm").subjects == ("abstract",)


def test_different_subjects_give_different_frames() -> None:
    rocket = frame("a rocket launch at dawn", seed=3)
    lighthouse = frame("a lighthouse on a cliff at dawn", seed=3)
    assert np.abs(rocket - lighthouse).mean() > 12


def test_launch_words_light_an_exhaust_plume() -> None:
    standing = np.asarray(render_scene(ImageRequest(
        "Medium shot of a rocket on the pad at night", 480, 270, seed=2)), np.float32)
    launch = np.asarray(render_scene(ImageRequest(
        "Medium shot of a rocket launch at night", 480, 270, seed=2)), np.float32)

    def warm(px: np.ndarray) -> float:
        return float(((px[..., 0] > 200) & (px[..., 2] < 150)).mean())

    assert warm(launch) > warm(standing) + 0.005


def test_six_scenes_of_one_breakdown_are_pairwise_distinct() -> None:
    bd = write_breakdown(BreakdownRequest("Create a 30-second video about space exploration"))
    assert len(bd.scenes) >= 5
    frames, readings = [], set()
    for i, sc in enumerate(bd.scenes):
        frames.append(frame(sc.visual_prompt, 320, 180, style=bd.style, mood=sc.mood,
                            lighting=sc.lighting, seed=i))
        scene = read_scene(sc.visual_prompt, sc.mood, sc.lighting, i)
        readings.add((scene.subjects, scene.shot, frozenset(scene.motifs)))
    for a in range(len(frames)):
        for b in range(a + 1, len(frames)):
            assert np.abs(frames[a] - frames[b]).mean() > 10, (a, b)
    assert len(readings) >= len(frames) - 1


@pytest.mark.parametrize("subject", ["rocket on the launch pad", "volcano", "sailboat on the sea"])
def test_close_up_fills_more_of_the_frame_than_a_wide_shot(subject: str) -> None:
    for seed in range(2):
        wide, _ = layout_scene(ImageRequest(f"Wide shot of a {subject}", 480, 270, seed=seed))
        close, _ = layout_scene(ImageRequest(f"Close-up of a {subject}", 480, 270, seed=seed))
        assert close.subject.mean() > 4 * wide.subject.mean() > 0


def test_low_angle_drops_the_horizon_below_a_wide_shot() -> None:
    for seed in range(3):
        wide = frame("Wide shot of mountains at dawn", seed=seed)
        low = frame("Low-angle shot of mountains at dawn", seed=seed)
        sky_rows = (wide.mean(axis=1) > wide.mean()).sum(), (low.mean(axis=1) > low.mean()).sum()
        assert sky_rows[1] > sky_rows[0]


def test_seeds_vary_composition_within_one_prompt() -> None:
    prompt = "Medium shot of a lighthouse on a rocky cliff at sunset"
    frames = [frame(prompt, seed=s) for s in range(4)]
    masks = [layout_scene(ImageRequest(prompt, 480, 270, seed=s))[0].subject > 0.5
             for s in range(4)]
    centres = {int(np.nonzero(m.any(axis=0))[0].mean() // 40) for m in masks}
    assert len(centres) >= 2  # the lighthouse moves between thirds
    assert min(np.abs(frames[a] - frames[b]).mean() for a in range(4) for b in range(a)) > 3
    abstract = [frame("a quiet moment", seed=s) for s in range(3)]
    assert min(np.abs(abstract[a] - abstract[b]).mean() for a in range(3) for b in range(a)) > 3


async def test_character_portrait_prompt_renders_a_portrait(tmp_path: Path) -> None:
    out = tmp_path / "mia.png"
    req = ImageRequest("character portrait of Mia, the hero. long red hair, green jacket",
                       384, 384, title="Mia")
    await LocalImageGenerator().generate_image(req, out)
    px = np.asarray(Image.open(out).convert("RGB"), np.int32).reshape(-1, 3)
    red = (px[:, 0] > 150) & (px[:, 1] < 80) & (px[:, 2] < 90)
    assert red.mean() > 0.02


# ---- motion ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A textured 640x360 still with a bright dot, for tracking motion."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:360, 0:640]
    base = rng.uniform(40, 120, (9, 16))
    img = np.kron(base, np.ones((40, 40)))
    img += 120 * np.exp(-((xx - 450) ** 2 + (yy - 120) ** 2) / (2 * 6.0**2))
    path = tmp_path_factory.mktemp("still") / "still.png"
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).convert("RGB").save(path)
    return path


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in c.decode(video=0)]


@pytest.mark.parametrize("motion", KEN_BURNS_MOVES)
async def test_ken_burns_clip_is_h264_at_size_fps_and_duration(
        tmp_path: Path, still: Path, motion: str) -> None:
    out = tmp_path / f"{motion}.mp4"
    req = MotionRequest(still, 1.02, motion, 320, 180, fps=24)  # type: ignore[arg-type]
    result = await KenBurnsAnimator().animate(req, out)
    p = probe(out)
    assert (p.video_codec, p.width, p.height, p.fps, p.audio_codec) == (
        "h264", 320, 180, 24.0, None)
    assert abs(p.duration_s - 1.0) <= 1 / 24 + 1e-6
    assert result.duration_s == pytest.approx(24 / 24)
    decoded = frames(out)
    assert len(decoded) == 24
    change = np.abs(decoded[0] - decoded[-1]).mean()
    if motion == "static":
        assert change < 1.0
    else:
        assert change > 4.0


def horizontal_shift(a: np.ndarray, b: np.ndarray) -> int:
    """How many px the content moved right from frame a to frame b (cross-correlation)."""
    pa, pb = a.mean(axis=0) - a.mean(), b.mean(axis=0) - b.mean()
    corr = np.correlate(pb, pa, "full")
    return int(np.argmax(corr)) - (len(pa) - 1)


async def test_pans_move_the_frame_the_named_way(tmp_path: Path, still: Path) -> None:
    anim = KenBurnsAnimator()
    shifts = {}
    for motion in ("pan_left", "pan_right"):
        out = tmp_path / f"{motion}.mp4"
        await anim.animate(MotionRequest(still, 1.0, motion, 320, 180, fps=12), out)
        f = frames(out)
        shifts[motion] = horizontal_shift(f[0], f[-1])
    assert shifts["pan_left"] > 5  # camera pans left: the scene slides right
    assert shifts["pan_right"] < -5


async def test_zoom_is_smooth_to_a_fraction_of_a_pixel(tmp_path: Path, still: Path) -> None:
    out = tmp_path / "zoom.mp4"
    await KenBurnsAnimator().animate(MotionRequest(still, 2.0, "zoom_in", 320, 180, fps=25), out)
    track = []
    for f in frames(out):
        y0, x0 = np.unravel_index(np.argmax(f), f.shape)
        win = f[y0 - 6:y0 + 7, x0 - 6:x0 + 7]
        w = np.clip(win - np.median(win), 0, None)
        yy, xx = np.mgrid[-6:7, -6:7]
        track.append((x0 + (w * xx).sum() / w.sum(), y0 + (w * yy).sum() / w.sum()))
    path = np.array(track)
    assert np.hypot(*(path[-1] - path[0])) > 3  # the off-centre dot drifts as we zoom
    jitter = np.abs(np.diff(path, 2, axis=0)).max()
    assert jitter < 0.45  # CRF 20 noise; zoompan's whole-pixel crops jitter by ~1 px here


async def test_motion_rejects_bad_requests(tmp_path: Path, still: Path) -> None:
    anim = KenBurnsAnimator()
    with pytest.raises(FileNotFoundError):
        await anim.animate(MotionRequest(tmp_path / "no.png", 1, "static", 64, 64), tmp_path / "a")
    with pytest.raises(ValueError, match="even"):
        await anim.animate(MotionRequest(still, 1, "static", 65, 64), tmp_path / "a.mp4")
    with pytest.raises(ValueError, match="unknown motion"):
        await anim.animate(MotionRequest(still, 1, "spin", 64, 64), tmp_path / "a.mp4")  # type: ignore[arg-type]


# ---- narration ------------------------------------------------------------------------------

TEXT = ("The sun rises over the quiet valley. A new day begins, full of promise, "
        "and nobody knows what it will bring.")


def samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
        return data.reshape(-1, w.getnchannels()), w.getframerate()


@pytest.mark.slow
async def test_narration_is_speech_at_a_natural_pace(tmp_path: Path) -> None:
    out = tmp_path / "n.wav"
    result = await PiperSpeech().synthesize(SpeechRequest(TEXT), out)
    x, rate = samples(out)
    p = probe(out)
    assert (p.audio_codec, p.sample_rate, p.channels) == ("pcm_s16le", 22050, 1)
    assert result.duration_s == pytest.approx(len(x) / rate)
    assert np.sqrt((x**2).mean()) > 0.03
    assert 1.5 <= len(TEXT.split()) / result.duration_s <= 4.5


def silent_ms(x: np.ndarray, rate: int, threshold_dbfs: float = -45.0) -> int:
    """Milliseconds of leading audio whose 5 ms chunks stay below `threshold_dbfs` RMS."""
    hop = rate // 200
    chunks = x[: len(x) // hop * hop, 0].reshape(-1, hop)
    level = 20 * np.log10(np.sqrt((chunks**2).mean(axis=1)) + 1e-12)
    loud = np.flatnonzero(level > threshold_dbfs)
    return int(loud[0]) * 5 if len(loud) else len(chunks) * 5


async def test_narration_silence_is_trimmed_to_a_short_pad(tmp_path: Path) -> None:
    out = tmp_path / "n.wav"
    await PiperSpeech().synthesize(SpeechRequest("  Hello there, welcome to the show.  "), out)
    x, rate = samples(out)
    lead, tail = silent_ms(x, rate), silent_ms(x[::-1], rate)
    head_dbfs = 20 * np.log10(np.sqrt((x[: rate // 5] ** 2).mean()))
    seen = f"lead {lead} ms, tail {tail} ms, first 200 ms at {head_dbfs:.1f} dBFS"
    assert lead <= 90 and tail <= 90, seen
    assert head_dbfs > -35, seen  # speech starts within 200 ms


@pytest.mark.slow
async def test_speed_and_tone_change_the_voice(tmp_path: Path) -> None:
    speech = PiperSpeech()
    made = {}
    for name, voice in {"normal": VoiceSpec(), "fast": VoiceSpec(speed=1.3),
                        "warm": VoiceSpec(tone="warm"), "bright": VoiceSpec(tone="bright")}.items():
        made[name] = await speech.synthesize(SpeechRequest(TEXT, voice), tmp_path / f"{name}.wav")
    assert made["fast"].duration_s < made["normal"].duration_s * 0.9

    def centroid(name: str) -> float:
        x, rate = samples(made[name].path)
        spec = np.abs(np.fft.rfft(x[:, 0]))
        f = np.fft.rfftfreq(len(x), 1 / rate)
        return float((spec * f).sum() / spec.sum())

    assert centroid("warm") < centroid("normal") < centroid("bright")


@pytest.mark.parametrize("text", ["", "   \n\t"])
async def test_empty_narration_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        await PiperSpeech().synthesize(SpeechRequest(text), tmp_path / "n.wav")


# ---- music ----------------------------------------------------------------------------------


async def synth(tmp_path: Path, req: MusicRequest) -> np.ndarray:
    out = tmp_path / f"{req.mood}-{req.genre}-{req.seed}-{req.duration_s}.wav"
    result = await SynthMusic().generate_music(req, out)
    x, rate = samples(out)
    assert rate == RATE
    assert result.duration_s == pytest.approx(len(x) / RATE)
    return x


async def test_music_is_exact_stereo_48k_at_sensible_level(tmp_path: Path) -> None:
    x = await synth(tmp_path, MusicRequest(7.3, "luxury_reveal", "ambient"))
    p = probe(tmp_path / "luxury_reveal-ambient-0-7.3.wav")
    assert (p.sample_rate, p.channels) == (48000, 2)
    assert x.shape == (350400, 2)
    assert abs(np.abs(x).max() - 10 ** (-3 / 20)) < 0.01  # peak at -3 dBFS
    rms_db = 20 * np.log10(np.sqrt((x**2).mean()))
    assert -24 < rms_db < -8
    assert np.abs(x[:, 0] - x[:, 1]).mean() > 1e-3  # real stereo


@pytest.mark.parametrize("mood", ["high_energy", "intimate_story", "surreal_trip"])
async def test_music_loops_without_a_click(tmp_path: Path, mood: str) -> None:
    x = await synth(tmp_path, MusicRequest(6.0, mood, seed=3))
    looped = np.concatenate([x, x])
    second = np.abs(np.diff(looped, 2, axis=0)).max(axis=1)
    seam = second[len(x) - 2:len(x)].max()  # second differences across the join
    assert seam <= np.percentile(second, 99.9)
    assert np.abs(x[-1] - x[0]).max() <= np.percentile(np.abs(np.diff(x, axis=0)), 99.9)


def beat_period(x: np.ndarray) -> float:
    """The strongest onset periodicity between 0.25 s and 1 s, in seconds."""
    mono = x.mean(axis=1)
    hop = RATE // 100
    env = np.sqrt((mono[: len(mono) // hop * hop].reshape(-1, hop) ** 2).mean(axis=1))
    onset = np.maximum(np.diff(np.log(env + 1e-4)), 0)
    onset -= onset.mean()
    ac = np.correlate(onset, onset, "full")[len(onset) - 1:]
    return (25 + int(np.argmax(ac[25:100]))) / 100


@pytest.mark.slow
async def test_moods_set_tempo_and_sound(tmp_path: Path) -> None:
    energetic = MusicRequest(12.0, "high_energy")
    intimate = MusicRequest(12.0, "intimate_story")
    for req in (energetic, intimate):
        x = await synth(tmp_path, req)
        tempo = plan(req, arrange(req.mood, req.genre)).tempo_bpm
        assert beat_period(x) == pytest.approx(60 / tempo, abs=0.02)
    dreamy = await synth(tmp_path, MusicRequest(12.0, "surreal_trip"))
    loud = await synth(tmp_path, energetic)

    def bass_share(x: np.ndarray) -> float:
        """Share of the signal power below 150 Hz."""
        power = np.abs(np.fft.rfft(x.mean(axis=1))) ** 2
        f = np.fft.rfftfreq(len(x), 1 / RATE)
        return float(power[f < 150].sum() / power.sum())

    assert bass_share(loud) > 0.3  # kick and pulse bass
    assert bass_share(dreamy) < 0.05  # pads and bells float above


async def test_music_is_deterministic_per_seed(tmp_path: Path) -> None:
    a = await synth(tmp_path / "a", MusicRequest(3.0, "high_energy", seed=1))
    b = await synth(tmp_path / "b", MusicRequest(3.0, "high_energy", seed=1))
    c = await synth(tmp_path / "c", MusicRequest(3.0, "high_energy", seed=2))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
