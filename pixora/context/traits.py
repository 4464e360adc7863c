"""A character's structured visual traits, derived from its description and edited by name.

`derive_traits` reads age, build, hair (or fur), skin, outfit and its colours and distinctive
marks from a description ("a young girl with curly red hair, wearing a yellow raincoat");
whatever it does not say is chosen from a seed of the character's id, so a character looks
the same every time it is read. `edit_traits` applies a plain-language edit ("give Mia a
yellow raincoat", "make Mia's coat yellow"); `traits_text` says the traits in words for
image prompts. Colours are names from `COLORS` (RGB 0..255 each).
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RGB = tuple[int, int, int]

COLORS: dict[str, RGB] = {
    "red": (196, 40, 48), "crimson": (170, 20, 50), "scarlet": (220, 36, 36),
    "orange": (236, 128, 36), "amber": (240, 170, 40), "gold": (222, 180, 60),
    "golden": (222, 180, 60), "yellow": (240, 210, 60), "green": (56, 150, 80),
    "emerald": (20, 140, 100), "olive": (110, 120, 50), "teal": (20, 130, 140),
    "turquoise": (60, 200, 200), "cyan": (40, 200, 230), "blue": (50, 90, 200),
    "navy": (24, 36, 90), "azure": (70, 150, 230), "purple": (120, 60, 170),
    "violet": (140, 80, 200), "lavender": (180, 160, 220), "pink": (236, 130, 170),
    "magenta": (210, 40, 160), "brown": (110, 70, 40), "chestnut": (130, 60, 30),
    "black": (24, 24, 28), "white": (238, 238, 234), "grey": (130, 130, 136),
    "gray": (130, 130, 136), "silver": (190, 194, 200), "blonde": (230, 200, 120),
    "blond": (230, 200, 120), "auburn": (150, 60, 30), "ginger": (200, 90, 40),
    "beige": (220, 200, 170), "maroon": (110, 20, 40), "copper": (184, 110, 60),
    "bronze": (170, 120, 60), "cream": (236, 222, 190), "tan": (196, 150, 100),
    "sandy": (214, 180, 130), "chocolate": (92, 56, 34), "dark": (40, 30, 24),
    "denim": (70, 100, 150),
}
"""Colour names a trait may use, with the RGB they are drawn in."""

SKINS: dict[str, RGB] = {
    "pale": (246, 222, 204), "fair": (240, 212, 190), "light": (236, 196, 164),
    "tan": (206, 156, 116), "olive": (196, 152, 110), "brown": (150, 100, 70),
    "dark": (110, 72, 50),
}
"""Skin tones by name, RGB."""

Age = Literal["child", "teen", "adult", "elderly"]
Build = Literal["slim", "average", "sturdy"]

OUTFITS = ("raincoat", "coat", "jacket", "sweater", "hoodie", "dress", "shirt", "overalls",
           "cardigan", "spacesuit", "armor", "robe", "gown", "uniform", "suit", "scarf",
           "windbreaker", "peacoat", "apron", "cloak", "vest", "t-shirt", "collar", "bandana",
           "plating")
"""Garment words (for an animal its collar or bandana, for a robot its plating)."""
_GARMENT_ALIASES = {"coat": ("raincoat", "peacoat", "coat"), "jacket": ("jacket",
                    "windbreaker"), "top": OUTFITS}
MARKS = ("glasses", "freckles", "beard", "moustache", "hat", "cap", "scar", "patch", "spots",
         "stripes", "wings", "antenna", "bow", "earrings", "tattoo")
"""Distinctive marks a description may name."""
SPECIES_COLOR = {"fox": "ginger", "bear": "brown", "horse": "chestnut", "fish": "orange",
                 "goldfish": "orange", "panda": "white", "lion": "golden", "tiger": "orange",
                 "frog": "green", "owl": "brown", "penguin": "black", "creature": "teal"}
"""The fur colour a species has when its description names none."""
HAIR_STYLES = ("short", "long", "curly", "braided", "wavy", "cropped", "bald", "ponytail")
_STYLE_WORDS = {"shoulder-length": "long", "silver-streaked": "short"}

_CHILD = re.compile(r"\b(girl|boy|child|kid|toddler|baby|daughter|son|young|little|puppy|"
                    r"kitten|\d-year-old)\b")
_TEEN = re.compile(r"\b(teen|teenager|teenage|student|1[3-9]-year-old)\b")
_OLD = re.compile(r"\b(?<!-)(old|elderly|grand(?:father|mother|ma|pa)|granny|retired|aged|"
                  r"silver-haired|widow\w*)\b")
_SLIM = re.compile(r"\b(slim|thin|slender|lanky|skinny|petite|tall)\b")
_STURDY = re.compile(r"\b(stocky|broad|big|burly|sturdy|chubby|round|plump|heavy|large)\b")
_COLOR_RE = "|".join(sorted(COLORS, key=len, reverse=True))
_HAIR_RE = re.compile(rf"\b({_COLOR_RE})\b(?:[\w\s,-]{{0,16}}?)\b(hair|fur|mane|coat|feathers"
                      rf"|scales)\b")
_SKIN_RE = re.compile(r"\b(pale|fair|light|tan|olive|brown|dark)[- ](?:skin|skinned)\b")


class Traits(BaseModel):
    """What a character looks like. Colours are `COLORS` names, `skin` a `SKINS` name.

    hair: colour of the hair (a person) or of the fur, feathers or plating (others).
    outfit: the main garment ("raincoat"); for an animal its collar or bandana, "" for none.
    accent: a second colour (trousers, scarf, markings).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    age: Age = "adult"
    build: Build = "average"
    hair: str = "brown"
    hair_style: str = "short"
    skin: str = "light"
    outfit: str = ""
    outfit_color: str = "blue"
    accent: str = "grey"
    marks: list[str] = Field(default_factory=list)


def _pick(seed: bytes, salt: str, options: tuple[str, ...]) -> str:
    h = hashlib.sha256(seed + salt.encode()).digest()
    return options[int.from_bytes(h[:4], "big") % len(options)]


def _age(text: str) -> Age | None:
    if _OLD.search(text):
        return "elderly"
    return "child" if _CHILD.search(text) else "teen" if _TEEN.search(text) else None


def _colors_before(text: str, word: str) -> str | None:
    m = re.search(rf"\b({_COLOR_RE})\b(?:[ -](?:and[ -])?\w+)?[ -]{re.escape(word)}\b", text)
    return m.group(1) if m else None


def derive_traits(cid: str, kind: str, description: str, name: str = "") -> Traits:
    """The traits a description says, the rest chosen from a seed of `cid` (stable).

    kind: "person", an animal species, "robot" or "creature" (sets what hair and outfit
    mean and the defaults).
    """
    text = f"{description} {name}".lower()
    seed = cid.encode()
    person = kind == "person"
    age = next((a for a in map(_age, (description.lower(), text)) if a), "adult")
    build: Build = "slim" if _SLIM.search(text) else "sturdy" if _STURDY.search(text) else (
        _pick(seed, "build", ("slim", "average", "average", "sturdy")))  # type: ignore[assignment]
    hair_m = _HAIR_RE.search(text)
    if hair_m:
        hair = hair_m.group(1)
    elif not person:
        first = re.search(rf"\b({_COLOR_RE})\b", text)
        hair = first.group(1) if first else SPECIES_COLOR.get(kind) or _pick(
            seed, "fur", ("silver", "white", "grey") if kind == "robot" else
            ("brown", "ginger", "black", "cream", "grey", "golden"))
    else:
        hair = "silver" if age == "elderly" else _pick(
            seed, "hair", ("dark", "brown", "blonde", "black", "auburn", "chestnut"))
    style = next((s for s in HAIR_STYLES if re.search(rf"\b{s}\b", text)), None) or next(
        (v for w, v in _STYLE_WORDS.items() if w in text), _pick(seed, "style", HAIR_STYLES[:6]))
    skin_m = _SKIN_RE.search(text)
    skin = skin_m.group(1) if skin_m else _pick(seed, "skin", tuple(SKINS))
    outfit = next((o for o in OUTFITS if re.search(rf"\b{re.escape(o)}s?\b", text)), "")
    if not outfit and person:
        outfit = _pick(seed, "outfit", ("jacket", "sweater", "coat", "shirt", "hoodie"))
    used = {hair}
    outfit_color = (_colors_before(text, outfit) if outfit else None) or next(
        (w for w in re.findall(rf"\b(?:{_COLOR_RE})\b", text) if w not in used), None) or (
        _pick(seed, "outfit_color", ("red", "blue", "green", "yellow", "orange", "purple",
                                     "teal", "pink")))
    used.add(outfit_color)
    accent = next((w for w in re.findall(rf"\b(?:{_COLOR_RE})\b", text) if w not in used),
                  None) or _pick(seed, "accent", ("navy", "grey", "brown", "black", "denim"))
    marks = [m for m in MARKS if re.search(rf"\b{m}\b", text)]
    return Traits(age=age, build=build, hair=hair, hair_style=style if person else "",
                  skin=skin, outfit=outfit, outfit_color=outfit_color, accent=accent,
                  marks=marks)


def traits_text(kind: str, t: Traits) -> str:
    """The traits in words for an image prompt, e.g. "child person, slim build, short auburn
    hair, light skin, wearing a yellow raincoat, navy accents, freckles"."""
    if kind == "person":
        parts = [f"{t.age} person", f"{t.build} build", f"{t.hair_style} {t.hair} hair".strip(),
                 f"{t.skin} skin"]
    else:
        covering = "plating" if kind == "robot" else "fur"
        parts = [f"{t.age} {kind}", f"{t.build} build", f"{t.hair} {covering}"]
    if t.outfit:
        parts.append(f"wearing a {t.outfit_color} {t.outfit}")
    else:
        parts.append(f"{t.outfit_color} markings")
    parts.append(f"{t.accent} accents")
    parts += t.marks
    return ", ".join(parts)


_GIVE_RE = re.compile(rf"\b(?:give|dress|put)\s+(?P<who>[\w'’-]+(?:\s+(?!(?:an?|the|in)\b)"
                      rf"[\w'-]+)?)\s+(?:in\s+)?(?:an?\s+|the\s+)?(?P<color>{_COLOR_RE})\s+(?P<thing>[\w-]+)",
                      re.IGNORECASE)
_MAKE_RE = re.compile(rf"\b(?:make|turn|change|paint|colou?r)\s+(?P<who>[\w'’-]+(?:\s+[\w'-]+)?)"
                      rf"['’]s?\s+(?P<thing>[\w-]+)\s+(?:to\s+|into\s+)?(?:be\s+)?"
                      rf"(?P<color>{_COLOR_RE})\b", re.IGNORECASE)


def parse_trait_edit(text: str) -> tuple[str, str, str] | None:
    """(who, thing, colour) an edit asks for: "give Mia a yellow raincoat" -> ("Mia",
    "raincoat", "yellow"), "make Mia's coat yellow" -> ("Mia", "coat", "yellow"); None when
    the text is not such an edit."""
    for rx in (_GIVE_RE, _MAKE_RE):
        m = rx.search(text)
        if m:
            return m.group("who").strip(), m.group("thing").lower(), m.group("color").lower()
    return None


def edit_traits(t: Traits, thing: str, color: str) -> Traits:
    """`t` with `thing` ("coat", "raincoat", "hair", "fur", "collar") in `color`.

    A garment of the kind worn (a "coat" for a raincoat) recolours the outfit; another garment
    replaces it; hair, fur, feathers and plating recolour `hair`.

    Raises:
        ValueError: `color` is not a `COLORS` name, or `thing` is neither hair nor a garment.
    """
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}; use one of {', '.join(sorted(COLORS))}")
    thing = thing.lower()
    if thing not in OUTFITS and thing.endswith("s") and thing[:-1] in (
            *OUTFITS, "feather", "scale"):
        thing = thing[:-1]
    if thing in ("hair", "fur", "mane", "feather", "plating", "scale"):
        return t.model_copy(update={"hair": color})
    if thing in _GARMENT_ALIASES and t.outfit in _GARMENT_ALIASES[thing]:
        return t.model_copy(update={"outfit_color": color})
    if thing == t.outfit:
        return t.model_copy(update={"outfit_color": color})
    if thing in OUTFITS:
        return t.model_copy(update={"outfit": thing, "outfit_color": color})
    raise ValueError(f"I can recolour hair, fur or a garment ({', '.join(OUTFITS[:8])}...), "
                     f"not {thing!r}")
