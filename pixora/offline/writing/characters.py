"""Named characters in a request ("a girl named Mia and her dog Rex"), with stable visual
descriptions for image prompts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pixora.context.models import Character
from pixora.offline.writing.request import MAX_PROMPT_CHARS
from pixora.offline.writing.text import article, clean_text, seeded_random
from pixora.offline.writing.vocabulary import (
    ANIMAL_COLORS,
    ANIMAL_FEATURES,
    ANIMAL_SIZES,
    FANTASY_LOOKS,
    HAIR,
    OLD_ROLES,
    OUTFITS,
    ROLE_OUTFITS,
    YOUNG_ROLES,
)

MAX_CHARACTERS = 6


_HUMAN_ROLES = (
    "girl", "boy", "man", "woman", "child", "kid", "teenager", "teen", "baby", "astronaut",
    "knight", "princess", "prince", "king", "queen", "wizard", "witch", "detective",
    "scientist", "teacher", "doctor", "nurse", "farmer", "sailor", "pilot", "explorer", "chef",
    "artist", "musician", "grandmother", "grandfather", "grandma", "grandpa", "mother",
    "father", "mom", "dad", "sister", "brother", "friend", "pirate", "soldier", "student",
    "engineer", "inventor", "dancer", "singer", "fisherman", "captain", "hero", "heroine",
    "traveler", "traveller", "adventurer", "baker", "painter", "writer", "poet", "runner",
    "athlete", "climber", "photographer", "mermaid", "gardener", "librarian", "lady",
    "gentleman", "daughter", "son", "neighbor", "robot",
)
_ANIMAL_ROLES = (
    "dog", "puppy", "cat", "kitten", "fox", "bear", "owl", "rabbit", "bunny", "horse", "pony",
    "bird", "parrot", "turtle", "mouse", "lion", "tiger", "elephant", "penguin", "wolf",
    "dolphin", "whale", "squirrel", "frog", "duck", "hamster", "cow", "pig", "goat", "monkey",
    "panda", "deer", "dragon", "unicorn",
)
_FANTASY_ROLES = ("alien", "ghost", "monster", "fairy", "elf", "android")
_ROLES = (*_HUMAN_ROLES, *_ANIMAL_ROLES, *_FANTASY_ROLES)
_ROLE_ALT = "|".join(sorted(_ROLES, key=len, reverse=True))
_DET = r"(?:an?|the|one|his|her|their|my|our|its|a\s+little|a\s+young)"
_ADJ = r"((?:(?!(?:and|or|the|with|named|called|of|about|is|was)\b)[a-z][a-z-]*\s+){0,2}?)"
_HONORIFIC = (r"(?:(?:Sir|Dame|Lady|Lord|Captain|Capt\.|Dr\.?|Doctor|Mr\.?|Mrs\.?|Ms\.?|Miss|"
              r"Professor|Prof\.|Uncle|Aunt|Auntie|Grandma|Grandpa|Granny|Old|Little)\s+)?")
_NAME_ANY = rf"({_HONORIFIC}[^\W\d_][\w'-]*)"
_NAME_CAP = rf"({_HONORIFIC}[A-Z][a-z][\w'-]*)"
_CHARACTER_RES = (
    re.compile(rf"(?i:\b{_DET}\s+){_ADJ}(?i:({_ROLE_ALT}))\s*,?\s+(?i:named|called)\s+{_NAME_ANY}"),
    re.compile(rf"(?i:\b{_DET}\s+){_ADJ}(?i:({_ROLE_ALT}))\s+{_NAME_CAP}\b"),
    re.compile(rf"\b{_NAME_CAP},?\s+(?i:the|an?)\s+{_ADJ}(?i:({_ROLE_ALT}))\b"),
)
_NOT_NAMES = {"create", "make", "generate", "show", "write", "tell", "produce", "build",
              "give", "imagine", "film", "draw", "render", "please", "the", "this", "that",
              "it", "he", "she", "they", "we", "my", "our", "video", "story", "and", "with",
              "who", "which", "when", "then", "while", "as", "in", "on", "at", "from", "for",
              "to", "is", "was", "named", "called", "about", "of"}
_NOT_ADJECTIVES = {"story", "video", "about", "of", "and", "with", "named", "called", "film",
                   "tale", "the", "a", "an", "for", "who", "is"}


@dataclass(frozen=True)
class _Found:
    name: str
    role: str
    adjectives: tuple[str, ...]
    position: int


def character_id(name: str, taken: set[str]) -> str:
    """A url-safe id for `name` (accents folded), unique among `taken`, which it joins."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "character"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug


def _find_characters(text: str) -> list[_Found]:
    found: dict[str, _Found] = {}
    for i, pattern in enumerate(_CHARACTER_RES):
        for m in pattern.finditer(text):
            if i < 2:
                adjs, role, name = m.group(1), m.group(2), m.group(3)
            else:
                name, adjs, role = m.group(1), m.group(2), m.group(3)
            if name.lower() in _NOT_NAMES or name.lower() in _ROLES:
                continue
            name = name[:1].upper() + name[1:]
            adjectives = tuple(a for a in adjs.lower().split() if a not in _NOT_ADJECTIVES)
            if any(a in _NOT_ADJECTIVES for a in adjs.lower().split()):
                adjectives = ()
            key = name.lower()
            if key not in found or m.start() < found[key].position:
                found[key] = _Found(name, role.lower(), adjectives, m.start())
    return sorted(found.values(), key=lambda f: f.position)[:MAX_CHARACTERS]


def _describe(found: _Found) -> str:
    rng = seeded_random("character", found.name, found.role)
    role = found.role
    if role in FANTASY_LOOKS:
        return FANTASY_LOOKS[role]
    adjs = " ".join(found.adjectives)
    if role in _ANIMAL_ROLES:
        words = " ".join(w for w in (adjs or rng.choice(ANIMAL_SIZES), rng.choice(ANIMAL_COLORS),
                                     role) if w)
        return f"{article(words)} {words} with {rng.choice(ANIMAL_FEATURES)}"
    age = ""
    if not adjs:
        age = "young" if role in YOUNG_ROLES else "elderly" if role in OLD_ROLES else ""
    words = " ".join(w for w in (adjs or age, role) if w)
    outfit = ROLE_OUTFITS.get(role, rng.choice(OUTFITS))
    return f"{article(words)} {words} with {rng.choice(HAIR)} hair, wearing {outfit}"


def extract_characters(text: str) -> list[Character]:
    """Named characters in a request ("a girl named Mia and her dog Rex", "an astronaut called
    Lena", "Rex the dog"), in order of appearance: the first is the protagonist; animals with
    a human lead are companions. Descriptions carry visual traits for image prompts."""
    found = _find_characters(clean_text(text or "", MAX_PROMPT_CHARS))
    taken: set[str] = set()
    out = []
    for i, f in enumerate(found):
        if i == 0:
            role = f"protagonist, {f.role}"
        elif f.role in _ANIMAL_ROLES:
            role = f"companion, {f.role}"
        else:
            role = f"supporting character, {f.role}"
        out.append(Character(id=character_id(f.name, taken), name=f.name, role=role,
                             description=_describe(f)))
    return out


def role_phrase(character: Character) -> str:
    """ "a young astronaut" from a character's description (its words up to "with")."""
    head = character.description.split(" with ")[0].split(",")[0].strip()
    return head or "a hero"

