"""Narration: the pace budget, `fit_script`, and template lines drawn without repeats.

A scene's narration holds at most `WORDS_PER_SECOND` words per second of the scene; the writer
aims for `TARGET_WORDS_PER_SECOND`, leaving room for pauses.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence

from pixora.offline.writing.text import DANGLING_WORDS, has_cjk, sentence_case, word_count
from pixora.offline.writing.vocabulary import (
    FOLLOW_UPS,
    GENERIC_ACTIONS,
    GENERIC_THINGS,
    TOPIC_LINES,
    Topic,
)

WORDS_PER_SECOND = 2.7
"""Narration pace ceiling, words per second of scene."""
TARGET_WORDS_PER_SECOND = 2.4
"""Pace the writer aims for, leaving room for pauses."""


def word_budget(duration_s: float, wps: float = WORDS_PER_SECOND) -> int:
    """Most words `duration_s` seconds hold at `wps` words per second: `floor(duration_s * wps)`
    (with a 1e-9 guard against float error)."""
    return math.floor(duration_s * wps + 1e-9)


def _cut_cjk(token: str, words: int) -> str:
    """The longest prefix of a CJK `token` holding at most `words` words (`word_count`), cut
    after a CJK comma or full stop when one keeps at least half of it."""
    end = 0
    while end < len(token) and word_count(token[: end + 1]) <= words:
        end += 1
    stop = max(token.rfind(p, 0, end) for p in "、。！？，")
    return token[: stop + 1] if stop + 1 >= max(1, end // 2) else token[:end]


def fit_script(text: str, duration_s: float, wps: float = WORDS_PER_SECOND) -> str:
    """`text` cut to at most `floor(duration_s * wps)` words (`word_count`: CJK characters
    count one word per two).

    The cut falls at the last sentence end that keeps at least half the allowed words, else at
    the last phrase break (comma, semicolon, colon, dash), else after the last allowed word; a
    cut text ends with a full stop. Whitespace is collapsed.

    Raises:
        ValueError: the text is empty, or the duration allows less than one word.
    """
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise ValueError("narration is empty")
    limit = word_budget(duration_s, wps)
    if limit < 1:
        raise ValueError(f"{duration_s} s at {wps} words/s leaves no room for a single word")
    if word_count(text) <= limit:
        return text
    kept: list[str] = []
    ends: list[int] = []
    for token in text.split():
        used = sum(ends[-1:])
        size = word_count(token)
        if used + size > limit:
            if has_cjk(token) and limit - used >= 1:
                kept.append(_cut_cjk(token, limit - used))
                ends.append(limit)
            break
        kept.append(token)
        ends.append(used + size)
    half = max(1, limit // 2)
    sentence_end = [i for i, w in enumerate(kept) if w.endswith((".", "!", "?", '."', '!"', "。"))]
    if sentence_end and ends[sentence_end[-1]] >= half:
        return " ".join(kept[: sentence_end[-1] + 1])
    phrase_end = [i for i, w in enumerate(kept) if w.endswith((",", ";", ":", "—", "-", "、"))]
    if phrase_end and ends[phrase_end[-1]] >= half:
        kept = kept[: phrase_end[-1] + 1]
    while len(kept) > 1 and kept[-1].lower().strip(",;:—-") in DANGLING_WORDS:
        kept.pop()
    out = " ".join(kept).rstrip(",;:—-、 ")
    if out.endswith((".", "!", "?", "。")):
        return out
    return out + ("。" if has_cjk(out[-1:]) else ".")


_CLAUSE_STARTS = {"how", "why", "what", "when", "where", "who", "whether", "which"}
_HEAD_ENDS = {"of", "in", "on", "at", "for", "with", "from", "by", "about", "under", "over",
              "near", "during", "across", "through", "named", "called", "who", "that", "which",
              "to", "into", "around", "after", "before", "between", "behind"}
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "mice", "geese", "teeth", "feet",
                      "cattle", "police"}
_SINGULAR_S = ("ss", "us", "is", "ics", "news")


def is_plural(subject: str) -> bool:
    """Whether a subject reads as plural ("coral reefs", "love and loss", "los volcanes"): its
    head words (before the first preposition or relative word) hold "and", or end on an
    irregular plural or an "s" that is not "ss", "us", "is" or "ics". Clauses ("how bees make
    honey") are singular."""
    words = re.findall(r"[^\W\d_][\w'-]*", subject.lower())
    if not words or words[0] in _CLAUSE_STARTS:
        return False
    head = next((words[:i] for i, w in enumerate(words) if i and w in _HEAD_ENDS), words)
    last = head[-1]
    return ("and" in head[1:] or last in _IRREGULAR_PLURALS
            or (last.endswith("s") and not last.endswith(_SINGULAR_S)))


def subject_fields(subject: str, topic: Topic | None, index: int = 0) -> dict[str, str]:
    """The template fields for narrating `subject` in the scene at 0-based `index`: {s}, the
    pronoun fields ({it}, {them}, {its}, {is}, {has}, {v}) and the topic family's words
    ({people}, {thing}, {thing2}, {action}, {place}), rotated by `index` so neighbouring scenes
    speak of different things. Without a topic, plain words about looking closer stand in."""
    plural = is_plural(subject)
    them = "them" if plural else "it"
    fields = {"s": subject, "it": "they" if plural else "it", "them": them,
              "its": "their" if plural else "its", "is": "are" if plural else "is",
              "has": "have" if plural else "has", "v": "" if plural else "s"}
    if topic is not None:
        people, things, actions = topic.people, topic.things, topic.actions
        place = topic.places[index % len(topic.places)]
    else:
        people, things, actions = f"the people closest to {them}", GENERIC_THINGS, GENERIC_ACTIONS
        place = f"the world around {them}"
    return {**fields, "people": people, "thing": things[index % len(things)],
            "thing2": things[(index + 2) % len(things)], "action": actions[index % len(actions)],
            "place": place}


def topic_lines(beat: str, subject: str) -> tuple[str, ...]:
    """The beat's templates; for a clause subject ("how bees make honey") only those where the
    subject follows "about", "of", "on" or "at", which read well with a clause."""
    lines = TOPIC_LINES[beat]
    if subject.split()[0].lower() not in _CLAUSE_STARTS:
        return lines
    safe = tuple(t for t in lines
                 if t.count("{s}") == len(re.findall(r"\b(?:about|of|on|at) \{s\}", t)))
    return safe or lines


class Pool:
    """Seeded draws without repeats until a pool runs out (then it is reshuffled)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: dict[str, list[str]] = {}

    def take(self, key: str, items: Sequence[str], fits: Callable[[str], bool]) -> str | None:
        """The next unused item of `items` for which `fits` is true, or None."""
        left = self._left.get(key)
        if not left:
            left = list(items)
            self._rng.shuffle(left)
            self._left[key] = left
        for i, item in enumerate(left):
            if fits(item):
                return left.pop(i)
        return None


def narrate(pool: Pool, key: str, lines: Sequence[str], fmt: dict[str, str], duration: float,
            extra: tuple[str, Sequence[str]] | None = None, max_words: int | None = None,
            single: bool = False) -> str:
    """One or two template sentences for a scene of `duration` seconds, within the pace budget
    (and `max_words`): a line of `lines` drawn from `pool` under `key`, filled from `fmt`, then,
    unless `single`, a follow-up from `extra` (key, lines; default the same) if room is left."""
    ceiling = word_budget(duration)
    hard, target = ceiling, max(1, word_budget(duration, TARGET_WORDS_PER_SECOND))
    if max_words is not None:
        hard, target = min(hard, max(1, max_words)), min(target, max(1, max_words))

    def render(template: str) -> str:
        return " ".join(sentence_case(s) for s in re.split(r"(?<=[.!?]) ", template.format(**fmt)))

    first = pool.take(key, lines, lambda t: word_count(render(t)) <= hard)
    if first is None:
        shortest = min((render(t) for t in lines), key=word_count)
        return fit_script(shortest, ceiling if max_words is None else hard, wps=1.0) if (
            word_count(shortest) > ceiling) else shortest
    text = render(first)
    follow_key, follow_lines = extra if extra else (key, lines)
    room = target - word_count(text)
    if room >= 4 and not single:
        second = pool.take(follow_key, follow_lines, lambda t: word_count(render(t)) <= room)
        if second is not None:
            text = f"{text} {render(second)}"
    return text


def follow_group(beat: str) -> str:
    """The `FOLLOW_UPS` group for a beat: its own, or "development"."""
    return beat if beat in FOLLOW_UPS else "development"

