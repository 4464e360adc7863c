"""Revising one scene: `revise_scene` applies a plain-language edit to its narration, its
visual prompt, or both, by the rules in `edit_rules`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pixora.context.models import Breakdown, Scene
from pixora.context.vocabulary import VOCABULARY, camera_phrase, lighting_phrase
from pixora.offline.writing.breakdown import PROMPT_FIELD_CHARS, plan_beats
from pixora.offline.writing.characters import role_phrase
from pixora.offline.writing.edit_rules import (
    CAMERA_CHANGES,
    COMMAND_RE,
    FOCUS_RE,
    IMPERATIVE_LEAD_RE,
    MENTION_LINES,
    PART_BREAK_RE,
    QUOTED_RE,
    REWRITE_RE,
    SAY_CUE,
    SCENE_REF_RES,
    SCRIPT_PART_RE,
    SCRIPT_REPLACE_RES,
    SHOW_CUE,
    TONE_LINES,
    TONE_START_RE,
    VISUAL_CHANGES,
    VISUAL_PART_RE,
    VISUAL_REPLACE_RES,
)
from pixora.offline.writing.narration import (
    Pool,
    fit_script,
    follow_group,
    narrate,
    subject_fields,
    topic_lines,
    word_budget,
)
from pixora.offline.writing.request import cut_modifiers, shorten_subject, subject_of
from pixora.offline.writing.text import (
    clean_text,
    seeded_random,
    sentence_case,
    stable_int,
    standalone,
    word_count,
)
from pixora.offline.writing.vocabulary import FOLLOW_UPS, STORY_LINES, Topic, topic_for

MAX_INSTRUCTION_CHARS = 1_000
UpdateType = Literal["script", "visual", "both"]


def _quoted(text: str, kind: Literal["script", "visual"], alone: bool) -> str | None:
    """The quoted text meant for `kind`: a quote after "say"/"narration" words is narration,
    after "show"/"image" words a visual; when both are edited (`alone` false), an untagged
    quote goes to the narration."""
    quotes = []
    last = 0
    for m in QUOTED_RE.finditer(text):
        before = text[last:m.start()]
        said, shown = bool(SAY_CUE.search(before)), bool(SHOW_CUE.search(before))
        quotes.append((next(g for g in m.groups() if g), said, shown))
        last = m.end()
    own = [q for q, said, shown in quotes if (said if kind == "script" else shown)]
    if own:
        return own[0]
    untagged = [q for q, said, shown in quotes if not (said or shown)]
    if kind == "script" and untagged:
        return untagged[0]
    if alone and quotes:
        return untagged[0] if untagged else quotes[0][0]
    return None


def _phrase_re(phrases: Sequence[str]) -> re.Pattern[str]:
    """Matches any of `phrases` with a leading preposition and article ("on a sunny day"),
    a leading light adjective ("bright sunlight") and a trailing "light"/"sky" noun."""
    alt = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(
        r"(?:\b(?:at|in|on|during|under|by|with|of)\s+(?:an?\s+|the\s+)?)?"
        r"(?:\b(?:bright|warm|soft|clear|hot|pale|cool|gentle)\s+)?"
        + standalone(alt) + r"(?:\s+(?:light|lighting|sky|skies))?",
        re.IGNORECASE,
    )


def _tidy(text: str) -> str:
    """`text` with doubled or dangling punctuation and stray articles left by removals cleaned."""
    s = re.sub(r"\s+", " ", text)
    s = re.sub(r"\s+([,.;:])", r"\1", s)
    s = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", s)
    s = re.sub(r"[,;:]\s*\.", ".", s)
    s = re.sub(r"\.\s*[,;:]", ".", s)
    s = re.sub(r"\.(?:\s*\.)+", ".", s)
    s = re.sub(r"\b(an?|the)\s+(?=[,.;:]|$)", "", s, flags=re.IGNORECASE)
    s = re.sub(r"^[\s,;:.]+", "", s)
    return s.strip()


def _split_visual(prompt: str) -> tuple[str, str]:
    """(description, style tail) of a visual prompt written by `write_breakdown`; other
    prompts are all description."""
    head, sep, rest = prompt.partition(". ")
    if not sep:
        return prompt.rstrip("."), ""
    return head, rest


def _join_visual(desc: str, style: str) -> str:
    desc = sentence_case(_tidy(desc).rstrip(".,; "))
    style = sentence_case(_tidy(style).rstrip(".,; "))
    parts = [f"{desc}.", f"{style}." if style else ""]
    return clean_text(" ".join(p for p in parts if p), PROMPT_FIELD_CHARS)


_SLOT = "\x00"


def _swap_phrase(style: str, old: str | None, new: str) -> str:
    """`style` with the `old` phrase replaced by `new`, or `new` appended."""
    if old and old.lower() in style.lower():
        return re.sub(re.escape(old), new, style, count=1, flags=re.IGNORECASE)
    return f"{style.rstrip('. ')}, {new}" if style else new


def _revise_visual(scene: Scene, instruction: str, alone: bool,
                   free_text: bool = True) -> dict[str, str]:
    """New visual prompt, lighting and camera. `alone`: only the visuals are edited, so a
    quote or "change it to ..." is a new description; `free_text`: unrecognised words are
    added to the description."""
    changes = [c for c in VISUAL_CHANGES if re.search(c.trigger, instruction, re.IGNORECASE)]
    desc, style = _split_visual(scene.visual_prompt)
    camera = next((name for pattern, name in CAMERA_CHANGES
                   if re.search(pattern, instruction, re.IGNORECASE)), scene.camera)
    lighting = next((c.lighting for c in reversed(changes) if c.lighting), scene.lighting)
    old_light = VOCABULARY.lighting.get(scene.lighting)
    relit = any(c.lighting for c in changes)
    if relit and old_light and old_light.lower() in style.lower():
        style = re.sub(re.escape(old_light), _SLOT, style, count=1, flags=re.IGNORECASE)
    replacement = _quoted(instruction, "visual", alone)
    if replacement is None and alone:
        for pattern in VISUAL_REPLACE_RES:
            m = pattern.search(instruction)
            if m:
                replacement = m.group(1)
                break
    if replacement is not None:
        leftover = replacement
        for c in changes:
            leftover = re.sub(c.trigger, " ", leftover, flags=re.IGNORECASE)
        if len(re.findall(r"\w+", leftover)) < 2 or TONE_START_RE.match(replacement):
            replacement = None
    if replacement is not None:
        desc = replacement.strip(" .")
    for c in changes:
        remove = _phrase_re(c.removes)
        style = remove.sub(" ", style)
        if replacement is None:
            desc = _tidy(remove.sub(" ", desc))
            if c.position == "prepend":
                desc = re.sub(r"^of\s+", "", desc, flags=re.IGNORECASE)
                desc = f"{c.adds} {desc[:1].lower()}{desc[1:]}"
            else:
                desc = f"{desc}, {c.adds}"
    if relit:
        new_light = lighting_phrase(lighting)
        style = style.replace(_SLOT, new_light) if _SLOT in style else _swap_phrase(
            style, None, new_light)
    if camera != scene.camera:
        old_camera = VOCABULARY.cameras.get(scene.camera)
        style = _swap_phrase(style, old_camera and old_camera.phrase, camera_phrase(camera))
    if free_text and not changes and replacement is None and camera == scene.camera:
        addition = IMPERATIVE_LEAD_RE.sub("", QUOTED_RE.sub(" ", instruction) if not alone
                                          else instruction, count=1).strip(" .,")
        desc = f"{desc}, {addition or instruction}"
    return {"visual_prompt": _join_visual(desc, style), "lighting": lighting,
            "camera": camera}


def _scene_beat(breakdown: Breakdown, index: int) -> str:
    """The beat `plan_beats` gave scene `index` (1-based)."""
    return plan_beats(len(breakdown.scenes), bool(breakdown.characters))[index - 1]


def _topic(breakdown: Breakdown, subject: str) -> Topic | None:
    """The topic family of a breakdown, as `write_breakdown` chose it."""
    return topic_for(f"{subject} {breakdown.prompt[:2000]}")


def _fresh_script(breakdown: Breakdown, scene: Scene, subject: str, salt: str,
                  max_words: int | None = None, single: bool = False,
                  story: bool | None = None) -> str:
    """A new template narration for `scene`'s beat, avoiding its current sentences; `story`
    (default: the breakdown has characters) narrates the lead character, else `subject`."""
    beat = _scene_beat(breakdown, scene.index)
    pool = Pool(seeded_random("revise", scene.script, salt))
    current = set(_sentences(scene.script))
    extra = None
    fields = subject_fields(subject, _topic(breakdown, subject), scene.index - 1)
    if breakdown.characters and story is not False:
        lead = breakdown.characters[0]
        fmt = {**fields, "n": lead.name, "r": role_phrase(lead), "o": lead.name}
        lines = tuple(t for t in STORY_LINES[beat] if "{p}" not in t) or STORY_LINES["desire"]
    else:
        fmt, lines = fields, topic_lines(beat, subject)
        group = follow_group(beat)
        extra = (f"follow-{group}", FOLLOW_UPS[group])
    fresh = tuple(t for t in lines if t.format(**fmt) not in current) or lines
    return narrate(pool, beat, fresh, fmt, scene.duration, extra, max_words, single)


def _sentences(text: str) -> list[str]:
    """The sentences of `text`, split after ".", "!" or "?"."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _verbatim_script(instruction: str, alone: bool) -> str | None:
    """The new narration text an instruction carries (quoted, or "say ..."/"change it to ..."),
    or None when it asks for a rewrite instead. Unquoted text is sentence-cased, and never
    taken when it reads as a command to the agents ("ignore previous instructions ...")."""
    verbatim = _quoted(instruction, "script", alone)
    if verbatim is None:
        for pattern in SCRIPT_REPLACE_RES:
            m = pattern.search(instruction)
            if m and not TONE_START_RE.match(m.group(1)) and not COMMAND_RE.search(m.group(1)):
                verbatim = sentence_case(m.group(1).strip(" \t"))
                break
    return verbatim.strip() if verbatim is not None and verbatim.strip(" .,") else None


def _without_scene_refs(text: str) -> str:
    """`text` with "scene N" taken out (`SCENE_REF_RES`)."""
    for pattern, replacement in SCENE_REF_RES:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip(" ,;")


def _part_kind(part: str) -> Literal["script", "visual"] | None:
    """Whether an instruction part (quotes masked) is about the narration or the visuals, by
    its earliest cue word; None without one."""
    cues = [(m.start(), "script") for m in [SCRIPT_PART_RE.search(part)] if m]
    cues += [(m.start(), "visual") for m in [VISUAL_PART_RE.search(part)] if m]
    cues += [(m.start(), "visual") for m in (
        re.search(p, part, re.IGNORECASE)
        for p in (*(c.trigger for c in VISUAL_CHANGES), *(p for p, _ in CAMERA_CHANGES))) if m]
    return min(cues)[1] if cues else None  # type: ignore[return-value]


def split_instruction(instruction: str) -> tuple[str, str]:
    """(visual part, narration part) of an edit instruction, "scene N" removed.

    The instruction splits at sentence ends and at commas or "and" before a new request; each
    part goes to the narration (quoted text after "say", "narration ...", "script ...") or to
    the visuals ("show ...", "the visual ...", time of day, weather, shot and camera words) by
    its first cue word; a part without one follows the part before it, or, first, goes to the
    narration when it is only a quote and to the visuals otherwise. "change scene 3 to show a
    diver and say 'Dive in.'" -> ("change it to show a diver", "say 'Dive in.'").
    """
    text = _without_scene_refs(instruction)
    quotes: list[str] = []

    def mask(m: re.Match[str]) -> str:
        quotes.append(m.group(0))
        return f"\x01{len(quotes) - 1}\x02"

    masked = QUOTED_RE.sub(mask, text)
    parts: dict[str, list[str]] = {"visual": [], "script": []}
    kind: str | None = None
    for piece in PART_BREAK_RE.split(masked):
        piece = re.sub(r"^(?:and|then|but|also)\s+", "", piece.strip(" ,;"), flags=re.IGNORECASE)
        if not piece.strip(" .,"):
            continue
        kind = _part_kind(piece) or kind or (
            "script" if re.fullmatch(r"\W*\x01\d+\x02\W*", piece) else "visual")
        parts[kind].append(re.sub(r"\x01(\d+)\x02", lambda m: quotes[int(m.group(1))], piece))
    return " ".join(parts["visual"]).strip(), " ".join(parts["script"]).strip()


def _revise_script(breakdown: Breakdown, scene: Scene, instruction: str, alone: bool,
                   verbatim: bool = True) -> str:
    """New narration for `scene`; `alone`: the instruction is only about the narration;
    `verbatim` false: never take its words as the new narration."""
    new_words = _verbatim_script(instruction, alone) if verbatim else None
    if new_words is not None:
        fitted = fit_script(new_words, scene.duration)
        return fitted if fitted.endswith((".", "!", "?", '"', "”", "…")) else fitted + "."
    subject = subject_of(breakdown.prompt) or breakdown.title
    low = instruction.lower()
    words = word_count(scene.script)
    hard = word_budget(scene.duration)
    if re.search(r"\b(?:shorter|shorten|trim|cut|briefer|fewer words|more concise|tighter)\b",
                 low):
        sentences = _sentences(scene.script)
        if len(sentences) > 1:
            return fit_script(sentences[0], scene.duration)
        shorter = _fresh_script(breakdown, scene, subject, instruction, words - 1, True)
        return shorter if word_count(shorter) < words else scene.script
    focus = FOCUS_RE.search(instruction)
    if focus:
        topic = shorten_subject(cut_modifiers(focus.group(1))) or subject
        if re.match(r"(?:mention|include|add)\b", focus.group(0), re.IGNORECASE):
            first = _sentences(scene.script)[0]
            room = hard - word_count(first)
            line = MENTION_LINES[stable_int(instruction, scene.index) % len(MENTION_LINES)]
            added = sentence_case(line.format(s=topic))
            if word_count(added) <= room:
                return f"{first} {added}"
        return _fresh_script(breakdown, scene, topic, instruction, story=False)
    if re.search(r"\b(?:longer|expand|more detail|elaborate|add more)\b", low):
        room = hard - words
        if room < 4:
            return scene.script
        more = _fresh_script(breakdown, scene, subject, instruction, room, True)
        return fit_script(f"{scene.script} {more}", scene.duration)
    for tone, (pattern, lines) in TONE_LINES.items():
        if re.search(pattern, low):
            name = (f"{breakdown.characters[0].name}'s story" if breakdown.characters
                    else subject)
            pool = Pool(seeded_random("tone", scene.script, instruction))
            group = "development" if breakdown.characters else follow_group(
                _scene_beat(breakdown, scene.index))
            fields = subject_fields(name, _topic(breakdown, subject), scene.index - 1)
            return narrate(pool, tone, lines, fields, scene.duration, (group, FOLLOW_UPS[group]))
    return _fresh_script(breakdown, scene, subject, instruction)


def revise_scene(breakdown: Breakdown, index: int, instruction: str,
                 update_type: UpdateType) -> Scene:
    """Scene `index` (1-based) of `breakdown` with `instruction` applied; the breakdown itself
    is not changed.

    The instruction may be the user's whole message ("change scene 3 to show a diver and say
    'Dive in.'"): "scene N" is dropped and it is split into a narration part and a visual part
    (`split_instruction`). `update_type` "script" rewrites the narration: quoted text, "say
    ..." or "change the narration to ..." is taken verbatim (unquoted text that reads as a
    command to the agents is not); "shorter", "longer", "mention X" and tone words (dramatic,
    calm, playful, inspiring, emotional) rewrite it from templates; anything else gives a
    fresh template line. The result is fitted to the scene's duration (`fit_script`). "visual"
    edits the visual prompt: time of day (night, sunset, sunrise, day), weather and season,
    underwater, shot size (closer, wider, aerial), color (more colorful, black and white,
    darker, brighter) and camera moves replace conflicting words and keep the rest; a new
    description ("change the image to a lighthouse") replaces the description but keeps the
    style; any other text is added to the description as content. "both" applies the narration
    part to the narration and the visual part to the visual prompt; a field without a part of
    its own is kept, except that the narration is rewritten when the instruction asks for a
    tone, length or focus. The instruction is only ever content: control characters are removed
    and it is cut to `MAX_INSTRUCTION_CHARS`.

    Raises:
        IndexError: no such scene.
        ValueError: empty instruction or unknown `update_type`.
    """
    if update_type not in ("script", "visual", "both"):
        raise ValueError("update_type must be 'script', 'visual' or 'both'")
    scene = breakdown.scene(index)
    text = clean_text(instruction or "", MAX_INSTRUCTION_CHARS)
    if not text:
        raise ValueError("describe the change, e.g. 'at night' or 'say \"Welcome home.\"'")
    visual_part, script_part = split_instruction(text)
    whole = _without_scene_refs(text) or text
    changes: dict[str, object] = {}
    if update_type == "script":
        changes["script"] = _revise_script(breakdown, scene, script_part or whole, True)
    elif update_type == "visual":
        changes.update(_revise_visual(scene, visual_part or whole, True))
    else:
        if script_part:
            changes["script"] = _revise_script(breakdown, scene, script_part, True)
        elif REWRITE_RE.search(whole):
            changes["script"] = _revise_script(breakdown, scene, whole, False, verbatim=False)
        if visual_part:
            changes.update(_revise_visual(scene, visual_part, True))
    return Scene.model_validate({**scene.model_dump(), **changes})
