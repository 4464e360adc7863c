"""Writing a breakdown: scene count and beats, scene durations, and `write_breakdown`, which
fills each scene with a title, narration, an image-ready visual prompt, camera, lighting and
transition, and adds characters and music cues."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pixora.context.models import MIN_SCENE_S, Breakdown, Character, MusicCue, Scene, VoiceSpec
from pixora.context.requests import EMPTY_PROMPT, BreakdownRequest
from pixora.context.text import word_count
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
from pixora.offline.writing.beats import (
    allot,
    beat_title,
    preferred_scenes,
    present,
    scene_count,
    without_opener,
)
from pixora.offline.writing.characters import (
    cast_from_specs,
    extract_characters,
    narrator,
    role_phrase,
)
from pixora.offline.writing.narration import (
    Pool,
    fit_script,
    follow_group,
    narrate,
    subject_fields,
    topic_lines,
)
from pixora.offline.writing.reading import (
    content_of,
    first_person,
    read_beats,
    without_constraints,
)
from pixora.offline.writing.request import (
    find_mood,
    is_english,
    shorten_subject,
    subject_of,
)
from pixora.offline.writing.shots import (
    MAX_TITLE_WORDS,
    picture_noun,
    plan_shots,
    reads_english,
    unique_title,
)
from pixora.offline.writing.text import (
    CJK_RE,
    DANGLING_WORDS,
    clean_text,
    seeded_random,
    sentence_case,
    title_case,
)
from pixora.offline.writing.vocabulary import (
    COMPANION_LINES,
    FOLLOW_UPS,
    GENERIC_PLACES,
    SHOT_SCALES,
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


def _visual(desc: str, look: str, lighting: str, camera: str, aspect: str) -> str:
    """ "<Description>. <Look, lighting, camera, framing>." """
    framing = VOCABULARY.aspect_ratios[aspect].framing
    parts = [look, lighting_phrase(lighting), camera_phrase(camera), framing]
    tail = sentence_case(", ".join(p for p in parts if p))
    return clean_text(f"{sentence_case(desc.rstrip(' .'))}. {tail}.", PROMPT_FIELD_CHARS)


@dataclass(frozen=True)
class _Plan:
    """What every scene of a breakdown shares: its mood, style and the cycle of cameras,
    lighting and transitions."""

    mood: str
    style_name: str
    look: str
    genre: str
    camera_start: int
    light_start: int
    transitions: list[str]

    def camera(self, i: int) -> str:
        cams = MOODS[self.mood].cameras
        return cams[(self.camera_start + i) % len(cams)]

    def lighting(self, i: int) -> str:
        lights = MOODS[self.mood].lighting
        return lights[(self.light_start + i // 2) % len(lights)]


def _plan(req: BreakdownRequest, mood: str, n: int, rng: random.Random) -> _Plan:
    preset = MOODS[mood]
    style_name, style = style_for(req.style)
    return _Plan(mood, style_name, style.look, style.music_genre,
                 rng.randrange(len(preset.cameras)), rng.randrange(len(preset.lighting)),
                 _transitions(n, mood, rng))


def _breakdown(req: BreakdownRequest, title: str, plan: _Plan, scenes: list[Scene],
               characters: list[Character]) -> Breakdown:
    return Breakdown(
        title=clean_text(title, 80) or "Untitled",
        prompt=req.prompt,
        style=plan.style_name,
        aspect_ratio=req.aspect_ratio,  # type: ignore[arg-type]
        voice=req.voice or VoiceSpec(tone=MOODS[plan.mood].voice_tone),
        music=_music(plan.mood, plan.genre, len(scenes), req.duration_s),
        characters=characters,
        scenes=scenes,
    )


def _who(people: list[Character]) -> str:
    return " and ".join(f"{c.name} ({c.description})" for c in people)


def _cast_title(characters: list[Character], english: bool) -> str:
    """A breakdown title from its first two characters ("Mia and Pepper"); two unnamed ones of
    one role read as a pair ("The Sisters")."""
    names = [c.name for c in characters[:2]]
    pair = [re.fullmatch(r"the (?:first|second) (\w+)", n) for n in names]
    if len(names) == 2 and pair[0] and pair[1] and pair[0].group(1) == pair[1].group(1):
        names = [f"the {pair[0].group(1)}s"]
    title = " and ".join(names)
    return title_case(title) if english else title


def _from_beats(req: BreakdownRequest, beats: list[str], characters: list[Character],
                rng: random.Random, *, listed: bool) -> Breakdown:
    """One beat (or a piece of one) a scene, in order, narrated in the person's own words."""
    english = is_english(req.prompt)
    mood = _infer_mood(req, topic_for(" ".join(beats)[:2000]))
    n = req.scenes or preferred_scenes(req.duration_s, beats, listed=listed)
    plan = _plan(req, mood, n, rng)
    pieces = allot(beats, n)
    durations = split_duration(req.duration_s, [word_count(p) + 3.0 for _, p in pieces])
    group = [" ".join(p for b, p in pieces if b == beat) for beat in range(len(beats))]
    used: set[str] = set()
    scenes = []
    for i, ((b, piece), duration) in enumerate(zip(pieces, durations, strict=True)):
        shown = group[b] if len(beats) >= n else beats[b]
        people = present(shown, characters)
        scale = SHOT_SCALES[0] if i == 0 else SHOT_SCALES[(i + b) % len(SHOT_SCALES)]
        who = f", with {_who(people)}" if people else ""
        action = without_opener(shown).rstrip(" .!?")
        if action.split(" ", 1)[0].lower() in DANGLING_WORDS | _COUNT_WORDS:
            action = action[:1].lower() + action[1:]
        desc = f"{scale} {action}{who}"
        first = i == 0 or pieces[i - 1][0] != b
        scenes.append(Scene(
            index=i + 1,
            title=unique_title([beat_title(piece if not first else shown, english)], used,
                               "Scene"),
            script=fit_script(piece, duration),
            visual_prompt=_visual(desc, plan.look, plan.lighting(i), plan.camera(i),
                                  req.aspect_ratio),
            duration=duration, mood=mood, camera=plan.camera(i), lighting=plan.lighting(i),
            transition=plan.transitions[i], characters=[c.id for c in people],
        ))
    title = _cast_title(characters, english) or beat_title(beats[0], english)
    return _breakdown(req, title, plan, scenes, characters)


def write_breakdown(req: BreakdownRequest) -> Breakdown:
    """A complete breakdown for `req`, deterministic for a given request.

    The request is read as the person wrote it (`reading`): a story or a list (shot list,
    itinerary, steps) is laid over the scenes beat by beat, in order, narrated in their own
    words (`beats.allot`), each visual showing that beat with the characters in frame. A topic
    ("a video about coral reefs") follows a hook / context / development / peak / close arc
    (`plan_beats`) with template narration about the subject; a story with no plot beyond its
    characters follows the story arc templates. The scene count is `req.scenes`, else
    `preferred_scenes` (beats) or `scene_count` (topics); durations are multiples of 0.5 s,
    each at least `MIN_SCENE_S`, summing exactly to `req.duration_s`. Narration has at most
    `WORDS_PER_SECOND` words per second of its scene (CJK: one word per two characters).
    Cameras and lighting come from the mood's row of `vocabulary.MOODS`; the last transition
    is "fadeblack". Videos over 90 s get two music cues, the second a step up in energy.
    Characters are `req.characters` when given, else the ones the request names or implies.

    Raises:
        ValueError: the prompt names nothing to make a video about.
    """
    rng = seeded_random("breakdown", req.prompt, req.duration_s, req.style, req.aspect_ratio,
                        req.mood, req.platform, req.scenes)
    content = content_of(req.prompt)
    kind, beats = read_beats(content, story=bool(extract_characters(content, story=True)))
    found = extract_characters(content, story=kind != "topic")
    characters = cast_from_specs(req.characters) if req.characters else found
    if not characters and kind != "topic" and first_person(content):
        characters = [narrator()]
    if beats and (kind == "list" or len(beats) > 1 or _has_plot(beats[0], characters)):
        return _from_beats(req, beats, characters, rng, listed=kind == "list")
    return _from_templates(req, characters, rng)


_COUNT_WORDS = {"two", "three", "four", "five", "one", "some", "many", "several"}
_CAST_WORDS = {"named", "called", "nicknamed", "llamado", "llamada", "nommé", "nommée",
               "namens", "her", "his", "their", "its", "my", "our", "little", "young", "old"}


def _has_plot(beat: str, characters: list[Character]) -> bool:
    """Whether a one-sentence story says more than who is in it ("a girl named Mia and her
    dog Rex" has no plot; "a 28-year-old nurse runs her first marathon" has)."""
    cast = {w for c in characters for w in re.findall(r"[\w'-]+", f"{c.name} {c.role}".lower())}
    words = [w for w in re.findall(r"[\w'-]+", beat.lower())
             if w not in DANGLING_WORDS | _COUNT_WORDS | _CAST_WORDS and w not in cast
             and w.rstrip("s") not in cast and not w.endswith("-year-old")]
    return len(words) >= 2 or (bool(CJK_RE.search(beat)) and len(beat) >= 8)


def _from_templates(req: BreakdownRequest, characters: list[Character],
                    rng: random.Random) -> Breakdown:
    """A topic's hook / context / development / peak / close arc, or a story arc around its
    characters, from template narration."""
    subject = subject_of(without_constraints(req.prompt)) or shorten_subject(
        content_of(req.prompt))
    if not subject:
        raise ValueError(EMPTY_PROMPT)
    topic = topic_for(f"{subject} {req.prompt[:2000]}")
    mood = _infer_mood(req, topic)
    story = bool(characters)
    n = req.scenes or scene_count(req.duration_s)
    arc = plan_beats(n, story)
    durations = split_duration(req.duration_s, [_BEAT_WEIGHT.get(b, 1.0) for b in arc])
    plan = _plan(req, mood, n, rng)
    pool = Pool(rng)
    place = _place_for(req.prompt, topic, rng) if story else ""
    english = reads_english(subject, is_english(req.prompt))
    shots = [] if story else plan_shots(arc, subject, topic, english, rng, plan.camera_start)
    fallback = (f"{characters[0].name}'s Story" if story
                else _fallback_title(subject, english))
    used_titles: set[str] = set()
    scenes = []
    for i, (beat, duration) in enumerate(zip(arc, durations, strict=True)):
        present_now = characters[:1]
        if len(characters) > 1:
            others = characters[1:]
            present_now = [characters[0], others[i % len(others)]]
        if story:
            lead = characters[0]
            fmt = {**subject_fields(subject, topic, i), "n": lead.name, "r": role_phrase(lead),
                   "p": place, "o": present_now[1].name if len(present_now) > 1 else lead.name}
            extra = ("companion", COMPANION_LINES) if len(present_now) > 1 else None
            script = narrate(pool, beat, STORY_LINES[beat], fmt, duration, extra)
            title, shot = pool.take(f"shot-{beat}", STORY_SHOTS[beat], lambda t: True) or (
                STORY_SHOTS[beat][0])
            desc = shot.format(who=_who(present_now), p=place)
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
            visual_prompt=_visual(desc, plan.look, plan.lighting(i), plan.camera(i),
                                  req.aspect_ratio),
            duration=duration, mood=mood, camera=plan.camera(i), lighting=plan.lighting(i),
            transition=plan.transitions[i],
            characters=[c.id for c in present_now] if story else [],
        ))
    title = (title_case(subject) if is_english(subject) or len(subject.split()) < 3
             else sentence_case(subject))
    return _breakdown(req, title, plan, scenes, characters)
