"""The offline breakdown writer and scene reviser: deterministic rules, no language model.

`parse_request` reads a free-text request ("a 30-second anime video about space exploration
for TikTok", also in Spanish, French, German, Italian, Portuguese, Chinese, Japanese or
Korean) into a `BreakdownRequest`, leaving out clauses addressed to the agents ("skip the
approval"); `write_breakdown` turns it into a `Breakdown` with a hook / development / close
arc, narration paced at most `WORDS_PER_SECOND`, concrete image-ready visual prompts that show
the subject itself, short content-based scene titles ("Liftoff", "Lighthouse at Dusk"), cameras
and lighting from the mood matrix (`pixora.context.vocabulary`), transitions, characters and music
cues. `revise_scene` applies one plain-language edit (the user's whole message, split into
its narration and visual parts) to one scene.

Everything here is rule-based template writing. The same request always gives the same
breakdown: randomness comes from a SHA-256 of the request, never from Python's salted `hash()`.

Modules: `request` (reading a request), `breakdown` (writing one), `shots` (what each scene
shows and its title), `revise` (editing a scene), `characters`, `narration` (pace and template
lines), `vocabulary` and `edit_rules` (data), `text` (string helpers).
"""

from pixora.context.models import character_id
from pixora.context.requests import MAX_DURATION_S, MIN_DURATION_S, BreakdownRequest
from pixora.offline.writing.beats import preferred_scenes, scene_count
from pixora.offline.writing.breakdown import (
    plan_beats,
    split_duration,
    write_breakdown,
)
from pixora.offline.writing.characters import extract_characters
from pixora.offline.writing.narration import WORDS_PER_SECOND, fit_script
from pixora.offline.writing.request import (
    MAX_CJK_SUBJECT_CHARS,
    MAX_SUBJECT_CHARS,
    MAX_SUBJECT_WORDS,
    is_english,
    parse_request,
    strip_instructions,
    subject_of,
)
from pixora.offline.writing.revise import UpdateType, revise_scene, split_instruction
from pixora.offline.writing.shots import MAX_TITLE_WORDS, PictureNoun, picture_noun

__all__ = [
    "MAX_CJK_SUBJECT_CHARS",
    "MAX_DURATION_S",
    "MAX_SUBJECT_CHARS",
    "MAX_SUBJECT_WORDS",
    "MAX_TITLE_WORDS",
    "MIN_DURATION_S",
    "WORDS_PER_SECOND",
    "BreakdownRequest",
    "PictureNoun",
    "UpdateType",
    "character_id",
    "extract_characters",
    "fit_script",
    "is_english",
    "parse_request",
    "picture_noun",
    "plan_beats",
    "preferred_scenes",
    "revise_scene",
    "scene_count",
    "split_duration",
    "split_instruction",
    "strip_instructions",
    "subject_of",
    "write_breakdown",
]
