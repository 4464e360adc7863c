"""Laying a story's or a list's beats over scenes, in order, in the person's own words.

`allot` gives each scene its piece of narration: one beat each when the counts match; with more
scenes than beats, a beat is developed over several scenes, its words cut at phrase breaks so
the voice-over runs on across the cut; with fewer, neighbouring beats are merged. `beat_title`
names a scene by what its beat shows, and `present` says which characters are in frame.
"""

from __future__ import annotations

import itertools
import math
import re

from pixora.context.models import MAX_SCENES, MIN_SCENE_S, Character
from pixora.context.text import word_count
from pixora.offline.writing.text import CJK_RE, DANGLING_WORDS, title_case


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


def preferred_scenes(duration_s: float, beats: list[str], *, listed: bool = False) -> int:
    """Scenes for story or list `beats` in `duration_s` seconds when the request names no
    count: one a beat (a `listed` shot list or itinerary: exactly one an item); a story's beats
    are developed up to one scene per 8 s while each keeps about three words of narration;
    merged down to one per 3 s. `scene_count` when there are no beats."""
    if not beats:
        return scene_count(duration_s)
    most = max(1, min(MAX_SCENES, int(duration_s // 3)))
    developed = 0 if listed else min(math.ceil(duration_s / 8),
                                     sum(word_count(b) for b in beats) // 3)
    return max(1, min(max(len(beats), developed), most))


MIN_PIECE_WORDS = 4
"""Shortest piece of narration a beat is cut into (CJK: twice as many characters)."""

_BREAK_WORDS = {"and", "but", "before", "after", "when", "while", "until", "as", "then",
                "so", "because", "where", "with", "by", "into", "through", "across", "to",
                "y", "pero", "antes", "después", "cuando", "mientras", "con", "et", "mais",
                "avant", "après", "quand", "pendant", "avec", "und", "aber", "bevor",
                "nachdem", "als", "während", "mit"}


_CJK_PIECE = r"[^、。！？がをにでとはへもて]+[、。！？がをにでとはへもて]*"
"""A run of CJK text up to and including its particles and punctuation."""


def _tokens(text: str) -> list[str]:
    """Words, or for text without spaces (CJK) its clauses and characters."""
    if CJK_RE.search(text) and " " not in text.strip():
        return re.findall(_CJK_PIECE, text) or [text]
    return text.split()


def _size(tokens: list[str]) -> int:
    return word_count(" ".join(tokens))


_PHRASE_WORDS = {"in", "on", "at", "for", "from", "into", "onto", "over", "under", "near",
                 "behind", "beside", "along", "around", "who", "which", "that", "where",
                 "en", "sobre", "para", "desde", "dans", "sur", "pour", "depuis", "im", "am",
                 "auf", "für", "über", "unter", "der", "die", "das", "que", "qui"}


def _tier(tokens: list[str], i: int) -> int:
    """How well a piece starts at `tokens[i]`: 0 after punctuation or before a clause word,
    1 before a preposition or relative word, 2 anywhere else."""
    prev, word = tokens[i - 1], tokens[i].lower().strip(",;:")
    if prev[-1:] in ",;:、" or word in _BREAK_WORDS:
        return 0
    return 1 if word in _PHRASE_WORDS else 2


def cut(text: str, k: int) -> list[str]:
    """`text` cut into `k` pieces (fewer only when it has fewer words), at the best phrase
    breaks (`_tier`) and as even in length as they allow, each at least `MIN_PIECE_WORDS`
    words where the text is long enough. Found by dynamic programming over the cut points."""
    tokens = _tokens(text)
    k = max(1, min(k, len(tokens)))
    starts = [0]
    for t in tokens:
        starts.append(starts[-1] + _size([t]))
    target = starts[-1] / k
    least = min(MIN_PIECE_WORDS, starts[-1] // k)
    n = len(tokens)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for p in range(1, k + 1):
        for j in range(p, n + 1):
            for i in range(p - 1, j):
                size = starts[j] - starts[i]
                if best[p - 1][i] == inf or size < least:
                    continue
                cost = best[p - 1][i] + (size - target) ** 2 / max(target, 1.0) + (
                    (0.0, 1.5, 6.0)[_tier(tokens, i)] if i else 0.0)
                if cost < best[p][j]:
                    best[p][j], back[p][j] = cost, i
    if best[k][n] == inf:
        return [text.strip()]
    bounds, j = [n], n
    for p in range(k, 0, -1):
        j = back[p][j]
        bounds.append(j)
    bounds.reverse()
    joiner = "" if CJK_RE.search(text) and " " not in text.strip() else " "
    return [joiner.join(tokens[x:y]).strip() for x, y in itertools.pairwise(bounds)]


def _group(beats: list[str], n: int) -> list[str]:
    """`beats` merged into `n` contiguous groups of about equal length."""
    sizes = [max(1, word_count(b)) for b in beats]
    total = sum(sizes)
    groups: list[list[str]] = [[] for _ in range(n)]
    done = 0
    for beat, size in zip(beats, sizes, strict=True):
        slot = min(n - 1, int((done + size / 2) * n / total))
        groups[slot].append(beat)
        done += size
    for i in range(n):  # no empty group: borrow a beat from the fullest neighbour
        if not groups[i]:
            donor = max((j for j in (i - 1, i + 1) if 0 <= j < n and len(groups[j]) > 1),
                        key=lambda j: len(groups[j]), default=None)
            if donor is not None:
                groups[i].append(groups[donor].pop(0 if donor > i else -1))
    return [" ".join(g) for g in groups if g]


def allot(beats: list[str], n: int) -> list[tuple[int, str]]:
    """For each of `n` scenes, (the index of its beat, its narration piece), in order.

    Raises:
        ValueError: no beats, or `n` < 1.
    """
    if not beats or n < 1:
        raise ValueError("allot needs at least one beat and one scene")
    if len(beats) >= n:
        return list(enumerate(_group(beats, n)))
    sizes = [max(1, word_count(b)) for b in beats]
    extra = n - len(beats)
    shares = [1 + extra * s / sum(sizes) for s in sizes]
    counts = [math.floor(x) for x in shares]
    for i in sorted(range(len(beats)), key=lambda i: counts[i] - shares[i])[: n - sum(counts)]:
        counts[i] += 1
    out: list[tuple[int, str]] = []
    for b, (beat, k) in enumerate(zip(beats, counts, strict=True)):
        pieces = cut(beat, k)
        pieces += [pieces[-1]] * (k - len(pieces))
        out += [(b, piece) for piece in pieces]
    return out


_LEAD_WORDS = {"a", "an", "the", "one", "two", "three", "four", "five", "my", "our", "his",
               "her", "their", "its", "and", "then", "so", "but", "finally", "first", "next",
               "later", "suddenly", "meanwhile", "once", "upon", "time", "day", "morning",
               "evening", "night", "on", "in", "at", "that", "this", "after", "before", "when"}
_OPENER_RE = re.compile(
    r"^(?:(?:on|in|at|by|during|after|before)\s+(?:the\s+|a\s+|that\s+|one\s+)?"
    r"(?:[\w'-]+\s+){0,2}?(?:morning|evening|night|day|afternoon|week|summer|winter|spring|"
    r"autumn|fall|year)|once\s+upon\s+a\s+time|one\s+day|years?\s+later|the\s+next\s+day|"
    r"suddenly|meanwhile|finally|then|later)\s*,?\s+",
    re.IGNORECASE,
)


def without_opener(text: str) -> str:
    """`text` without a leading time phrase ("On the first morning, ", "One day ")."""
    return _OPENER_RE.sub("", text)


def beat_title(text: str, english: bool) -> str:
    """A short scene title from a beat: its opening words without time phrases and leading
    articles, at most four, not ending on a function word ("A storm cuts the power" ->
    "Storm Cuts the Power"); text without spaces: its first clause, at most 8 characters."""
    text = re.sub(r"[\"“”«»()]", "", text).strip()
    if CJK_RE.search(text) and " " not in text:
        return re.split(r"[、。！？,]", text)[0][:8]
    text = _OPENER_RE.sub("", text)
    words = re.split(r"[,;:.!?]", text)[0].split()
    while words and len(words) > 1 and words[0].lower().strip("'’") in (
            _LEAD_WORDS | _BREAK_WORDS | _PHRASE_WORDS | DANGLING_WORDS):
        words.pop(0)
    words = words[:4]
    while len(words) > 1 and words[-1].lower() in DANGLING_WORDS:
        words.pop()
    title = " ".join(words).strip("'’")
    if not english:
        return title[:1].upper() + title[1:]
    return title_case(title)


def _mentions(text: str, character: Character) -> bool:
    low = text.lower()
    names = {character.name.lower(), character.name.lower().removeprefix("the ")}
    role = character.role.split(", ")[-1].lower()
    if role:
        names |= {role, f"{role}s"}
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", low) for n in names if n)


def present(text: str, characters: list[Character]) -> list[Character]:
    """The characters a beat shows: those it mentions, else the leads (at most two)."""
    named = [c for c in characters if _mentions(text, c)]
    return named[:3] or characters[:2]
