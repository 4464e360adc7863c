"""What a user's chat message asks for, read with rules (the offline director's understanding).

Understood: create (subject, duration, style, platform or aspect, mood), approve, edit scene N
(script, visual or both), regenerate scene N, voice changes, music changes, characters and
their looks ("give Mia a yellow raincoat", "make Mia's coat yellow"),
captions (style, size, colour, position), status, cancel and help. Everything else is
`other`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pixora.context.traits import parse_trait_edit
from pixora.context.vocabulary import MOOD_WORDS, TONE_WORDS

IntentKind = Literal[
    "create", "approve", "reject", "edit", "regenerate", "voice", "music", "captions",
    "character", "character_edit", "status", "cancel", "help", "other",
]


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    text: str
    scene: int | None = None
    update_type: Literal["script", "visual", "both"] = "both"
    content: str = ""
    params: dict[str, object] = field(default_factory=dict)


_SCENE = re.compile(r"\bscene\s*#?\s*(\d{1,4})\b", re.I)
_APPROVE = re.compile(
    r"^\s*(yes|yep|yeah|ok(ay)?|sure|approve[sd]?|approval|looks? (good|great)|lgtm|go( ahead)?"
    r"|generate|render|make it|do it|sounds good|perfect|great|ship it|start)\b"
    r"|\bapprove\b|\bgenerate (the |my )?video\b|\bstart (the )?generation\b", re.I,
)
_REJECT = re.compile(r"^\s*(no|nope|don't|do not|reject)\b", re.I)
_CANCEL = re.compile(r"\b(cancel|abort|stop (the )?(generation|render|it))\b", re.I)
_STATUS = re.compile(
    r"\b(status|progress|how long|how far|done yet|is it (ready|done)|eta)\b", re.I
)
_HELP = re.compile(r"^\s*(help|\?|what can you do|how does this work)\b", re.I)
_REGEN = re.compile(r"\b(regenerate|redo|remake|re-do|another take|try again on)\b", re.I)
_VOICE = re.compile(
    r"\b(voice|narrator|narration speed|speak|speaking|slower|faster|warmer|brighter)\b", re.I
)
_CAPTIONS = re.compile(r"\b(captions?|subtitles?|subs|karaoke)\b", re.I)
_COLOURS = ("white", "yellow", "red", "green", "blue", "cyan", "magenta", "pink", "orange",
            "black", "gold", "purple")
_MUSIC = re.compile(r"\b(music|soundtrack|score|song|background track)\b", re.I)
_CHARACTER = re.compile(
    r"\b(add|create|introduce|new) (a |the )?character\b|\bcharacter (named|called)\b", re.I
)
_CREATE = re.compile(
    r"\b(video|film|clip|short|reel|story|trailer|explainer|create|make|about)\b", re.I
)
_SCRIPT_WORDS = re.compile(
    r"\b(narration|script|say|says|voice-?over|text|line|words|read)\b", re.I
)
_VISUAL_NOUNS = re.compile(r"\b(visual|image|picture|look|show|shows|showing)\b", re.I)
_VISUAL_WORDS = re.compile(
    r"\b(visual|image|picture|look|shot|background|night|sunset|sunrise|dawn|dusk|day(time)?"
    r"|colou?rs?|colorful|rain|snow|winter|summer|underwater|camera|lighting|closer|wider"
    r"|dark(er)?|bright(er)?|show|shows|showing|at|in)\b", re.I,
)


def _voice_params(text: str) -> dict[str, object]:
    t = text.lower()
    params: dict[str, object] = {}
    tone = _first_word(TONE_WORDS, t)
    if tone:
        params["tone"] = TONE_WORDS[tone]
    if re.search(r"\bmuch slower\b", t):
        params["speed"] = 0.75
    elif re.search(r"\bslower|slow down\b", t):
        params["speed"] = 0.85
    elif re.search(r"\bmuch faster\b", t):
        params["speed"] = 1.3
    elif re.search(r"\bfaster|speed up|quicker\b", t):
        params["speed"] = 1.15
    return params


def _caption_params(text: str) -> dict[str, object]:
    """update_captions_tool arguments from a message about captions; "move" ("up"/"down") is
    resolved against the current position by the director."""
    t = text.lower()
    params: dict[str, object] = {}
    if re.search(r"\b(off|no|remove|hide|disable|without|none)\b", t):
        params["style"] = "off"
    elif "karaoke" in t or re.search(r"\bhighlight(ed)? (the )?(current |spoken )?words?\b", t):
        params["style"] = "karaoke"
    elif re.search(r"\bbold\b|\bbig words\b|\bone word at a time\b", t):
        params["style"] = "bold"
    elif re.search(r"\b(plain|simple|subtitles?|standard)\b", t) or re.search(
            r"\b(on|add|show|enable)\b", t):
        params["style"] = "subtitle"
    if re.search(r"\b(bigger|larger|big|large|huge)\b", t):
        params["size"] = "large"
    elif re.search(r"\b(smaller|small|tiny)\b", t):
        params["size"] = "small"
    colour = _first_word(_COLOURS, t)
    if colour:
        params["color"] = colour
    if re.search(r"\b(to the )?top\b", t):
        params["position"] = "top"
    elif re.search(r"\b(middle|centre|center)\b", t):
        params["position"] = "middle"
    elif re.search(r"\b(to the )?bottom\b", t):
        params["position"] = "bottom"
    elif re.search(r"\b(up|higher|raise)\b", t):
        params["move"] = "up"
    elif re.search(r"\b(down|lower)\b", t):
        params["move"] = "down"
    return params


def _first_word(words: Iterable[str], text: str) -> str | None:
    """The word of `words` that occurs first in `text` as a whole word, if any."""
    found = [(m.start(), w) for w in words if (m := re.search(rf"\b{re.escape(w)}\b", text))]
    return min(found)[1] if found else None


_GENRES = (
    "ambient", "orchestral", "electronic", "acoustic", "lofi", "lo-fi", "piano", "cinematic",
    "jazz", "rock", "synthwave",
)


def _music_params(text: str) -> dict[str, object]:
    t = text.lower()
    mood = _first_word(MOOD_WORDS, t) or "calm"
    genre = next((g for g in _GENRES if g in t), "ambient")
    return {"mood": mood, "genre": genre.replace("lo-fi", "lofi")}


_KINDS = re.compile(r"\b(dog|puppy|cat|kitten|fox|bear|owl|rabbit|horse|bird|parrot|dragon"
                    r"|robot|alien)\b", re.I)


def _character_params(text: str) -> dict[str, object]:
    """generate_character_tool arguments: name, kind, role and visible traits."""
    name_m = re.search(r"\b(?:named|called)\s+([A-Z][\w-]+)", text)
    name = name_m.group(1) if name_m else "Alex"
    traits_m = re.search(r"\b(?:who is|who's|,)\s+(.+)$", text, re.I)
    traits = (traits_m.group(1) if traits_m else text).strip().rstrip(".")[:300]
    role_m = re.search(r"\b(protagonist|hero|villain|narrator|sidekick|guide|friend)\b", text, re.I)
    kind_m = _KINDS.search(text)
    return {"name": name, "kind": kind_m.group(1).lower() if kind_m else "person",
            "role": role_m.group(1).lower() if role_m else "supporting", "traits": traits}


def classify(message: str, *, has_breakdown: bool) -> Intent:
    """Read one user message. `has_breakdown` tells a new idea from an edit."""
    text = message.strip()
    if not text:
        return Intent("other", text)
    if _HELP.search(text):
        return Intent("help", text)
    if _CANCEL.search(text):
        return Intent("cancel", text)
    scene = _SCENE.search(text)
    if scene:
        index = int(scene.group(1))
        if _REGEN.search(text):
            return Intent("regenerate", text, scene=index, content=_SCENE.sub("", text).strip())
        script = bool(_SCRIPT_WORDS.search(text))
        visual = bool(_VISUAL_WORDS.search(_SCENE.sub("", text)))
        kind: Literal["script", "visual", "both"] = (
            "script" if script and not _VISUAL_NOUNS.search(text)
            else "visual" if visual and not script else "both"
        )
        return Intent("edit", text, scene=index, update_type=kind, content=text)
    if _STATUS.search(text) and has_breakdown:
        return Intent("status", text)
    trait_edit = parse_trait_edit(text) if has_breakdown else None
    if trait_edit:
        who, thing, color = trait_edit
        return Intent("character_edit", text, params={"who": who, "thing": thing,
                                                       "color": color})
    if _CHARACTER.search(text):
        return Intent("character", text, params=_character_params(text))
    if has_breakdown and _CAPTIONS.search(text):
        return Intent("captions", text, params=_caption_params(text))
    if has_breakdown and _MUSIC.search(text):
        return Intent("music", text, params=_music_params(text))
    if has_breakdown and _VOICE.search(text):
        return Intent("voice", text, params=_voice_params(text))
    if has_breakdown and _REJECT.search(text):
        return Intent("reject", text)
    if has_breakdown and _APPROVE.search(text):
        return Intent("approve", text)
    if _CREATE.search(text) or not has_breakdown:
        return Intent("create", text)
    return Intent("other", text)
