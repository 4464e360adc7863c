"""What each scene shows, and its on-screen title.

`picture_noun` reads the thing a subject is about ("the history of the bicycle" -> "the
bicycle", "lighthouses" -> "a lighthouse"); `plan_shots` gives every scene of a topic breakdown
a concrete description and title candidates: its topic family's shots (each with its own title)
and shots built around the subject itself (`vocabulary.THING_SHOTS`, `ANIMAL_SHOTS`,
`IDEA_SHOTS`, chosen per beat by `SHOT_KINDS`); `unique_title` keeps titles distinct within a
breakdown.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from pixora.offline.writing.narration import is_plural
from pixora.offline.writing.text import article, has_cjk, title_case
from pixora.offline.writing.vocabulary import (
    ANIMAL_SHOTS,
    ANIMALS,
    IDEA_SHOTS,
    MATTER_SHOTS,
    SHOT_KINDS,
    SHOT_SCALES,
    THING_SHOTS,
    ShotPattern,
    Topic,
)

MAX_TITLE_WORDS = 4
"""Longest on-screen scene title, in words."""

_FRAME_RE = re.compile(
    r"^(?:[\w'-]+\s+){0,4}?(?:history|story|stories|life|lives|world|art|science|future|rise|"
    r"fall|evolution|making|origins?|secrets?|magic|beauty|sound|sounds|anatomy|culture|craft|"
    r"day|night|years?|decades?|century|centuries|journey)\s+(?:of|at|in|on|behind|inside|"
    r"with)\s+(.+)$",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(r"^(?:how|why|what|when|where|whether)\s+(.+)$", re.IGNORECASE)
_CLAUSE_VERBS = {
    "make", "makes", "made", "work", "works", "grow", "grows", "fly", "flies", "live", "lives",
    "change", "changes", "changed", "become", "became", "becomes", "is", "are", "was", "were",
    "do", "does", "did", "get", "gets", "come", "comes", "came", "build", "builds", "built",
    "move", "moves", "find", "finds", "turn", "turns", "learn", "learns", "sleep", "sleeps",
    "survive", "survives", "help", "helps", "use", "uses", "begin", "begins", "began", "happen",
    "happens", "form", "forms", "see", "sees", "hunt", "hunts", "eat", "eats", "can", "could",
    "will", "would", "shape", "shapes", "talk", "talks", "navigate", "navigates", "migrate",
    "migrates", "communicate", "communicates", "stay", "stays", "keep", "keeps",
}
_HEAD_ENDS = re.compile(r"\s+(?:of|in|on|at|for|with|from|by|under|over|near|during|across|"
                        r"through|around|after|before|between|behind|that|which|who|named|"
                        r"called)\s",
                        re.IGNORECASE)
_DETERMINERS = {"the", "a", "an", "my", "our", "your", "his", "her", "their", "its", "this",
                "that", "these", "those", "some"}
_ABSTRACT_WORDS = {
    "love", "loss", "hope", "fear", "joy", "grief", "time", "freedom", "peace", "memory",
    "memories", "dreams", "dream", "courage", "change", "silence", "success", "failure",
    "kindness", "happiness", "sadness", "anger", "luck", "faith", "truth", "justice", "power",
    "wisdom", "patience", "balance", "death", "birth", "growth", "progress", "mindset",
    "motivation", "productivity", "procrastination", "democracy", "economy", "philosophy",
    "exploration", "innovation", "creativity", "nostalgia", "resilience", "gratitude",
    "loneliness", "identity", "ambition", "curiosity", "wellbeing", "well-being", "yoga",
    "matter", "math", "maths", "sleep", "fame", "fashion", "weather", "culture", "music",
    "jazz", "art", "poetry", "dance", "history", "science", "nature", "travel", "sport",
}
_ABSTRACT_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ism", "ship", "hood", "ence",
                     "ance", "acy", "ogy", "ics")
_CONCRETE_ING = {"building", "buildings", "painting", "paintings", "ring", "rings", "wedding",
                 "king", "ceiling", "string", "wing", "wings", "spring", "springs", "swing",
                 "thing", "things", "pudding", "clothing", "dumpling", "sapling", "duckling",
                 "earring", "earrings", "stuffing", "icing", "awning", "railing", "bedding"}
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman",
              "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot",
              "wolves": "wolf", "leaves": "leaf", "knives": "knife", "loaves": "loaf",
              "shelves": "shelf", "calves": "calf", "halves": "half", "elves": "elf",
              "thieves": "thief", "lives": "life", "buses": "bus", "gases": "gas",
              "series": "series", "species": "species"}
_O_PLURALS = ("shoes", "canoes", "toes", "oboes", "hoes")


def _singular(word: str) -> str:
    """The singular of an English plural noun ("lighthouses" -> "lighthouse")."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if low.endswith("oes") and low not in _O_PLURALS:
        return word[:-2]
    if low.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]


@dataclass(frozen=True)
class PictureNoun:
    """The thing a subject is about, as shot patterns name it.

    `one` the subject as one thing ("a lighthouse", "coffee", "the bicycle"); `many` as many
    ("lighthouses"), or None when it is not a countable plural; `pronoun` "it" or "they",
    agreeing with `one`; `title` a short Title Case noun for titles ("Lighthouse"), or None;
    `kind` "thing", "animal", "matter" (a singular noun without an article: "coffee") or
    "idea"; `placed` whether the subject already says where it is
    ("a lighthouse in a storm")."""

    one: str
    many: str | None
    pronoun: str
    title: str | None
    kind: str
    placed: bool = False

    def fields(self, subject: str) -> dict[str, str]:
        """The `ShotPattern` fields: {one}, {many}, {it}, {its}, {them}, {s}, {N} and {where}
        (" in its natural setting", or nothing when the subject says where it is)."""
        plural = self.pronoun == "they"
        its = "their" if plural else "its"
        return {"one": self.one, "many": self.many or self.one, "it": self.pronoun, "its": its,
                "them": "them" if plural else "it", "s": subject, "N": self.title or "",
                "where": "" if self.placed else f" in {its} natural setting"}


_FOREIGN_LEADS = {"el", "la", "los", "las", "le", "les", "des", "du", "der", "die", "das", "den",
                  "il", "lo", "gli", "os", "um", "uma", "un", "une", "una", "ein", "eine"}


def reads_english(subject: str, english_prompt: bool) -> bool:
    """Whether `subject` can be handled as English: not when it opens with a Spanish, French,
    German, Italian or Portuguese article ("los volcanes") or holds CJK; otherwise when its
    request reads as English (`request.is_english`) or it is written in plain ASCII letters
    ("geese, 30 seconds" is terse but English)."""
    words = subject.split()
    if not words or has_cjk(subject) or words[0].lower() in _FOREIGN_LEADS:
        return False
    return english_prompt or subject.isascii()


def _is_abstract(word: str) -> bool:
    low = word.lower()
    if low in _ABSTRACT_WORDS or re.fullmatch(r"\d{3}0s|'?\d0s|centur(?:y|ies)", low):
        return True
    if low.endswith("ing") and len(low) > 5 and low not in _CONCRETE_ING:
        return True
    return low.endswith(_ABSTRACT_ENDINGS) and len(low) > 5


def picture_noun(subject: str, english: bool) -> PictureNoun:
    """What `subject` shows: its noun phrase once framing words ("the history of", "a day at",
    "how ... work") are read past, singular where it is a plain plural, and whether it is a
    thing, an animal (`vocabulary.ANIMALS`), a substance named without an article ("coffee")
    or an idea (abstract words: "love", "-tion", "-ness", "-ing"...). Subjects in other
    languages are used as written: a thing, no title noun."""
    if not english or has_cjk(subject):
        plural = is_plural(subject) if english else False
        return PictureNoun(subject, None, "they" if plural else "it", None, "thing")
    phrase = subject.strip()
    frame = _FRAME_RE.match(phrase)
    if frame:
        phrase = frame.group(1)
    clause = _CLAUSE_RE.match(phrase)
    if clause:
        words = clause.group(1).split()
        cut = next((i for i, w in enumerate(words) if i and w.lower() in _CLAUSE_VERBS), None)
        if cut is None:
            return PictureNoun(subject, None, "it", None, "idea")
        phrase = " ".join(words[:cut])
    split = _HEAD_ENDS.search(f"{phrase} ")
    head, tail = (phrase[: split.start()], phrase[split.start():]) if split else (phrase, "")
    words = head.split()
    if not words:
        return PictureNoun(subject, None, "it", None, "idea")
    last = words[-1].strip(",.;:")
    listed = "and" in (w.lower() for w in words[1:]) or "," in head
    if _is_abstract(last) or (listed and any(_is_abstract(w.strip(",")) for w in words)):
        return PictureNoun(subject, None, "it", None, "idea")
    plural = is_plural(head)
    bare = words[1:] if words[0].lower() in _DETERMINERS else words
    if plural and not listed and bare and re.fullmatch(r"[^\W\d_][\w'-]*", last):
        one_words = [*bare[:-1], _singular(last)]
        one = f"{article(one_words[0])} {' '.join(one_words)}{tail}"
        many = f"{' '.join(bare)}{tail}"
        pronoun = "it"
    else:
        one_words = [*bare[:-1], last] if bare else words
        one, many, pronoun = phrase, None, "they" if plural else "it"
    noun = one_words[-2:] if not listed else []
    title = title_case(" ".join(noun)) if noun and all(w.isalpha() or "-" in w
                                                       for w in noun) else None
    if _singular(last).lower() in ANIMALS or last.lower() in ANIMALS:
        kind = "animal"
    elif not plural and not tail and words == bare and words[0].islower() and len(words) <= 2:
        kind = "matter"
    else:
        kind = "thing"
    return PictureNoun(one, many, pronoun, title, kind, placed=bool(tail))


def _patterns(noun: PictureNoun) -> tuple[ShotPattern, ...]:
    group = {"animal": ANIMAL_SHOTS, "idea": IDEA_SHOTS, "matter": MATTER_SHOTS}.get(
        noun.kind, THING_SHOTS)
    return tuple(p for p in group if noun.many or "{many}" not in p.text)


def _titles(pattern: ShotPattern, fields: dict[str, str]) -> list[str]:
    out = []
    for t in pattern.titles:
        if "{N}" in t and not fields["N"]:
            continue
        title = t.format(**fields)
        if len(title.split()) <= MAX_TITLE_WORDS:
            out.append(title)
    return out


def _subject_words(noun: PictureNoun, subject: str) -> set[str]:
    words = re.findall(r"[a-z][a-z'-]{3,}", f"{noun.one} {noun.many or ''} {subject}".lower())
    return set(words) - {"with", "from", "about", "their", "this", "that"}


def _scaled(shot: str, beat: str, turn: int) -> str:
    """A topic shot with a shot size in front: "Close-up of" when it describes close detail,
    else "Wide shot of" for the hook, else `SHOT_SCALES[turn]` (cycled)."""
    close = re.match(r"an? (?:extreme )?close-up of (.+)$", shot)
    if close:
        return f"Close-up of {close.group(1)}"
    if re.search(r"\b(?:close detail|extreme close detail|macro detail)\b", shot):
        return f"Close-up of {shot}"
    scale = "Wide shot of" if beat == "hook" else SHOT_SCALES[turn % len(SHOT_SCALES)]
    return f"{scale} {shot}"


def plan_shots(beats: list[str], subject: str, topic: Topic | None, english: bool,
               rng: random.Random, scale_start: int) -> list[tuple[str, list[str]]]:
    """(description, title candidates) for each beat of a topic breakdown.

    With a topic family, its shots (in a seeded order; the hook prefers one that names the
    subject, e.g. coffee being poured for "coffee") alternate with shots built around the
    subject itself (when the subject is an idea, the family's shots come first); once one
    kind runs out the other fills in, and shots come back only when every one of both kinds
    has been used. Family shots open with a shot size (`SHOT_SCALES`, rotated from
    `scale_start`; the hook is a wide shot); subject shots carry their own. Each beat takes the
    first unused subject shot of a kind it suits (`SHOT_KINDS`, in a seeded order), else any
    unused one.
    """
    noun = picture_noun(subject, english)
    fields = noun.fields(subject)
    patterns = _patterns(noun)
    order = list(range(len(topic.shots))) if topic else []
    rng.shuffle(order)
    if topic is not None and order and beats[:1] == ["hook"]:
        words = _subject_words(noun, subject)
        named = [k for k in order
                 if words & set(re.findall(r"[a-z][a-z'-]+", topic.shots[k].lower()))]
        if named:
            order.remove(named[0])
            order.insert(0, named[0])
    topic_left = list(order)
    used_kinds: set[int] = set()
    out: list[tuple[str, list[str]]] = []
    for i, beat in enumerate(beats):
        patterns_done = len(used_kinds) == len(patterns)
        if patterns_done and not topic_left:
            topic_left, patterns_done = list(order), False
            used_kinds.clear()
        if topic is not None and topic_left and (
                noun.kind == "idea" or i % 2 == 0 or patterns_done):
            k = topic_left.pop(0)
            out.append((_scaled(topic.shots[k], beat, i + scale_start), [topic.titles[k]]))
            continue
        kinds = list(SHOT_KINDS.get(beat, ()))
        rng.shuffle(kinds)
        ranked = [j for kind in kinds for j, p in enumerate(patterns) if p.kind == kind]
        ranked += [j for j in range(len(patterns)) if j not in ranked]
        j = next(j for j in ranked if j not in used_kinds)
        used_kinds.add(j)
        out.append((patterns[j].text.format(**fields), _titles(patterns[j], fields)))
    return out


_ROMAN = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def unique_title(candidates: list[str], used: set[str], fallback: str) -> str:
    """The first of `candidates` (then `fallback`) not in `used`, else one of them with a
    Roman numeral ("Liftoff II"), at most `MAX_TITLE_WORDS` words; the choice is added to
    `used`."""
    options = [*candidates, fallback]
    for suffix in ("", *(f" {r}" for r in _ROMAN)):
        for t in options:
            title = f"{t}{suffix}"
            if title not in used and len(title.split()) <= MAX_TITLE_WORDS:
                used.add(title)
                return title
    n = len(used) + 1
    while f"{fallback} {n}" in used:
        n += 1
    used.add(f"{fallback} {n}")
    return f"{fallback} {n}"
