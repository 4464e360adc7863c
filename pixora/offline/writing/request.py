"""Reading a free-text request: `BreakdownRequest` (what to write, validated), `parse_request`
(duration, style, platform, aspect ratio and mood words) and `subject_of` (what the video is
about, as a short phrase)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pixora.context.requests import (
    EMPTY_PROMPT,
    MAX_PROMPT_CHARS,
    BreakdownRequest,
    max_scenes_for,
)
from pixora.context.vocabulary import MOOD_WORDS, PLATFORMS, STYLE_BY_ALIAS
from pixora.offline.writing.reading import (
    DURATION_RE,
    content_of,
    read_audience,
    read_beats,
    read_length,
    read_scene_count,
    strip_instructions,
)
from pixora.offline.writing.text import CJK_RE, DANGLING_WORDS, clean_text, has_cjk, standalone

MAX_SUBJECT_WORDS = 8
MAX_SUBJECT_CHARS = 60
MAX_CJK_SUBJECT_CHARS = 12
"""Longest subject in a script without spaces (Chinese, Japanese, Korean), in characters:
six spoken words at two characters a word."""


_PLATFORM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("shorts", r"\b(?:youtube|yt)\s+shorts?\b|\bshorts\b"),
    ("reels", r"\b(?:instagram\s+|ig\s+|insta\s+)?reels?\b"),
    ("tiktok", r"\btik\s?-?tok\b"),
    ("instagram", r"\b(?:instagram|insta|ig)\b"),
    ("youtube", r"\b(?:youtube|yt)\b"),
)
_FORMAT_NOUNS = r"(?:video|format|orientation|mode|clip|version|aspect(?:\s+ratio)?|frame|film)"
_ASPECT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("9:16", r"\b9\s*[:x/]\s*16\b|\b(?:vertical|portrait)\s+" + _FORMAT_NOUNS
     + r"\b|\bin\s+(?:vertical|portrait)\b|\bvertical\b(?=\s*[,.)]|\s*$)"),
    ("16:9", r"\b16\s*[:x/]\s*9\b|\b(?:horizontal|landscape|widescreen)\s+" + _FORMAT_NOUNS
     + r"\b|\bin\s+(?:horizontal|landscape|widescreen)\b|\bwidescreen\b"),
    ("1:1", r"\b1\s*[:x/]\s*1\b|\bsquare\s+" + _FORMAT_NOUNS + r"\b|\bin\s+square\b"),
    ("4:5", r"\b4\s*[:x/]\s*5\b"),
)
_MOOD_LEVEL_RE = re.compile(
    r"\b(?:mood|energy)(?:\s+level)?\s*(?:of|at|:|=|to)?\s*(\d{1,3})\b", re.IGNORECASE
)
_MOOD_WORDS: dict[str, str] = {w: m for w, m in MOOD_WORDS.items() if w not in STYLE_BY_ALIAS}
"""Mood words in a request; a style name ("cinematic") names the style, not the mood."""
_MOOD_WORDS_SORTED = tuple(sorted(_MOOD_WORDS))


def _earliest_word(words: Iterable[str], text: str) -> str | None:
    """The word of `words` found standalone earliest in `text` (case-insensitive); on a tie,
    the first in `words`."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for word in words:
        m = re.search(standalone(re.escape(word)), low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), word)
    return best[1] if best else None


def _first_match(patterns: Sequence[tuple[str, str]], text: str) -> str | None:
    """The name of the first (name, pattern) pair whose pattern occurs in `text`."""
    return next((name for name, pattern in patterns
                 if re.search(pattern, text, re.IGNORECASE)), None)


def _find_style(text: str) -> str | None:
    alias = _earliest_word(STYLE_BY_ALIAS, text)
    return STYLE_BY_ALIAS[alias] if alias else None


def find_mood(text: str) -> str | float | None:
    """The mood a text asks for: a 0-100 level ("energy 80", "mood: 20") as a float, else the
    earliest mood word ("calm", "epic", "high energy"), else None."""
    level = _MOOD_LEVEL_RE.search(text)
    if level:
        return float(min(int(level.group(1)), 100))
    return _earliest_word(_MOOD_WORDS_SORTED, text)


def parse_request(text: str) -> BreakdownRequest:
    """Read a free-text request as a person wrote it: the length ("30-second", "2 minute",
    "45s"; a number without seconds or minutes is content), the scene count ("4 scenes", "no
    more than three", "3 scenes max", "at least 5"; see `reading.read_scene_count`) held to
    what the length holds, style words, platform ("for TikTok") or aspect ratio ("vertical",
    "9:16", "square"), mood words outside the subject, the audience ("for children") and the
    characters the request names or its story implies. Anything not found keeps the
    `BreakdownRequest` default.

    Raises:
        ValueError: as `BreakdownRequest` (empty text, duration outside 5..600 s, more scenes
            than the length holds, ...).
    """
    from pixora.offline.writing.beats import preferred_scenes
    from pixora.offline.writing.characters import extract_characters, specs_of

    prompt = clean_text(text or "", MAX_PROMPT_CHARS, keep_lines=True)
    if not prompt:
        raise ValueError(EMPTY_PROMPT)
    subject = subject_of(prompt)
    rest = prompt.replace(subject, " ") if subject else prompt
    platform = _first_match(_PLATFORM_PATTERNS, rest)
    aspect = _first_match(_ASPECT_PATTERNS, rest)
    if platform and aspect and aspect != PLATFORMS[platform].aspect_ratio and aspect == "16:9":
        aspect = None
    length = read_length(prompt)
    duration = 30.0 if length is None else length
    content = content_of(prompt)
    kind, beats = read_beats(content, story=bool(extract_characters(content, story=True)))
    count = read_scene_count(prompt)
    preferred = preferred_scenes(duration, beats, listed=kind == "list")
    scenes = count.resolve(preferred, max_scenes_for(duration)) if count.given else None
    return BreakdownRequest(
        prompt=prompt,
        duration_s=duration,
        style=_find_style(rest) or "cinematic",
        aspect_ratio=aspect or "16:9",
        mood=find_mood(rest),
        platform=platform,
        scenes=scenes,
        characters=specs_of(extract_characters(content, story=kind != "topic")),
        audience=read_audience(prompt),
    )


# --------------------------------------------------------------------------- subject


_LEAD_RE = re.compile(
    r"^(?:(?:please|hey|hi|hello|ok(?:ay)?|so)[,!]?\s+)*"
    r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
    r"(?:(?:create|make|generate|produce|build|write|render|design|craft|draft|give|show|do|"
    r"put together|i\s+(?:want|need|would like)|i'd\s+like|we\s+(?:want|need)|let's\s+make|"
    r"help\s+me\s+(?:make|create))\s+(?:me\s+|us\s+)?)",
    re.IGNORECASE,
)
_MEDIA = (r"(?:video|videos|film|movie|clip|short|story|documentary|doc|reel|ad|advert|"
          r"advertisement|commercial|promo|trailer|teaser|explainer|animation|montage|piece|"
          r"tour|tutorial|slideshow|intro|vlog|presentation|tribute|spot|segment|episode|tale)")
_ABOUT_RE = re.compile(r"\babout\s+(.+)", re.IGNORECASE)
_MEDIA_PREP_RE = re.compile(
    rf"\b{_MEDIA}\s+(?:on|of|for|showing|featuring|explaining|exploring|celebrating|covering|"
    r"introducing|highlighting|describing|showcasing|depicting|telling|following|where|"
    r"that\s+shows|that\s+explains)\s+(.+)",
    re.IGNORECASE,
)
_STYLE_ALT = "|".join(sorted((re.escape(a) for a in STYLE_BY_ALIAS), key=len, reverse=True))
_STOP_RES = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"[.!?;](?:\s|$)",
    r"\n",
    r"\s+[-–—]\s+",
    r",\s*(?:and\s+)?(?:make|use|using|with|in|for|set|keep|add|it|please|around|lasting|"
    r"no|narrat|voice|music|style|mood|tone|aspect|format|vertical|square|landscape|"
    r"portrait|\d|" + _STYLE_ALT + r")",
    r"\s+(?:for|on)\s+(?:tiktok|tik tok|youtube|yt|instagram|insta|ig|reels?|shorts|"
    r"social media|my channel|our channel|the web)\b",
    r"\s+(?:in|with|using)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:style|mood|tone|feel|look|"
    r"aesthetic|format|aspect ratio|voice|voiceover|voice-over|narration|music|soundtrack|"
    r"vibe|palette)\b",
    r"\s+(?:in|as)\s+(?:an?\s+)?(?:" + _STYLE_ALT + r")\b",
    r"\s+(?:in|at)\s+(?:\d+\s*[:x]\s*\d+|vertical|portrait|landscape|square|widescreen|4k|hd|"
    r"1080p|720p)\b",
    r"\s*,?\s+(?:that(?:'s|\s+is)\s+|lasting\s+|of\s+|for\s+|in\s+|around\s+|about\s+|"
    r"under\s+)?" + DURATION_RE.pattern,
    r"\s+(?:that|which)\s+(?:is|lasts|runs)\s",
))
_LEADING_DETERMINERS = {"The", "A", "An", "How", "Why", "What", "When", "Where", "Who", "My",
                        "Our", "Your", "Its", "This", "These", "Those", "Some"}
_CLAUSE_WORDS = {"that", "which", "where", "while", "because", "so", "with", "and", "but"}


def cut_modifiers(text: str) -> str:
    end = len(text)
    for pattern in _STOP_RES:
        m = pattern.search(text)
        if m and m.start() < end:
            end = m.start()
    return text[:end].strip(" ,;:-\"'“”‘’()[]")


def _strip_request_words(text: str) -> str:
    s = _LEAD_RE.sub("", text, count=1)
    s = DURATION_RE.sub(" ", s)
    s = re.sub(standalone(_STYLE_ALT), " ", s, flags=re.IGNORECASE)
    for _, pattern in (*_PLATFORM_PATTERNS, *_ASPECT_PATTERNS):
        s = re.sub(pattern, " ", s, flags=re.IGNORECASE)
    s = re.sub(rf"\b-?(?:long\s+)?{_MEDIA}\b", " ", s, flags=re.IGNORECASE)
    s = re.sub(r"\s+", " ", s).strip(" ,;:.!?-")
    s = re.sub(r"^(?:(?:an?|for|on|of|about|showing)\s+)+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"(?:\s+(?:for|on|in|with|a|an))+$", "", s, flags=re.IGNORECASE)
    return s.strip()


def shorten_subject(subject: str) -> str:
    """`subject` kept to at most `MAX_SUBJECT_WORDS` words and `MAX_SUBJECT_CHARS` characters
    (a run without spaces in Chinese, Japanese or Korean: `MAX_CJK_SUBJECT_CHARS`), cut before
    a clause word where one falls late enough; a leading capitalised determiner is lowered."""
    words = subject.split()
    if all(w.lower().strip(",.") in DANGLING_WORDS for w in words):
        return ""
    if has_cjk(subject) and len(subject) > MAX_CJK_SUBJECT_CHARS:
        return subject[:MAX_CJK_SUBJECT_CHARS].rstrip(" ,、。の的")
    if len(words) == 1 and len(subject) > MAX_SUBJECT_CHARS:
        return subject[: MAX_SUBJECT_CHARS // 2]
    if len(words) > MAX_SUBJECT_WORDS:
        cut = next((i for i in range(3, MAX_SUBJECT_WORDS + 1)
                    if words[i].lower() in _CLAUSE_WORDS), MAX_SUBJECT_WORDS)
        words = words[:cut]
    while len(" ".join(words)) > MAX_SUBJECT_CHARS and len(words) > 1:
        words.pop()
    out = " ".join(words).rstrip(" ,;:-")
    first, _, rest = out.partition(" ")
    if first in _LEADING_DETERMINERS and rest:
        out = first.lower() + " " + rest
    return out


# Spanish, French, German, Italian and Portuguese requests: "Haz un video de 30 segundos sobre
# los volcanes", "Fais une vidéo sur les volcans", "Mach ein Video über Vulkane".
_FOREIGN_ABOUT_RE = re.compile(
    r"(?<!\w)(?:sobre|acerca\s+de|a\s+respeito\s+d[eoa]s?|sur|à\s+propos\s+de|"
    r"au\s+sujet\s+de|concernant|über|ueber|zum\s+thema|su|sul|sullo|sulla|sui|sugli|sulle|"
    r"riguardo(?:\s+a)?)\s+(.+)",
    re.IGNORECASE,
)
_FOREIGN_LEAD_RE = re.compile(
    r"^(?:(?:por\s+favor|s'il\s+te\s+plaît|s'il\s+vous\s+plaît|bitte|per\s+favore)[,\s]+)?"
    r"(?:haz(?:me)?|crea(?:me)?|créame|genera(?:me)?|fais(?:-moi)?|faites(?:-moi)?|crée(?:z)?|"
    r"génère|mach(?:e)?|erstelle?|erzeuge?|faça|faz|crie|fai|fammi|realizza|quiero|quisiera|"
    r"je\s+veux|ich\s+möchte|voglio|quero)\s+"
    r"(?:(?:un|una|une|uno|um|uma|ein|eine|einen|mir|moi)\s+)*"
    r"(?:v[ií]deo|vidéo|clip|film|filme|película|pelicula|cortometraje|court\s+métrage|"
    r"kurzfilm|documental|documentaire|dokumentation|documentario|documentário)?\s*"
    r"(?:(?:de|du|des|von|di|da|do|sur|über)\s+)?",
    re.IGNORECASE,
)
_PLATFORM_ALT = r"tik\s?-?tok|youtube|yt|instagram|insta|reels?|shorts"
_FOREIGN_STOP_RE = re.compile(
    r"[.!?;,](?:\s|$)|\n|\s+[-–—]\s+"
    r"|\s+(?:\w{1,4}\s+)?\d"
    rf"|\s+(?:\w{{1,4}}\s+)?(?:{_PLATFORM_ALT})(?!\w)"
    r"|\s+(?:\w{1,4}\s+)?(?:estilo|style|stil|stile|formato|format)(?!\w)"
    rf"|\s+(?:\w{{1,4}}\s+)?(?:{_STYLE_ALT})(?!\w)",
    re.IGNORECASE,
)


def _foreign_subject(text: str) -> str:
    """The subject of a request in a European language other than English."""
    about = _FOREIGN_ABOUT_RE.search(text)
    found = about.group(1) if about else _FOREIGN_LEAD_RE.sub("", text, count=1)
    stop = _FOREIGN_STOP_RE.search(found)
    found = (found[: stop.start()] if stop else found).strip(" ,;:-\"'“”‘’«»()[]")
    return shorten_subject(found or text)


# Chinese, Japanese and Korean: "桜についての30秒の動画", "关于大海的视频", "바다에 대한 영상".
_CJK_ABOUT_RES = tuple(re.compile(p) for p in (
    r"(.+?)(?:について|に関する|に関して|をテーマに)",
    r"(?:关于|關於)(.+?)(?:的|。|$)",
    r"(.+?)에\s*(?:대한|관한|대해)",
    r"(.+?)の(?:[\d.]+\s*(?:秒|分)の?)?(?:動画|ビデオ|映像|ムービー)",
    r"(.+?)的(?:[\d.]+\s*(?:秒钟|秒|分钟|分鐘)的?)?(?:视频|視頻|影片|短片)",
))
_CJK_REQUEST_RE = re.compile(
    r"^(?:请|請|帮我|幫我|给我|給我)?(?:做|制作|製作|生成|拍)?(?:一个|一個|一段|一部)?"
    r"|[\d.]+\s*(?:秒钟|秒鐘|秒|分钟|分鐘|分|초|분)(?:の|的)?"
    r"|(?:動画|ビデオ|映像|ムービー|视频|視頻|影片|영상|동영상)"
    r"|(?:を|で)?(?:作って|作成して|作る|生成して)(?:ください|下さい)?|ください|만들어\s*주세요"
)


def _cjk_subject(text: str) -> str:
    """The subject of a request written without spaces (Chinese, Japanese, Korean)."""
    found = ""
    for pattern in _CJK_ABOUT_RES:
        m = pattern.search(text)
        if m:
            found = _CJK_REQUEST_RE.sub("", m.group(1))
            break
    if not found.strip(" 、。の的"):
        found = _CJK_REQUEST_RE.sub("", text)
    found = found.strip(" ,、。の的を?？!！")
    return shorten_subject(found or text)


_ENGLISH_CUES = {"the", "a", "an", "about", "of", "for", "with", "and", "my", "our", "to",
                 "make", "create", "please", "is", "that", "this", "showing", "explaining",
                 "generate", "want", "how", "why", "what", "video", "story", "seconds",
                 "minute", "minutes", "second", "her", "his", "their", "they", "she", "he",
                 "are", "was", "were", "than", "more", "from", "by", "when", "then",
                 "who", "where", "first", "last", "at", "it", "scenes", "shot"}


def is_english(text: str) -> bool:
    """Whether `text` reads as an English request: it opens with a request verb ("Create a
    ...") or at least two of its words are common English function or request words."""
    if _LEAD_RE.match(text):
        return True
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return len(words & _ENGLISH_CUES) >= 2


def subject_of(text: str) -> str:
    """What the video is about, as a short phrase: "Create a 30-second video about space
    exploration" -> "space exploration".

    Clauses addressed to the agents ("render it right away", "skip the approval") are dropped
    first (`strip_instructions`). Then tries "about X", then "<video|film|story...> of/on/for/
    showing X", then the text with request words (verbs, durations, styles, platforms, formats)
    removed. Modifiers after the subject ("for TikTok", "in anime style", ", 45 seconds") are
    cut, and the result is kept to at most `MAX_SUBJECT_WORDS` words / `MAX_SUBJECT_CHARS`
    characters. Spanish, French, German, Italian and Portuguese requests are read by their
    "about" words ("sobre los volcanes" -> "los volcanes"); Chinese, Japanese and Korean ones by
    theirs ("桜について" -> "桜"), at most `MAX_CJK_SUBJECT_CHARS` characters. Returns "" when
    only request words remain ("make a video").
    """
    text = strip_instructions(clean_text(text or "", 4_000))
    if not is_english(text):
        if CJK_RE.search(text) and len(CJK_RE.findall(text)) * 2 >= len(text.replace(" ", "")):
            return _cjk_subject(text)
        return _foreign_subject(text)
    for pattern in (_ABOUT_RE, _MEDIA_PREP_RE):
        m = pattern.search(text)
        if m:
            found = cut_modifiers(m.group(1))
            if found and re.search(r"\w", found):
                return shorten_subject(found)
    head = cut_modifiers(text) or text
    return shorten_subject(_strip_request_words(head))
