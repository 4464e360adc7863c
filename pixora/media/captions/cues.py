"""Caption cues on the final timeline: each scene's narration words grouped into cues of at
most two lines of at most `MAX_LINE` columns, each shown 1-7 s, never across a scene cut.

Times are seconds on the final timeline. A scene's words are placed by the caller (narration
start = scene start + lead, sped up as the composer speeds the narration; see
`pixora.media.composition.plan.narration_placements`). A cue never leaves its scene's
narration window (from the narration's start to where the timeline's tail before the next
scene begins), so no cue crosses a cut.

Line length is counted in columns: a CJK character takes two (so a CJK line holds at most 21
characters), anything else one. Text without spaces between words (CJK) is broken between
characters; a single word longer than a line (a long URL) is broken inside it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pixora.media.captions.words import Word, is_cjk

MAX_LINE = 42
"""Columns a caption line may hold."""
MAX_LINES = 2
MIN_CUE_S = 1.0
MAX_CUE_S = 7.0
HOLD_S = 0.3
"""A cue stays this long after its last word ends (room permitting), for reading."""
PAUSE_BREAK_S = 0.6
"""A silence at least this long between words ends a cue (once it has lasted MIN_CUE_S)."""
SENTENCE_END = tuple(".!?。！？…")


@dataclass(frozen=True)
class Cue:
    """One caption on screen: `lines` of text from `start_s` to `end_s`, made of `words`
    (timed), in scene `scene` (1-based)."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]
    words: tuple[Word, ...]
    scene: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class SceneWords:
    """A scene's narration words on the final timeline, and the narration window they must
    stay in, (start, end) in seconds."""

    scene: int
    words: tuple[Word, ...]
    window: tuple[float, float]


def width(text: str) -> int:
    """Columns `text` takes: 2 for a wide (CJK) character, 0 for a combining mark, else 1."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in text)


def join(tokens: Sequence[str]) -> str:
    """Tokens as one line: a space between tokens, none between two CJK tokens."""
    out = ""
    for t in tokens:
        if out and not (is_cjk(out[-1]) and t and (is_cjk(t[0]) or not t[0].isalnum())):
            out += " "
        out += t
    return out


def _split_long(token: str, limit: int) -> list[str]:
    parts, buf = [], ""
    for c in token:
        if buf and width(buf + c) > limit:
            parts.append(buf)
            buf = ""
        buf += c
    return [*parts, buf] if buf else parts


def line_groups(tokens: Sequence[str], limit: int = MAX_LINE) -> list[list[int]]:
    """The indices of `tokens` on each line when they are broken into lines of at most
    `limit` columns: as few lines as possible, two lines balanced. A token wider than `limit`
    gets a line of its own (split it first: `display_tokens`)."""
    toks = list(tokens)
    if not toks:
        return []
    if width(join(toks)) <= limit:
        return [list(range(len(toks)))]
    best: tuple[int, int] | None = None
    for k in range(1, len(toks)):
        a, b = width(join(toks[:k])), width(join(toks[k:]))
        if a <= limit and b <= limit and (best is None or max(a, b) < best[0]):
            best = (max(a, b), k)
    if best is not None:
        return [list(range(best[1])), list(range(best[1], len(toks)))]
    lines: list[list[int]] = [[]]
    for i, t in enumerate(toks):
        if lines[-1] and width(join([*(toks[j] for j in lines[-1]), t])) > limit:
            lines.append([])
        lines[-1].append(i)
    return lines


def display_tokens(tokens: Sequence[str], limit: int = MAX_LINE) -> list[tuple[int, str]]:
    """`tokens` as (token index, text) with every token wider than `limit` split in pieces
    that fit."""
    return [(i, p) for i, t in enumerate(tokens)
            for p in (_split_long(t, limit) if width(t) > limit else [t])]


def break_lines(tokens: Sequence[str], limit: int = MAX_LINE) -> list[str]:
    """`tokens` as lines of at most `limit` columns, as few lines as possible, the break
    placed to balance two lines; words wider than a line are split inside."""
    toks = [p for _, p in display_tokens(tokens, limit)]
    return [join([toks[j] for j in g]) for g in line_groups(toks, limit)]


def _spoken(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def build_cues(scenes: Sequence[SceneWords], max_line: int = MAX_LINE) -> list[Cue]:
    """Cues for every scene, in time order (see the module docstring), lines of at most
    `max_line` columns (a burned-in style on a narrow frame asks for fewer)."""
    cues: list[Cue] = []
    for sw in scenes:
        cues.extend(_scene_cues(sw, min(max_line, MAX_LINE)))
    return cues


def _scene_cues(sw: SceneWords, max_line: int) -> list[Cue]:
    def fits(ws: Sequence[Word]) -> bool:
        return len(break_lines([w.text for w in ws], max_line)) <= MAX_LINES

    lo, hi = sw.window
    words = [Word(w.text, min(max(w.start_s, lo), hi), min(max(w.end_s, lo), hi))
             for w in sw.words if w.text.strip()]
    groups: list[list[Word]] = []
    cur: list[Word] = []
    for w in words:
        if cur:
            dur = w.end_s - cur[0].start_s
            gap = w.start_s - cur[-1].end_s
            long_enough = cur[-1].end_s - cur[0].start_s >= MIN_CUE_S
            said = [x for x in cur if _spoken(x.text)] or cur
            sentence = said[-1].text.endswith(SENTENCE_END)
            if (dur > MAX_CUE_S or not fits([*cur, w])  # an emoji stays with its sentence
                    or (_spoken(w.text) and long_enough and (sentence or gap >= PAUSE_BREAK_S))):
                groups.append(cur)
                cur = []
        cur.append(w)
    if cur:
        groups.append(cur)
    cues = []
    for i, g in enumerate(groups):
        start = g[0].start_s
        limit = groups[i + 1][0].start_s if i + 1 < len(groups) else hi
        end = max(g[-1].end_s + HOLD_S, start + MIN_CUE_S)
        end = min(end, limit, start + MAX_CUE_S)
        end = max(end, min(g[-1].end_s, start + MAX_CUE_S))
        cues.append(Cue(start, end, tuple(break_lines([w.text for w in g], max_line)), tuple(g),
                        sw.scene))
    return cues


def shift(cues: Sequence[Cue], offsets: Sequence[float]) -> list[Cue]:
    """`cues` moved by `offsets[cue.scene - 1]` seconds (scene time to the final timeline)."""
    out = []
    for c in cues:
        d = offsets[c.scene - 1]
        out.append(Cue(c.start_s + d, c.end_s + d, c.lines,
                       tuple(Word(w.text, w.start_s + d, w.end_s + d) for w in c.words),
                       c.scene))
    return out
