"""Composing one frame: framing from the shot size, backdrop, hero motif, cast, companions.

Shot language sets the framing: a wide or aerial shot keeps the hero small under a big sky
(aerial raises the horizon), a medium shot sits between, a close-up fills the frame with one
large hero over a blurred backdrop (shallow depth of field), a low angle drops the horizon
and lets the hero loom. Within a shot the seed moves the horizon, puts the hero on a third,
picks the side of the light and shifts hue and warmth a little, so scenes of one subject
differ while keeping the palette of their setting and mood.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from pixora.context.vocabulary import resolve_mood
from pixora.media.protocols import ImageRequest
from pixora.offline.media.scene_art import landscape as land
from pixora.offline.media.scene_art.abstract import abstract
from pixora.offline.media.scene_art.canvas import Canvas, mix
from pixora.offline.media.scene_art.ensemble import draw_cast
from pixora.offline.media.scene_art.motifs_indoor import gallery, music, table
from pixora.offline.media.scene_art.motifs_nature import (
    bees,
    big_tree,
    coral,
    diver,
    fish,
    flowers,
    forest,
    volcano,
)
from pixora.offline.media.scene_art.motifs_people import cast
from pixora.offline.media.scene_art.motifs_space import astronaut, dish, rocket, rover, station
from pixora.offline.media.scene_art.motifs_town import (
    birds,
    boat,
    buildings,
    car,
    castle,
    house,
    lighthouse,
    market,
    plane,
    train,
)
from pixora.offline.media.scene_art.palette import PALETTES, Look, grade
from pixora.offline.media.scene_art.prompt import (
    CAST_SUBJECTS,
    COMPANIONS,
    INDOOR_SUBJECTS,
    SceneReading,
    read_scene,
)

Motif = Callable[[Canvas, Look, SceneReading, float, float, float], None]

MOTIFS: dict[str, Motif] = {
    "rocket": rocket, "astronaut": astronaut, "rover": rover, "station": station, "dish": dish,
    "lighthouse": lighthouse, "volcano": volcano, "boat": boat, "diver": diver, "coral": coral,
    "fish": fish, "train": train, "plane": plane, "car": car, "music": music, "table": table,
    "gallery": gallery, "house": house, "castle": castle,
    "market": market, "buildings": buildings, "bees": bees,
    "flowers": flowers, "forest": forest, "birds": birds, "abstract": abstract,
}
"""Every foreground motif by subject name (people and animals are drawn by `cast`)."""

ASPECT: dict[str, float] = {
    "rocket": 0.75, "astronaut": 0.8, "rover": 1.5, "station": 2.0, "dish": 1.1,
    "lighthouse": 0.9, "volcano": 1.9, "boat": 1.1, "diver": 1.2, "plane": 2.2, "car": 1.1,
    "house": 1.3, "castle": 1.5, "buildings": 1.9, "market": 1.6, "music": 2.0, "table": 2.6,
    "people": 0.9, "dog": 1.4, "abstract": 2.6,
}
"""Width over height of the motifs that must fit the frame width (others span the frame)."""

SKY = frozenset({"station", "plane", "birds"})


@dataclass(frozen=True)
class Framing:
    """Fractions of the frame height: horizon row, hero height, hero foot below horizon
    (None: the foot sits near the bottom of the frame)."""

    horizon: tuple[float, float]
    size: tuple[float, float]
    drop: tuple[float, float] | None
    fit: float  # hero width allowed, as a fraction of the frame width


SHOTS: dict[str, Framing] = {
    "wide": Framing((0.6, 0.72), (0.2, 0.3), (0.02, 0.1), 0.7),
    "aerial": Framing((0.28, 0.4), (0.14, 0.2), (0.2, 0.34), 0.6),
    "medium": Framing((0.56, 0.66), (0.42, 0.55), (0.1, 0.2), 0.85),
    "close": Framing((0.5, 0.72), (0.8, 0.92), None, 1.25),
    "low": Framing((0.76, 0.86), (0.7, 0.85), None, 1.1),
}
TABLE_LINE = {"wide": 0.66, "aerial": 0.42, "medium": 0.58, "close": 0.5, "low": 0.72}


@dataclass(frozen=True)
class Layout:
    """Where the hero goes: column `x`, foot row `base`, height `size` (all px)."""

    shot: str
    horizon: float
    x: float
    base: float
    size: float


def _seed_for(req: ImageRequest) -> int:
    return zlib.crc32(f"{req.seed}|{req.prompt}|{req.mood}|{req.style}".encode())


def plan_layout(c: Canvas, scene: SceneReading) -> Layout:
    """The framing of the hero for the scene's shot size (unnamed: wide or medium by seed)."""
    rng = c.rng
    shot = scene.shot or ("wide", "medium")[int(rng.integers(0, 2))]
    f = SHOTS[shot]
    horizon = c.h * rng.uniform(*f.horizon)
    if c.h > c.w:
        horizon = min(horizon + c.h * 0.05, c.h * 0.88)
    if scene.setting in ("space", "underwater") and "lunar" not in scene.motifs:
        horizon = float(c.h)
    if scene.setting == "interior":
        horizon = c.h * (TABLE_LINE[shot] + rng.uniform(-0.03, 0.03))
    thirds = (0.5,) if shot == "close" else (0.34, 0.5, 0.66)
    x = c.w * (thirds[int(rng.integers(0, len(thirds)))] + rng.uniform(-0.04, 0.04))
    hero = scene.subjects[0] if scene.subjects else ""
    base, size = place(c, scene, hero, shot, horizon)
    return Layout(shot, horizon, x, base, size)


def place(c: Canvas, scene: SceneReading, hero: str, shot: str, horizon: float,
          ) -> tuple[float, float]:
    """(foot row, height) in px of motif `hero` framed by `shot` over `horizon`."""
    rng = c.rng
    f = SHOTS[shot]
    size = c.h * rng.uniform(*f.size)
    base = c.h * rng.uniform(0.92, 1.0) if f.drop is None else horizon + c.h * rng.uniform(
        *f.drop)
    if hero in ASPECT:
        size = min(size, f.fit * c.w / ASPECT[hero])
    if hero in SKY or (hero == "astronaut" and horizon >= c.h):
        base = min(horizon, c.h) * rng.uniform(0.35, 0.5) + size / 2
    elif hero == "boat":
        base = horizon + (c.h - horizon) * (rng.uniform(0.2, 0.45) if f.drop else 0.8)
    elif hero == "lighthouse" and f.drop is not None:
        base = horizon - c.h * rng.uniform(0.02, 0.08)
    elif hero in ("coral", "fish", "diver"):
        base = c.h * 0.95 if hero == "coral" else c.h * rng.uniform(0.45, 0.6) + size / 2
    elif hero == "flowers":
        base = c.h * 1.02
        size = {"close": 0.8, "low": 0.5, "medium": 0.2}.get(shot, 0.1) * c.h
    elif hero == "train":
        size = min(size, c.h * 0.42)
        base = horizon + (c.h - horizon) * (0.35 if f.drop else 0.7)
    elif hero == "car" and f.drop is not None:
        base = horizon + (c.h - horizon) * rng.uniform(0.4, 0.6)
    elif hero in CAST_SUBJECTS and shot == "close":
        base = c.h + size * 0.3
    elif hero in INDOOR_SUBJECTS:
        base = horizon + (c.h - horizon) * 0.5
        scale = {"music": 0.85, "gallery": 0.9}.get(hero, 0.5)
        size = c.h * {"close": 0.75, "low": 0.6, "medium": 0.5}.get(shot, 0.36) * scale
        if hero in ASPECT:
            size = min(size, f.fit * c.w / ASPECT[hero])
    return base, size


def _backdrop(c: Canvas, scene: SceneReading, look: Look, lay: Layout) -> None:
    pal = look.pal
    hero = scene.subjects[0] if scene.subjects else ""
    tall = {"close": 1.25, "low": 1.45, "aerial": 0.7}.get(lay.shot, 1.0)
    if scene.setting == "interior":
        dark = look.night or hero == "music" or "candle" in scene.text
        window = c.w * (0.78 if lay.x < c.w / 2 else 0.22)
        land.interior(c, look, lay.horizon, window, dark)
        return
    land.sky(c, pal, lay.horizon)
    land.stars(c, pal.stars, lay.horizon)
    if scene.setting == "underwater":
        land.seabed(c, pal)
    elif scene.setting == "space":
        if "galaxy" in scene.motifs:
            land.nebula(c)
            land.galaxy(c, lay.x, c.h * c.rng.uniform(0.4, 0.55),
                        min(c.w, c.h) * {"close": 0.75, "wide": 0.35}.get(lay.shot, 0.5))
        else:
            land.planets(c, pal, 1 if scene.subjects else 3)
        if "lunar" in scene.motifs:
            land.lunar(c, look)
        elif hero == "station" or "orbit" in scene.text:
            land.orbit_limb(c)
    if pal.light_kind:
        land.light_source(c, pal, lay.horizon, look.light_x)
    motifs = scene.motifs
    if "clouds" in motifs:
        land.clouds(c, look, lay.horizon - c.h * 0.05)
        return
    if "mountains" in motifs and hero != "volcano":
        land.mountains(c, pal, lay.horizon, 2 if "city" in motifs else 3,
                       "snow" in scene.weather, tall)
    if "city" in motifs:
        land.city(c, pal, lay.horizon, look.night)
    if "desert" in motifs:
        sand = (200, 104, 62) if scene.setting == "mars" else (214, 170, 112)
        land.dunes(c, pal, lay.horizon, sand)
    if "sea" in motifs or hero in ("boat", "lighthouse"):
        land.sea(c, pal, lay.horizon, look.light_x)
    if "cliff" in motifs and hero != "lighthouse":
        land.cliff(c, look, c.w - lay.x, lay.horizon - c.h * 0.08)
    if "hills" in motifs and "sea" not in motifs:
        land.hills(c, pal, lay.horizon)
    if "trees" in motifs and "forest" not in scene.subjects:
        land.conifers(c, pal, lay.horizon)


def _depth_of_field(c: Canvas) -> None:
    """Blur the backdrop (a quarter-size box filter scaled back up) for a close-up."""
    img = Image.fromarray(np.clip(c.px, 0, 255).astype(np.uint8))
    small = img.resize((max(c.w // 10, 1), max(c.h // 10, 1)), Image.Resampling.BOX)
    c.px[:] = np.asarray(small.resize((c.w, c.h), Image.Resampling.BICUBIC), np.float32)


def _subjects(c: Canvas, scene: SceneReading, look: Look, lay: Layout) -> None:
    hero = scene.subjects[0] if scene.subjects else ""
    others = scene.subjects[1:]
    close = lay.shot == "close"
    ground = max(lay.horizon, 0.0)
    far_x = c.w - lay.x if abs(lay.x - c.w / 2) > c.w * 0.08 else c.w * (
        0.25 if c.rng.random() < 0.5 else 0.75)
    if "forest" in others:
        forest(c, look, scene, lay.x, ground + c.h * 0.02, c.h * 0.22)
    if hero == "bees" and "flowers" not in others:
        flowers(c, look, scene, lay.x, c.h, c.h * 0.14)
    if "coral" in others:
        coral(c, look, scene, far_x, c.h * 0.97, c.h * 0.3)
    people = [s for s in scene.subjects if s in CAST_SUBJECTS]
    piece = next((s for s in others if s in MOTIFS and s not in COMPANIONS), "")
    if hero in CAST_SUBJECTS and piece and not close:
        shot = "wide" if lay.shot in ("wide", "aerial") else "medium"
        base, size = place(c, scene, piece, shot, lay.horizon)
        MOTIFS[piece](c, look, scene, far_x, min(base, lay.base), size)
    if people and hero in ("table", "gallery"):
        h = c.h * 0.55
        cast(c, look, scene, far_x if hero == "gallery" else lay.x, lay.horizon + h * 0.55, h)
        if hero == "table":
            land.table_top(c, look, lay.horizon)
    if hero in CAST_SUBJECTS:
        cast(c, look, scene, lay.x, lay.base, lay.size)
    elif hero == "forest" and lay.shot in ("close", "low"):
        big_tree(c, look, scene, lay.x, lay.base, lay.size)
    elif hero:
        MOTIFS[hero](c, look, scene, lay.x, lay.base, lay.size)
    if people and hero not in CAST_SUBJECTS and hero not in ("table", "gallery") and not close \
            and scene.setting != "underwater":
        h = float(np.clip(lay.size * 0.4, c.h * 0.12, c.h * 0.36))
        if hero in SKY:
            base = ground + (c.h - ground) * 0.5
        elif hero == "music":
            h, base = lay.size * 0.9, lay.base
        else:
            base = max(lay.base, ground + c.h * 0.04) + c.h * 0.03
        cast(c, look, scene, far_x, min(base, c.h * 0.98), h)
    if close:
        return
    if "astronaut" in others:
        astronaut(c, look, scene, far_x, max(lay.base, ground) + c.h * 0.03, c.h * 0.3)
    if "flowers" in others:
        flowers(c, look, scene, lay.x, c.h, c.h * 0.12)
    if "birds" in others:
        birds(c, look, scene, far_x, ground * 0.55, c.h * 0.25)
    if "bees" in others:
        bees(c, look, scene, lay.x, lay.base, max(lay.size, c.h * 0.3))
    if "fish" in others:
        fish(c, look, scene, far_x, c.h * 0.62, c.h * 0.3)


CAST_HEIGHT = {"wide": 0.36, "aerial": 0.28, "medium": 0.52, "close": 0.78, "low": 0.7}
"""An adult character's height per shot size, as a fraction of the frame height."""


def _cast(c: Canvas, req: ImageRequest, scene: SceneReading, look: Look, lay: Layout) -> None:
    """Draw the characters `req.cast` lists in front of the scene, on the ground in front of
    the horizon and clear of the hero motif; record their boxes on the canvas."""
    base = min(max(lay.horizon + c.h * 0.1, c.h * 0.86), c.h * 0.97)
    h = min(c.h * CAST_HEIGHT[lay.shot], base - c.h * 0.08)
    hero = scene.subjects[0] if scene.subjects else ""
    x = c.w / 2 if not hero or hero in SKY else c.w - lay.x
    c.boxes = draw_cast(c, look, req.cast, x, base, h)


def layout_scene(req: ImageRequest) -> tuple[Canvas, SceneReading]:
    """Draw the frame for `req` (before grading and lettering) and return the canvas, whose
    `subject` plane is the coverage of the foreground motifs and whose `boxes` say where each
    character of `req.cast` was drawn, and the scene read. With a cast, the characters are
    drawn from their traits instead of the generic people and dog the prompt names."""
    mood = resolve_mood(req.mood)
    c = Canvas(req.width, req.height, np.random.default_rng(_seed_for(req)))
    scene = read_scene(req.prompt, mood, req.lighting, _seed_for(req), req.subject,
                       req.characters)
    if req.cast:
        scene = replace(scene, subjects=tuple(
            s for s in scene.subjects if s not in CAST_SUBJECTS and s != "abstract"))
    pal = PALETTES[scene.light if scene.light in PALETTES else "day"]
    if "snow" in scene.weather and scene.setting not in ("underwater", "space", "interior"):
        pal = replace(pal, ground=mix(pal.ground, (236, 240, 246), 0.7))
    lay = plan_layout(c, scene)
    light_x = c.w * (c.rng.uniform(0.12, 0.3) if lay.x > c.w / 2 else c.rng.uniform(0.7, 0.88))
    look = Look(pal, scene.setting if scene.setting != "interior" else scene.light,
                lay.horizon, light_x, 1.0 if light_x > lay.x else -1.0)
    _backdrop(c, scene, look, lay)
    if lay.shot == "close":
        _depth_of_field(c)
    _subjects(c, scene, look, lay)
    if req.cast:
        _cast(c, req, scene, look, lay)
    land.weather(c, scene.weather, pal)
    return c, scene


def render_frame(req: ImageRequest) -> tuple[Image.Image, dict[str, tuple[int, int, int, int]]]:
    """The graded frame for `req` without title (req.width x req.height px), and where each
    character of `req.cast` was drawn (see `Canvas.boxes`)."""
    c, _ = layout_scene(req)
    hue = c.rng.uniform(-7, 7)
    warmth = c.rng.uniform(-0.04, 0.04)
    return Image.fromarray(grade(c, resolve_mood(req.mood), req.style, hue, warmth)), c.boxes
