"""Named characters in a request ("a girl named Mia and her dog Rex"), with stable visual
descriptions for image prompts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from pixora.context.models import Character, character_id
from pixora.context.requests import CharacterSpec
from pixora.offline.writing.request import MAX_PROMPT_CHARS
from pixora.offline.writing.text import CJK_RE, article, clean_text, seeded_random
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


class _Cast(BaseModel):
    """`cast.yaml`: the words that name a character's role, and the kind each gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    people: tuple[str, ...]
    animals: dict[str, str] = Field(description="word -> species")
    creatures: tuple[str, ...]
    robots: tuple[str, ...]
    foreign_people: dict[str, str] = Field(description="word -> English role")
    foreign_animals: dict[str, str] = Field(description="word -> English species")
    plurals: dict[str, str] = Field(description="irregular plural -> singular")
    canonical: dict[str, str] = Field(description="role -> the role it draws as")


_CAST = _Cast.model_validate(yaml.safe_load(Path(__file__).with_name("cast.yaml").read_text()))
_ANIMAL_ROLES = tuple(_CAST.animals)
_CREATURES = frozenset(_CAST.creatures)
_ROBOTS = frozenset(_CAST.robots)
_FOREIGN_ROLES = {**_CAST.foreign_people, **_CAST.foreign_animals}
_CANONICAL = {**_CAST.canonical, **_CAST.animals}
_ROLES = (*_CAST.people, *_ANIMAL_ROLES, *_CAST.creatures, *_CAST.robots)
_PLURALS = _CAST.plurals


def _singular_role(word: str) -> str | None:
    """The role a word names, singular ("sisters" -> "sister"), or None."""
    w = word.lower()
    if w in _ROLES:
        return w
    if w in _PLURALS and _PLURALS[w] in _ROLES:
        return _PLURALS[w]
    for cut in ("es", "s"):
        if w.endswith(cut) and w[: -len(cut)] in _ROLES:
            return w[: -len(cut)]
    return None


def kind_of(role: str) -> str:
    """A character's kind from its role word: "person", an animal species, "robot" or
    "creature"."""
    role = _FOREIGN_ROLES.get(role, role)
    if role in _ROBOTS:
        return "robot"
    if role in _CREATURES:
        return "creature"
    return _CAST.animals.get(role, "person")


_ROLE_ALT = "|".join(sorted({*_ROLES, *(f"{r}s" for r in _ROLES), *(f"{r}es" for r in _ROLES),
                              *_PLURALS}, key=len, reverse=True))
_FROLE_ALT = "|".join(sorted((r for r in _FOREIGN_ROLES if not CJK_RE.search(r)), key=len,
                             reverse=True))
_JROLE_ALT = "|".join(sorted((r for r in _FOREIGN_ROLES if CJK_RE.search(r)), key=len,
                             reverse=True))
_DET = (r"(?:an?|the|one|two|three|four|five|\d{1,2}|his|her|their|my|our|its|your|this|that|"
        r"some|a\s+little|a\s+young|a\s+pair\s+of|a\s+couple\s+of|(?<=[.!?]\s)|^)")
_FDET = (r"(?:un|una|unos|unas|el|la|los|las|su|sus|une|le|les|son|sa|ses|ein|eine|einen|der|"
         r"die|das|dem|den|sein|seine|ihr|ihre)")
_ADJ = (r"((?:(?!(?:and|or|the|with|named|called|of|about|is|was|who|that)\b)"
        r"[a-z0-9][a-z0-9'-]*\s+){0,2}?)")
_HONORIFIC = (r"(?:(?:Sir|Dame|Lady|Lord|Captain|Capt\.|Dr\.?|Doctor|Mr\.?|Mrs\.?|Ms\.?|Miss|"
              r"Professor|Prof\.|Uncle|Aunt|Auntie|Grandma|Grandpa|Granny|Old|Little)\s+)?")
_NAME_ANY = rf"({_HONORIFIC}[^\W\d_][\w'-]*)"
_NAME_CAP = rf"({_HONORIFIC}[A-ZÀ-Ý][a-zà-ÿ][\w'-]*)"
_NAMED = (r"(?:named|called|nicknamed|llamad[oa]|que\s+se\s+llama|nommée?|appelée?|"
          r"qui\s+s'appelle|namens|genannt)")
_CHARACTER_RES = (
    # "a girl named Mia", "her dog called Rex", "una niña llamada Lucía", "ein Hund namens Bello"
    re.compile(rf"(?i:\b(?:{_DET}|{_FDET})\s+){_ADJ}(?i:({_ROLE_ALT}|{_FROLE_ALT}))\s*,?\s+"
               rf"(?i:{_NAMED})\s+{_NAME_ANY}"),
    # "her dog Pepper", "our first dog, Bruno", "die Katze Luna", "su perro Canela"
    re.compile(rf"(?i:\b(?:{_DET}|{_FDET})\s+){_ADJ}(?i:({_ROLE_ALT}|{_FROLE_ALT})),?\s+"
               rf"{_NAME_CAP}\b"),
    # "Rex the dog", "Biscuit, a ginger cat"
    re.compile(rf"\b{_NAME_CAP}(?:,\s+(?i:the|an?)|\s+(?i:the))\s+{_ADJ}(?i:({_ROLE_ALT}))\b"),
)
_TITLE_ROLES = {"grandpa": "grandfather", "grandma": "grandmother", "granny": "grandmother",
                "uncle": "man", "aunt": "woman", "auntie": "woman", "captain": "captain",
                "dr": "doctor", "doctor": "doctor", "mr": "man", "mrs": "woman", "ms": "woman",
                "miss": "woman", "professor": "teacher", "sir": "knight", "dame": "woman",
                "lady": "lady", "lord": "man", "abuela": "grandmother", "abuelo": "grandfather",
                "tía": "woman", "tío": "man", "oma": "grandmother", "opa": "grandfather",
                "mamie": "grandmother", "papi": "grandfather"}
_TITLED_RE = re.compile(
    r"\b(" + "|".join(sorted(_TITLE_ROLES, key=len, reverse=True)) + r")\.?\s+([A-Z][a-z][\w'-]*)",
    re.IGNORECASE,
)
_JA_NAMED_RES = (
    re.compile(rf"([\u30a0-\u30ffA-Za-z]{{2,8}})という({_JROLE_ALT})"),
    re.compile(rf"({_JROLE_ALT})の([\u30a0-\u30ff]{{2,8}})"),
)
_NOT_NAMES = {
    "create", "make", "generate", "show", "write", "tell", "produce", "build", "give", "imagine",
    "film", "draw", "render", "please", "the", "this", "that", "it", "he", "she", "they", "we",
    "my", "our", "video", "story", "and", "with", "who", "which", "when", "then", "while", "as",
    "in", "on", "at", "from", "for", "to", "is", "was", "named", "called", "about", "of", "if",
    "after", "before", "once", "one", "every", "each", "some", "all", "two", "three", "four",
    "what", "why", "how", "where", "these", "those", "his", "her", "their", "a", "an", "day",
    "shot", "scene", "step", "part", "finally", "first", "next", "later", "today", "tonight",
    "yesterday", "tomorrow", "suddenly", "meanwhile", "but", "so", "or", "because", "until",
    "since", "though", "although", "now", "here", "there", "soon", "also", "still", "just",
    "even", "only", "maybe", "perhaps", "yes", "no", "not", "never", "always", "sometimes",
    "el", "la", "los", "las", "un", "una", "le", "les", "une", "der", "die", "das", "ein",
    "eine", "y", "et", "und", "con", "avec", "mit", "que", "qui", "se", "sich", "has", "had",
    "cómo", "como", "qué", "por", "para", "cuando", "donde", "dónde", "pourquoi", "comment",
    "quand", "où", "wie", "warum", "wann", "wo", "wenn", "als", "dann", "heute", "hoy",
    "aujourd'hui", "mañana", "demain", "morgen", "ayer", "hier", "gestern", "sie", "er", "es",
    "ella", "él", "elle", "il", "ils", "elles", "ellos", "wir", "nous", "nosotros", "mi", "mon",
    "ma", "mes", "mein", "meine", "sein", "seine", "ihr", "ihre", "su", "sus", "son", "sa",
    "have", "gets", "goes", "runs", "finds", "meets", "loves", "wants", "lives", "walks",
}
_NOT_ADJECTIVES = {"story", "video", "about", "of", "and", "with", "named", "called", "film",
                   "tale", "the", "a", "an", "for", "who", "is", "late", "former", "dead",
                   "deceased"}
_AGE_WORDS = ("old", "young", "little", "elderly", "new", "baby")


@dataclass(frozen=True)
class _Found:
    name: str
    role: str
    adjectives: tuple[str, ...]
    position: int
    named: bool = True


def _adjectives(raw: str) -> tuple[str, ...]:
    words = raw.lower().split()
    if any(w in _NOT_ADJECTIVES for w in words):
        return ()
    out = []
    for w in words:
        out.append(w)
    return tuple(out)


def _is_name(word: str) -> bool:
    low = word.lower().removesuffix("'s").removesuffix("’s")
    return low not in _NOT_NAMES and _singular_role(low) is None and low not in _FOREIGN_ROLES


_PROPER_RE = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][a-zà-ÿ]+(?:['’]s)?)(?![\w-])")
_PLACE_WORDS = {"in", "at", "to", "from", "near", "across", "through", "of", "into", "around",
                "outside", "inside", "via", "towards", "toward", "en", "à", "a", "de", "nach",
                "aus", "bei", "zu", "im", "am", "the", "an", "visit", "visiting", "day",
                "shot", "scene", "step", "on", "by", "mr", "mrs", "ms", "dr"}
_VERB_AFTER_RE = re.compile(
    r"^(?:\s+(?:and|&|y|et|und)\s+[A-ZÀ-Ý]|['’]s\s)|^\s+(?:\w+(?:ed|s)|is|was|has|had|can|could|will|would|does|did|doesn't|didn't|sat|ran|"
    r"went|got|found|took|made|saw|came|left|stood|sang|ate|fell|flew|swam|wrote|met|knew|"
    r"felt|heard|lost|won|built|bought|brought|taught|caught|kept|slept|held|told|said|"
    r"began|became|broke|drove|gave|grew|hid|rode|spoke|stole|threw|woke|wore)\b")
"""A verb, a possessive or another name after a sentence's first word marks it as a name
("Nora sat", "Mia and Theo", "Dan's speech")."""
_SENTENCE_END_RE = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(¿¡]\s*)$")


_FAMILY_RE = re.compile(
    r"(?<![\w'’-])(Grandpa|Grandma|Granny|Nana|Mom|Mum|Dad|Papa|Mama|Oma|Opa|Abuela|Abuelo|"
    r"Mamie|Papi|Grand-mère|Grand-père)(?![\w-])")
_FAMILY_ROLES = {"grandpa": "grandfather", "grandma": "grandmother", "granny": "grandmother",
                 "nana": "grandmother", "mom": "mother", "mum": "mother", "dad": "father",
                 "papa": "father", "mama": "mother", "oma": "grandmother", "opa": "grandfather",
                 "abuela": "grandmother", "abuelo": "grandfather", "mamie": "grandmother",
                 "papi": "grandfather", "grand-mère": "grandmother", "grand-père": "grandfather"}


def _proper_names(text: str, known: set[str]) -> list[_Found]:
    """People named without a role word ("Walter and Ines", "6-year-old Lily"): capitalised
    words that are not function words, roles or places (after "in", "to", "from"...). A
    sentence's first word counts only when it is capitalised elsewhere too, or known."""
    counts: dict[str, int] = {}
    for m in _PROPER_RE.finditer(text):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    found = []
    for m in _PROPER_RE.finditer(text):
        word = m.group(1)
        name = re.sub(r"['’]s$", "", word)
        before = text[: m.start()]
        prev = re.findall(r"[\w'’]+", before[-20:].lower())
        if not _is_name(name) or name.lower() in known or (prev and prev[-1] in _PLACE_WORDS):
            continue
        starts_sentence = bool(_SENTENCE_END_RE.search(before))
        others = sum(n for w, n in counts.items() if re.sub(r"['’]s$", "", w) == name)
        after = text[m.end(): m.end() + 30]
        if starts_sentence and others < 2 and not _VERB_AFTER_RE.match(after):
            continue
        if re.match(r"\s+[A-ZÀ-Ý][a-zà-ÿ]", after) or re.search(r"[A-ZÀ-Ý][a-zà-ÿ]+\s+$", before):
            continue
        found.append(_Found(name, "person", (), m.start()))
        known.add(name.lower())
    for m in _FAMILY_RE.finditer(text):
        follower = text[m.end(): m.end() + 20]
        if m.group(1).lower() not in known and not re.match(r"\s+[A-ZÀ-Ý]", follower):
            found.append(_Found(m.group(1), _FAMILY_ROLES[m.group(1).lower()], (), m.start()))
            known.add(m.group(1).lower())
    return found


def _named(text: str) -> list[_Found]:
    found: list[_Found] = []
    for i, pattern in enumerate(_CHARACTER_RES):
        for m in pattern.finditer(text):
            if i < 2:
                adjs, role, name = m.group(1), m.group(2), m.group(3)
            else:
                name, adjs, role = m.group(1), m.group(2), m.group(3)
            name = re.sub(r"['’]s$", "", name)
            if not _is_name(name):
                continue
            role = _FOREIGN_ROLES.get(role.lower()) or _singular_role(role) or role.lower()
            found.append(_Found(name[:1].upper() + name[1:], role, _adjectives(adjs), m.start()))
    for m in _TITLED_RE.finditer(text):
        title, name = m.group(1), re.sub(r"['’]s$", "", m.group(2))
        if title[:1].isupper() and _is_name(name):
            full = f"{title[:1].upper()}{title[1:]} {name}"
            found.append(_Found(full, _TITLE_ROLES[title.lower()], (), m.start()))
    for k, pattern in enumerate(_JA_NAMED_RES):
        for m in pattern.finditer(text):
            name, role = (m.group(1), m.group(2)) if k == 0 else (m.group(2), m.group(1))
            found.append(_Found(name, _FOREIGN_ROLES[role], (), m.start()))
    return found


_ROLE_RE = re.compile(
    rf"(?i:\b{_DET}\s+){_ADJ}(?i:\b({_ROLE_ALT}))\b(?!\s+(?:named|called))")
_OWNERS = {"his", "her", "their", "my", "our", "your", "its"}
"""A role owned in the possessive ("their late father's bakery") is not in the story."""
_FROLE_RE = re.compile(rf"(?i:\b{_FDET}\s+){_ADJ}(?i:\b({_FROLE_ALT}))\b")
_JROLE_RE = re.compile(rf"({_JROLE_ALT})")


_ACTS_AFTER_RE = re.compile(r"^(?:\s*(?:,|and\b|&|who\b|that\b|with\b)|\s+\w+(?:s|ed)\b|"
                            r"\s+(?:is|was|are|were|has|had|can|will|become|have|meet|play|"
                            r"live|love|go|run|find|get|see|want|like|share|walk|fly|swim|eat|"
                            r"sleep|sit|wait|try|learn|decide|start|build|explore|dance|sing|"
                            r"race|chase|help|hide|climb|jump|dream|wake)\b)")


def _acts(text: str, m: re.Match[str]) -> bool:
    """Whether an animal a request mentions without a name acts in it ("a cat and a dog are
    friends", "the fox runs") rather than being a thing in it ("buys a fish")."""
    if _ACTS_AFTER_RE.match(text[m.end():]) or _VERB_AFTER_RE.match(text[m.end():]):
        return True
    sentence = re.split(r"[.!?]\s", text[: m.start()])[-1]
    return len(sentence.split()) <= 2  # "lonely snowman."


_COUNTED = {"two": 2, "three": 3}
_ORDINALS = ("first", "second", "third")


def _unnamed(text: str) -> list[_Found]:
    """Characters a story implies without a name ("two retired sisters", "an old man"),
    named by their role ("the sisters", "the old man"; other languages: the role word)."""
    found: list[_Found] = []
    for pattern in (_ROLE_RE, _FROLE_RE):
        for m in pattern.finditer(text):
            word = m.group(2).lower()
            role = _FOREIGN_ROLES.get(word) or _singular_role(word)
            possessive = text[m.end(): m.end() + 2] in ("'s", "’s")
            owned = m.group(0).split()[0].lower() in _OWNERS
            if role is None or (possessive and owned):
                continue
            if role in _CAST.animals and not _acts(text, m):
                continue
            adjectives = _adjectives(m.group(1))
            if pattern is _ROLE_RE:
                age = [a for a in adjectives if a in _AGE_WORDS]
                count = _COUNTED.get(m.group(0).split()[0].lower(), 1) if word != role else 1
                if count > 1:
                    found += [_Found(f"the {ordinal} {role}", role, adjectives, m.start() + k,
                                     named=False) for k, ordinal in enumerate(_ORDINALS[:count])]
                    continue
                name = " ".join(("the", *age, word))
            else:
                name = word
            found.append(_Found(name, role, adjectives, m.start(), named=False))
    for m in _JROLE_RE.finditer(text):
        found.append(_Found(m.group(1), _FOREIGN_ROLES[m.group(1)], (), m.start(), named=False))
    return found


def _find_characters(text: str, story: bool) -> list[_Found]:
    named = _named(text)
    if story:
        named += _proper_names(text, {f.name.lower() for f in named}
                               | {w.lower() for f in named for w in f.name.split()})
    found = list(named)
    if story:
        roles = {f.role for f in named}
        for f in _unnamed(text):
            near_named = any(abs(n.position - f.position) <= 40 and n.role == f.role
                             for n in named)
            if not near_named and (f.role not in roles or f.name not in {g.name for g in found}):
                found.append(f)
                roles.add(f.role)
    unique: dict[str, _Found] = {}
    for f in sorted(found, key=lambda f: f.position):
        unique.setdefault(re.sub(r"[^\w]+", " ", f.name.lower()).strip(), f)
    return list(unique.values())[:MAX_CHARACTERS]


def _describe(found: _Found) -> str:
    rng = seeded_random("character", found.name, found.role)
    role = _CANONICAL.get(found.role, found.role)
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


def extract_characters(text: str, *, story: bool = False) -> list[Character]:
    """Characters in a request, in order of appearance: named ones ("a girl named Mia and her
    dog Rex", "an astronaut called Lena", "Rex the dog", "una niña llamada Lucía", "ein Hund
    namens Bello", "ミケという猫") and, in a `story`, the ones it implies without a name,
    named by role ("two retired sisters" -> "the sisters"). A function word is never a name.
    The first is the protagonist; animals with a human lead are companions. Each has a kind
    ("person", a species, "robot", "creature") and a description of visual traits."""
    found = _find_characters(clean_text(text or "", MAX_PROMPT_CHARS), story)
    taken: set[str] = set()
    out = []
    for i, f in enumerate(found):
        if i == 0:
            role = f"protagonist, {f.role}"
        elif f.role in _ANIMAL_ROLES:
            role = f"companion, {f.role}"
        else:
            role = f"supporting character, {f.role}"
        out.append(Character(id=character_id(f.name, taken), name=f.name, kind=kind_of(f.role),
                             role=role, description=_describe(f)))
    return out




def specs_of(characters: Iterable[Character]) -> tuple[CharacterSpec, ...]:
    """What a writer is asked for about each character: name, kind, and traits (its role
    with the words the request gave it, e.g. "retired sister")."""
    out = []
    for c in characters:
        role = c.role.split(", ")[-1]
        head = role_phrase(c).removeprefix("an ").removeprefix("a ")
        out.append(CharacterSpec(name=c.name[:60], kind=c.kind,
                                 traits=head if role in head else f"{head} {role}".strip()))
    return tuple(out)


def cast_from_specs(specs: Iterable[CharacterSpec]) -> list[Character]:
    """Characters from what a user or a model asked for: each keeps its name and kind; its
    description is its traits when they say more than an age and a role ("eight, red
    raincoat, curly hair"), else visual traits drawn for its role as `extract_characters`
    does."""
    taken: set[str] = set()
    out = []
    for i, spec in enumerate(specs):
        words = re.findall(r"[\w'-]+", f"{spec.traits} {spec.name}".lower())
        role = next((r for w in reversed(words) if (r := _singular_role(w) or
                     _FOREIGN_ROLES.get(w))), spec.kind if spec.kind != "person" else "person")
        plain = all(w in _AGE_WORDS or _singular_role(w) or w.endswith("-year-old")
                    for w in spec.traits.lower().split())
        adjectives = tuple(w for w in spec.traits.lower().split()
                           if not _singular_role(w) and w != "person")
        found = _Found(spec.name, role, adjectives if plain else (), i)
        description = _describe(found) if plain else spec.traits.strip().rstrip(".")
        label = "protagonist" if i == 0 else "companion" if spec.kind not in (
            "person", "robot", "creature") else "supporting character"
        out.append(Character(id=character_id(spec.name, taken), name=spec.name,
                             kind=spec.kind, role=f"{label}, {role}", description=description))
    return out


def narrator() -> Character:
    """The person telling a first-person story ("my first apartment"), drawn in every scene
    the story shows no one else in."""
    return Character(id="narrator", name="the narrator", kind="person",
                     role="protagonist, narrator",
                     description="a person in their thirties with short dark hair, wearing a "
                                 "denim jacket")


def role_phrase(character: Character) -> str:
    """ "a young astronaut" from a character's description (its words up to "with")."""
    head = character.description.split(" with ")[0].split(",")[0].strip()
    return head or "a hero"

