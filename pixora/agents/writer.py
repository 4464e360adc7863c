"""The offline breakdown writer and scene reviser: deterministic rules, no language model.

`parse_request` reads a free-text request ("a 30-second anime video about space exploration
for TikTok") into a `BreakdownRequest`; `write_breakdown` turns it into a `Breakdown` with a
hook / development / close arc, narration paced at most `WORDS_PER_SECOND`, image-ready visual
prompts, cameras and lighting from the mood matrix (`pixora.media.presets`), transitions,
characters and music cues. `revise_scene` applies one plain-language edit to one scene.

Everything here is rule-based template writing. The same request always gives the same
breakdown: randomness comes from a SHA-256 of the request, never from Python's salted `hash()`.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pixora.context.models import (
    FRAME_SIZES,
    MAX_SCENES,
    MIN_SCENE_S,
    Breakdown,
    Character,
    MusicCue,
    Scene,
    VoiceSpec,
)
from pixora.media.presets import MOOD_ALIASES, MOOD_MATRIX, PLATFORMS, resolve_mood

WORDS_PER_SECOND = 2.7
"""Narration pace ceiling, words per second of scene."""
TARGET_WORDS_PER_SECOND = 2.4
"""Pace the writer aims for, leaving room for pauses."""
MIN_DURATION_S = 5.0
MAX_DURATION_S = 600.0
MAX_PROMPT_CHARS = 20_000
MAX_INSTRUCTION_CHARS = 1_000
MAX_SUBJECT_WORDS = 8
MAX_SUBJECT_CHARS = 60
MAX_CHARACTERS = 6
_PROMPT_FIELD_CHARS = 2_000

EMPTY_PROMPT = (
    "describe the video you want, e.g. 'a 30-second video about space exploration'"
)

UpdateType = Literal["script", "visual", "both"]


# --------------------------------------------------------------------------- text helpers


def clean_text(text: str, limit: int) -> str:
    """`text` with control and format characters removed, whitespace collapsed, and cut to at
    most `limit` characters at a word boundary."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            out.append(" ")
        elif cat != "Cf":
            out.append(ch)
    s = re.sub(r"\s+", " ", "".join(out)).strip()
    if len(s) > limit:
        cut = s[:limit]
        space = cut.rfind(" ")
        s = (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-")
    return s


def _words(text: str) -> int:
    return len(text.split())


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _title_case(text: str) -> str:
    small = {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for",
             "with", "by", "from", "as", "vs", "via", "into", "over"}
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if w.islower() and (i == 0 or i == len(words) - 1 or w not in small):
            w = w[:1].upper() + w[1:]
        out.append(w)
    return " ".join(out)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _stable_int(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def fit_script(text: str, duration_s: float, wps: float = WORDS_PER_SECOND) -> str:
    """`text` cut to at most `floor(duration_s * wps)` words.

    The cut falls at the last sentence end that keeps at least half the allowed words, else at
    the last phrase break (comma, semicolon, colon, dash), else after the last allowed word; a
    cut text ends with a full stop. Whitespace is collapsed.

    Raises:
        ValueError: the text is empty, or the duration allows less than one word.
    """
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise ValueError("narration is empty")
    limit = math.floor(duration_s * wps + 1e-9)
    if limit < 1:
        raise ValueError(f"{duration_s} s at {wps} words/s leaves no room for a single word")
    words = text.split()
    if len(words) <= limit:
        return text
    kept = words[:limit]
    sentence_end = [i for i, w in enumerate(kept) if w.endswith((".", "!", "?", '."', '!"'))]
    if sentence_end and sentence_end[-1] + 1 >= max(1, limit // 2):
        return " ".join(kept[: sentence_end[-1] + 1])
    phrase_end = [i for i, w in enumerate(kept) if w.endswith((",", ";", ":", "—", "-"))]
    if phrase_end and phrase_end[-1] + 1 >= max(1, limit // 2):
        kept = kept[: phrase_end[-1] + 1]
    while len(kept) > 1 and kept[-1].lower().strip(",;:—-") in _DANGLING:
        kept.pop()
    out = " ".join(kept).rstrip(",;:—- ")
    return out if out.endswith((".", "!", "?")) else out + "."


_DANGLING = {"a", "an", "the", "of", "at", "to", "in", "on", "and", "or", "with", "for", "by",
             "from", "but", "is", "are", "was", "were", "its", "their", "his", "her", "my",
             "our", "your", "that", "which", "as", "into", "like", "than", "so", "be"}


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class StylePreset:
    """How a style reads in an image prompt, and the music genre that suits it."""

    name: str
    aliases: tuple[str, ...]
    look: str
    genre: str


STYLES: tuple[StylePreset, ...] = (
    StylePreset("cinematic", ("cinematic", "film-like", "hollywood"),
                "cinematic film still, anamorphic lens, shallow depth of field, rich color grade",
                "orchestral"),
    StylePreset("documentary", ("documentary", "docu", "nature documentary", "journalistic"),
                "documentary photograph, natural textures, candid framing, realistic detail",
                "ambient"),
    StylePreset("anime", ("anime", "manga", "ghibli", "studio ghibli"),
                "anime illustration, cel shading, clean line art, expressive color",
                "electronic"),
    StylePreset("watercolor", ("watercolor", "watercolour", "water color"),
                "watercolor painting, soft washes, visible paper texture", "acoustic"),
    StylePreset("noir", ("noir", "film noir"),
                "film noir, black and white, hard shadows, high contrast", "jazz"),
    StylePreset("minimalist", ("minimalist", "minimal", "minimalistic"),
                "minimalist composition, clean negative space, limited palette, simple shapes",
                "piano"),
    StylePreset("retro", ("retro", "80s", "1980s", "synthwave", "vaporwave"),
                "retro 1980s aesthetic, film grain, warm faded colors, synthwave accents",
                "synthwave"),
    StylePreset("lofi", ("lofi", "lo-fi", "lo fi"),
                "lo-fi illustration, cozy muted palette, soft grain", "lofi"),
    StylePreset("vintage", ("vintage", "old-fashioned", "sepia"),
                "vintage photograph, sepia tones, soft grain, worn edges", "jazz"),
    StylePreset("cartoon", ("cartoon", "cartoonish", "comic", "comic book", "kids"),
                "colorful cartoon illustration, bold outlines, playful shapes", "pop"),
    StylePreset("3d animation", ("3d", "3d animation", "pixar", "cgi", "3d animated"),
                "3D animated render, soft global illumination, stylized forms", "orchestral"),
    StylePreset("photorealistic", ("photorealistic", "photo-realistic", "realistic", "realism"),
                "photorealistic, natural color, sharp focus, fine detail", "ambient"),
    StylePreset("cyberpunk", ("cyberpunk", "futuristic", "sci-fi", "scifi"),
                "cyberpunk aesthetic, neon signage, reflective surfaces, futuristic detail",
                "synthwave"),
    StylePreset("oil painting", ("oil painting", "painterly", "impressionist"),
                "oil painting, visible brushstrokes, rich impasto texture", "classical"),
    StylePreset("pixel art", ("pixel art", "pixel", "8-bit", "16-bit"),
                "pixel art, 16-bit palette, crisp pixels", "chiptune"),
    StylePreset("claymation", ("claymation", "clay", "stop motion", "stop-motion"),
                "claymation, handcrafted clay figures, stop-motion texture", "acoustic"),
    StylePreset("sketch", ("sketch", "pencil", "hand-drawn", "hand drawn", "line art"),
                "pencil sketch, graphite lines, cross-hatching", "piano"),
    StylePreset("fantasy", ("fantasy", "fairy tale", "fairytale", "magical"),
                "epic fantasy illustration, painterly detail, luminous atmosphere", "orchestral"),
)
_STYLE_BY_ALIAS: dict[str, StylePreset] = {a: s for s in STYLES for a in (s.name, *s.aliases)}


def style_preset(style: str) -> StylePreset:
    """The preset for a style name or alias; unknown styles are described by their own name."""
    key = style.strip().lower()
    if key in _STYLE_BY_ALIAS:
        return _STYLE_BY_ALIAS[key]
    return StylePreset(key or "cinematic", (), f"{key} style, coherent art direction", "ambient")


LIGHTING_PHRASES: dict[str, str] = {
    "golden_hour": "warm golden hour light",
    "soft_key": "soft key light with gentle shadows",
    "high_contrast": "high-contrast lighting",
    "neon_glow": "vivid neon glow",
    "natural": "natural light",
    "warm_ambient": "warm ambient light",
    "neon_noir": "neon noir lighting, deep shadows",
    "volumetric": "volumetric light rays through haze",
    "moonlight": "cool moonlight and glowing practical lights",
    "dawn": "soft pink dawn light",
    "overcast": "soft overcast light",
}

CAMERA_PHRASES: dict[str, str] = {
    "fpv_drone": "fast FPV drone shot",
    "crash_zoom_in": "crash zoom in",
    "whip_pan_right": "whip pan to the right",
    "dolly_slow": "slow dolly push-in",
    "crane_up": "rising crane shot",
    "pan_slow": "slow lateral pan",
    "static_focus": "locked-off shot with shallow focus",
    "handheld_subtle": "subtle handheld camera",
    "dolly_zoom": "dolly zoom",
    "bullet_time": "bullet-time orbit",
    "spiral_zoom": "spiral zoom",
    "through_object": "camera gliding through a foreground object",
    "zoom_in": "slow zoom in",
    "zoom_out": "slow zoom out",
    "pan_left": "pan to the left",
    "pan_right": "pan to the right",
    "gentle_pan": "gentle drifting pan",
    "static": "static shot",
    "ken_burns": "Ken Burns move",
}

FRAMING: dict[str, str] = {
    "16:9": "16:9 widescreen composition",
    "9:16": "vertical 9:16 composition, subject centered",
    "1:1": "square 1:1 composition",
    "4:5": "4:5 portrait composition",
}

VOICE_TONE: dict[str, Literal["neutral", "warm", "bright"]] = {
    "high_energy": "bright", "intimate_story": "warm",
    "luxury_reveal": "neutral", "surreal_trip": "neutral",
}

_ENERGY_ORDER = ("surreal_trip", "intimate_story", "luxury_reveal", "high_energy")


@dataclass(frozen=True)
class Topic:
    """Concrete, image-generatable shots and places for one family of subjects."""

    keywords: tuple[str, ...]
    mood: str
    places: tuple[str, ...]
    shots: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(("space", "astronaut", "rocket", "planet", "mars", "moon", "galaxy", "cosmos", "nasa",
           "orbit", "universe", "satellite", "telescope", "spacecraft", "astronomy"),
          "luxury_reveal",
          ("the red dunes of Mars", "a space station high above Earth", "a quiet lunar plain"),
          ("a rocket lifting off from a launch pad in a billowing cloud of exhaust",
           "an astronaut in a white spacesuit floating above the curved blue horizon of Earth",
           "a rover crossing rust-red Martian dunes",
           "a vast spiral galaxy glowing against deep black space",
           "engineers watching rows of glowing screens in a mission control room",
           "the cratered surface of the Moon with Earth rising over the horizon",
           "a space station's solar arrays glinting in orbit",
           "a radio telescope dish pointed at a star-filled sky")),
    Topic(("ocean", "sea", "marine", "reef", "whale", "coral", "beach", "waves", "underwater",
           "shark", "fish", "coast", "dolphin"),
          "intimate_story",
          ("a windswept stretch of coast", "a coral reef", "a small fishing harbor"),
          ("rolling turquoise waves breaking on a rocky shore",
           "a humpback whale gliding through shafts of blue light underwater",
           "a vibrant coral reef teeming with tropical fish",
           "a lone sailboat on an endless open sea",
           "tide pools with starfish and anemones among wet rocks",
           "a diver's silhouette hovering above a deep blue drop-off",
           "seabirds wheeling over foaming surf at a cliff edge",
           "a research vessel crew lowering instruments into the water")),
    Topic(("forest", "trees", "tree", "nature", "wildlife", "jungle", "rainforest", "woods",
           "garden", "plants", "flowers", "bees", "honey", "birds"),
          "intimate_story",
          ("an old-growth forest", "a wildflower meadow", "a walled garden"),
          ("sunbeams filtering through a misty old-growth forest",
           "a moss-covered path winding between towering trees",
           "a red fox pausing in tall grass at the forest edge",
           "dew drops clinging to a fern frond in macro detail",
           "a canopy of leaves seen from below in layered shades of green",
           "a deer drinking from a clear stream among smooth stones",
           "wildflowers swaying across a meadow as bees drift between them",
           "a hiker looking up at an enormous ancient tree")),
    Topic(("city", "cities", "urban", "street", "skyline", "new york", "tokyo", "paris",
           "london", "architecture", "downtown", "neighborhood"),
          "luxury_reveal",
          ("a busy city center", "a narrow old-town street", "a rooftop above the skyline"),
          ("a city skyline of glass towers reflecting the sky",
           "a crowded crosswalk with commuters streaming in every direction",
           "a narrow side street lined with cafes and strings of hanging lights",
           "an elevated train gliding between high-rise buildings",
           "a rooftop view over a sprawling grid of streets",
           "a street vendor serving food to a line of customers",
           "rain-slicked pavement reflecting glowing shop signs",
           "a quiet park bench framed by city traffic in the background")),
    Topic(("technology", "tech", "ai", "artificial intelligence", "robot", "robots",
           "computer", "computers", "software", "code", "coding", "digital", "internet",
           "data", "machine learning", "smartphone", "chip", "innovation", "cyber"),
          "high_energy",
          ("a glowing research lab", "a data center", "a workshop full of prototypes"),
          ("a close-up of a circuit board with glowing traces",
           "a developer's hands typing code on a keyboard lit by monitor glow",
           "rows of humming server racks stretching down a data center aisle",
           "a humanoid robot hand reaching toward a human hand",
           "a holographic interface floating above a desk",
           "a team collaborating around a whiteboard covered in diagrams",
           "a smartphone screen lighting up a curious face",
           "streams of abstract data visualized as flowing ribbons of light")),
    Topic(("food", "cooking", "cook", "recipe", "chef", "kitchen", "baking", "bakery", "bread",
           "coffee", "tea", "restaurant", "pizza", "cuisine", "meal", "cafe", "chocolate"),
          "intimate_story",
          ("a warm, busy kitchen", "a corner bakery", "a lively food market"),
          ("fresh ingredients arranged on a wooden cutting board",
           "a chef's hands tossing vegetables in a flaming pan",
           "steam rising from a freshly served dish",
           "flour dusting the air as dough is kneaded on a counter",
           "a bustling restaurant kitchen in the middle of service",
           "a market stall piled high with colorful produce",
           "friends sharing a meal around a candlelit table",
           "coffee being poured into a ceramic cup in close detail")),
    Topic(("history", "historical", "ancient", "empire", "medieval", "rome", "roman", "egypt",
           "pyramid", "pyramids", "castle", "civilization", "revolution", "century", "war"),
          "luxury_reveal",
          ("a crumbling ancient city", "a medieval castle courtyard", "a dusty archive"),
          ("weathered stone ruins under a dramatic sky",
           "an old map spread across a desk beside a brass compass",
           "candlelight on the pages of an ancient manuscript",
           "a marble statue with a cracked face in a quiet hall",
           "a bustling ancient marketplace recreated in rich detail",
           "archival photographs laid out on a wooden table",
           "a castle on a hill wrapped in drifting mist",
           "a museum gallery of artifacts behind glass")),
    Topic(("sport", "sports", "football", "soccer", "basketball", "running", "marathon",
           "fitness", "workout", "gym", "athlete", "athletes", "race", "racing", "olympic",
           "olympics", "tennis", "training", "cycling", "skateboarding", "surfing"),
          "high_energy",
          ("a packed stadium", "a training track", "a steep mountain road"),
          ("an athlete sprinting out of the starting blocks",
           "laced running shoes striking wet pavement in close detail",
           "a packed stadium roaring under floodlights",
           "determination on an athlete's face mid-effort",
           "a cyclist leaning hard into a mountain road curve",
           "a team huddled together before the whistle",
           "an empty gym with one person training alone",
           "a ball frozen in midair above outstretched hands")),
    Topic(("travel", "adventure", "hiking", "trip", "road trip", "mountain", "mountains",
           "desert", "island", "lake", "river", "landscape", "national park", "expedition",
           "exploration"),
          "luxury_reveal",
          ("a high mountain ridge", "a winding desert road", "a remote island shore"),
          ("a winding road disappearing into jagged mountains",
           "a traveler with a backpack standing on a ridge above the clouds",
           "a turquoise lake reflecting jagged peaks",
           "a train crossing a stone viaduct through a green valley",
           "wind-carved sand dunes stretching to the horizon",
           "a campfire glowing beside a tent under the open sky",
           "a map, a camera and worn boots laid out for a journey",
           "a boat gliding down a wide river between cliffs")),
    Topic(("climate", "environment", "sustainability", "renewable", "solar", "wind power",
           "energy", "recycling", "pollution", "conservation", "glacier", "earth"),
          "intimate_story",
          ("a melting glacier valley", "a restored wetland", "a hillside wind farm"),
          ("a melting glacier calving into icy water",
           "wind turbines turning slowly along a ridge line",
           "rows of solar panels stretching across a field",
           "a child planting a sapling in dark soil",
           "a cracked, dry riverbed beneath a hazy sky",
           "volunteers collecting plastic from a shoreline",
           "a lush restored wetland alive with birds",
           "Earth seen from orbit with swirling clouds over blue oceans")),
    Topic(("music", "song", "band", "concert", "guitar", "piano", "art", "painting", "artist",
           "dance", "dancer", "creativity", "design", "photography", "theater", "jazz"),
          "luxury_reveal",
          ("a cluttered art studio", "a small jazz club", "an empty rehearsal stage"),
          ("a musician's fingers moving across piano keys",
           "a painter's brush sweeping color across a large canvas",
           "a crowd with raised hands at a concert under stage lights",
           "a sketchbook full of drawings on a cluttered desk",
           "a dancer leaping across an empty rehearsal studio",
           "a guitar string vibrating in extreme close detail",
           "an artist's studio full of half-finished works",
           "ink swirling through water in vivid colors")),
    Topic(("science", "health", "medicine", "medical", "doctor", "brain", "biology",
           "chemistry", "physics", "dna", "research", "lab", "laboratory", "vaccine",
           "vaccines", "body", "cells", "neuroscience"),
          "luxury_reveal",
          ("a bright laboratory", "a hospital ward", "a university research lab"),
          ("a scientist examining a sample under a microscope",
           "a DNA double helix rendered in glowing detail",
           "glassware and colorful solutions on a laboratory bench",
           "a doctor listening to a patient's heartbeat",
           "neurons firing as bright pulses through a neural network",
           "a researcher writing equations across a glass board",
           "a petri dish under a bright examination lamp",
           "a hospital corridor with staff moving with quiet purpose")),
    Topic(("business", "company", "brand", "product", "marketing", "entrepreneur",
           "entrepreneurship", "startup", "startups", "office", "career", "finance", "money",
           "economy", "shop", "store", "sales"),
          "high_energy",
          ("a busy open-plan office", "a small shop floor", "a startup's garage workshop"),
          ("a founder sketching ideas on a whiteboard",
           "a team gathered around a laptop celebrating a milestone",
           "a product on a clean pedestal under soft spotlights",
           "two hands shaking across a meeting table",
           "a busy open-plan office full of focused people",
           "packages moving along a warehouse conveyor",
           "a storefront opening its doors to the first customers",
           "a growth chart rising on a large display")),
    Topic(("education", "school", "learning", "student", "students", "teacher", "university",
           "classroom", "study", "books", "reading", "library", "children", "kids"),
          "intimate_story",
          ("a sunlit classroom", "a quiet library", "a university campus"),
          ("a student reading in a quiet library aisle",
           "a teacher pointing to a chalkboard full of diagrams",
           "children raising their hands eagerly in a classroom",
           "a stack of well-worn books beside a desk lamp",
           "graduation caps tossed into the air",
           "pencils and notebooks spread over a wooden desk",
           "a lecture hall with rows of attentive students",
           "a child's face lit with curiosity over an open book")),
    Topic(("dog", "dogs", "cat", "cats", "pet", "pets", "puppy", "puppies", "kitten",
           "kittens", "horse", "horses", "animals"),
          "intimate_story",
          ("a grassy park", "a cozy family home", "a country farm"),
          ("a dog racing across a grassy field with ears flying",
           "a cat curled up on a windowsill",
           "a puppy tugging at a rope toy",
           "a horse galloping along the edge of the surf",
           "a child hugging a golden retriever",
           "paw prints leading into the distance",
           "a kitten peering out from a cardboard box",
           "an owner and a dog walking side by side on a trail")),
    Topic(("car", "cars", "automotive", "vehicle", "vehicles", "electric vehicle", "train",
           "trains", "airplane", "airplanes", "aviation", "flight", "motorcycle", "driving"),
          "high_energy",
          ("an open highway", "a mountain pass", "a busy airfield"),
          ("a sports car carving through a mountain pass",
           "headlights flicking on in close detail",
           "an airliner climbing above a layer of clouds",
           "a high-speed train streaking past a blurred landscape",
           "an engine being assembled on a factory line",
           "a motorcyclist leaning into an open highway curve",
           "a dashboard glowing inside a car cabin",
           "light trails streaming through a city interchange")),
    Topic(("family", "love", "wedding", "friendship", "friends", "mother", "father",
           "grandmother", "grandfather", "childhood", "home", "memories", "birthday"),
          "intimate_story",
          ("a warm family kitchen", "a backyard garden", "a childhood home"),
          ("a family laughing together around a kitchen table",
           "old photographs pinned to a corkboard",
           "two hands clasped on a park bench",
           "a child blowing out candles on a birthday cake",
           "a grandparent reading a story to a grandchild",
           "the open doorway of a warm, lived-in home",
           "a couple walking along a quiet beach path",
           "friends hugging at a train station reunion")),
)

_SUBJECT_SHOTS = (
    "a richly detailed scene depicting {s}",
    "a detail that captures the essence of {s}",
    "the setting of {s}, full of texture and depth",
    "a candid moment showing {s}",
    "an illustrative tableau explaining {s}",
    "a dramatic composition centered on {s}",
    "a quiet, reflective image evoking {s}",
    "a bold symbolic image representing {s}",
)
_GENERIC_PLACES = ("a quiet seaside town", "a sprawling green valley", "a bustling little city",
                   "a village at the edge of a forest")

_SCALES = ("Wide shot of", "Medium shot of", "Close-up of", "Low-angle shot of")

# Narration templates. {s}: subject. Story templates: {n} protagonist, {r} role phrase,
# {o} another character, {p} place. Subjects sit after prepositions or verbs, so a noun
# phrase ("space exploration") and a clause ("how bees make honey") both read naturally.
_TOPIC_LINES: dict[str, tuple[str, ...]] = {
    "hook": (
        "What if everything you knew about {s} was only the beginning?",
        "This is the story of {s}.",
        "Few things capture the imagination like {s}.",
        "It starts with a simple question about {s}.",
        "Stop for a moment and think about {s}.",
        "Every great story needs a spark. Ours is {s}.",
    ),
    "context": (
        "To understand {s}, we start at the beginning.",
        "The world of {s} is wider than it looks.",
        "Behind {s} lies a world few people see.",
        "Here is where the story of {s} takes shape.",
        "First, a little context on {s}.",
        "To see {s} clearly, we need to step back.",
    ),
    "detail": (
        "Up close, {s} reveals details that are easy to miss.",
        "The small things matter most in {s}.",
        "Every detail of {s} tells part of the story.",
        "Look at the textures and the quiet precision of {s}.",
        "In the details of {s}, a hidden order appears.",
    ),
    "people": (
        "Behind {s} are people who care about getting it right.",
        "Real people give {s} its heartbeat.",
        "Ask around, and everyone has a story about {s}.",
        "The people drawn to {s} share one thing: curiosity.",
        "It takes patience and passion to devote a life to {s}.",
    ),
    "origin": (
        "The roots of {s} reach further back than you might think.",
        "Long ago, the first chapter of {s} was already being written.",
        "It all began with one bold idea about {s}.",
        "The history of {s} is a story of brave first steps.",
        "Every tradition in {s} started as an experiment.",
    ),
    "challenge": (
        "But the road to {s} has never been easy.",
        "Every leap forward in {s} came with setbacks and doubt.",
        "The hardest questions about {s} are still open.",
        "There were failures, and each one taught a lesson about {s}.",
        "Progress in {s} is earned, one hard step at a time.",
    ),
    "process": (
        "Step by step, the work behind {s} comes together.",
        "Here is how {s} actually works.",
        "Piece by piece, the craft behind {s} unfolds.",
        "It's a careful process, and {s} rewards patience.",
        "Nothing about {s} happens by accident.",
        "Every step of {s} has a purpose.",
    ),
    "scale": (
        "The scale of {s} is hard to take in at once.",
        "Zoom out, and {s} becomes something vast.",
        "From the smallest piece to the big picture, {s} connects it all.",
        "Numbers alone can't capture the size of {s}.",
        "Seen from far away, {s} looks completely different.",
    ),
    "wonder": (
        "And sometimes, {s} is simply beautiful.",
        "There is a quiet wonder at the heart of {s}.",
        "Moments like this remind us why {s} matters.",
        "Pause here, and let the beauty of {s} sink in.",
        "Some of the best parts of {s} ask nothing of us but attention.",
    ),
    "impact": (
        "The effects of {s} reach far beyond what we see.",
        "Through {s}, the way we live keeps changing.",
        "What happens in {s} ripples out into all our lives.",
        "The impact of {s} turns up in places you'd never expect.",
        "For millions of people, {s} is part of everyday life.",
    ),
    "surprise": (
        "Here's something most people never learn about {s}.",
        "The most surprising part of {s} hides in plain sight.",
        "Just when you think you understand {s}, it surprises you.",
        "Not everything about {s} is what it seems.",
        "The strangest facts about {s} are also true.",
    ),
    "future": (
        "The next chapter of {s} is already being written.",
        "What comes next for {s} is still unwritten.",
        "Tomorrow, {s} may look completely different.",
        "The future of {s} is full of open doors.",
        "The next generation will take {s} further than we can imagine.",
    ),
    "peak": (
        "This is the moment {s} has been building toward.",
        "Everything about {s} comes together right here.",
        "Here, at its most powerful, {s} takes your breath away.",
        "This is why {s} captures so many hearts.",
        "At its peak, {s} is unforgettable.",
    ),
    "close": (
        "So next time you think of {s}, look a little closer.",
        "The story of {s} is still unfolding, and we're part of it.",
        "What will {s} mean to you?",
        "In the end, the story of {s} is a story about us.",
        "Remember this moment, and carry {s} with you.",
        "Keep wondering about {s}. The best part is still ahead.",
    ),
}

_STORY_LINES: dict[str, tuple[str, ...]] = {
    "hook": (
        "Meet {n}, {r}.",
        "This is {n}, {r} with a story to tell.",
        "Every adventure needs a hero. Ours is {n}.",
        "Once upon a time, there was {r} named {n}.",
    ),
    "context": (
        "{n}'s world is {p}.",
        "Each day, {n} wanders through {p}.",
        "For {n}, {p} is home.",
        "In {p}, {n} knows every corner.",
    ),
    "desire": (
        "But {n} dreams of something more.",
        "{n} has always wondered what lies beyond.",
        "Deep down, {n} is searching for something.",
        "One question keeps {n} awake at night.",
    ),
    "journey": (
        "So {n} sets out, step by brave step.",
        "The journey begins, and {n} doesn't look back.",
        "Each step takes {n} further from the familiar.",
        "The road is long, but {n} keeps going.",
    ),
    "challenge": (
        "Then trouble comes, and {n} must be brave.",
        "The path grows hard, and {n} nearly gives up.",
        "Not everything goes to plan for {n}.",
        "A storm of doubt closes in around {n}.",
    ),
    "discovery": (
        "And then {n} finds something unexpected.",
        "Around the next corner, a surprise waits for {n}.",
        "What {n} discovers changes everything.",
        "A small clue leads {n} somewhere new.",
    ),
    "peak": (
        "This is the moment {n} has been waiting for.",
        "With everything on the line, {n} finds the courage.",
        "At last, {n} does what once seemed impossible.",
        "Now {n} knows exactly what to do.",
    ),
    "close": (
        "And {n} knows the journey was worth it.",
        "{n} is home again, but not the same.",
        "Some stories end. {n}'s is only beginning.",
        "And so {n}'s story goes on, one day at a time.",
    ),
}
_FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "hook": ("Let's take a closer look.", "Stay with us; it's worth it.",
             "The answer may surprise you."),
    "context": ("It's a bigger world than it first appears.", "Every part connects to the next.",
                "Let's set the scene."),
    "development": ("Look closely, and the pattern becomes clear.",
                    "It's easy to miss, and hard to forget.",
                    "Each piece tells us something new.",
                    "There's more here than meets the eye.",
                    "And that changes how we see the rest.",
                    "It's the kind of detail that stays with you.",
                    "Small choices add up to something remarkable.",
                    "Not many people notice this.",
                    "Every answer leads to a new question.",
                    "That's where things get interesting."),
    "peak": ("Everything has led to this.", "This is the heart of it all.",
             "It's a moment worth savoring."),
    "close": ("Thanks for watching.", "The rest is up to you.", "Keep looking, and keep asking."),
}
_COMPANION_LINES = (
    "{o} never leaves {n}'s side.",
    "And {o} is right there too.",
    "With {o} close by, nothing feels impossible.",
    "{o} leads the way, as always.",
    "{n} and {o} face it together.",
)

_STORY_SHOTS: dict[str, tuple[str, ...]] = {
    "hook": ("{who} in {p}, looking toward the horizon",
             "{who} pausing at the edge of {p}"),
    "context": ("{p} seen wide, with {who} small in the frame",
                "{p} in rich detail, with {who} at its center"),
    "desire": ("{who} gazing at something far away, {p} around them",
               "{who} sitting quietly and dreaming in {p}"),
    "journey": ("{who} setting out from {p} along a winding path",
                "{who} walking a long road that leads away from {p}"),
    "challenge": ("{who} facing a steep, daunting obstacle far from {p}",
                  "{who} pushing forward against a strong wind, far from {p}"),
    "discovery": ("{who} discovering something glowing and unexpected near {p}",
                  "{who} kneeling to examine a strange clue near {p}"),
    "peak": ("{who} in a triumphant moment, arms raised, near {p}",
             "{who} standing tall at the high point of the journey, {p} in the distance"),
    "close": ("{who} back in {p}, sharing a quiet, content moment",
              "{who} looking back over {p} with a smile"),
}

_TITLES: dict[str, tuple[str, ...]] = {
    "hook": ("The Hook", "A First Glimpse", "Opening"),
    "context": ("Setting the Scene", "The Big Picture", "Where It Begins"),
    "detail": ("Up Close", "In the Details", "A Closer Look"),
    "people": ("The People", "The Human Touch", "Faces Behind It"),
    "origin": ("Origins", "Where It Started", "First Steps"),
    "challenge": ("The Challenge", "Against the Odds", "Hard Questions"),
    "process": ("How It Works", "Step by Step", "The Craft"),
    "scale": ("The Scale", "Zooming Out", "Bigger Than It Looks"),
    "wonder": ("A Moment of Wonder", "Pure Beauty", "Stillness"),
    "impact": ("The Impact", "Ripple Effects", "Why It Matters"),
    "surprise": ("The Surprise", "Hidden in Plain Sight", "Not What It Seems"),
    "future": ("What Comes Next", "Looking Ahead", "Tomorrow"),
    "peak": ("The Turning Point", "The Peak", "The Big Moment"),
    "close": ("Final Reflection", "The Takeaway", "Closing"),
    "desire": ("A Dream", "The Longing", "Something More"),
    "journey": ("Setting Out", "The Journey", "The Long Road"),
    "discovery": ("A Discovery", "The Unexpected", "A New Clue"),
}

_TOPIC_DEVELOPMENT = ("detail", "people", "origin", "challenge", "process", "scale", "wonder",
                      "impact", "surprise", "future")
_STORY_DEVELOPMENT = ("desire", "journey", "challenge", "discovery")
_BEAT_WEIGHT = {"hook": 0.85, "peak": 1.1, "close": 1.15}


def plan_beats(n: int, story: bool = False) -> list[str]:
    """The narrative beat of each of `n` scenes: hook, context, development beats, peak, close.

    Short plans drop beats from the middle: 1 -> hook; 2 -> hook, close; 3 -> hook, context,
    close; 4 -> hook, context, peak, close.
    """
    if n < 1:
        raise ValueError("a breakdown needs at least one scene")
    if n == 1:
        return ["hook"]
    if n == 2:
        return ["hook", "close"]
    if n == 3:
        return ["hook", "context", "close"]
    development = _STORY_DEVELOPMENT if story else _TOPIC_DEVELOPMENT
    middle = [development[i % len(development)] for i in range(n - 4)]
    return ["hook", "context", *middle, "peak", "close"]


def scene_count(duration_s: float) -> int:
    """Scenes for a video of `duration_s` seconds: about 5 s each up to 30 s, growing to about
    10 s each at 180 s and beyond, at most `MAX_SCENES`, each at least `MIN_SCENE_S`."""
    if duration_s <= 30:
        length = 5.0
    elif duration_s <= 180:
        length = 5.0 + (duration_s - 30.0) / 150.0 * 4.5
    else:
        length = 10.0
    n = round(duration_s / length)
    return max(1, min(n, MAX_SCENES, int(duration_s // MIN_SCENE_S)))


def split_duration(total_s: float, weights: Sequence[float]) -> list[float]:
    """Split `total_s` (a multiple of 0.5 s) into len(weights) scene durations.

    Each duration is a multiple of 0.5 s and at least `MIN_SCENE_S`; they sum exactly to
    `total_s`; the time above the minimum is shared in proportion to `weights`
    (largest-remainder rounding).

    Raises:
        ValueError: the total cannot give every scene its minimum.
    """
    units = round(total_s * 2)
    min_units = round(MIN_SCENE_S * 2)
    free = units - min_units * len(weights)
    if not weights or free < 0:
        raise ValueError(f"{total_s} s is too short for {len(weights)} scenes")
    wsum = sum(weights)
    raw = [free * w / wsum for w in weights]
    base = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (base[i] - raw[i], i))
    for i in order[: free - sum(base)]:
        base[i] += 1
    return [(b + min_units) / 2 for b in base]


# --------------------------------------------------------------------------- request parsing


@dataclass(frozen=True)
class BreakdownRequest:
    """What to write. `duration_s` is seconds (5..600), rounded to 0.5 s; `mood` is a mood
    category, an adjective or a 0-100 energy level (see `presets.resolve_mood`); a `platform`
    from `presets.PLATFORMS` sets the aspect ratio unless a non-default one is given, and caps
    the duration.

    Raises:
        ValueError: empty prompt, duration out of range, unknown aspect ratio or platform, or a
            duration longer than the platform allows.
    """

    prompt: str
    duration_s: float = 30
    style: str = "cinematic"
    aspect_ratio: str = "16:9"
    mood: str | float | None = None
    platform: str | None = None
    voice: VoiceSpec | None = None

    def __post_init__(self) -> None:
        prompt = clean_text(self.prompt or "", MAX_PROMPT_CHARS)
        if not prompt:
            raise ValueError(EMPTY_PROMPT)
        object.__setattr__(self, "prompt", prompt)
        duration = float(self.duration_s)
        if not MIN_DURATION_S <= duration <= MAX_DURATION_S:
            raise ValueError(
                f"duration must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} seconds "
                f"(got {duration:g})"
            )
        object.__setattr__(self, "duration_s", round(duration * 2) / 2)
        style = clean_text(self.style or "cinematic", 40).lower()
        object.__setattr__(self, "style", style_preset(style).name if style else "cinematic")
        if self.aspect_ratio not in FRAME_SIZES:
            raise ValueError(f"aspect ratio must be one of {', '.join(FRAME_SIZES)}")
        if self.platform is not None:
            key = self.platform.strip().lower()
            if key not in PLATFORMS:
                raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
            preset = PLATFORMS[key]
            object.__setattr__(self, "platform", key)
            if self.aspect_ratio == "16:9":
                object.__setattr__(self, "aspect_ratio", preset.aspect_ratio)
            if self.duration_s > preset.max_duration_s:
                raise ValueError(
                    f"{key} videos are at most {preset.max_duration_s} seconds "
                    f"(asked for {self.duration_s:g})"
                )


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "half a": 0.5,
}
_NUM = r"(\d+(?:\.\d+)?|half an?|forty-five|" + "|".join(
    sorted((w for w in _NUMBER_WORDS if " " not in w and w != "forty-five"), key=len,
           reverse=True)) + r")"
_UNIT = r"(seconds?|secs?|s|minutes?|mins?|m)"
_DURATION_RE = re.compile(
    rf"\b{_NUM}\s*-?\s*{_UNIT}\b(?:\s*(?:and\s+)?(\d+(?:\.\d+)?)\s*-?\s*(?:seconds?|secs?|s)\b)?",
    re.IGNORECASE,
)

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
_MOOD_WORDS: dict[str, str] = {
    **{k: v for k, v in MOOD_ALIASES.items() if k != "cinematic"},
    **{kw: p.name for p in MOOD_MATRIX.values() for kw in p.keywords},
    **{p.name.replace("_", " "): p.name for p in MOOD_MATRIX.values()},
    "high-energy": "high_energy", "relaxing": "intimate_story", "cozy": "intimate_story",
    "dramatic": "high_energy", "fun": "high_energy", "playful": "high_energy",
    "dreamlike": "surreal_trip", "trippy": "surreal_trip", "luxurious": "luxury_reveal",
    "serene": "intimate_story", "heartwarming": "intimate_story", "spooky": "surreal_trip",
}


def _find_duration(text: str) -> float | None:
    m = _DURATION_RE.search(text)
    if not m:
        return None
    raw = m.group(1).lower()
    if raw[0].isdigit():
        value = float(raw)
    else:
        value = float(_NUMBER_WORDS.get(raw, 0.5 if raw.startswith("half") else 0))
    minutes = m.group(2).lower().startswith("m")
    seconds = value * 60 if minutes else value
    if m.group(3) and minutes:
        seconds += float(m.group(3))
    return seconds


def _find_style(text: str) -> str | None:
    low = text.lower()
    best: tuple[int, str] | None = None
    for alias, preset in _STYLE_BY_ALIAS.items():
        m = re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), preset.name)
    return best[1] if best else None


def _find_platform(text: str) -> str | None:
    for name, pattern in _PLATFORM_PATTERNS:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return None


def _find_aspect(text: str) -> str | None:
    for ratio, pattern in _ASPECT_PATTERNS:
        if re.search(pattern, text, re.IGNORECASE):
            return ratio
    return None


def _find_mood(text: str) -> str | float | None:
    level = _MOOD_LEVEL_RE.search(text)
    if level:
        return float(min(int(level.group(1)), 100))
    low = text.lower()
    hits = [(m.start(), word) for word in _MOOD_WORDS
            for m in [re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", low)] if m]
    return min(hits)[1] if hits else None


def parse_request(text: str) -> BreakdownRequest:
    """Read a free-text request: duration ("30-second", "2 minute", "45s", "1.5 minutes"),
    style words, platform ("for TikTok") or aspect ratio ("vertical", "9:16", "square"), and
    mood words outside the subject. Anything not found keeps the `BreakdownRequest` default.

    Raises:
        ValueError: as `BreakdownRequest` (empty text, duration outside 5..600 s, ...).
    """
    prompt = clean_text(text or "", MAX_PROMPT_CHARS)
    if not prompt:
        raise ValueError(EMPTY_PROMPT)
    subject = subject_of(prompt)
    rest = prompt.replace(subject, " ") if subject else prompt
    duration = _find_duration(prompt)
    platform = _find_platform(rest)
    aspect = _find_aspect(rest)
    if platform and aspect and aspect != PLATFORMS[platform].aspect_ratio and aspect == "16:9":
        aspect = None
    return BreakdownRequest(
        prompt=prompt,
        duration_s=30 if duration is None else duration,
        style=_find_style(rest) or "cinematic",
        aspect_ratio=aspect or "16:9",
        mood=_find_mood(rest),
        platform=platform,
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
_STYLE_ALT = "|".join(sorted((re.escape(a) for a in _STYLE_BY_ALIAS), key=len, reverse=True))
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
    r"under\s+)?" + _NUM + r"\s*-?\s*" + _UNIT + r"\b",
    r"\s+(?:that|which)\s+(?:is|lasts|runs)\s",
))
_LEADING_DETERMINERS = {"The", "A", "An", "How", "Why", "What", "When", "Where", "Who", "My",
                        "Our", "Your", "Its", "This", "These", "Those", "Some"}
_CLAUSE_WORDS = {"that", "which", "where", "while", "because", "so", "with", "and", "but"}


def _cut_modifiers(text: str) -> str:
    end = len(text)
    for pattern in _STOP_RES:
        m = pattern.search(text)
        if m and m.start() < end:
            end = m.start()
    return text[:end].strip(" ,;:-\"'“”‘’()[]")


def _strip_request_words(text: str) -> str:
    s = _LEAD_RE.sub("", text, count=1)
    s = _DURATION_RE.sub(" ", s)
    s = re.sub(r"(?<![\w-])(?:" + _STYLE_ALT + r")(?![\w-])", " ", s, flags=re.IGNORECASE)
    for _, pattern in (*_PLATFORM_PATTERNS, *_ASPECT_PATTERNS):
        s = re.sub(pattern, " ", s, flags=re.IGNORECASE)
    s = re.sub(rf"\b-?(?:long\s+)?{_MEDIA}\b", " ", s, flags=re.IGNORECASE)
    s = re.sub(r"\s+", " ", s).strip(" ,;:.!?-")
    s = re.sub(r"^(?:(?:an?|for|on|of|about|showing)\s+)+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"(?:\s+(?:for|on|in|with|a|an))+$", "", s, flags=re.IGNORECASE)
    return s.strip()


def _shorten(subject: str) -> str:
    words = subject.split()
    if all(w.lower().strip(",.") in _DANGLING for w in words):
        return ""
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


_ENGLISH_CUES = {"the", "a", "an", "about", "of", "for", "with", "and", "my", "our", "to",
                 "make", "create", "please", "is", "that", "this", "showing", "explaining",
                 "generate", "want", "how", "why", "what", "video", "story", "seconds",
                 "minute", "minutes", "second"}


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

    Tries "about X", then "<video|film|story...> of/on/for/showing X", then the text with
    request words (verbs, durations, styles, platforms, formats) removed. Modifiers after the
    subject ("for TikTok", "in anime style", ", 45 seconds") are cut, and the result is kept to
    at most `MAX_SUBJECT_WORDS` words / `MAX_SUBJECT_CHARS` characters. Text in other languages
    comes back as itself, shortened. Returns "" when only request words remain ("make a video").
    """
    text = clean_text(text or "", 4_000)
    if not is_english(text):
        return _shorten(text)
    for pattern in (_ABOUT_RE, _MEDIA_PREP_RE):
        m = pattern.search(text)
        if m:
            found = _cut_modifiers(m.group(1))
            if found and re.search(r"\w", found):
                return _shorten(found)
    head = _cut_modifiers(text) or text
    return _shorten(_strip_request_words(head))


# --------------------------------------------------------------------------- characters


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
_ROLE_ALT = "|".join(sorted((*_HUMAN_ROLES, *_ANIMAL_ROLES, *_FANTASY_ROLES), key=len,
                            reverse=True))
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

_HAIR = ("short dark", "long auburn", "curly black", "shoulder-length blond", "braided brown",
         "silver-streaked", "wavy red", "cropped black")
_OUTFITS = ("a yellow raincoat", "a denim jacket and a red scarf", "a green hooded sweater",
            "a navy peacoat", "a striped shirt and overalls", "a white linen shirt",
            "an orange windbreaker", "a cozy knitted cardigan")
_ROLE_OUTFITS = {
    "astronaut": "a white spacesuit with orange mission patches",
    "knight": "battered silver armor and a blue cloak",
    "princess": "a flowing emerald gown and a simple gold circlet",
    "prince": "a tailored navy coat with gold buttons",
    "king": "a crimson royal robe and a gold crown",
    "queen": "a crimson royal robe and a gold crown",
    "wizard": "a star-embroidered midnight-blue robe and a pointed hat",
    "witch": "a star-embroidered midnight-blue robe and a pointed hat",
    "detective": "a long beige trench coat and a fedora",
    "scientist": "a white lab coat and safety glasses",
    "doctor": "blue scrubs and a stethoscope",
    "nurse": "blue scrubs and a stethoscope",
    "chef": "a white apron dusted with flour",
    "baker": "a white apron dusted with flour",
    "pilot": "a leather flight jacket and aviator goggles",
    "sailor": "a weathered navy sea coat and a knit cap",
    "captain": "a weathered navy sea coat and a captain's cap",
    "fisherman": "a yellow oilskin coat and rubber boots",
    "pirate": "a tricorn hat and a long red coat",
    "soldier": "an olive field uniform",
    "explorer": "a khaki field jacket and a worn backpack",
    "adventurer": "a khaki field jacket and a worn backpack",
    "traveler": "a khaki field jacket and a worn backpack",
    "traveller": "a khaki field jacket and a worn backpack",
    "farmer": "overalls and a straw hat",
    "gardener": "overalls, gloves and a straw hat",
    "athlete": "a bright running kit",
    "runner": "a bright running kit",
}
_FANTASY_LOOKS = {
    "robot": "a small round robot with glowing blue eyes and scuffed white plating",
    "android": "a sleek android with pale silver skin and softly glowing eyes",
    "alien": "a slender alien with iridescent violet skin and large dark eyes",
    "ghost": "a friendly translucent ghost with a soft glow",
    "monster": "a fuzzy blue monster with big round eyes",
    "fairy": "a tiny fairy with gossamer wings and a glowing aura",
    "elf": "a nimble elf with pointed ears and a forest-green cloak",
    "dragon": "a young emerald dragon with copper-tipped wings",
    "unicorn": "a white unicorn with a pearl horn and a rainbow mane",
    "mermaid": "a mermaid with long wavy red hair and a shimmering teal tail",
}
_ANIMAL_SIZE = ("small", "scruffy", "fluffy", "sleek", "big", "little")
_ANIMAL_COLOR = ("golden", "black-and-white", "ginger", "gray", "chocolate-brown", "cream",
                 "spotted", "sandy")
_ANIMAL_FEATURE = ("a red collar", "bright amber eyes", "floppy ears",
                   "a white patch over one eye", "a blue bandana", "a bushy tail")
_YOUNG_ROLES = {"girl", "boy", "child", "kid", "teenager", "teen", "baby", "daughter", "son",
                "student"}
_OLD_ROLES = {"grandmother", "grandfather", "grandma", "grandpa"}


@dataclass(frozen=True)
class _Found:
    name: str
    role: str
    adjectives: tuple[str, ...]
    position: int


def _slug(name: str, taken: set[str]) -> str:
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
            if name.lower() in _NOT_NAMES or name.lower() in _ROLE_ALT.split("|"):
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
    rng = random.Random(_stable_int("character", found.name, found.role))
    role = found.role
    if role in _FANTASY_LOOKS:
        return _FANTASY_LOOKS[role]
    adjs = " ".join(found.adjectives)
    if role in _ANIMAL_ROLES:
        words = " ".join(w for w in (adjs or rng.choice(_ANIMAL_SIZE), rng.choice(_ANIMAL_COLOR),
                                     role) if w)
        return f"{_article(words)} {words} with {rng.choice(_ANIMAL_FEATURE)}"
    age = ""
    if not adjs:
        age = "young" if role in _YOUNG_ROLES else "elderly" if role in _OLD_ROLES else ""
    words = " ".join(w for w in (adjs or age, role) if w)
    outfit = _ROLE_OUTFITS.get(role, rng.choice(_OUTFITS))
    return f"{_article(words)} {words} with {rng.choice(_HAIR)} hair, wearing {outfit}"


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
        out.append(Character(id=_slug(f.name, taken), name=f.name, role=role,
                             description=_describe(f)))
    return out


def _role_phrase(character: Character) -> str:
    """ "a young astronaut" from a character's description (its words up to "with")."""
    head = character.description.split(" with ")[0].split(",")[0].strip()
    return head or "a hero"


# --------------------------------------------------------------------------- writing


def _topic_for(text: str) -> Topic | None:
    low = text.lower()
    best: tuple[int, int] | None = None
    for i, topic in enumerate(TOPICS):
        hits = sum(1 for k in topic.keywords if re.search(rf"\b{re.escape(k)}s?\b", low))
        if hits and (best is None or hits > best[0]):
            best = (hits, i)
    return TOPICS[best[1]] if best else None


_CLAUSE_STARTS = {"how", "why", "what", "when", "where", "who", "whether", "which"}


def _topic_lines(beat: str, subject: str) -> tuple[str, ...]:
    """The beat's templates; for a clause subject ("how bees make honey") only those where the
    subject follows "about", "of" or "on", which read well with a clause."""
    lines = _TOPIC_LINES[beat]
    if subject.split()[0].lower() not in _CLAUSE_STARTS:
        return lines
    safe = tuple(t for t in lines
                 if t.count("{s}") == len(re.findall(r"\b(?:about|of|on) \{s\}", t)))
    return safe or lines


def _infer_mood(req: BreakdownRequest, topic: Topic | None) -> str:
    if req.mood is not None:
        return resolve_mood(req.mood)
    word = _find_mood(req.prompt)
    if word is not None:
        return resolve_mood(word)
    return topic.mood if topic else "luxury_reveal"


_PLACE_RE = re.compile(
    r"\b(?:in|on|at|across|through|around|near|inside|exploring|visiting)\s+"
    r"((?:the|a|an|their|his|her|my|our)\s+(?:[a-z][\w'-]*\s+){0,2}[a-z][\w'-]*"
    r"|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
)
_NOT_PLACES = {"style", "mood", "tone", "format", "video", "tiktok", "youtube", "instagram",
               "reels", "shorts", "vertical", "square", "portrait", "landscape", "seconds",
               "minutes", "voice", "narration", "music", "end", "way", "life", "love"}


def _place_for(prompt: str, topic: Topic | None, rng: random.Random) -> str:
    for m in _PLACE_RE.finditer(prompt):
        words = {w.lower().strip(",.") for w in m.group(1).split()}
        if not words & _NOT_PLACES and not words & set(_STYLE_BY_ALIAS):
            return m.group(1)
    return rng.choice(topic.places if topic else _GENERIC_PLACES)


class _Pool:
    """Seeded draws without repeats until a pool runs out (then it is reshuffled)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: dict[str, list[str]] = {}

    def take(self, key: str, items: Sequence[str], fits: Callable[[str], bool]) -> str | None:
        """The next unused item of `items` for which `fits` is true, or None."""
        left = self._left.get(key)
        if not left:
            left = list(items)
            self._rng.shuffle(left)
            self._left[key] = left
        for i, item in enumerate(left):
            if fits(item):
                return left.pop(i)
        return None


def _narrate(pool: _Pool, key: str, lines: Sequence[str], fmt: dict[str, str], duration: float,
             extra: tuple[str, Sequence[str]] | None = None, max_words: int | None = None,
             single: bool = False) -> str:
    """One or two template sentences for a scene, within the pace budget (and `max_words`)."""
    ceiling = math.floor(duration * WORDS_PER_SECOND + 1e-9)
    hard, target = ceiling, max(1, math.floor(duration * TARGET_WORDS_PER_SECOND + 1e-9))
    if max_words is not None:
        hard, target = min(hard, max(1, max_words)), min(target, max(1, max_words))

    def render(template: str) -> str:
        return " ".join(_sentence_case(s) for s in re.split(r"(?<=[.!?]) ", template.format(**fmt)))

    first = pool.take(key, lines, lambda t: _words(render(t)) <= hard)
    if first is None:
        shortest = min((render(t) for t in lines), key=_words)
        return fit_script(shortest, ceiling if max_words is None else hard, wps=1.0) if (
            _words(shortest) > ceiling) else shortest
    text = render(first)
    follow_key, follow_lines = extra if extra else (key, lines)
    room = target - _words(text)
    if room >= 4 and not single:
        second = pool.take(follow_key, follow_lines, lambda t: _words(render(t)) <= room)
        if second is not None:
            text = f"{text} {render(second)}"
    return text


def _follow_group(beat: str) -> str:
    return beat if beat in _FOLLOW_UPS else "development"


def _transitions(n: int, mood: str, rng: random.Random) -> list[str]:
    soft = ["dissolve", "fade"] if mood != "surreal_trip" else ["dissolve", "dissolve", "fade"]
    energetic = ["wipeleft", "slideleft", "wiperight", "slideright"]
    start = rng.randrange(len(soft))
    out = []
    for i in range(n - 1):
        if mood == "high_energy" and i % 3 == 1:
            out.append(energetic[(i // 3) % len(energetic)])
        else:
            out.append(soft[(start + i) % len(soft)])
    if n >= 3 and out:
        out[-1] = "fade"
    return [*out, "fadeblack"]


def _music(mood: str, genre: str, n: int, duration_s: float) -> list[MusicCue]:
    if duration_s <= 90 or n < 2:
        return [MusicCue(mood=mood, genre=genre)]
    i = _ENERGY_ORDER.index(mood)
    low, high = (_ENERGY_ORDER[i - 1], mood) if i > 0 else (mood, _ENERGY_ORDER[1])
    split = max(1, n // 2)
    return [MusicCue(mood=low, genre=genre, first_scene=1, last_scene=split),
            MusicCue(mood=high, genre=genre, first_scene=split + 1)]


def _unique_title(beat: str, used: set[str]) -> str:
    options = _TITLES.get(beat, ("Scene",))
    for t in options:
        if t not in used:
            used.add(t)
            return t
    k = 2
    while f"{options[0]} {k}" in used:
        k += 1
    used.add(f"{options[0]} {k}")
    return f"{options[0]} {k}"


def _visual(desc: str, subject: str, look: str, lighting: str, camera: str, aspect: str) -> str:
    parts = [look, LIGHTING_PHRASES.get(lighting, lighting.replace("_", " ")),
             CAMERA_PHRASES.get(camera, camera.replace("_", " ")), FRAMING[aspect]]
    tail = _sentence_case(", ".join(p for p in parts if p))
    text = f"{_sentence_case(desc)}. Theme: {subject}. {tail}."
    return clean_text(text, _PROMPT_FIELD_CHARS)


def write_breakdown(req: BreakdownRequest) -> Breakdown:
    """A complete breakdown for `req`, deterministic for a given request.

    Scenes follow a hook / context / development / peak / close arc (`plan_beats`); their
    count comes from `scene_count`; durations are multiples of 0.5 s, each at least
    `MIN_SCENE_S`, summing exactly to `req.duration_s`. Narration is template English that
    names the subject (or the characters), at most `WORDS_PER_SECOND` words per second of its
    scene. Cameras and lighting come from the mood's row of `presets.MOOD_MATRIX`; the last
    transition is "fadeblack". Videos over 90 s get two music cues, the second a step up in
    energy.

    Raises:
        ValueError: the prompt names nothing to make a video about.
    """
    subject = subject_of(req.prompt)
    if not subject:
        raise ValueError(EMPTY_PROMPT)
    rng = random.Random(_stable_int("breakdown", req.prompt, req.duration_s, req.style,
                                    req.aspect_ratio, req.mood, req.platform))
    topic = _topic_for(f"{subject} {req.prompt[:2000]}")
    mood = _infer_mood(req, topic)
    preset = MOOD_MATRIX[mood]
    style = style_preset(req.style)
    characters = extract_characters(req.prompt[:4000])
    story = bool(characters)
    n = scene_count(req.duration_s)
    beats = plan_beats(n, story)
    durations = split_duration(req.duration_s, [_BEAT_WEIGHT.get(b, 1.0) for b in beats])
    transitions = _transitions(n, mood, rng)
    pool = _Pool(rng)
    camera_start = rng.randrange(len(preset.cameras))
    light_start = rng.randrange(len(preset.lighting))
    place = _place_for(req.prompt, topic, rng) if story else ""
    used_titles: set[str] = set()
    scenes = []
    for i, (beat, duration) in enumerate(zip(beats, durations, strict=True)):
        camera = preset.cameras[(camera_start + i) % len(preset.cameras)]
        lighting = preset.lighting[(light_start + i // 2) % len(preset.lighting)]
        present = characters[:1]
        if len(characters) > 1:
            others = characters[1:]
            present = [characters[0], others[i % len(others)]]
        if story:
            lead = characters[0]
            fmt = {"n": lead.name, "r": _role_phrase(lead), "p": place, "s": subject,
                   "o": present[1].name if len(present) > 1 else lead.name}
            extra = ("companion", _COMPANION_LINES) if len(present) > 1 else None
            script = _narrate(pool, beat, _STORY_LINES[beat], fmt, duration, extra)
            who = " and ".join(f"{c.name} ({c.description})" for c in present)
            shot = pool.take(f"shot-{beat}", _STORY_SHOTS[beat], lambda t: True) or ""
            desc = shot.format(who=who, p=place)
        else:
            group = _follow_group(beat)
            script = _narrate(pool, beat, _topic_lines(beat, subject), {"s": subject}, duration,
                              (f"follow-{group}", _FOLLOW_UPS[group]))
            use_topic = topic is not None and i % 3 != 2
            key, shots = (("shot", topic.shots) if use_topic and topic else
                          ("subject-shot", tuple(t.format(s=subject) for t in _SUBJECT_SHOTS)))
            shot = pool.take(key, shots, lambda t: True) or shots[0]
            scale = "Wide shot of" if beat == "hook" else _SCALES[(i + camera_start) % len(_SCALES)]
            desc = f"{scale} {shot}"
        scenes.append(Scene(
            index=i + 1,
            title=_unique_title(beat, used_titles),
            script=script,
            visual_prompt=_visual(desc, subject, style.look, lighting, camera, req.aspect_ratio),
            duration=duration,
            mood=mood,
            camera=camera,
            lighting=lighting,
            transition=transitions[i],
            characters=[c.id for c in present] if story else [],
        ))
    voice = req.voice or VoiceSpec(tone=VOICE_TONE[mood])
    return Breakdown(
        title=clean_text(_title_case(subject) if is_english(subject) or len(subject.split()) < 3
                         else _sentence_case(subject), 80),
        prompt=req.prompt,
        style=style.name,
        aspect_ratio=req.aspect_ratio,  # type: ignore[arg-type]
        voice=voice,
        music=_music(mood, style.genre, n, req.duration_s),
        characters=characters,
        scenes=scenes,
    )


# --------------------------------------------------------------------------- revising


@dataclass(frozen=True)
class _VisualChange:
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

_VISUAL_CHANGES: tuple[_VisualChange, ...] = (
    _VisualChange("night", r"\b(?:at\s+night|night\s*time|nighttime|night|midnight|after dark|"
                  r"moonlit|under the stars)\b",
                  (*_TIME_WORDS, *_SUN_WORDS), "at night, under a dark starry sky", "moonlight"),
    _VisualChange("sunset", r"\b(?:sunset|dusk|golden hour|twilight|evening)\b",
                  (*_TIME_WORDS, *_SUN_WORDS, *_NIGHT_WORDS),
                  "at sunset, warm orange sky and long shadows", "golden_hour"),
    _VisualChange("sunrise", r"\b(?:sunrise|dawn|daybreak|morning)\b",
                  (*_TIME_WORDS, *_NIGHT_WORDS), "at sunrise, soft pink dawn sky", "dawn"),
    _VisualChange("day", r"\b(?:daytime|during the day|by day|midday|noon|sunny|daylight|"
                  r"in the day)\b",
                  (*_TIME_WORDS, *_NIGHT_WORDS, *_WEATHER_WORDS),
                  "on a bright sunny day under a clear blue sky", "natural"),
    _VisualChange("rain", r"\b(?:rain|rainy|raining|rainstorm|drizzle)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS), "in the pouring rain, wet reflective surfaces",
                  "overcast"),
    _VisualChange("snow", r"\b(?:snow|snowy|snowing|winter|wintry|blizzard)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS, *_SEASON_WORDS),
                  "in winter, blanketed in fresh snow with flakes falling", "overcast"),
    _VisualChange("fog", r"\b(?:fog|foggy|mist|misty|haze|hazy)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS), "in thick fog, soft diffused haze", "overcast"),
    _VisualChange("storm", r"\b(?:storm|stormy|thunder|thunderstorm|lightning)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS),
                  "during a dramatic thunderstorm, dark clouds and flashes of lightning",
                  "high_contrast"),
    _VisualChange("autumn", r"\b(?:autumn|fall season|in the fall|autumnal)\b",
                  (*_SEASON_WORDS, "snow", "snowy", "snow-capped"),
                  "in autumn, amber and red leaves drifting down"),
    _VisualChange("spring", r"\b(?:spring|springtime|blossoms?)\b",
                  (*_SEASON_WORDS, "snow", "snowy"), "in spring, fresh blossoms and new leaves"),
    _VisualChange("summer", r"\b(?:summer|summertime)\b", (*_SEASON_WORDS, "snow", "snowy"),
                  "in high summer, lush greenery and warm haze"),
    _VisualChange("underwater", r"\b(?:underwater|under water|under the sea|beneath the waves)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS, *_NIGHT_WORDS),
                  "underwater, shafts of filtered light and drifting particles", "volumetric"),
    _VisualChange("space", r"\b(?:in (?:outer )?space|among the stars|in orbit)\b",
                  (*_SUN_WORDS, *_WEATHER_WORDS, *_SEASON_WORDS),
                  "in outer space, stars and a distant planet behind"),
    _VisualChange("close", r"\b(?:closer|close-up|close up|closeup|tighter|zoom(?:ed)? in|"
                  r"detail shot)\b", _SHOT_WORDS, "Close-up of", position="prepend"),
    _VisualChange("wide", r"\b(?:wider|wide shot|wide angle|pull(?:ed)? back|zoom(?:ed)? out|"
                  r"establishing)\b", _SHOT_WORDS, "Wide establishing shot of",
                  position="prepend"),
    _VisualChange("aerial", r"\b(?:aerial|from above|bird'?s[- ]eye|overhead|drone shot)\b",
                  _SHOT_WORDS, "Aerial view of", position="prepend"),
    _VisualChange("angle", r"\b(?:fresh|different|new|another|other)\s+(?:angle|take|shot|view)\b",
                  _SHOT_WORDS, "High-angle shot of", position="prepend"),
    _VisualChange("colorful", r"\b(?:more colou?rful|colou?rful|vibrant|saturated|more colou?r|"
                  r"vivid)\b", _MONO_WORDS, "vivid saturated colors"),
    _VisualChange("mono", r"\b(?:black and white|black-and-white|monochrome|grayscale|"
                  r"greyscale)\b", _COLOR_WORDS, "black and white"),
    _VisualChange("darker", r"\b(?:darker|moodier|more moody|gloomier|more shadows?)\b",
                  (*_BRIGHT_WORDS, "sunny", "sunlit", "sunlight"), "low-key lighting, deep shadows",
                  "high_contrast"),
    _VisualChange("brighter", r"\b(?:brighter|lighter|more light|sunnier|airier)\b",
                  _DARK_WORDS, "bright, airy lighting", "soft_key"),
)

_CAMERA_CHANGES: tuple[tuple[str, str], ...] = (
    (r"\b(?:zoom(?:ing)? in|push(?:ing)? in)\b", "zoom_in"),
    (r"\b(?:zoom(?:ing)? out|pull(?:ing)? back)\b", "zoom_out"),
    (r"\bpan(?:ning)? (?:to the )?left\b", "pan_left"),
    (r"\bpan(?:ning)? (?:to the )?right\b", "pan_right"),
    (r"\b(?:static|still camera|no (?:camera )?movement|locked[- ]off)\b", "static"),
    (r"\b(?:fpv|drone)\b", "fpv_drone"),
    (r"\bcrane\b", "crane_up"),
    (r"\bhandheld\b", "handheld_subtle"),
)

_VISUAL_REPLACE_RES = (
    re.compile(r"^(?:please\s+)?(?:change|replace|make|set|switch|turn)\s+(?:the\s+)?"
               r"(?:visuals?|image|picture|shot|scene|background|setting|it)"
               r"(?:\s+(?:of|for|in)\s+scene\s+\d+)?\s+(?:to|with|into)\s+"
               r"(?:show(?:ing)?\s+|be\s+|depict(?:ing)?\s+)?(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:show|depict)\s+(.+?)(?:\s+instead)?$", re.IGNORECASE),
)
_SCRIPT_REPLACE_RES = (
    re.compile(r"^(?:please\s+)?(?:change|set|replace|rewrite|update|make)\s+(?:the\s+)?"
               r"(?:narration|script|voice-?over|text|line|lines|words|it)"
               r"(?:\s+(?:of|for|in)\s+scene\s+\d+)?\s+(?:to|with|into)\s*(?:say|read)?\s*:?\s*"
               r"(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:say|narrate|read)\s*:?\s+(.+)$", re.IGNORECASE),
    re.compile(r"^(?:new\s+)?(?:narration|script|voice-?over|line)\s*:\s*(.+)$", re.IGNORECASE),
    re.compile(r"\b(?:to say|should say|should read|to read|make it say|have it say)\s*:?\s+"
               r"(.+)$", re.IGNORECASE),
)
_QUOTED_RE = re.compile(
    r"\"([^\"]+)\"|“([^”]+)”|«([^»]+)»|(?:^|(?<=[\s:]))'([^']+)'(?=$|[\s.,!?;:])"
)
_TONE_START_RE = re.compile(
    r"^(?:be|sound|feel|something|more|less|a bit|slightly|much|shorter|longer|simpler|"
    r"funnier|calmer|warmer|an?\s+\w+er\b)", re.IGNORECASE
)
_TONE_LINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dramatic": (r"\b(?:dramatic|intense|exciting|epic|energetic|powerful|urgent)\b",
                 ("Everything about {s} changes here.", "Hold your breath: this is {s}.",
                  "This is where {s} gets real.")),
    "calm": (r"\b(?:calm|calmer|gentle|softer|peaceful|quiet|relaxed|soothing)\b",
             ("Slow down, and take in {s}.", "Breathe, and let {s} unfold gently.",
              "There's no rush with {s}.")),
    "playful": (r"\b(?:funny|funnier|playful|humou?r|lighter|fun|joke)\b",
                ("Yes, {s} really is this much fun.", "Bet you didn't expect this from {s}.",
                 "Here comes the fun part of {s}.")),
    "inspiring": (r"\b(?:inspiring|inspirational|uplifting|hopeful|motivating|motivational)\b",
                  ("With {s}, anything is possible.", "This is what hope looks like in {s}.",
                   "Imagine where {s} goes next.")),
    "emotional": (r"\b(?:emotional|moving|touching|heartfelt|warm|warmer|personal)\b",
                  ("Some moments of {s} stay with us forever.",
                   "There's a feeling in {s} you carry with you.",
                   "This part of {s} is close to the heart.")),
}
_MENTION_LINES = ("And then there's {s}.", "Don't forget {s}.", "Look closer, and you'll see {s}.",
                  "Somewhere nearby, there's {s}.")
_FOCUS_RE = re.compile(
    r"\b(?:mention|include|talk about|focus on|about|add (?:a line|something|a sentence) about|"
    r"emphasi[sz]e|highlight)\s+(.+)$", re.IGNORECASE
)
_IMPERATIVE_LEAD_RE = re.compile(
    r"^(?:(?:please|can you|could you|would you|also|and|then)\s+)*"
    r"(?:(?:make|change|turn) (?:it|the (?:scene|image|visual|shot|picture))\s+"
    r"(?:to\s+|into\s+)?(?:be\s+|have\s+|show\s+|look\s+)?|"
    r"add\s+|include\s+|put\s+|show\s+|with\s+|give it\s+|let it have\s+)?",
    re.IGNORECASE,
)


_SAY_CUE = re.compile(r"\b(?:say|says|saying|narrat\w*|script|voice-?over|line|read|words|text)\b",
                      re.IGNORECASE)
_SHOW_CUE = re.compile(r"\b(?:show\w*|image|visual|picture|depict\w*|shot|background|scene)\b",
                       re.IGNORECASE)


def _quoted(text: str, kind: Literal["script", "visual"], alone: bool) -> str | None:
    """The quoted text meant for `kind`: a quote after "say"/"narration" words is narration,
    after "show"/"image" words a visual; when both are edited (`alone` false), an untagged
    quote goes to the narration."""
    quotes = []
    last = 0
    for m in _QUOTED_RE.finditer(text):
        before = text[last:m.start()]
        said, shown = bool(_SAY_CUE.search(before)), bool(_SHOW_CUE.search(before))
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
        rf"(?<![\w-])(?:{alt})(?![\w-])(?:\s+(?:light|lighting|sky|skies))?",
        re.IGNORECASE,
    )


def _tidy(text: str) -> str:
    s = re.sub(r"\s+", " ", text)
    s = re.sub(r"\s+([,.;:])", r"\1", s)
    s = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", s)
    s = re.sub(r"[,;:]\s*\.", ".", s)
    s = re.sub(r"\.\s*[,;:]", ".", s)
    s = re.sub(r"\.(?:\s*\.)+", ".", s)
    s = re.sub(r"\b(an?|the)\s+(?=[,.;:]|$)", "", s, flags=re.IGNORECASE)
    s = re.sub(r"^[\s,;:.]+", "", s)
    return s.strip()


def _split_visual(prompt: str) -> tuple[str, str, str]:
    """(description, theme sentence, style tail) of a visual prompt written by this module;
    other prompts are all description."""
    head, sep, rest = prompt.partition(". ")
    if not sep:
        return prompt.rstrip("."), "", ""
    theme = ""
    if rest.startswith("Theme: "):
        theme, _, rest = rest.partition(". ")
        theme += "."
    return head, theme, rest


def _join_visual(desc: str, theme: str, style: str) -> str:
    desc = _sentence_case(_tidy(desc).rstrip(".,; "))
    style = _sentence_case(_tidy(style).rstrip(".,; "))
    parts = [f"{desc}.", theme, f"{style}." if style else ""]
    return clean_text(" ".join(p for p in parts if p), _PROMPT_FIELD_CHARS)


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
    changes = [c for c in _VISUAL_CHANGES if re.search(c.trigger, instruction, re.IGNORECASE)]
    desc, theme, style = _split_visual(scene.visual_prompt)
    camera = next((name for pattern, name in _CAMERA_CHANGES
                   if re.search(pattern, instruction, re.IGNORECASE)), scene.camera)
    lighting = next((c.lighting for c in reversed(changes) if c.lighting), scene.lighting)
    old_light = LIGHTING_PHRASES.get(scene.lighting)
    relit = any(c.lighting for c in changes)
    if relit and old_light and old_light.lower() in style.lower():
        style = re.sub(re.escape(old_light), _SLOT, style, count=1, flags=re.IGNORECASE)
    replacement = _quoted(instruction, "visual", alone)
    if replacement is None and alone:
        for pattern in _VISUAL_REPLACE_RES:
            m = pattern.search(instruction)
            if m:
                replacement = m.group(1)
                break
    if replacement is not None:
        leftover = replacement
        for c in changes:
            leftover = re.sub(c.trigger, " ", leftover, flags=re.IGNORECASE)
        if len(re.findall(r"\w+", leftover)) < 2 or _TONE_START_RE.match(replacement):
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
        new_light = LIGHTING_PHRASES.get(lighting, lighting.replace("_", " "))
        style = style.replace(_SLOT, new_light) if _SLOT in style else _swap_phrase(
            style, None, new_light)
    if camera != scene.camera:
        style = _swap_phrase(style, CAMERA_PHRASES.get(scene.camera), CAMERA_PHRASES[camera])
    if free_text and not changes and replacement is None and camera == scene.camera:
        addition = _IMPERATIVE_LEAD_RE.sub("", _QUOTED_RE.sub(" ", instruction) if not alone
                                           else instruction, count=1).strip(" .,")
        desc = f"{desc}, {addition or instruction}"
    return {"visual_prompt": _join_visual(desc, theme, style), "lighting": lighting,
            "camera": camera}


def _scene_beat(breakdown: Breakdown, index: int) -> str:
    return plan_beats(len(breakdown.scenes), bool(breakdown.characters))[index - 1]


def _fresh_script(breakdown: Breakdown, scene: Scene, subject: str, salt: str,
                  max_words: int | None = None, single: bool = False,
                  story: bool | None = None) -> str:
    """A new template narration for `scene`'s beat, avoiding its current sentences; `story`
    (default: the breakdown has characters) narrates the lead character, else `subject`."""
    beat = _scene_beat(breakdown, scene.index)
    pool = _Pool(random.Random(_stable_int("revise", scene.script, salt)))
    current = set(_sentences(scene.script))
    extra = None
    if breakdown.characters and story is not False:
        lead = breakdown.characters[0]
        fmt = {"n": lead.name, "r": _role_phrase(lead), "s": subject, "o": lead.name}
        lines = tuple(t for t in _STORY_LINES[beat] if "{p}" not in t) or _STORY_LINES["desire"]
    else:
        fmt, lines = {"s": subject}, _topic_lines(beat, subject)
        group = _follow_group(beat)
        extra = (f"follow-{group}", _FOLLOW_UPS[group])
    fresh = tuple(t for t in lines if t.format(**fmt) not in current) or lines
    return _narrate(pool, beat, fresh, fmt, scene.duration, extra, max_words, single)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _verbatim_script(instruction: str, alone: bool) -> str | None:
    """The new narration text an instruction carries (quoted, or "say ..."/"change it to ..."),
    or None when it asks for a rewrite instead."""
    verbatim = _quoted(instruction, "script", alone)
    if verbatim is None:
        for pattern in _SCRIPT_REPLACE_RES:
            m = pattern.search(instruction)
            if m and not _TONE_START_RE.match(m.group(1)):
                verbatim = m.group(1)
                break
    return verbatim.strip() if verbatim is not None and verbatim.strip(" .,") else None


def _revise_script(breakdown: Breakdown, scene: Scene, instruction: str, alone: bool) -> str:
    verbatim = _verbatim_script(instruction, alone)
    if verbatim is not None:
        fitted = fit_script(verbatim, scene.duration)
        return fitted if fitted.endswith((".", "!", "?", '"', "”", "…")) else fitted + "."
    subject = subject_of(breakdown.prompt) or breakdown.title
    low = instruction.lower()
    words = _words(scene.script)
    hard = math.floor(scene.duration * WORDS_PER_SECOND + 1e-9)
    if re.search(r"\b(?:shorter|shorten|trim|cut|briefer|fewer words|more concise|tighter)\b",
                 low):
        sentences = _sentences(scene.script)
        if len(sentences) > 1:
            return fit_script(sentences[0], scene.duration)
        shorter = _fresh_script(breakdown, scene, subject, instruction, words - 1, True)
        return shorter if _words(shorter) < words else scene.script
    focus = _FOCUS_RE.search(instruction)
    if focus:
        topic = _shorten(_cut_modifiers(focus.group(1))) or subject
        if re.match(r"(?:mention|include|add)\b", focus.group(0), re.IGNORECASE):
            first = _sentences(scene.script)[0]
            room = hard - _words(first)
            line = _MENTION_LINES[_stable_int(instruction, scene.index) % len(_MENTION_LINES)]
            added = _sentence_case(line.format(s=topic))
            if _words(added) <= room:
                return f"{first} {added}"
        return _fresh_script(breakdown, scene, topic, instruction, story=False)
    if re.search(r"\b(?:longer|expand|more detail|elaborate|add more)\b", low):
        room = hard - words
        if room < 4:
            return scene.script
        more = _fresh_script(breakdown, scene, subject, instruction, room, True)
        return fit_script(f"{scene.script} {more}", scene.duration)
    for tone, (pattern, lines) in _TONE_LINES.items():
        if re.search(pattern, low):
            name = (f"{breakdown.characters[0].name}'s story" if breakdown.characters
                    else subject)
            pool = _Pool(random.Random(_stable_int("tone", scene.script, instruction)))
            group = "development" if breakdown.characters else _follow_group(
                _scene_beat(breakdown, scene.index))
            return _narrate(pool, tone, lines, {"s": name}, scene.duration,
                            (group, _FOLLOW_UPS[group]))
    return _fresh_script(breakdown, scene, subject, instruction)


def revise_scene(breakdown: Breakdown, index: int, instruction: str,
                 update_type: UpdateType) -> Scene:
    """Scene `index` (1-based) of `breakdown` with `instruction` applied; the breakdown itself
    is not changed.

    `update_type` "script" rewrites the narration: quoted text or "change it to ..." is taken
    verbatim; "shorter", "longer", "mention X" and tone words (dramatic, calm, playful,
    inspiring, emotional) rewrite it from templates; anything else gives a fresh template line.
    The result is fitted to the scene's duration (`fit_script`). "visual" edits the visual
    prompt: time of day (night, sunset, sunrise, day), weather and season, underwater, shot
    size (closer, wider, aerial), color (more colorful, black and white, darker, brighter) and
    camera moves replace conflicting words and keep the rest; a new description ("change the
    image to a lighthouse") replaces the description but keeps the style; any other text is
    added to the description as content. "both" does both. The instruction is only ever
    content: control characters are removed and it is cut to `MAX_INSTRUCTION_CHARS`.

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
    changes: dict[str, object] = {}
    if update_type in ("script", "both"):
        changes["script"] = _revise_script(breakdown, scene, text, update_type == "script")
    if update_type in ("visual", "both"):
        free_text = update_type == "visual" or _verbatim_script(text, False) is None
        changes.update(_revise_visual(scene, text, update_type == "visual", free_text))
    return Scene.model_validate({**scene.model_dump(), **changes})


__all__ = [
    "CAMERA_PHRASES",
    "LIGHTING_PHRASES",
    "MAX_DURATION_S",
    "MIN_DURATION_S",
    "STYLES",
    "WORDS_PER_SECOND",
    "BreakdownRequest",
    "StylePreset",
    "extract_characters",
    "fit_script",
    "parse_request",
    "plan_beats",
    "revise_scene",
    "scene_count",
    "split_duration",
    "style_preset",
    "subject_of",
    "write_breakdown",
]
