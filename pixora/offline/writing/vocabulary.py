"""The offline writer's vocabulary: topic shot lists with their scene titles, shots built around
a subject, narration templates, story shots and character looks. Data only, plus lookups into
it, loaded from `vocabulary.yaml` and checked once at import. (Styles, cameras, lighting and
moods are the domain's: `pixora.context.vocabulary`.)

Templates use `str.format` fields: {s} the subject; {it}, {them}, {its} its pronouns, and
{is}, {has}, {v} ("s" or "") agreeing with it; {people}, {thing}, {thing2}, {action}, {place}
from its topic family (`narration.subject_fields`); in story templates {n} the protagonist's
name, {r} their role phrase ("a young astronaut"), {o} another character, {p} the place; in
story shots {who} the characters present with their descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("vocabulary.yaml")


@dataclass(frozen=True)
class Topic:
    """One family of subjects: concrete, image-generatable shots and places, and the words its
    narration draws on: `people` who work with it (a plural noun phrase), `things` (concrete
    plural nouns) and `actions` (what those people do, as "-ing" phrases). `titles[i]` is the
    on-screen scene title (1-4 words, Title Case) of `shots[i]`.

    Raises:
        ValueError: `titles` and `shots` differ in length.
    """

    keywords: tuple[str, ...]
    mood: str
    places: tuple[str, ...]
    shots: tuple[str, ...]
    people: str
    things: tuple[str, ...]
    actions: tuple[str, ...]
    titles: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.titles) != len(self.shots):
            raise ValueError(f"topic {self.keywords[0]!r}: one title per shot")


@dataclass(frozen=True)
class ShotPattern:
    """A concrete shot built around the subject itself, for scenes no topic family shot fills.

    `kind` names what it shows (`SHOT_KINDS` ranks kinds per beat). `text` opens with a shot
    size the reviser recognises ("Close-up of") and uses the fields {one} (the subject as one
    thing: "a lighthouse"), {many} (as many: "lighthouses"; patterns using it need a countable
    plural subject), {it}, {its}, {them} (pronouns agreeing with {one}), {where} (" in its
    natural setting" unless the subject says where it is) and {s} (the subject as written).
    `titles` are its on-screen titles in order of preference; {N} is the subject's short title
    noun ("Lighthouse"), and titles using it are skipped when there is none."""

    kind: str
    text: str
    titles: tuple[str, ...]


def _load(path: Path) -> dict[str, Any]:
    """The vocabulary file's sections, by name.

    Raises:
        ValueError: a section is missing, or a topic has not one title per shot.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = set(SECTIONS) - set(data)
    if missing:
        raise ValueError(f"{path}: missing sections {sorted(missing)}")
    return data


SECTIONS = ("topics", "thing_shots", "matter_shots", "animal_shots", "idea_shots", "shot_kinds",
            "animals", "generic_things", "generic_actions", "generic_places", "shot_scales",
            "topic_lines", "story_lines", "follow_ups", "companion_lines", "story_shots", "hair",
            "outfits", "role_outfits", "fantasy_looks", "animal_sizes", "animal_colors",
            "animal_features", "young_roles", "old_roles")
_DATA = _load(DATA)


def _tuples(section: str) -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in _DATA[section].items()}


def _shots(section: str) -> tuple[ShotPattern, ...]:
    return tuple(ShotPattern(s["kind"], s["text"], tuple(s["titles"])) for s in _DATA[section])


# ---------------------------------------------------------------- topics and shots

TOPICS: tuple[Topic, ...] = tuple(
    Topic(**{k: v if isinstance(v, str) else tuple(v) for k, v in t.items()})
    for t in _DATA["topics"])
"""Topic families, in order of precedence on a tie (`topic_for`)."""
THING_SHOTS = _shots("thing_shots")
"""Shots of a thing or a place ("lighthouses", "coffee", "paper boats on a pond")."""
MATTER_SHOTS = _shots("matter_shots")
"""Shots of a substance named without an article ("coffee", "sushi", "silk")."""
ANIMAL_SHOTS = _shots("animal_shots")
"""Shots of an animal ("tigers", "honeybees")."""
IDEA_SHOTS = _shots("idea_shots")
"""Shots for a subject that is an idea rather than a thing ("love and loss",
"procrastination"): people, places and objects around it."""
SHOT_KINDS = _tuples("shot_kinds")
"""Shot kinds that suit each beat, best first."""
ANIMALS = frozenset(_DATA["animals"])
"""Singular nouns that take `ANIMAL_SHOTS`."""
GENERIC_THINGS = tuple(_DATA["generic_things"])
GENERIC_ACTIONS = tuple(_DATA["generic_actions"])
"""Narration words for a subject no topic family covers."""
GENERIC_PLACES = tuple(_DATA["generic_places"])
SHOT_SCALES = tuple(_DATA["shot_scales"])


def topic_for(text: str) -> Topic | None:
    """The topic family whose keywords (or their plurals with "s") occur most often in `text`;
    on a tie the first in `TOPICS`; None when no keyword occurs."""
    low = text.lower()
    best: tuple[int, int] | None = None
    for i, topic in enumerate(TOPICS):
        hits = sum(1 for k in topic.keywords if re.search(rf"\b{re.escape(k)}s?\b", low))
        if hits and (best is None or hits > best[0]):
            best = (hits, i)
    return TOPICS[best[1]] if best else None


# ---------------------------------------------------------------- narration and titles

TOPIC_LINES = _tuples("topic_lines")
"""Narration templates per beat (see the module docstring for the fields). Hooks and closes
name the subject {s}, after a preposition or verb so a noun phrase ("space exploration") and
a clause ("how bees make honey") both read naturally; the beats between refer to it with
pronouns and speak of the topic family's {people}, {thing}, {thing2}, {action} and {place}."""
STORY_LINES = _tuples("story_lines")
"""Story narration templates per beat ({n}, {r}, {o}, {p}: see the module docstring)."""
FOLLOW_UPS = _tuples("follow_ups")
COMPANION_LINES = tuple(_DATA["companion_lines"])
STORY_SHOTS: dict[str, tuple[tuple[str, str], ...]] = {
    beat: tuple((title, text) for title, text in shots)
    for beat, shots in _DATA["story_shots"].items()}
"""Story shots per beat as (on-screen title, description); in titles {n} is the lead
character's name."""

# ---------------------------------------------------------------- character looks

HAIR = tuple(_DATA["hair"])
OUTFITS = tuple(_DATA["outfits"])
ROLE_OUTFITS: dict[str, str] = dict(_DATA["role_outfits"])
FANTASY_LOOKS: dict[str, str] = dict(_DATA["fantasy_looks"])
ANIMAL_SIZES = tuple(_DATA["animal_sizes"])
ANIMAL_COLORS = tuple(_DATA["animal_colors"])
ANIMAL_FEATURES = tuple(_DATA["animal_features"])
YOUNG_ROLES = set(_DATA["young_roles"])
OLD_ROLES = set(_DATA["old_roles"])
