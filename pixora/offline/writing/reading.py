"""Reading a request as a person wrote it: how many scenes they asked for, who it is for, what
is content and what is instruction, and the ordered beats of a story or a list.

- `read_scene_count`: "4 scenes", "four scenes", "a 4-scene video", "(4 scenes)", "use 4
  scenes", "exactly four", "no more than 3", "3 scenes max", "up to 3", "at least 5"; also in
  Spanish, French, German and Japanese ("3 escenas", "au plus trois scènes", "höchstens drei
  Szenen", "3つのシーン").
- `read_audience`: "for children", "for investors", "para niños", "für Kinder", "子供向け".
- `content_of`: the request without the words that instruct rather than describe (counts,
  lengths, formats, platforms, "make a video about", "please").
- `read_beats`: a shot list, numbered or bulleted list, itinerary ("Day 1 Lisbon, day 2 Porto")
  or "first ..., then ..., finally ..." steps gives one beat per item; a story gives one beat
  per sentence (a long sentence is split at its clause breaks); a topic ("a video about coral
  reefs") gives none.

Rule-based and deterministic; no language model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pixora.context.vocabulary import MOOD_WORDS, STYLE_BY_ALIAS
from pixora.offline.writing.text import CJK_RE, clean_text

_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a single": 1,
               "single": 1, "a couple of": 2, "a pair of": 2}
_ES_NUMBERS = {"una": 1, "uno": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
               "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10}
_FR_NUMBERS = {"une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
               "sept": 7, "huit": 8, "neuf": 9, "dix": 10}
_DE_NUMBERS = {"eine": 1, "einer": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
               "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10}
_JA_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
               "十": 10, "ひとつ": 1, "ふたつ": 2, "みっつ": 3, "よっつ": 4, "いつつ": 5,
               "むっつ": 6, "ななつ": 7, "やっつ": 8}
NUMBER_WORDS: dict[str, int] = {**_EN_NUMBERS, **_ES_NUMBERS, **_FR_NUMBERS, **_DE_NUMBERS,
                                **_JA_NUMBERS}
"""Number words (English, Spanish, French, German, Japanese) -> value."""

_NUM = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS if not CJK_RE.search(w)),
                       key=len, reverse=True))
_N = rf"(\d{{1,2}}|{_NUM})"
_SCENE_NOUN = (r"(?:scenes?|shots?|parts?|segments?|clips?|chapters?|escenas?|partes?|tomas?|"
               r"sc[eè]nes?|plans?|parties|szenen?|teile?|abschnitte?|einstellungen?)")
_EXACT_LEAD = (r"(?:exactly|just|only|precisely|use|using|with|in|into|over|across|"
               r"exactamente|solo|sólo|con|en|exactement|seulement|avec|genau|nur|mit|in)")
_MAX_LEAD = (r"(?:no\s+more\s+than|not\s+more\s+than|at\s+most|up\s+to|maximum(?:\s+of)?|"
             r"max(?:imum)?\.?|a\s+maximum\s+of|(?<!no\s)(?<!not\s)(?:fewer|less)\s+than|under|"
             r"no\s+más\s+de|como\s+máximo|máximo|hasta|"
             r"pas\s+plus\s+de|au\s+plus|au\s+maximum|maximum|jusqu'à|"
             r"höchstens|maximal|nicht\s+mehr\s+als|bis\s+zu)")
_MIN_LEAD = (r"(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|minimum(?:\s+of)?|min\.?|"
             r"(?<!no\s)(?<!not\s)more\s+than|al\s+menos|como\s+mínimo|mínimo|au\s+moins|"
             r"minimum|mindestens|"
             r"wenigstens)")
_MAX_TAIL = r"(?:\s*(?:max(?:imum)?|at\s+most|tops|or\s+fewer|or\s+less|máximo|maximum|maximal))"
_MIN_TAIL = r"(?:\s*(?:min(?:imum)?|at\s+least|or\s+more|mínimo|minimum|mindestens))"

_COUNT_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("min", rf"\b{_MIN_LEAD}\s+{_N}(?:\s*-?\s*{_SCENE_NOUN})"),
        ("max", rf"\b{_MAX_LEAD}\s+{_N}(?:\s*-?\s*{_SCENE_NOUN})"),
        ("max", rf"\b{_N}\s*-?\s*{_SCENE_NOUN}{_MAX_TAIL}\b"),
        ("min", rf"\b{_N}\s*-?\s*{_SCENE_NOUN}{_MIN_TAIL}\b"),
        ("min", rf"\b{_N}\s*-?\s*{_SCENE_NOUN}\s+(?:or\s+more|o\s+más|ou\s+plus|oder\s+mehr)\b"),
        ("exact", rf"\b{_N}\s*-\s*{_SCENE_NOUN}\b"),
        ("exact", rf"\b{_N}\s+{_SCENE_NOUN}\b"),
        ("exact", rf"\b(?:{_SCENE_NOUN})\s*[:=]\s*{_N}\b"),
        ("exact", rf"\bexactly\s+{_N}\b"),
    )
)
_JN = r"(\d{1,2}|[一二三四五六七八九十]|ひとつ|ふたつ|みっつ|よっつ|いつつ|むっつ)"
_JS = r"(?:つの|個の)?\s*(?:シーン|場面|カット)"
_JA_COUNT_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("max", rf"(?:最大|多くても|最高)\s*{_JN}\s*{_JS}"),
        ("max", rf"{_JN}\s*{_JS}\s*(?:まで|以内|以下)"),
        ("min", rf"(?:少なくとも|最低)\s*{_JN}\s*{_JS}"),
        ("min", rf"{_JN}\s*{_JS}\s*以上"),
        ("exact", rf"(?:シーン|場面|カット)(?:は|を)?\s*{_JN}"),
        ("exact", rf"{_JN}\s*{_JS}"),
    )
)


@dataclass(frozen=True)
class SceneCount:
    """What a request says about its scene count: an exact number, or bounds (inclusive)."""

    exact: int | None = None
    at_least: int | None = None
    at_most: int | None = None

    def resolve(self, preferred: int, most: int) -> int:
        """The count to write: the exact one, else `preferred` held to the bounds and to
        1..`most` (the most the duration holds)."""
        if self.exact is not None:
            return self.exact
        n = preferred
        if self.at_most is not None:
            n = min(n, self.at_most)
        if self.at_least is not None:
            n = max(n, self.at_least)
        return max(1, min(n, most)) if self.at_least is None else max(1, n)

    @property
    def given(self) -> bool:
        return self.exact is not None or self.at_least is not None or self.at_most is not None


def _value(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


_PER_ITEM_RE = re.compile(
    rf"\b(?:one|a|1|an)\s+{_SCENE_NOUN}\s+(?:per|for\s+each|each|for\s+every|a)\s+\w+",
    re.IGNORECASE)
""""One scene per shot": the count is the list's length, not one."""


def _count_matches(text: str) -> list[tuple[str, int, re.Match[str]]]:
    found: list[tuple[str, int, re.Match[str]]] = []
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _PER_ITEM_RE.finditer(text)]
    for kind, pattern in (*_COUNT_RES, *_JA_COUNT_RES):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            value = _value(m.group(1))
            if value is None or not 1 <= value <= 40:
                continue
            found.append((kind, value, m))
            taken.append((m.start(), m.end()))
    return found


def read_scene_count(text: str) -> SceneCount:
    """The scene count a request asks for (see the module doc); `SceneCount()` when none."""
    exact = at_least = at_most = None
    for kind, value, _ in sorted(_count_matches(text), key=lambda f: f[2].start()):
        if kind == "exact" and exact is None:
            exact = value
        elif kind == "min" and at_least is None:
            at_least = value
        elif kind == "max" and at_most is None:
            at_most = value
    return SceneCount(exact, at_least, at_most)


_AUDIENCE_RE = re.compile(
    r"\b(?:for|aimed\s+at|targeted\s+at|targeting|para|pour|für|fuer)\s+"
    r"((?:(?:young|little|small|new|first-time|busy|potential|our|my|the|les|los|las|unsere?n?|"
    r"kleine?n?|jeunes)\s+)?"
    r"(?:children|kids|toddlers|preschoolers|students|teens|teenagers|beginners|investors|"
    r"customers|clients|parents|families|seniors|adults|employees|developers|engineers|"
    r"marketers|shoppers|travell?ers|tourists|patients|kindergarteners|pupils|"
    r"niños|niñas|estudiantes|inversores|enfants|élèves|investisseurs|kinder|schüler|"
    r"anleger|investoren))\b",
    re.IGNORECASE,
)
_JA_AUDIENCE_RE = re.compile(r"(子供|子ども|こども|投資家|学生|初心者|親子)(?:向け|のための)")


def read_audience(text: str) -> str | None:
    """Who the video is for ("children", "investors"), or None."""
    m = _AUDIENCE_RE.search(text)
    if m:
        return re.sub(r"\s+", " ", m.group(1).lower())
    m = _JA_AUDIENCE_RE.search(text)
    return m.group(1) if m else None


# ------------------------------------------------------------------------------ length

_LENGTH_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "half a": 0.5,
}
_LEN_NUM = r"(?<!['’])(?<!\bthe\s)(?!\d{3}0s\b)(\d+(?:\.\d+)?|half an?|forty-five|" + "|".join(
    sorted((w for w in _LENGTH_WORDS if " " not in w and w != "forty-five"), key=len,
           reverse=True)) + r")"
"""A count: digits or a number word; never a decade ("1990s", "the 80s", "'90s")."""
_UNIT = (r"(seconds?|secs?|segundos?|secondes?|secondi|secondo|sekunden?|s|minutes?|minutos?|"
         r"minuten?|minuti|minuto|mins?)")
DURATION_RE = re.compile(
    rf"\b{_LEN_NUM}\s*-?\s*{_UNIT}\b"
    r"(?:\s*(?:and\s+)?(\d+(?:\.\d+)?)\s*-?\s*(?:seconds?|secs?|s)\b)?",
    re.IGNORECASE,
)

_ONE_MINUTE_RE = re.compile(
    r"(?<!\w)(?:un|una|une|uno|um|uma|ein|eine|einer)\s+(?:minut[eo]s?|minuten?|minuti)(?!\w)",
    re.IGNORECASE,
)
"""Spanish, French, Italian, Portuguese and German "one minute" ("un minuto", "eine Minute")."""
_CJK_DURATION_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:分钟|分鐘|分|분)(?:\s*(\d+(?:\.\d+)?)\s*(?:秒钟|秒鐘|秒|초))?"
    r"|(\d+(?:\.\d+)?)\s*(?:秒钟|秒鐘|秒|초)"
)
"""Chinese, Japanese and Korean durations: "30秒", "2分钟", "1分30秒", "30초"."""

# ------------------------------------------------------------------------------ instructions

_INSTRUCTION_RE = re.compile(
    r"(?:^|[,;]\s*|\s+(?:and|then|but|so)\s+|\s*[.!?]\s+)"
    r"(?:(?:and|then|also|just|please|so|now)\s+)*"
    r"(?:(?:render|generate|produce|publish|post|upload|export|finish|approve|ship)\s+"
    r"(?:it|this|that|them|everything|the\s+(?:video|clip|film|breakdown|whole\s+thing))\b"
    r"|(?:start|begin)\s+(?:rendering|generating|the\s+(?:render|rendering|generation|video))\b"
    r"|(?:skip|ignore|bypass|override|disregard|forget|circumvent|avoid)\s+"
    r"(?:(?:the|any|all|my|your|previous|prior|earlier|above|system|these|those)\s+)*"
    r"(?:approval|approving|confirmation|instructions?|rules?|review|checks?|questions?|"
    r"prompts?|guidelines?|polic(?:y|ies)|gate|step|asking)"
    r"|(?:don't|do\s+not|no\s+need\s+to)\s+(?:ask|wait|confirm|check)\b"
    r"|i\s+(?:authori[sz]e|approve|consent|confirm|permit|allow)\b"
    r"|i\s+give\s+(?:you\s+)?permission|you\s+(?:have|are)\s+(?:my\s+)?(?:permission|"
    r"authori[sz]ed|approved|allowed)|this\s+is\s+an\s+order"
    r"|without\s+(?:asking|approval|confirmation|waiting|review)"
    r")[^,;.!?]*",
    re.IGNORECASE,
)
"""A clause that instructs the agents (render it now, skip the approval, I authorize it)
rather than describing the video."""
_ASIDE_ALT = (r"right\s+away|right\s+now|straight\s+away|at\s+once|immediately|asap|now|"
              r"please|pls|for\s+me|for\s+us|thanks|thank\s+you|without\s+(?:asking|delay|"
              r"waiting)(?:\s+for\s+(?:my\s+|the\s+|an?\s+)?(?:approval|confirmation|ok))?")
_TRAILING_ASIDE_RE = re.compile(rf"(?:\s*,)?\s+(?:{_ASIDE_ALT})(?=\s*(?:[,;.!?]|$))",
                                re.IGNORECASE)


def strip_instructions(text: str) -> str:
    """`text` without clauses addressed to the agents rather than describing the video:
    "..., skip the approval", "and render it right away", "I authorize it", "ignore the
    instructions", and asides ("right away", "now", "please", "for me", "immediately",
    "without asking") at the end of a clause. "Create a video about tigers right away, skip
    the approval" -> "Create a video about tigers"."""
    s = _INSTRUCTION_RE.sub(lambda m: "." if m.group(0).lstrip()[:1] in ".!?" else "", text)
    previous = None
    while previous != s:
        previous, s = s, _TRAILING_ASIDE_RE.sub("", s)
    s = re.sub(r"([.!?])(?:\s*[.!?])+", r"\1", s)
    return re.sub(r"\s+", " ", s).strip(" ,;")



# ------------------------------------------------------------------------------ content

_MEDIA = (r"(?:video|videos|clip|film|shorts?|reels?|tiktoks?|anuncio|publicidad|publicité|pub|"
          r"werbung|werbespot|story|tale|explainer|ad|advert|"
          r"advertisement|commercial|spot|promo|trailer|montage|slideshow|animation|"
          r"documentary|piece|v[ií]deo|vidéo|cortometraje|historia|cuento|histoire|conte|"
          r"geschichte|film|filmchen|clip)")
_LENGTH_CONTEXT_AFTER = re.compile(
    rf"^\W*(?:-?\s*long|total|max(?:imum)?|tops|or\s+less|or\s+so|in\s+length|of\b|"
    rf"(?:[\w-]+\s+){{0,2}}{_MEDIA})\b",
    re.IGNORECASE,
)
_SEGMENT_FILLERS = {"like", "could", "can", "would", "will", "you", "maybe", "ok", "okay", "so",
                    "just", "roughly", "tops", "about", "around", "approximately", "approx",
                    "max", "maximum",
                    "under", "total", "length", "duration", "runtime", "long", "make", "it",
                    "keep", "should", "be", "only", "exactly", "in", "a", "an", "of",
                    "lasting", "the", "video", "clip", "is", "at", "most", "no", "more", "than",
                    "up", "to", "and", "please", "de", "en", "sur", "von", "mit", "con"}
_SEGMENT_RE = re.compile(r"[,;:.!?()\[\]\n—–/|]|\s-\s")


def _is_length(text: str, m: re.Match[str]) -> bool:
    """Whether a duration match says how long the video is ("a 30-second video", "30 s long",
    "..., 45 seconds, ...") rather than something in it ("hold your breath for 10 seconds")."""
    before, after = text[: m.start()], text[m.end():]
    if _LENGTH_CONTEXT_AFTER.search(after[:30]):
        return True
    starts = [s.end() for s in _SEGMENT_RE.finditer(before)]
    seg_start = starts[-1] if starts else 0
    end = _SEGMENT_RE.search(after)
    segment = before[seg_start:] + " " + after[: end.start() if end else len(after)]
    words = re.findall(r"[\w']+", segment.lower())
    if all(w in _SEGMENT_FILLERS for w in words):
        return True
    if re.search(rf"{_MEDIA}\W+(?:[\w']+\W+)?$", before, re.IGNORECASE):
        return True
    if not re.search(r"\w", after) and not re.search(
            r"\b(?:for|after|in|within|during|every|each|per|takes?|took|lasts?|lasted)\W*$",
            before, re.IGNORECASE):
        return True  # the request ends on it: "... every sunday. 45 seconds"
    prev = re.findall(r"[\w']+", before.lower())[-2:]
    return bool(prev) and prev[-1] in ("a", "an", "de", "von") and bool(
        _LENGTH_CONTEXT_AFTER.search(after[:30]) or re.match(rf"^\W*{_MEDIA}", after[:20],
                                                              re.IGNORECASE))


def _seconds(m: re.Match[str]) -> float:
    raw = m.group(1).lower()
    if raw[0].isdigit():
        value = float(raw)
    else:
        value = float(_LENGTH_WORDS.get(raw, 0.5 if raw.startswith("half") else 0))
    minutes = m.group(2).lower().startswith("m")
    seconds = value * 60 if minutes else value
    if m.group(3) and minutes:
        seconds += float(m.group(3))
    return seconds


_AND_A_HALF_RE = re.compile(
    r"\b(?:(?:an?|one)\s+minute\s+and\s+a\s+half|(?:one|1)\s+and\s+a\s+half\s+minutes?|"
    r"anderthalb\s+minuten|(?:un\s+)?minuto\s+y\s+medio|une\s+minute\s+et\s+demie)\b",
    re.IGNORECASE,
)
""""A minute and a half" and its Spanish, French and German forms: 90 s."""


def length_matches(text: str) -> list[re.Match[str]]:
    """The duration phrases in `text` that give the video's length (see `_is_length`)."""
    return [m for m in DURATION_RE.finditer(text) if _is_length(text, m)]


def read_length(text: str) -> float | None:
    """The video's length in seconds, when the request states one: "30-second", "2 minute
    video", "45s", "1.5 minutes long", "un minuto", "30秒の動画". A number without seconds or
    minutes (an age, a year, a count, a price) is never a length, and neither is a duration
    inside the story ("bloom the coffee for 30 seconds")."""
    if _AND_A_HALF_RE.search(text):
        return 90.0
    found = length_matches(text)
    if found:
        return _seconds(found[0])
    if _ONE_MINUTE_RE.search(text):
        return 60.0
    cjk = _CJK_DURATION_RE.search(text)
    if not cjk:
        return None
    if cjk.group(3):
        return float(cjk.group(3))
    return float(cjk.group(1)) * 60 + float(cjk.group(2) or 0)


_CONSTRAINT_RES: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    # "(4 scenes)", "[3 shots]", "(max 3 scenes)"
    rf"[(\[][^()\[\]]*\b{_SCENE_NOUN}\b[^()\[\]]*[)\]]",
    # "Use 4 scenes.", "Keep it to 3 scenes max.", "in five scenes", "3 scenes max"
    rf"(?:^|(?<=[.,;:!?\s]))(?:(?:please|pls|and|but|also|just)\s+)*"
    rf"(?:(?:use|make\s+it|keep\s+it(?:\s+to)?|do\s+it\s+in|split\s+it\s+into|tell\s+it\s+in|"
    rf"limit\s+it\s+to|in|into|with|over|across|using|en|con|avec|mit|in)\s+)?"
    rf"(?:{_MAX_LEAD}\s+|{_MIN_LEAD}\s+|exactly\s+|only\s+|just\s+)?"
    rf"{_N}\s*-?\s*{_SCENE_NOUN}(?:{_MAX_TAIL}|{_MIN_TAIL}|\s+or\s+(?:more|fewer|less))?"
    rf"(?:\s+(?:max|total|only|please|in\s+total))?\b",
    rf"\b(?:scenes?|shots?)\s*[:=]\s*{_N}\b",
    r"\bexactly\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b",
))
_JA_CONSTRAINT_RE = re.compile(
    rf"(?:最大|多くても|少なくとも|最低)?\s*{_JN}\s*{_JS}(?:で|に|まで|以内|以下|以上)?"
    rf"|(?:シーン|場面|カット)(?:は|を)?\s*{_JN}\s*(?:つ)?(?:で|に)?"
    r"|[\d.]+\s*(?:秒|分)(?:間)?(?:の|で)?"
)
_LEAD_RES: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"^\s*(?:(?:hey|hi|ok|okay|so)[,!]?\s+)?(?:(?:please|pls|can\s+you|could\s+you|would\s+you|"
    r"i\s+(?:want|need|would\s+like|'d\s+like)(?:\s+you)?(?:\s+to)?|let's|lets)\s+)*"
    r"(?:make|create|generate|produce|write|build|do|give\s+me|put\s+together|turn|tell|"
    r"film|shoot|render|craft|draft|show\s+me)\s+(?:me\s+|us\s+)?"
    r"(?:(?:an?|the|one|some|this|my|our)\s+)?(?:(?:short|quick|little|brief|small|simple|"
    r"fun|cute|sweet|nice|vertical|horizontal|square|cinematic|animated|narrated)\s+)*"
    rf"(?:{_MEDIA}\s*)?(?:(?:about|of|on|showing|where|in\s+which|that\s+shows|for)\s+)?",
    rf"^\s*(?:(?:an?|the|un|una|une|ein|eine|einen)\s+)?(?:(?:short|quick|little|brief|"
    rf"cinematic|animated|kurze|kleine|petite?|pequeñ[oa])\s+)*{_MEDIA}\s+"
    r"(?:about|of|on|for|showing|where|in\s+which|sobre|de|sur|über|von|para|pour|für)\s+",
    rf"^\s*(?:{_MEDIA}|idea|brief|concept|prompt|premise|plot|story\s+idea)\s*:\s*",
    r"^\s*(?:about|regarding|on\s+the\s+(?:topic|subject)\s+of)\s+",
    r"^\s*(?:(?:por\s+favor|bitte|s'il\s+(?:te|vous)\s+pla[iî]t)[,\s]+)?"
    r"(?:haz(?:me)?|crea(?:me)?|genera(?:me)?|fais(?:-moi)?|faites(?:-moi)?|crée(?:z)?|"
    r"réalise(?:z)?|mach(?:e)?|erstelle?|erzeuge?|quiero|je\s+veux|ich\s+möchte)\s+"
    r"(?:(?:un|una|une|ein|eine|einen|mir|moi)\s+)*(?:(?:pequeño|petit|petite|kurze[sn]?|"
    r"kleine[sn]?|corto|courte?)\s+)*(?:v[ií]deo|vidéo|clip|film|historia|histoire|"
    r"geschichte|cuento|conte)?\s*(?:(?:sobre|de|du|des|sur|über|von|où|en\s+el\s+que|"
    r"in\s+dem)\s+)?",
))
_POLITE_RE = re.compile(
    r"(?<![\w-])(?:please|pls|thanks|thank\s+you|por\s+favor|gracias|s'il\s+(?:te|vous)\s+"
    r"pla[iî]t|merci|bitte|danke)(?![\w-])[!.,]*|お願いします|お願い|ください|下さい",
    re.IGNORECASE,
)
_CJK_REQUEST_RE = re.compile(
    r"(?:の|を)?(?:動画|ビデオ|映像|ムービー)(?:を|で|に)?(?:作って|作成して|作る|生成して|お願い)?"
    r"(?:ください)?|(?:を)?(?:作って|作成して)(?:ください)?"
)
"""Japanese request words: "...の動画を作ってください"."""
_BARE_MEDIA_RE = re.compile(
    rf"(?:^|(?<=[.!?]))\s*(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,2}}{_MEDIA}[\s,;:]*(?:[.!?]|$)",
    re.IGNORECASE,
)
"""A sentence that only names the medium ("A travel video.", "A short film.")."""
_TAIL_RE = re.compile(
    r"(?:[,;]?\s+(?:please|pls|thanks|thank\s+you|for\s+(?:tik\s?-?tok|youtube|instagram|"
    r"insta|reels|shorts)|on\s+(?:tik\s?-?tok|youtube|instagram)|in\s+(?:vertical|portrait|"
    r"landscape|widescreen|square)(?:\s+format)?|(?:vertical|portrait|widescreen|square)\s+"
    r"format))+\s*(?=[.!?]?\s*$)",
    re.IGNORECASE,
)


def without_constraints(text: str) -> str:
    """`text` without its scene counts and lengths ("in 4 scenes", "30 seconds", "(max 3
    scenes)", "one scene per shot"); lines are kept."""
    s = "\n".join(clean_text(line, 20_000) for line in (text or "").splitlines())
    for m in reversed(length_matches(s)):
        s = s[: m.start()] + " " + s[m.end():]
    s = _PER_ITEM_RE.sub(" ", s)
    s = _AND_A_HALF_RE.sub(" ", s)
    s = re.sub(rf"(?:\b{_MEDIA}\s+(?:de|d'|von)\s+)?{_ONE_MINUTE_RE.pattern}", " ", s,
               flags=re.IGNORECASE)
    for pattern in _CONSTRAINT_RES:
        s = pattern.sub(" ", s)
    return _JA_CONSTRAINT_RE.sub("", s)


def content_of(text: str) -> str:
    """`text` without the words that instruct rather than describe: clauses addressed to the
    agents (`strip_instructions`), scene counts, lengths, "make a video about", "please",
    platform and format asides. Sentence breaks are kept."""
    s = "\n".join(strip_instructions(line) for line in without_constraints(text).split("\n"))
    for pattern in _LEAD_RES:
        s = pattern.sub("", s, count=1)
    s = _TAIL_RE.sub("", s)
    s = _POLITE_RE.sub(" ", s)
    s = _CJK_REQUEST_RE.sub("", s)
    s = _AUDIENCE_RE.sub(" ", s)
    for pattern in _LEAD_RES:
        s = pattern.sub("", s, count=1)
    s = re.sub(r"\(\s*\)|\[\s*\]", " ", s)
    s = re.sub(r"\s+([,.;:!?、。！？])", r"\1", s)
    s = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", s)
    s = re.sub(r"(^|[.!?]\s*)[,;:]\s*", r"\1", s)
    s = re.sub(r"[,;:]\s*([.!?])", r"\1", s)
    s = re.sub(r"([.!?。！？])(?:\s*[.!?。！？])+", r"\1", s)
    s = _BARE_MEDIA_RE.sub(" ", s)
    s = re.sub(r"[^\S\n]+", " ", s)
    s = re.sub(r"\s*\n\s*", "\n", s).strip(" ,;:\n")
    if not re.search(r"\n[-•*·▪]\s", s):
        s = s.lstrip("-–— ")
    return _unrepeated(s)


_TONE_ONLY = {*MOOD_WORDS, *STYLE_BY_ALIAS, "and", "but", "very", "really", "super", "tone",
              "style", "vibe", "vibes", "mood", "feel", "please", "keep", "it", "make"}
"""Words of a sentence that only sets the tone ("Playful.", "Keep it upbeat and fun.")."""


def _unrepeated(text: str) -> str:
    """`text` with each sentence's request lead removed ("A video about ...") and repeated
    sentences kept once; sentences start upper-case."""
    lines = []
    seen: set[str] = set()
    for line in text.split("\n"):
        kept = []
        for sentence in _SENTENCE_RE.split(line):
            for pattern in _LEAD_RES:
                sentence = pattern.sub("", sentence, count=1)
            sentence = sentence.strip(" ,;:")
            key = re.sub(r"\W+", " ", sentence.lower()).strip()
            if key and all(w in _TONE_ONLY for w in key.split()):
                continue
            if key and key not in seen:
                seen.add(key)
                kept.append(sentence[:1].upper() + sentence[1:])
        if kept:
            lines.append(" ".join(kept))
    return "\n".join(lines)


# ------------------------------------------------------------------------------- beats

BeatKind = Literal["list", "story", "topic"]

_ORDINAL_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                  "eight": 8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3,
                  "fourth": 4, "fifth": 5, "sixth": 6}
_ITEM_RE = re.compile(
    r"(?:^|(?<=[\s.;,]))(?:(?:shot|scene|part|step|day|stop|chapter|escena|plano|paso|día|dia|"
    r"sc[eè]ne|plan|étape|jour|szene|schritt|tag|einstellung)\s*#?\s*(\d{1,2}|"
    + "|".join(_ORDINAL_WORDS) + r")\b\s*[:.)–—-]?"
    r"|(\d{1,2})\s*[.):](?=\s)|(?:シーン|場面|カット|ステップ)\s*(\d{1,2})\s*[:：]?)\s*",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"(?:^|\n)\s*(?:[-•*·▪]|\d{1,2}[.)])\s+")
_SEQUENCE_RE = re.compile(
    r"(?:^|[,;.:]\s*|\s+(?:and|&)\s+)(?:(?:and|&)\s+)?(?:first(?:ly)?|to\s+start|start\s+with|begin\s+with|"
    r"then|next|after\s+that|afterwards|later|finally|lastly|at\s+the\s+end|end\s+with|"
    r"primero|luego|después|finalmente|d'abord|puis|ensuite|enfin|finalement|zuerst|dann|"
    r"danach|schließlich|zum\s+schluss)\b[,:]?\s*",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"(?<=[.!?。！？])\s*")
_CLAUSE_BREAK_RE = re.compile(
    r";\s*|\s+[–—-]\s+|,\s+(?=(?:and\s+)?(?:then|when|until|but|so|while|before|after|as|"
    r"where|because|cuando|pero|hasta|quand|mais|puis|jusqu'|als|aber|bis|dann)\b)"
    r"|\s+(?=(?:and\s+then|but\s+then|until|so\s+that)\b)|、(?=.{6,})",
    re.IGNORECASE,
)
_ENUMERATION_RE = re.compile(r"\s*(?:,\s*(?:and\s+|then\s+|and\s+then\s+)?|;|→|->|>)\s*",
                             re.IGNORECASE)
_ENUMERATION_AFTER_COLON_RE = re.compile(r"(?::|\s[-–—])\s*([^:]+?,[^:]+?,[^:]+)$")
_PARENTHESES_LIST_RE = re.compile(r"\(([^()]+?,[^()]+?,[^()]+?)\)")
"""A list after a colon with at least three comma-separated items: "...: getting ready, the
ceremony, the first dance"."""
MAX_BEATS = 12


def _clean_beat(text: str) -> str:
    s = re.sub(r"\s+", " ", text).strip(" ,;:-–—")
    if not re.search(r"\w", s):
        return ""
    s = re.sub(r"^(?:and|then|but|so|und|y|et)\s+", "", s, flags=re.IGNORECASE)
    return s[:1].upper() + s[1:] if s else s


def _numbered(marks: list[re.Match[str]]) -> list[re.Match[str]]:
    """The longest run of item marks numbered 1, 2, 3, ... (or n, n+1, ...) in order."""
    best: list[re.Match[str]] = []
    for i in range(len(marks)):
        run, last = [], None
        for m in marks[i:]:
            raw = next(g for g in m.groups() if g)
            value = int(raw) if raw.isdigit() else _ORDINAL_WORDS.get(raw.lower())
            if value is None or (last is not None and value != last + 1):
                continue
            run.append(m)
            last = value
        if len(run) > len(best):
            best = run
    return best


def _split_at(content: str, marks: list[re.Match[str]]) -> list[str]:
    items = [content[m.end(): nxt.start() if nxt else len(content)]
             for m, nxt in zip(marks, [*marks[1:], None], strict=True)]
    beats = [_clean_beat(i) for i in items if _clean_beat(i)]
    head = _clean_beat(content[: marks[0].start()])
    if head and len(head.split()) > 3 and not head.endswith(":"):
        beats.insert(0, head)
    return beats


def _list_items(content: str) -> list[str]:
    marks = _numbered(list(_ITEM_RE.finditer(content)))
    if len(marks) >= 2:
        return _split_at(content, marks)
    bullets = list(_BULLET_RE.finditer(content))
    if len(bullets) >= 2:
        return _split_at(content, bullets)
    if len(_SEQUENCE_RE.findall(content)) >= 2:
        parts = [_clean_beat(p) for p in _SEQUENCE_RE.split(content)]
        return [p for p in parts if p and re.search(r"\w", p)]
    enumeration = _ENUMERATION_AFTER_COLON_RE.search(content)
    if enumeration:
        items = [_clean_beat(p) for p in _ENUMERATION_RE.split(enumeration.group(1))]
        items = [i for i in items if i]
        if len(items) >= 3:
            return items
    return []


def _sentences(content: str) -> list[str]:
    return [_clean_beat(s) for line in content.split("\n")
            for s in _SENTENCE_RE.split(line) if _clean_beat(s)]


_DIRECTIVE_RE = re.compile(
    r"^(?:focus|include|show|make|use|add|keep|mention|end|start|open|close|highlight|explain|"
    r"cover|talk|avoid|target|aim|emphasi[sz]e|feature)\b", re.IGNORECASE)
"""A sentence that tells the writer what to do ("Focus on Iceland.") rather than a beat."""


def split_beat(beat: str) -> list[str]:
    """`beat` split at its clause breaks (";", " - ", ", then", ", when", ", but", "、"), each
    part at least three words (CJK: six characters); `[beat]` when it has none."""
    parts = [_clean_beat(p) for p in _CLAUSE_BREAK_RE.split(beat) if _clean_beat(p)]
    parts = [p for p in parts if len(p.split()) >= 3 or (CJK_RE.search(p) and len(p) >= 6)]
    return parts if len(parts) > 1 else [beat]


_FIRST_PERSON_RE = re.compile(r"\b(?:I|my|me|we|our|us|mine)\b|\bI'm\b", re.IGNORECASE)


def first_person(content: str) -> bool:
    """Whether a request tells its story in the first person ("my first apartment")."""
    return bool(_FIRST_PERSON_RE.search(content))


def _enumeration(content: str) -> list[str]:
    """Items of a list written inside one sentence: after a colon or a dash ("banana bread -
    mash, mix, bake, slice"), in parentheses ("our values (curiosity, candor, care)"), or as
    three or more comma-separated parts, or joined by "+"."""
    inner = _PARENTHESES_LIST_RE.search(content)
    if inner:
        return [_clean_beat(p) for p in _ENUMERATION_RE.split(inner.group(1)) if _clean_beat(p)]
    m = _ENUMERATION_AFTER_COLON_RE.search(content)
    body = m.group(1) if m else content
    if "+" in body and len(body.split("+")) >= 3:
        parts = re.split(r"\s*[+=]\s*", body)
    else:
        parts = _ENUMERATION_RE.split(body)
    items = [_clean_beat(p) for p in parts if _clean_beat(p)]
    return items if len(items) >= 3 else []


def read_beats(content: str, *, story: bool) -> tuple[BeatKind, list[str]]:
    """The kind of request and its ordered beats (see the module doc). `story`: the request
    names characters, so its sentences are beats even when it is a single sentence."""
    items = _list_items(content)
    if len(items) >= 2:
        return "list", items[:MAX_BEATS]
    sentences = _sentences(content)
    told = [s for s in sentences if len(s.split()) >= 5 and not _DIRECTIVE_RE.match(s)]
    words = len(content.split())
    if len(told) >= 2 or ((story or first_person(content)) and sentences and words >= 8):
        beats = [part for s in sentences for part in (split_beat(s) if len(s.split()) > 14
                                                      else [s])]
        return "story", beats[:MAX_BEATS]
    if len(sentences) == 1 and (items := _enumeration(content)):
        return "list", items[:MAX_BEATS]
    if CJK_RE.search(content) and (story or len(content) >= 20):
        parts = [p.strip() for p in re.split(r"[。！？]", content) if p.strip()]
        beats = [b for p in parts for b in split_beat(p)]
        if len(beats) >= 2 or story:
            return "story", beats[:MAX_BEATS]
    return "topic", []
