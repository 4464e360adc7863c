"""The scene reviser's edit rules: which words in an instruction ask for which change.

Visual rules (`VISUAL_CHANGES`, `CAMERA_CHANGES`) say what each edit (night, rain, closer,
black and white, pan left...) removes from a visual prompt and what it adds; script rules
recognise verbatim narration, tone words and "mention X" requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# --------------------------------------------------------------------------- visual edits


@dataclass(frozen=True)
class VisualChange:
    """A recognised visual edit: words that trigger it, words it displaces, what it adds."""

    name: str
    trigger: str
    removes: tuple[str, ...]
    adds: str
    lighting: str | None = None
    position: Literal["append", "prepend"] = "append"


_TIME_WORDS = ("golden hour", "golden-hour", "sunrise", "sunset", "dawn", "dusk", "twilight",
               "morning", "midday", "noon", "afternoon", "evening", "daytime", "daylight",
               "broad daylight", "nighttime", "night-time", "night", "midnight", "day")
_SUN_WORDS = ("sunny day", "bright day", "sunny", "sunlit", "sunlight", "sunshine", "sunbeams",
              "bright sun", "midday sun", "blue sky", "clear blue sky", "clear sky",
              "clear skies")
_NIGHT_WORDS = ("moonlight", "moonlit", "starry sky", "starlit", "night sky", "night",
                "nighttime", "midnight", "dark sky")
_WEATHER_WORDS = ("pouring rain", "rain-slicked", "rainy", "raining", "rainfall", "rain",
                  "drizzle", "snowy", "snowfall", "snow-covered", "snow-capped", "snow",
                  "foggy", "fog", "misty", "mist", "stormy", "thunderstorm", "storm",
                  "overcast", "cloudy")
_SEASON_WORDS = ("springtime", "spring", "summertime", "summer", "autumn", "fall foliage",
                 "winter", "wintry")
_SHOT_WORDS = ("extreme wide shot", "wide establishing shot", "establishing shot", "wide shot",
               "wide view", "aerial view", "aerial shot", "medium shot", "extreme close-up",
               "close-up shot", "close-up", "closeup", "low-angle shot",
               "over-the-shoulder view", "macro shot")
_COLOR_WORDS = ("vivid saturated colors", "vivid", "vibrant", "saturated", "colorful",
                "expressive color", "rich color grade", "warm faded colors")
_MONO_WORDS = ("black and white", "black-and-white", "monochrome", "muted", "desaturated",
               "sepia tones", "sepia", "grayscale", "faded colors", "limited palette")
_DARK_WORDS = ("low-key lighting", "deep shadows", "dark", "dim", "gloomy", "shadowy",
               "low-key")
_BRIGHT_WORDS = ("bright, airy lighting", "bright", "airy")

VISUAL_CHANGES: tuple[VisualChange, ...] = (
    VisualChange("night", r"\b(?:at\s+night|night\s*time|nighttime|night|midnight|after dark|"
                 r"moonlit|under the stars)\b",
                 (*_TIME_WORDS, *_SUN_WORDS), "at night, under a dark starry sky", "moonlight"),
    VisualChange("sunset", r"\b(?:sunset|dusk|golden hour|twilight|evening)\b",
                 (*_TIME_WORDS, *_SUN_WORDS, *_NIGHT_WORDS),
                 "at sunset, warm orange sky and long shadows", "golden_hour"),
    VisualChange("sunrise", r"\b(?:sunrise|dawn|daybreak|morning)\b",
                 (*_TIME_WORDS, *_NIGHT_WORDS), "at sunrise, soft pink dawn sky", "dawn"),
    VisualChange("day", r"\b(?:daytime|during the day|by day|midday|noon|sunny|daylight|"
                 r"in the day)\b",
                 (*_TIME_WORDS, *_NIGHT_WORDS, *_WEATHER_WORDS),
                 "on a bright sunny day under a clear blue sky", "natural"),
    VisualChange("rain", r"\b(?:rain|rainy|raining|rainstorm|drizzle)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS), "in the pouring rain, wet reflective surfaces",
                 "overcast"),
    VisualChange("snow", r"\b(?:snow|snowy|snowing|winter|wintry|blizzard)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS, *_SEASON_WORDS),
                 "in winter, blanketed in fresh snow with flakes falling", "overcast"),
    VisualChange("fog", r"\b(?:fog|foggy|mist|misty|haze|hazy)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS), "in thick fog, soft diffused haze", "overcast"),
    VisualChange("storm", r"\b(?:storm|stormy|thunder|thunderstorm|lightning)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS),
                 "during a dramatic thunderstorm, dark clouds and flashes of lightning",
                 "high_contrast"),
    VisualChange("autumn", r"\b(?:autumn|fall season|in the fall|autumnal)\b",
                 (*_SEASON_WORDS, "snow", "snowy", "snow-capped"),
                 "in autumn, amber and red leaves drifting down"),
    VisualChange("spring", r"\b(?:spring|springtime|blossoms?)\b",
                 (*_SEASON_WORDS, "snow", "snowy"), "in spring, fresh blossoms and new leaves"),
    VisualChange("summer", r"\b(?:summer|summertime)\b", (*_SEASON_WORDS, "snow", "snowy"),
                 "in high summer, lush greenery and warm haze"),
    VisualChange("underwater", r"\b(?:underwater|under water|under the sea|beneath the waves)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS, *_NIGHT_WORDS),
                 "underwater, shafts of filtered light and drifting particles", "volumetric"),
    VisualChange("space", r"\b(?:in (?:outer )?space|among the stars|in orbit)\b",
                 (*_SUN_WORDS, *_WEATHER_WORDS, *_SEASON_WORDS),
                 "in outer space, stars and a distant planet behind"),
    VisualChange("close", r"\b(?:closer|close-up|close up|closeup|tighter|zoom(?:ed)? in|"
                 r"detail shot)\b", _SHOT_WORDS, "Close-up of", position="prepend"),
    VisualChange("wide", r"\b(?:wider|wide shot|wide angle|pull(?:ed)? back|zoom(?:ed)? out|"
                 r"establishing)\b", _SHOT_WORDS, "Wide establishing shot of",
                 position="prepend"),
    VisualChange("aerial", r"\b(?:aerial|from above|bird'?s[- ]eye|overhead|drone shot)\b",
                 _SHOT_WORDS, "Aerial view of", position="prepend"),
    VisualChange("angle", r"\b(?:fresh|different|new|another|other)\s+(?:angle|take|shot|view)\b",
                 _SHOT_WORDS, "High-angle shot of", position="prepend"),
    VisualChange("colorful", r"\b(?:more colou?rful|colou?rful|vibrant|saturated|more colou?r|"
                 r"vivid)\b", _MONO_WORDS, "vivid saturated colors"),
    VisualChange("mono", r"\b(?:black and white|black-and-white|monochrome|grayscale|"
                 r"greyscale)\b", _COLOR_WORDS, "black and white"),
    VisualChange("darker", r"\b(?:darker|moodier|more moody|gloomier|more shadows?)\b",
                 (*_BRIGHT_WORDS, "sunny", "sunlit", "sunlight"), "low-key lighting, deep shadows",
                 "high_contrast"),
    VisualChange("brighter", r"\b(?:brighter|lighter|more light|sunnier|airier)\b",
                 _DARK_WORDS, "bright, airy lighting", "soft_key"),
)
"""Recognised visual edits, in the order they are applied."""

CAMERA_CHANGES: tuple[tuple[str, str], ...] = (
    (r"\b(?:zoom(?:ing)? in|push(?:ing)? in)\b", "zoom_in"),
    (r"\b(?:zoom(?:ing)? out|pull(?:ing)? back)\b", "zoom_out"),
    (r"\bpan(?:ning)? (?:to the )?left\b", "pan_left"),
    (r"\bpan(?:ning)? (?:to the )?right\b", "pan_right"),
    (r"\b(?:static|still camera|no (?:camera )?movement|locked[- ]off)\b", "static"),
    (r"\b(?:fpv|drone)\b", "fpv_drone"),
    (r"\bcrane\b", "crane_up"),
    (r"\bhandheld\b", "handheld_subtle"),
)
"""(instruction pattern, camera move) pairs; the first match wins."""

VISUAL_REPLACE_RES = (
    re.compile(r"^(?:please\s+)?(?:change|replace|make|set|switch|turn)\s+(?:the\s+)?"
               r"(?:visuals?|image|picture|shot|scene|background|setting|it)"
               r"(?:\s+(?:of|for|in)\s+scene\s+\d+)?\s+(?:to|with|into)\s+"
               r"(?:show(?:ing)?\s+|be\s+|depict(?:ing)?\s+)?(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:show|depict)\s+(.+?)(?:\s+instead)?$", re.IGNORECASE),
)
"""Instructions that give a whole new visual description (group 1)."""

IMPERATIVE_LEAD_RE = re.compile(
    r"^(?:(?:please|can you|could you|would you|also|and|then)\s+)*"
    r"(?:(?:make|change|turn) (?:it|the (?:scene|image|visual|shot|picture))\s+"
    r"(?:to\s+|into\s+)?(?:be\s+|have\s+|show\s+|look\s+)?|"
    r"add\s+|include\s+|put\s+|show\s+|with\s+|give it\s+|let it have\s+)?",
    re.IGNORECASE,
)
"""Request words before free text that is added to a visual description."""

# --------------------------------------------------------------------------- script edits

SCRIPT_REPLACE_RES = (
    re.compile(r"^(?:please\s+)?(?:change|set|replace|rewrite|update|make)\s+(?:the\s+)?"
               r"(?:narration|script|voice-?over|text|line|lines|words|it)"
               r"(?:\s+(?:of|for|in)\s+scene\s+\d+)?\s+(?:to|with|into)\s*(?:say|read)?\s*:?\s*"
               r"(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:say|narrate|read)\s*:?\s+(.+)$", re.IGNORECASE),
    re.compile(r"^(?:new\s+)?(?:narration|script|voice-?over|line)\s*:\s*(.+)$", re.IGNORECASE),
    re.compile(r"\b(?:to say|should say|should read|to read|make it say|have it say)\s*:?\s+"
               r"(.+)$", re.IGNORECASE),
)
"""Instructions that give new narration verbatim (group 1)."""

TONE_START_RE = re.compile(
    r"^(?:be|sound|feel|something|more|less|a bit|slightly|much|shorter|longer|simpler|"
    r"funnier|calmer|warmer|an?\s+(?:bit|little|lot)|an?\s+\w+er\s+(?:tone|feel|mood|version|voice|one|take)|talk|mention|focus|describe|explain|include|"
    r"emphasi[sz]e|highlight)\b", re.IGNORECASE
)
"""Text that asks for a tone, length or focus, not words to use verbatim."""

COMMAND_RE = re.compile(
    r"^\W*(?:please\s+)?(?:ignore|disregard|forget|skip|bypass|override|approve|render|"
    r"generate|delete|erase|remove|reveal|print|execute|run|start|stop|cancel|system\s*:|"
    r"assistant\s*:|you\s+(?:are|must|should|will)\b)"
    r"|\b(?:previous|prior|above|system)\s+(?:instructions?|prompts?|rules?)\b",
    re.IGNORECASE,
)
"""Unquoted text that reads as a command to the agents; it never becomes narration verbatim
(quoted, it is plain narration like any other)."""

TONE_LINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dramatic": (r"\b(?:dramatic|intense|exciting|epic|energetic|powerful|urgent)\b",
                 ("Everything about {s} changes here.", "Hold your breath: this is {s}.",
                  "This is where the story of {s} turns.")),
    "calm": (r"\b(?:calm|calmer|gentle|softer|peaceful|quiet|relaxed|soothing)\b",
             ("Slow down, and take in {s}.", "Breathe, and let {s} unfold gently.",
              "There's no rush with {s}.")),
    "playful": (r"\b(?:funny|funnier|playful|humou?r|lighter|fun|joke)\b",
                ("Yes, {s} really {is} this much fun.", "Bet you didn't expect this from {s}.",
                 "Here comes the fun part of {s}.")),
    "inspiring": (r"\b(?:inspiring|inspirational|uplifting|hopeful|motivating|motivational)\b",
                  ("With {s}, anything is possible.", "This is what hope looks like in {s}.",
                   "Imagine what comes next for {s}.")),
    "emotional": (r"\b(?:emotional|moving|touching|heartfelt|warm|warmer|personal)\b",
                  ("Some moments of {s} stay with us forever.",
                   "There's a feeling in {s} you carry with you.",
                   "This part of {s} is close to the heart.")),
}
"""Tone name -> (instruction pattern, narration templates)."""

REWRITE_RE = re.compile(
    r"\b(?:shorter|shorten|trim|briefer|concise|tighter|longer|expand|more detail|elaborate|"
    r"mention|focus on|talk about|emphasi[sz]e|highlight)\b"
    r"|" + "|".join(pattern for pattern, _ in TONE_LINES.values()),
    re.IGNORECASE,
)
"""An instruction that asks for the narration to be rewritten (tone, length or focus)."""

MENTION_LINES = ("And then there's {s}.", "Don't forget {s}.", "Look closer, and you'll see {s}.",
                 "Somewhere nearby, there's {s}.")
"""Lines that add a mention of {s} after a scene's first sentence."""

FOCUS_RE = re.compile(
    r"\b(?:mention|include|talk about|focus on|about|add (?:a line|something|a sentence) about|"
    r"emphasi[sz]e|highlight)\s+(.+)$", re.IGNORECASE
)
"""Mention or focus requests ("mention X", "focus on X"): the topic X is group 1."""

# --------------------------------------------------------------------------- quotes

QUOTED_RE = re.compile(
    r"\"([^\"]+)\"|“([^”]+)”|«([^»]+)»|(?:^|(?<=[\s:]))'([^']+)'(?=$|[\s.,!?;:])"
)
"""Quoted text in straight, curly or guillemet quotes (one group per style)."""

SAY_CUE = re.compile(r"\b(?:say|says|saying|narrat\w*|script|voice-?over|line|read|words|text)\b",
                     re.IGNORECASE)
"""Words before a quote that make it narration."""

SHOW_CUE = re.compile(r"\b(?:show\w*|image|visual|picture|depict\w*|shot|background|scene)\b",
                      re.IGNORECASE)
"""Words before a quote that make it a visual description."""

# --------------------------------------------------------------------------- mixed edits

SCENE_REF_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:in|of|for|on|to|from)\s+(?:the\s+)?scene\s*#?\s*\d+(?:'s)?(?!\w)",
                re.IGNORECASE), " "),
    (re.compile(r"\b(?:the\s+)?scene\s*#?\s*\d+(?:'s)?\s+(?=(?:narration|script|voice-?over|"
                r"text|line|lines|words|visuals?|image|picture|shot|background|setting)\b)",
                re.IGNORECASE), ""),
    (re.compile(r"^\W*(?:the\s+)?scene\s*#?\s*\d+\s*[:,.-]?\s*", re.IGNORECASE), ""),
    (re.compile(r"\b(?:the\s+)?scene\s*#?\s*\d+(?:'s)?(?!\w)", re.IGNORECASE), "it"),
)
"""(pattern, replacement) pairs that take "scene N" out of an instruction: "change scene 3 to
show a diver" -> "change it to show a diver", "scene 1 narration" -> "narration"."""

PART_BREAK_RE = re.compile(
    r"(?<=[.!?])\s+(?=\S)"
    r"|(?:\s*[,;]\s*(?:and\s+|then\s+|but\s+)?|\s+(?:and|then|but|while)\s+)"
    r"(?=(?:also\s+)?(?:the\s+|its\s+|it\s+)?(?:say|says|saying|narrat\w*|script|"
    r"voice-?over|read|reads|show|shows|showing|depict\w*|visuals?|image|picture|background|"
    r"setting|make|set|change|turn|put|add|use|give|have\s+it|let\s+it|with\s+the)\b)",
    re.IGNORECASE,
)
"""Where a mixed instruction splits into parts: sentence ends, and commas or "and" before a
new request ("... and say ...", ", show ...")."""

SCRIPT_PART_RE = re.compile(
    r"\b(?:say|says|saying|said|narrat\w*|script|voice-?over|read|reads|words|line|lines|"
    r"text|tell|tells|mention|talk about)\b", re.IGNORECASE)
"""Words that make a part of an instruction about the narration."""

VISUAL_PART_RE = re.compile(
    r"\b(?:show\w*|depict\w*|visuals?|image|picture|background|setting|look|looks|shot|"
    r"camera|framing|lighting|colou?rs?)\b", re.IGNORECASE)
"""Words that make a part of an instruction about the visuals (with every visual change and
camera move trigger)."""
