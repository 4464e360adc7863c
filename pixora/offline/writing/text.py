"""Plain-text helpers for the writer: casing, articles, whole-word patterns and stable seeds.

Seeds come from a SHA-256 of their parts, never from Python's salted `hash()`, so the same
request gives the same breakdown in every process.
"""

from __future__ import annotations

import hashlib
import random

from pixora.context.text import CJK_RE, clean_text, has_cjk, word_count

__all__ = ["CJK_RE", "clean_text", "has_cjk", "word_count"]  # re-exported for the writer

DANGLING_WORDS = {"a", "an", "the", "of", "at", "to", "in", "on", "and", "or", "with", "for",
                  "by", "from", "but", "is", "are", "was", "were", "its", "their", "his", "her",
                  "my", "our", "your", "that", "which", "as", "into", "like", "than", "so", "be"}
"""Words a phrase must not end on (articles, prepositions, conjunctions, possessives)."""

_TITLE_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to",
                      "for", "with", "by", "from", "as", "vs", "via", "into", "over"}


def sentence_case(text: str) -> str:
    """`text` with its first character upper-cased."""
    return text[:1].upper() + text[1:] if text else text


def title_case(text: str) -> str:
    """`text` in title case: all-lowercase words capitalised, except small words (articles,
    short prepositions, conjunctions) that are neither first nor last."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if w.islower() and (i == 0 or i == len(words) - 1 or w not in _TITLE_SMALL_WORDS):
            w = w[:1].upper() + w[1:]
        out.append(w)
    return " ".join(out)


def article(word: str) -> str:
    """ "an" before a vowel letter, else "a"."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def standalone(alternatives: str) -> str:
    """A regular expression matching the `alternatives` pattern only as whole words: not
    preceded or followed by a word character or a hyphen."""
    return rf"(?<![\w-])(?:{alternatives})(?![\w-])"


def stable_int(*parts: object) -> int:
    """A 64-bit integer from the SHA-256 of `parts` (as strings), the same in every process."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def seeded_random(*parts: object) -> random.Random:
    """A random generator seeded with `stable_int(*parts)`."""
    return random.Random(stable_int(*parts))
