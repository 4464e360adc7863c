"""The `request` metric: does one scene breakdown honour what the prompt explicitly asked for?

Graded on the task's current breakdown against the case's `request` expectation
(`pixora.evals.suite.RequestExpectation`). Each check is a `Check` named after it, and runs
aggregate them one by one (`request.count`, `request.duration`, ...), since a writer can be
good at one and bad at another. A check that does not apply to a case is left out (not failed):

- `count` (when a count was asked): the number of scenes is the exact count, or within
  `min_scenes`..`max_scenes`.
- `duration` (always; 30 s when the prompt states none): the scenes' total is within 10 % of
  the expected seconds.
- `characters` (when characters are expected, or the breakdown has any): each expected
  character is in `breakdown.characters` under one of its names (case-insensitive, a leading
  article ignored; a character the prompt leaves unnamed matches any character of its kind)
  with the right kind, and no character is named by a function word ("If",
  "When", "The"...). The kind is read from the character's `kind` and the words of
  the character's role and description ("companion, dog" / "a small brown dog with ...").
- `instructions` (always): no instruction phrase of the prompt's language (and of English)
  occurs in the title, a narration or a visual prompt: scene counts ("4 scenes", "(3
  scenes)"), lengths ("30 seconds", "a 2-minute video"), "please", "make a ... video",
  "exactly 4", "at most", "no more than", "max", "video about". The bare words "scene" /
  "scenes" are only flagged in what is spoken (title and narration): a visual prompt may
  describe "a kitchen scene"; the idiom "set the scene" is allowed. Bare numbers are never
  flagged ("three friends" is content).
- `beats` (when beats are expected): every beat group is found in the scenes' narration and
  visual prompts (any alternative; case-, accent- and suffix-tolerant: "bake" matches
  "baking", "candle" matches "candlelight"; a CJK keyword matches as a substring), at scene
  positions that never go back (beat k's scene >= beat k-1's scene).
- `pacing` (always): every scene's narration is at most 2.7 words per second
  (`pixora.context.text.word_count`).
- `people` (story cases): every scene's visual prompt names a character or contains a person
  or animal word (any of the five languages; "a lone figure", "hands" count), or the kind of an
  expected character ("snowman").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pixora.context.models import Breakdown, Character
from pixora.context.text import has_cjk, word_count
from pixora.evals.metrics import CaseRun, Check, MetricResult
from pixora.evals.suite import REQUEST_CHECKS, Language, RequestExpectation

NAME = "request"
DURATION_TOLERANCE = 0.10
MAX_WORDS_PER_SECOND = 2.7

# ---------------------------------------------------------------------------- word matching

_SUFFIXES = (("ies", 3), ("ing", 3), ("ed", 3), ("es", 3), ("s", 3), ("e", 3), ("y", 4))
"""(suffix, least letters left) pairs stripped by `stem`."""
_SHORT_TAILS = ("ing", "ed", "er", "y")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """`text` lower-cased with accents removed ("Después" -> "despues"); CJK is kept as is."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return unicodedata.normalize(
        "NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: one common suffix off, keeping at least 3 letters ("baking" -> "bak",
    "candles" -> "candl", "puppies" -> "pupp"; "many" stays)."""
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)]
    return word


def token_matches(token: str, keyword: str, *, prefix: bool = True) -> bool:
    """Whether text token `token` is a form of `keyword` (both normalized words): the same
    stem ("baking" ~ "bake", "puppies" ~ "puppy"), a doubled last letter ("running" ~ "run"),
    or with `prefix`, a word starting with a stem of 4+ letters ("candlelight" ~ "candle")."""
    t, k = stem(token), stem(keyword)
    if t == k:
        return True
    doubled = k + k[-1]
    if token.startswith(doubled) and token[len(doubled):] in _SHORT_TAILS:
        return True
    return prefix and len(k) >= 4 and token.startswith(k)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """The normalized words of `text` (hyphenated words split)."""
    return tuple(re.findall(r"\w+", normalize(text)))


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def mentions(text: str, keyword: str, *, prefix: bool = True) -> bool:
    """Whether `text` contains `keyword` (one word or a phrase) in any form `token_matches`
    accepts; CJK keywords are found as substrings."""
    if has_cjk(keyword):
        return normalize(keyword) in normalize(text)
    words = tokens(keyword)
    if not words:
        return False
    toks = tokens(text)
    n = len(words)
    if n == 1:  # the same test as `token_matches`, on the text's sets of words and stems
        k = stem(words[0])
        if k in _stems(text):
            return True
        doubled = k + k[-1]
        if any(doubled + tail in _words(text) for tail in _SHORT_TAILS):
            return True
        return prefix and len(k) >= 4 and any(t.startswith(k) for t in toks)
    return any(all(token_matches(toks[i + j], words[j], prefix=prefix) for j in range(n))
               for i in range(len(toks) - n + 1))


def mentions_any(text: str, keywords: Iterable[str], *, prefix: bool = True) -> bool:
    return any(mentions(text, k, prefix=prefix) for k in keywords)


# ---------------------------------------------------------------------------- word lists

_STOP_WORDS = """
if when after before while the a an and but or so then what who whom whose which where why
how this that these those there here it its he she they we you i me my our your their his her
them us as at by for from in into of on onto to with without once until because though
although since yes no not once one every each some any all also just only very
si cuando despues antes mientras el la los las un una unos unas y pero o entonces que quien
donde como este esta eso
quand apres avant pendant le les une et mais ou alors qui quoi dont comme ce cette
wenn als nachdem bevor wahrend der die das den dem des ein eine einen und aber oder dann was
wer wo wie dies diese
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS.split())
"""Function words (en, es, fr, de; accents removed) that are never a character's name."""

_ARTICLES = ("the ", "a ", "an ", "el ", "la ", "le ", "les ", "der ", "die ", "das ")

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "person": (
        "person", "people", "man", "men", "woman", "women", "boy", "girl", "child", "children",
        "kid", "baby", "toddler", "teen", "teenager", "adult", "grandfather", "grandmother",
        "grandpa", "grandma", "granny", "grandson", "granddaughter", "mother", "father", "mom",
        "mum", "dad", "parent", "daughter", "son", "sister", "brother", "aunt", "uncle",
        "friend", "wife", "husband", "bride", "groom", "painter", "chef", "cook", "baker",
        "teacher", "student", "athlete", "runner", "swimmer", "climber", "cyclist", "nurse",
        "doctor", "astronaut", "farmer", "fisherman", "sailor", "driver", "engineer",
        "musician", "singer", "dancer", "artist", "writer", "knight", "princess", "prince",
        "king", "queen", "wizard", "witch", "pirate", "detective", "captain", "soldier",
        "pilot", "scientist", "inventor", "worker", "barista", "gardener", "player", "coach",
        "lady", "gentleman", "neighbour", "neighbor", "traveler", "traveller", "hiker",
        "founder", "owner", "customer", "human", "hero", "heroine", "crowd",
        "family", "couple", "team", "nina", "nino", "ninos", "chica", "chico", "mujer",
        "hombre", "abuela", "abuelo", "madre", "padre", "hermana", "hermano", "amigo", "amiga",
        "pintor", "pintora", "persona", "gente", "fille", "garcon", "femme", "homme",
        "grand-mere", "grand-pere", "mamie", "papi", "enfant", "copain", "copine", "peintre",
        "boulanger", "boulangere", "madchen", "junge", "frau", "mann", "oma", "opa",
        "grossmutter", "grossvater", "großmutter", "großvater", "mutter", "vater", "freund",
        "freundin", "maler", "malerin", "mensch", "leute", "女の子", "男の子", "少女", "少年",
        "女性", "男性", "おばあちゃん", "おじいちゃん", "祖母", "祖父", "母", "父", "子ども",
        "子供", "人", "友達", "先生", "画家",
    ),
    "dog": ("dog", "puppy", "pup", "hound", "perro", "perrito", "chien", "chiot", "hund",
            "welpe", "犬", "イヌ", "子犬"),
    "cat": ("cat", "kitten", "kitty", "gato", "gatito", "chat", "chaton", "katze", "kater",
            "猫", "ネコ", "子猫"),
    "bird": ("bird", "sparrow", "robin", "pajaro", "oiseau", "vogel", "鳥"),
    "parrot": ("parrot", "loro", "perroquet", "papagei", "オウム"),
    "owl": ("owl", "buho", "lechuza", "hibou", "chouette", "eule", "フクロウ"),
    "horse": ("horse", "pony", "caballo", "cheval", "pferd", "馬"),
    "rabbit": ("rabbit", "bunny", "conejo", "lapin", "kaninchen", "ウサギ", "うさぎ"),
    "fox": ("fox", "zorro", "renard", "fuchs", "キツネ", "きつね"),
    "bear": ("bear", "oso", "baer", "クマ", "くま"),
    "mouse": ("mouse", "mice", "raton", "souris", "maus", "ネズミ"),
    "turtle": ("turtle", "tortoise", "tortuga", "tortue", "schildkrote", "カメ"),
    "penguin": ("penguin", "pinguino", "manchot", "pingouin", "pinguin", "ペンギン"),
    "hamster": ("hamster", "ハムスター"),
    "duck": ("duck", "duckling", "pato", "canard", "ente", "アヒル", "カモ"),
    "frog": ("frog", "rana", "grenouille", "frosch", "カエル"),
    "goat": ("goat", "cabra", "chevre", "ziege", "ヤギ"),
    "cow": ("cow", "vaca", "vache", "kuh", "牛"),
    "dragon": ("dragon", "drache", "ドラゴン", "竜", "龍"),
    "robot": ("robot", "android", "droid", "roboter", "ロボット"),
}
"""Words that show a character's kind, per kind (accents removed; CJK as written)."""

BEING_WORDS: tuple[str, ...] = tuple(sorted(
    {w for words in KIND_WORDS.values() for w in words}
    | {"animal", "pet", "creature", "mascota", "tier", "動物", "figure", "silhouette", "someone",
       "somebody", "everyone", "hand", "stranger", "passenger", "guard", "keeper"}))
"""Any person or animal word (a figure or hands count too): what a story scene's
visual prompt must show."""


def kind_words(kind: str) -> tuple[str, ...]:
    """Words that show `kind` ("dog" -> dog, puppy, perro, chien, Hund, 犬...)."""
    key = normalize(kind).strip()
    return KIND_WORDS.get(key, (key,))


# ---------------------------------------------------------------------------- instruction lists

_EN_NUM = (r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
           r"twelve|fifteen|twenty|thirty|forty(?:[\s-]five)?|fifty|sixty|ninety)")
_ES_NUM = (r"(?:\d+(?:[.,]\d+)?|un|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
           r"quince|veinte|treinta|cuarenta(?: y cinco)?|sesenta|noventa)")
_FR_NUM = (r"(?:\d+(?:[.,]\d+)?|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|"
           r"vingt|trente|quarante(?:[\s-]cinq)?|soixante|quatre-vingt-dix)")
_DE_NUM = (r"(?:\d+(?:[.,]\d+)?|ein|eine|einer|zwei|drei|vier|f[uü]nf|sechs|sieben|acht|neun|"
           r"zehn|f[uü]nfzehn|zwanzig|drei[sß]ig|vierzig|f[uü]nfundvierzig|sechzig|neunzig)")
_JA_NUM = r"(?:[0-9０-９]+|[一二三四五六七八九十]+)"

Patterns = tuple[tuple[str, str], ...]
"""(label, regex) pairs; regexes are matched case-insensitively."""

LEAKS_EVERYWHERE: dict[Language, Patterns] = {
    "en": (
        ("N scenes", rf"\b(?:\d+[\s-]*scenes?|{_EN_NUM}[\s-]+scenes|{_EN_NUM}-scene)\b"),
        ("scene N", r"\b(?:scene|shot)\s*#?\d+\b"),
        ("N seconds", rf"\b(?:\d+(?:[.,]\d+)?[\s-]*(?:seconds?|secs?)|{_EN_NUM}-seconds?|"
                      rf"{_EN_NUM}\s+seconds?\s+(?:long|video|clip|ad|spot|film))\b"),
        ("N-minute video", rf"\b(?:{_EN_NUM}|a|half[\s-]a)[\s-]*minutes?[\s-]+(?:long|video|"
                           r"clip|film|ad|explainer|reel|spot)\b"),
        ("half a minute", r"\bhalf a minute\b"),
        ("please", r"\bplease\b"),
        ("make a video", r"\b(?:make|create|give)\s+(?:me\s+)?(?:a|an)\b[^.!?]{0,30}?"
                         r"\b(?:video|clip|film|reel|explainer)\b"),
        ("video about", r"\bvideo\s+(?:about|on)\b"),
        ("exactly N", rf"\bexactly\s+{_EN_NUM}\b"),
        ("at most", r"\bat most\b"),
        ("no more than", r"\bno more than\b"),
        ("max", rf"(?-i:\bmax\b)|\bmaximum of\b|\b{_EN_NUM}\s+max\b"),
        ("up to N scenes", rf"\bup to\s+{_EN_NUM}\s+(?:scenes?|shots?)\b"),
        ("for a platform", r"\bfor\s+(?:tiktok|instagram|reels|youtube shorts)\b"),
    ),
    "es": (
        ("N escenas", rf"\b(?:\d+\s*escenas?|{_ES_NUM}\s+escenas)\b"),
        ("N segundos", rf"\b(?:\d+\s*segundos?|{_ES_NUM}\s+segundos)\b"),
        ("N minutos video", rf"\bv[ií]deo de\s+{_ES_NUM}\s+minutos?\b"),
        ("por favor", r"\bpor favor\b"),
        ("haz un video", r"\b(?:haz|hazme|crea|creame|cr[eé]ame)\b[^.!?]{0,20}\bv[ií]deo\b"),
        ("video sobre", r"\bv[ií]deo\s+(?:sobre|acerca de)\b"),
        ("exactamente N", rf"\bexactamente\s+{_ES_NUM}\b"),
        ("como máximo", r"\bcomo m[aá]ximo\b|\bm[aá]ximo\s+\d+\b"),
        ("no más de", r"\bno m[aá]s de\b"),
    ),
    "fr": (
        ("N scènes", rf"\b(?:\d+\s*sc[eè]nes?|{_FR_NUM}\s+sc[eè]nes)\b"),
        ("N secondes", rf"\b(?:\d+\s*secondes?|{_FR_NUM}\s+secondes)\b"),
        ("vidéo de N minutes", rf"\bvid[eé]o de\s+{_FR_NUM}\s+minutes?\b"),
        ("s'il te plaît", r"\bs['’]il (?:te|vous) pla[iî]t\b"),
        ("fais une vidéo", r"\b(?:fais|faites|cr[eé]e|cr[eé]ez)(?:-moi)?\b[^.!?]{0,20}"
                           r"\bvid[eé]o\b"),
        ("vidéo sur", r"\bvid[eé]o\s+sur\b"),
        ("exactement N", rf"\bexactement\s+{_FR_NUM}\b"),
        ("au maximum", r"\bau maximum\b|\bau plus\s+\d+\b|\bmaximum\s+\d+\b"),
        ("pas plus de", r"\bpas plus de\b"),
    ),
    "de": (
        ("N Szenen", rf"\b(?:\d+\s*Szenen?|{_DE_NUM}\s+Szenen)\b"),
        ("N Sekunden", rf"\b(?:\d+[\s-]*Sekunden?|{_DE_NUM}\s+Sekunden|\w*sek[uü]ndig\w*)\b"),
        ("N-minütig", rf"\b{_DE_NUM}[\s-]*min[uü]tig\w*\b"),
        ("bitte", r"\bbitte\b"),
        ("mach ein Video", r"\b(?:mach|mache|erstelle|erstell)\b[^.!?]{0,20}\bVideo\b"),
        ("Video über", r"\bVideo\s+[uü]ber\b"),
        ("genau N", rf"\bgenau\s+{_DE_NUM}\b"),
        ("höchstens", r"\bh[oö]chstens\b|\bmaximal\b"),
        ("nicht mehr als", r"\bnicht mehr als\b"),
    ),
    "ja": (
        ("シーン", r"シーン"),
        ("N場面", rf"{_JA_NUM}\s*つ?の?場面"),
        ("N秒", rf"{_JA_NUM}\s*秒"),
        ("N分の動画", rf"{_JA_NUM}\s*分(?:間)?の(?:動画|ビデオ)"),
        ("動画", r"動画|ビデオ"),
        ("作って", r"作って"),
        ("お願いします", r"お願いします|お願い"),
        ("ちょうど", rf"ちょうど{_JA_NUM}"),
        ("最大", r"最大|以内"),
    ),
}
"""Instruction phrases that must not occur anywhere in a breakdown, per language."""

LEAKS_SPOKEN: dict[Language, Patterns] = {
    "en": (("scene(s)", r"(?<!set the )\bscenes?\b"),),
    "es": (("escena(s)", r"\bescenas?\b"),),
    "fr": (("scène(s)", r"\bscènes?\b"),),  # unaccented "scene" is English's
    "de": (("Szene(n)", r"\bSzenen?\b"),),
    "ja": (),
}
"""Words that are instructions when spoken (title, narration) but may describe a picture."""


def leak_patterns(language: Language) -> tuple[Patterns, Patterns]:
    """(everywhere, spoken-only) patterns for a prompt in `language`, English's included."""
    langs: tuple[Language, ...] = ("en",) if language == "en" else ("en", language)
    return (tuple(p for lang in langs for p in LEAKS_EVERYWHERE[lang]),
            tuple(p for lang in langs for p in LEAKS_SPOKEN[lang]))


# ---------------------------------------------------------------------------- checks


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def check_count(bd: Breakdown, exp: RequestExpectation) -> Check | None:
    """`count`: the scene count asked for (None when none was asked)."""
    n = len(bd.scenes)
    if exp.scenes is not None:
        return Check(name="count", ok=n == exp.scenes,
                     detail=f"{n} scenes (asked for exactly {exp.scenes})")
    if exp.min_scenes is None and exp.max_scenes is None:
        return None
    lo, hi = exp.min_scenes or 1, exp.max_scenes
    ok = lo <= n and (hi is None or n <= hi)
    want = f"{lo}..{hi}" if hi is not None else f"at least {lo}"
    if hi is not None and exp.min_scenes is None:
        want = f"at most {hi}"
    return Check(name="count", ok=ok, detail=f"{n} scenes (asked for {want})")


def check_duration(bd: Breakdown, exp: RequestExpectation) -> Check:
    """`duration`: the total within 10 % of the expected seconds."""
    total = bd.total_duration
    off = abs(total - exp.duration_s) / exp.duration_s
    return Check(name="duration", ok=off <= DURATION_TOLERANCE,
                 detail=f"{total:g} s for {exp.duration_s:g} s expected ({off:.0%} off, at "
                        f"most {DURATION_TOLERANCE:.0%})")


def _name_key(name: str) -> str:
    key = " ".join(normalize(name).split())
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article):
            return key[len(article):]
    return key


def _is_function_word_name(name: str) -> bool:
    words = tokens(name)
    if not words:
        return True
    if all(w in STOP_WORDS for w in words):
        return True
    return words[0] in STOP_WORDS and f"{words[0]} " not in _ARTICLES


def character_kind_text(ch: Character) -> str:
    """The words a character's kind is read from: its `kind` ("person", a species, "robot",
    "creature"), role and description, so a dragon of kind "creature" reads as a dragon."""
    return f"{ch.kind} {ch.role} {ch.description}"


def check_characters(bd: Breakdown, exp: RequestExpectation) -> Check | None:
    """`characters`: expected characters present with the right kind; no function-word
    names. None when nothing is expected and the breakdown has no characters."""
    if not exp.characters and not bd.characters:
        return None
    problems: list[str] = []
    by_key = {_name_key(c.name): c for c in bd.characters}
    known = ", ".join(c.name for c in bd.characters) or "none"
    used: set[str] = set()
    named_first = sorted(exp.characters, key=lambda c: not c.names)  # stable: named, unnamed
    for want in named_first:
        words = kind_words(want.kind)
        if want.names:
            found = next((by_key[k] for k in map(_name_key, want.names) if k in by_key), None)
        else:  # unnamed in the prompt: any character of the kind that no expectation took
            found = next((c for c in bd.characters if c.id not in used and mentions_any(
                character_kind_text(c), words, prefix=False)), None)
        if found is None:
            problems.append(f"no character {want.label} ({want.kind}); characters: {known}")
            continue
        used.add(found.id)
        if not mentions_any(character_kind_text(found), words, prefix=False):
            problems.append(f"{found.name} is not shown as a {want.kind} (role "
                            f"{found.role!r}, {_clip(found.description, 50)!r})")
    for ch in bd.characters:
        if _is_function_word_name(ch.name):
            problems.append(f"character named {ch.name!r}, a function word")
    ok_detail = ", ".join(f"{c.name}" for c in bd.characters) or "none expected, none written"
    return Check(name="characters", ok=not problems,
                 detail="; ".join(problems) or f"characters: {ok_detail}")


def _places(bd: Breakdown) -> list[tuple[str, str, bool]]:
    """(where, text, spoken) for the title and every scene's narration and visual prompt."""
    out = [("title", bd.title, True)]
    for s in bd.scenes:
        out += [(f"scene {s.index} narration", s.script, True),
                (f"scene {s.index} visual", s.visual_prompt, False)]
    return out


def check_instructions(bd: Breakdown, exp: RequestExpectation) -> Check:
    """`instructions`: no instruction phrase leaked into the title, narration or visuals."""
    everywhere, spoken = leak_patterns(exp.language)
    hits: list[str] = []
    for where, text, is_spoken in _places(bd):
        for label, pattern in everywhere + (spoken if is_spoken else ()):
            m = re.search(pattern, text, re.I)
            if m:
                hits.append(f"{where}: {label} ({m.group(0)!r})")
    shown = "; ".join(hits[:4]) + (f"; and {len(hits) - 4} more" if len(hits) > 4 else "")
    return Check(name="instructions", ok=not hits, detail=shown or "no instruction leaked")


def scene_text(bd: Breakdown, index: int) -> str:
    """What a scene says and shows: its narration and visual prompt."""
    s = bd.scene(index)
    return f"{s.script} \n {s.visual_prompt}"


def beat_positions(bd: Breakdown, beats: list[list[str]]) -> list[list[int]]:
    """Per beat group, the scene indices (1-based) whose narration or visuals contain it."""
    texts = {s.index: scene_text(bd, s.index) for s in bd.scenes}
    return [[i for i, t in texts.items() if mentions_any(t, group)] for group in beats]


def check_beats(bd: Breakdown, exp: RequestExpectation) -> Check | None:
    """`beats`: every beat found, in order (greedy: each at the earliest scene not before the
    previous beat's). None when the case has no beats."""
    if not exp.beats:
        return None
    positions = beat_positions(bd, exp.beats)
    at = 1
    placed: list[int] = []
    for group, scenes in zip(exp.beats, positions, strict=True):
        label = "/".join(group)
        if not scenes:
            return Check(name="beats", ok=False, detail=f"beat [{label}] is in no scene "
                         f"(beats placed so far in scenes {placed})")
        later = [i for i in scenes if i >= at]
        if not later:
            return Check(name="beats", ok=False, detail=f"beat [{label}] only in scenes "
                         f"{scenes}, before scene {at} of the previous beat (out of order)")
        at = later[0]
        placed.append(at)
    return Check(name="beats", ok=True, detail=f"beats in scenes {placed}")


def check_pacing(bd: Breakdown) -> Check:
    """`pacing`: every narration at most 2.7 words per second of its scene."""
    fast = [f"scene {s.index}: {word_count(s.script)} words in {s.duration:g} s "
            f"({word_count(s.script) / s.duration:.2f}/s)"
            for s in bd.scenes if word_count(s.script) / s.duration > MAX_WORDS_PER_SECOND]
    return Check(name="pacing", ok=not fast,
                 detail="; ".join(fast) or f"every scene <= {MAX_WORDS_PER_SECOND} words/s")


def check_people(bd: Breakdown, exp: RequestExpectation) -> Check | None:
    """`people`: in a story, every scene's visual prompt shows a character, person or animal.
    None for cases that are not stories."""
    if not exp.story:
        return None
    names = [c.name for c in bd.characters] + [n for c in exp.characters for n in c.names]
    kinds = [w for c in exp.characters for w in kind_words(c.kind)]
    words = (*names, *kinds, *BEING_WORDS)
    empty = [f"scene {s.index} ({_clip(s.visual_prompt, 50)!r})"
             for s in bd.scenes if not mentions_any(s.visual_prompt, words, prefix=False)]
    return Check(name="people", ok=not empty,
                 detail=("no one in the visuals of " + "; ".join(empty)) if empty
                 else "every scene shows a character, person or animal")


def grade(bd: Breakdown, exp: RequestExpectation) -> list[Check]:
    """Every check that applies to `exp`, graded on `bd`, in `REQUEST_CHECKS` order."""
    checks = [check_count(bd, exp), check_duration(bd, exp), check_characters(bd, exp),
              check_instructions(bd, exp), check_beats(bd, exp), check_pacing(bd),
              check_people(bd, exp)]
    return [c for c in checks if c is not None]


def applicable(exp: RequestExpectation) -> list[str]:
    """The checks that apply to `exp` whatever the breakdown (for a case with none)."""
    counted = exp.scenes is not None or exp.min_scenes is not None \
        or exp.max_scenes is not None
    skip = {"count": not counted, "characters": not exp.characters, "beats": not exp.beats,
            "people": not exp.story}
    return [c for c in REQUEST_CHECKS if not skip.get(c, False)]


def score(run: CaseRun) -> MetricResult:
    exp = run.case.expect.request
    if exp is None:
        return MetricResult.skipped(NAME, "the case expects no request check")
    bd = run.task.breakdown
    if bd is None:
        return MetricResult.from_checks(NAME, [
            Check(name=c, ok=False, detail="no breakdown was written") for c in applicable(exp)])
    return MetricResult.from_checks(NAME, grade(bd, exp), scenes=len(bd.scenes),
                                    total_duration_s=bd.total_duration)
