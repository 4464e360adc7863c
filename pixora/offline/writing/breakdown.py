"""Writing a breakdown: scene count and beats, scene durations, and `write_breakdown`, which
fills each scene with a title, narration, an image-ready visual prompt, camera, lighting and
transition, and adds characters and music cues."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence

from pixora.context.models import MAX_SCENES, MIN_SCENE_S, Breakdown, MusicCue, Scene, VoiceSpec
from pixora.context.requests import EMPTY_PROMPT, BreakdownRequest
from pixora.context.vocabulary import (
    ENERGY_ORDER,
    MOODS,
    STYLE_BY_ALIAS,
    VOCABULARY,
    camera_phrase,
    lighting_phrase,
    resolve_mood,
    style_for,
)
from pixora.offline.writing.characters import extract_characters, role_phrase
from pixora.offline.writing.narration import (
    Pool,
    follow_group,
    narrate,
    subject_fields,
    topic_lines,
)
from pixora.offline.writing.request import (
    find_mood,
    is_english,
    subject_of,
)
from pixora.offline.writing.shots import (
    MAX_TITLE_WORDS,
    picture_noun,
    plan_shots,
    reads_english,
    unique_title,
)
from pixora.offline.writing.text import clean_text, seeded_random, sentence_case, title_case
from pixora.offline.writing.vocabulary import (
    COMPANION_LINES,
    FOLLOW_UPS,
    GENERIC_PLACES,
    STORY_LINES,
    STORY_SHOTS,
    Topic,
    topic_for,
)

PROMPT_FIELD_CHARS = 2_000
"""Longest visual prompt, in characters."""

_TOPIC_DEVELOPMENT = ("detail", "people", "origin", "challenge", "process", "scale", "wonder",
                      "impact", "surprise", "future")
_STORY_DEVELOPMENT = ("desire", "journey", "challenge", "discovery")
_BEAT_WEIGHT = {"hook": 0.85, "peak": 1.1, "close": 1.15}


def plan_beats(n: int, story: bool = False) -> list[str]:
    """The narrative beat of each of `n` scenes: hook, context, development beats, peak, close.

    Short plans drop beats from the middle: 1 -> hook; 2 -> hook, close; 3 -> hook, context,
    close; 4 -> hook, context, peak, close.
    """
    if n < 1:
        raise ValueError("a breakdown needs at least one scene")
    if n == 1:
        return ["hook"]
    if n == 2:
        return ["hook", "close"]
    if n == 3:
        return ["hook", "context", "close"]
    development = _STORY_DEVELOPMENT if story else _TOPIC_DEVELOPMENT
    middle = [development[i % len(development)] for i in range(n - 4)]
    return ["hook", "context", *middle, "peak", "close"]


def scene_count(duration_s: float) -> int:
    """Scenes for a video of `duration_s` seconds: about 5 s each up to 30 s, growing to about
    10 s each at 180 s and beyond, at most `MAX_SCENES`, each at least `MIN_SCENE_S`."""
    if duration_s <= 30:
        length = 5.0
    elif duration_s <= 180:
        length = 5.0 + (duration_s - 30.0) / 150.0 * 4.5
    else:
        length = 10.0
    n = round(duration_s / length)
    return max(1, min(n, MAX_SCENES, int(duration_s // MIN_SCENE_S)))


def split_duration(total_s: float, weights: Sequence[float]) -> list[float]:
    """Split `total_s` (a multiple of 0.5 s) into len(weights) scene durations.

    Each duration is a multiple of 0.5 s and at least `MIN_SCENE_S`; they sum exactly to
    `total_s`; the time above the minimum is shared in proportion to `weights`
    (largest-remainder rounding).

    Raises:
        ValueError: the total cannot give every scene its minimum.
    """
    units = round(total_s * 2)
    min_units = round(MIN_SCENE_S * 2)
    free = units - min_units * len(weights)
    if not weights or free < 0:
        raise ValueError(f"{total_s} s is too short for {len(weights)} scenes")
    wsum = sum(weights)
    raw = [free * w / wsum for w in weights]
    base = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (base[i] - raw[i], i))
    for i in order[: free - sum(base)]:
        base[i] += 1
    return [(b + min_units) / 2 for b in base]


# --------------------------------------------------------------------------- writing


def _infer_mood(req: BreakdownRequest, topic: Topic | None) -> str:
    if req.mood is not None:
        return resolve_mood(req.mood)
    word = find_mood(req.prompt)
    if word is not None:
        return resolve_mood(word)
    return topic.mood if topic else "luxury_reveal"


_PLACE_RE = re.compile(
    r"\b(?:in|on|at|across|through|around|near|inside|exploring|visiting)\s+"
    r"((?:the|a|an|their|his|her|my|our)\s+(?:[a-z][\w'-]*\s+){0,2}[a-z][\w'-]*"
    r"|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
)
_NOT_PLACES = {"style", "mood", "tone", "format", "video", "tiktok", "youtube", "instagram",
               "reels", "shorts", "vertical", "square", "portrait", "landscape", "seconds",
               "minutes", "voice", "narration", "music", "end", "way", "life", "love"}


def _place_for(prompt: str, topic: Topic | None, rng: random.Random) -> str:
    for m in _PLACE_RE.finditer(prompt):
        words = {w.lower().strip(",.") for w in m.group(1).split()}
        if not words & _NOT_PLACES and not words & set(STYLE_BY_ALIAS):
            return m.group(1)
    return rng.choice(topic.places if topic else GENERIC_PLACES)


def _transitions(n: int, mood: str, rng: random.Random) -> list[str]:
    soft = ["dissolve", "fade"] if mood != "surreal_trip" else ["dissolve", "dissolve", "fade"]
    energetic = ["wipeleft", "slideleft", "wiperight", "slideright"]
    start = rng.randrange(len(soft))
    out = []
    for i in range(n - 1):
        if mood == "high_energy" and i % 3 == 1:
            out.append(energetic[(i // 3) % len(energetic)])
        else:
            out.append(soft[(start + i) % len(soft)])
    if n >= 3 and out:
        out[-1] = "fade"
    return [*out, "fadeblack"]


def _music(mood: str, genre: str, n: int, duration_s: float) -> list[MusicCue]:
    if duration_s <= 90 or n < 2:
        return [MusicCue(mood=mood, genre=genre)]
    i = ENERGY_ORDER.index(mood)
    low, high = (ENERGY_ORDER[i - 1], mood) if i > 0 else (mood, ENERGY_ORDER[1])
    split = max(1, n // 2)
    return [MusicCue(mood=low, genre=genre, first_scene=1, last_scene=split),
            MusicCue(mood=high, genre=genre, first_scene=split + 1)]


def _fallback_title(subject: str, english: bool) -> str:
    """A title for a scene whose own titles are all taken: the subject in Title Case when it
    is at most three words, else its short title noun ("Bicycle"), else "Scene"."""
    if 0 < len(subject.split()) < MAX_TITLE_WORDS:
        return title_case(subject)
    return picture_noun(subject, english).title or "Scene"


def _visual(desc: str, subject: str, look: str, lighting: str, camera: str, aspect: str) -> str:
    """ "<Description>. Theme: <subject>. <Look, lighting, camera, framing>." """
    framing = VOCABULARY.aspect_ratios[aspect].framing
    parts = [look, lighting_phrase(lighting), camera_phrase(camera), framing]
    tail = sentence_case(", ".join(p for p in parts if p))
    text = f"{sentence_case(desc)}. Theme: {subject}. {tail}."
    return clean_text(text, PROMPT_FIELD_CHARS)


def write_breakdown(req: BreakdownRequest) -> Breakdown:
    """A complete breakdown for `req`, deterministic for a given request.

    Scenes follow a hook / context / development / peak / close arc (`plan_beats`); their
    count comes from `scene_count`; durations are multiples of 0.5 s, each at least
    `MIN_SCENE_S`, summing exactly to `req.duration_s`. Each scene shows something concrete
    (`shots.plan_shots`; stories: the characters in their place) and is titled by what it shows,
    in 1-4 Title Case words, distinct within the breakdown. Narration is template English that
    names the subject in the hook and the close and, between them, speaks of it with pronouns
    and its topic family's people, things and places (or follows the characters), at most
    `WORDS_PER_SECOND` words per second of its scene (CJK text: one word per two characters).
    Cameras and lighting come from the mood's row of `vocabulary.MOODS`; the last
    transition is "fadeblack". Videos over 90 s get two music cues, the second a step up in
    energy.

    Raises:
        ValueError: the prompt names nothing to make a video about.
    """
    subject = subject_of(req.prompt)
    if not subject:
        raise ValueError(EMPTY_PROMPT)
    rng = seeded_random("breakdown", req.prompt, req.duration_s, req.style, req.aspect_ratio,
                        req.mood, req.platform)
    topic = topic_for(f"{subject} {req.prompt[:2000]}")
    mood = _infer_mood(req, topic)
    preset = MOODS[mood]
    style_name, style = style_for(req.style)
    characters = extract_characters(req.prompt[:4000])
    story = bool(characters)
    n = scene_count(req.duration_s)
    beats = plan_beats(n, story)
    durations = split_duration(req.duration_s, [_BEAT_WEIGHT.get(b, 1.0) for b in beats])
    transitions = _transitions(n, mood, rng)
    pool = Pool(rng)
    camera_start = rng.randrange(len(preset.cameras))
    light_start = rng.randrange(len(preset.lighting))
    place = _place_for(req.prompt, topic, rng) if story else ""
    english = reads_english(subject, is_english(req.prompt))
    shots = [] if story else plan_shots(beats, subject, topic, english, rng, camera_start)
    fallback = (f"{characters[0].name}'s Story" if story
                else _fallback_title(subject, english))
    used_titles: set[str] = set()
    scenes = []
    for i, (beat, duration) in enumerate(zip(beats, durations, strict=True)):
        camera = preset.cameras[(camera_start + i) % len(preset.cameras)]
        lighting = preset.lighting[(light_start + i // 2) % len(preset.lighting)]
        present = characters[:1]
        if len(characters) > 1:
            others = characters[1:]
            present = [characters[0], others[i % len(others)]]
        if story:
            lead = characters[0]
            fmt = {**subject_fields(subject, topic, i), "n": lead.name, "r": role_phrase(lead),
                   "p": place, "o": present[1].name if len(present) > 1 else lead.name}
            extra = ("companion", COMPANION_LINES) if len(present) > 1 else None
            script = narrate(pool, beat, STORY_LINES[beat], fmt, duration, extra)
            who = " and ".join(f"{c.name} ({c.description})" for c in present)
            title, shot = pool.take(f"shot-{beat}", STORY_SHOTS[beat], lambda t: True) or (
                STORY_SHOTS[beat][0])
            desc = shot.format(who=who, p=place)
            titles = [title.format(n=lead.name)]
        else:
            group = follow_group(beat)
            script = narrate(pool, beat, topic_lines(beat, subject),
                             subject_fields(subject, topic, i), duration,
                             (f"follow-{group}", FOLLOW_UPS[group]))
            desc, titles = shots[i]
        scenes.append(Scene(
            index=i + 1,
            title=unique_title(titles, used_titles, fallback),
            script=script,
            visual_prompt=_visual(desc, subject, style.look, lighting, camera, req.aspect_ratio),
            duration=duration,
            mood=mood,
            camera=camera,
            lighting=lighting,
            transition=transitions[i],
            characters=[c.id for c in present] if story else [],
        ))
    voice = req.voice or VoiceSpec(tone=MOODS[mood].voice_tone)
    return Breakdown(
        title=clean_text(title_case(subject) if is_english(subject) or len(subject.split()) < 3
                         else sentence_case(subject), 80),
        prompt=req.prompt,
        style=style_name,
        aspect_ratio=req.aspect_ratio,  # type: ignore[arg-type]
        voice=voice,
        music=_music(mood, style.music_genre, n, req.duration_s),
        characters=characters,
        scenes=scenes,
    )

