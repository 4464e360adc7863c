"""Reading a visual prompt: setting, landscape, foreground subjects, shot size and season.

A visual prompt's first sentence says what is seen ("<shot> of <what is seen>"); it decides
what is drawn. Later sentences are style words ("Shallow depth of field, warm golden hour
light") and never pick motifs; lighting comes from the request's `lighting` field and the mood.
The video's subject (the request's `subject` field) is read only when the first sentence names
nothing drawable ("a quiet moment at dawn" names nothing, so the subject decides); the
characters in frame (`characters`) add details such as "two friends".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pixora.context.vocabulary import resolve_mood


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


SETTING_WORDS: dict[str, re.Pattern[str]] = {
    "underwater": _words("underwater", "under the sea", "undersea", "reef", "coral", "deep sea",
                         "submarine", "scuba", "diver", "tide pool", "kelp"),
    "mars": _words("mars", "martian", "red planet"),
    "space": _words("space", "galaxy", "galaxies", "cosmos", "cosmic", "nebula", "saturn",
                    "jupiter", "outer space", "orbit", "planet", "star ?field", "lunar",
                    "surface of the moon", "moon's surface", "on the moon", "spacewalk",
                    "satellite"),
    "neon": _words("neon", "cyberpunk", "synthwave", "vaporwave", "club", "arcade", "laser"),
    "night": _words("night", "midnight", "moon", "starry", "starlit", "star-filled", "dark sky",
                    "after dark", "candlelit", "candlelight", "headlights", "glowing"),
    "sunset": _words("sunset", "dusk", "golden hour", "twilight", "evening", "sundown"),
    "dawn": _words("dawn", "sunrise", "daybreak", "early morning", "first light", "morning"),
    "day": _words("day", "sunny", "noon", "midday", "afternoon", "bright sun", "blue sky",
                  "summer"),
}
"""Settings in priority order: the first whose words appear in the prompt wins."""

LIGHTING_SETTING: dict[str, str] = {
    "golden_hour": "sunset", "neon_glow": "neon", "neon_noir": "neon", "natural": "day",
    "warm_ambient": "dawn", "soft_key": "sunset", "high_contrast": "day", "volumetric": "dream",
    "moonlight": "night", "night": "night",
}
MOOD_SETTING: dict[str, str] = {
    "high_energy": "day", "luxury_reveal": "sunset", "intimate_story": "dawn",
    "surreal_trip": "dream",
}

MOTIF_WORDS: dict[str, re.Pattern[str]] = {
    "mountains": _words("mountain", "peak", "alp", "summit", "volcano", "ridge", "highland",
                        "glacier", "mountain pass"),
    "cliff": _words("cliff", "headland", "bluff", "crag", "rocky coast", "lighthouse"),
    "hills": _words("hill", "meadow", "field", "countryside", "valley", "farm", "grass",
                    "prairie", "vineyard", "garden", "park"),
    "city": _words("city", "cities", "skyline", "urban", "downtown", "skyscraper", "metropolis",
                   "rooftop", "cyberpunk", "high-rise", "grid of streets"),
    "sea": _words("sea", "ocean", "beach", "coast", "lake", "wave", "harbo", "shore", "river",
                  "bay", "island", "sail", "boat", "surf", "lighthouse", "ship"),
    "trees": _words("forest", "tree", "woods", "woodland", "jungle", "pine", "grove", "park",
                    "garden", "canopy", "orchard"),
    "desert": _words("desert", "dune", "sand", "canyon", "sahara", "mars", "martian"),
    "lunar": _words("lunar", "surface of the moon", "moon's surface", "on the moon", "crater"),
    "clouds": _words("above (?:a layer of |the )?clouds", "sea of clouds", "layer of clouds",
                     "cloud layer"),
    "galaxy": _words("galax", "milky way", "spiral", "nebula"),
    "planets": _words("planet", "galaxy", "cosmos", "saturn", "jupiter", "nebula", "astronaut",
                      "space", "orbit", "earth rising", "earthrise"),
}
WEATHER_WORDS: dict[str, re.Pattern[str]] = {
    "snow": _words("snow", "winter", "blizzard", "frost", "ice", "icy", "arctic"),
    "rain": _words("rain", "storm", "drizzle", "downpour"),
    "fog": _words("fog", "mist", "haze", "smoke"),
}

SUBJECT_WORDS: dict[str, re.Pattern[str]] = {
    "rocket": _words("rocket", "launch", "lift-?off", "lifting off", "booster", "spacecraft"),
    "station": _words("space station", "satellite", "solar array", "iss\\b", "orbital"),
    "rover": _words("rover", "lander"),
    "dish": _words("radio telescope", "telescope", "dish pointed", "antenna", "observatory",
                   "satellite dish"),
    "lighthouse": _words("lighthouse", "beacon"),
    "volcano": _words("volcan", "lava", "magma", "erupt", "ash plume", "plume of ash",
                      "steam vent", "geyser"),
    "boat": _words("sailboat", "sailing", "boat", "ship", "yacht", "ferry", "vessel", "canoe",
                   "kayak", "sail\\b", "sails\\b"),
    "diver": _words("diver", "diving", "scuba", "snorkel"),
    "coral": _words("coral", "reef", "anemone", "starfish", "tide pool", "kelp", "seaweed"),
    "fish": _words("fish", "shark", "turtle", "whale", "dolphin", "manta"),
    "train": _words("train", "railway", "tram", "subway", "locomotive", "viaduct"),
    "plane": _words("airliner", "airplane", "aeroplane", "aircraft", "plane\\b", "jet\\b",
                    "flight"),
    "car": _words("cars?\\b", "vehicle", "truck", "taxi", "traffic", "headlight", "driving",
                  "interchange", "light trails", "ev\\b", "charging", "dashboard"),
    "music": _words("jazz", "saxophone", "sax\\b", "piano", "trumpet", "music", "band\\b",
                    "concert", "guitar", "orchestra", "violin", "melod", "swing", "blues",
                    "stage", "nightclub"),
    "market": _words("market", "stall", "produce", "vendor", "bazaar"),
    "table": _words("kitchen", "table", "bread", "loaf", "dough", "flour", "food", "meal",
                    "served dish", "plate", "cup\\b", "coffee", "espresso", "latte", "tea\\b",
                    "mug", "breakfast", "pan\\b", "chef", "counter", "bakery", "caf[eé]\\b",
                    "restaurant", "desk", "manuscript", "map\\b", "book", "photographs",
                    "letter", "compass", "recipe", "cooking", "vegetables", "beans"),
    "gallery": _words("museum", "gallery", "exhibit", "artifact", "artefact", "painting",
                      "statue", "sculpture"),
    "house": _words("home\\b", "house", "cottage", "cabin", "farmhouse", "village", "barn"),
    "castle": _words("castle", "fortress", "palace", "citadel", "ruins?\\b", "temple",
                     "colonnade", "columns", "pillars", "acropolis", "monument"),
    "buildings": _words("building", "high-rise", "skyscraper", "storefront", "shop", "street",
                        "downtown", "apartment", "facade", "office", "pavement"),
    "astronaut": _words("astronaut", "cosmonaut", "spacewalk", "space ?suit"),
    "bees": _words("bee\\b", "bees", "honey", "hive", "pollen", "beekeep"),
    "flowers": _words("flower", "wildflower", "bloom", "blossom", "petal", "meadow", "garden",
                      "tulip", "roses?\\b", "sunflower", "lavender"),
    "forest": _words("forest", "trees?\\b", "woods\\b", "woodland", "canopy", "grove", "pines?\\b",
                     "fern", "leaves", "foliage", "jungle", "orchard", "autumn", "oak"),
    "people": _words("people", "person", "man\\b", "woman", "men\\b", "women", "crowd",
                     "friends", "family(?! home)", "hiker", "travell?er", "geologist", "engineer",
                     "scientist", "worker", "farmer", "child", "children", "girl", "boy",
                     "kids?\\b", "couple", "student", "runner", "dancer", "commuter",
                     "pedestrian", "tourist", "explorer", "team", "musician", "crew",
                     "photographer", "shoppers", "astronauts", "audience"),
    "dog": _words("dogs?\\b", "pupp", "pup\\b", "fox", "cat\\b", "kitten"),
    "birds": _words("birds?\\b", "seabird", "gulls?\\b", "flock", "eagle", "swallow", "geese"),
}
"""Foreground subjects in priority order: the first found is the hero of the frame."""

INDOOR_SUBJECTS = frozenset({"music", "table", "gallery"})
CAST_SUBJECTS = frozenset({"people", "dog"})
"""Figures drawn in front of the hero motif at human scale, or as the hero when alone."""
COMPANIONS = frozenset({"birds", "fish", "bees", "astronaut", "flowers", "forest", "coral"})
"""Subjects that may join another hero outdoors as small secondary elements."""

SPACE_HEROES = ("rocket", "astronaut", "station", "planets")
FALLBACK_LAND: dict[str, tuple[str, ...]] = {
    "boat": ("sea",), "lighthouse": ("sea",), "birds": ("sea", "hills", "mountains"),
    "rocket": ("desert", "hills", "mountains"), "rover": ("desert",), "plane": ("clouds",),
    "car": ("hills", "mountains", "desert"),
}
"""Landscapes for a hero when the prompt names none (default: hills or mountains)."""
INDOOR_FALLBACK = ("table", "music", "gallery")

SHOT_WORDS: dict[str, re.Pattern[str]] = {
    "close": _words("close-?up", "close up", "macro", "in close detail", "extreme close",
                    "detail\\b"),
    "wide": _words("wide shot", "wide-angle", "wide angle", "establishing", "panoram",
                   "vista", "long shot", "sweeping"),
    "aerial": _words("aerial", "drone", "bird's-eye", "birds-eye", "overhead", "top-down",
                     "from above"),
    "low": _words("low-angle", "low angle", "worm's-eye", "looking up", "from below",
                  "seen from below"),
    "medium": _words("medium shot", "medium", "mid-shot", "mid shot", "waist"),
}
SEASON_WORDS: dict[str, re.Pattern[str]] = {
    "autumn": _words("autumn", "fall\\b", "autumnal", "october", "harvest", "russet"),
    "winter": _words("winter", "snow", "frost", "icy", "bare trees"),
    "spring": _words("spring\\b", "blossom", "cherry", "bloom", "april"),
}
LAUNCH_WORDS = _words("launch", "lift-?off", "lifting off", "blast", "take-?off", "ignition")


@dataclass(frozen=True)
class SceneReading:
    """What a prompt asks for.

    setting: lighting/place key of `palette.PALETTES` (or "interior" for indoor subjects,
    which still take their light from `light`). motifs: landscape layers. weather: snow, rain,
    fog. subjects: foreground motifs, hero first ("abstract" when nothing drawable is named).
    shot: "wide", "aerial", "medium", "close", "low" or "" (unspecified). season: "autumn",
    "winter", "spring" or "summer". text: the lower-cased words the subjects were read from,
    for details such as "launch" or "two friends".
    """

    setting: str
    motifs: frozenset[str]
    weather: frozenset[str]
    subjects: tuple[str, ...] = ()
    shot: str = ""
    season: str = "summer"
    text: str = ""
    light: str = ""


def _found(table: dict[str, re.Pattern[str]], text: str) -> list[str]:
    return [name for name, rx in table.items() if rx.search(text)]


def read_shot(text: str) -> str:
    """The shot size named earliest in `text`: wide, aerial, medium, close, low or ""."""
    hits = [(m.start(), name) for name, rx in SHOT_WORDS.items() if (m := rx.search(text))]
    return min(hits)[1] if hits else ""


def read_subjects(text: str) -> list[str]:
    """Foreground subjects named in `text`, hero first, kept compatible with each other.

    The hero is the first subject in priority order, except that people or an animal named
    before any other subject ("Mia and her dog Rex near a cozy home") lead outdoors; the
    subject they displace follows them as a set piece.
    """
    hits = {name: m.start() for name, rx in SUBJECT_WORDS.items() if (m := rx.search(text))}
    if "station" in hits and "dish" in hits and not re.search("telescope|antenna", text, re.I):
        del hits["dish"]
    if not hits:
        return []
    figures = [s for s in hits if s in CAST_SUBJECTS]
    things = [s for s in hits if s not in CAST_SUBJECTS]
    if not things:
        return figures
    lead = things[0]
    if lead in INDOOR_SUBJECTS:
        extra = [s for s in hits if s in INDOOR_SUBJECTS or s in CAST_SUBJECTS]
        return [lead, *[s for s in extra if s != lead][:3]]
    companions = [s for s in things[1:] if s in COMPANIONS]
    if "people" in hits and "astronaut" in companions:
        companions.remove("astronaut")
    if figures and min(hits[s] for s in figures) < min(hits[s] for s in things):
        return [*figures, lead, *companions][:4]
    return [lead, *figures, *companions][:4]


def read_scene(prompt: str, mood: str, lighting: str = "", seed: int = 0, subject: str = "",
               characters: tuple[str, ...] = ()) -> SceneReading:
    """The setting, landscape, subjects, shot and weather named by a visual prompt (its first
    sentence), else by the video's `subject`; `characters` describe who is in frame.

    Nothing named gives a seed-chosen landscape with an abstract composition; a bare space
    subject gives a seed-chosen space hero (rocket, astronaut, station or planets).
    """
    seen = re.split(r"(?<=\.)\s", prompt.strip(), maxsplit=1)[0].rstrip(".")
    theme, notes = subject, " ".join(characters)
    light_key = lighting.strip().lower().replace(" ", "_")
    subjects = read_subjects(seen)
    source = seen
    if not subjects and theme and not _found(MOTIF_WORDS, seen):
        subjects, source = read_subjects(theme), theme
    weather = set(_found(WEATHER_WORDS, source))
    named = _found(SETTING_WORDS, source)
    setting = next(iter(named), None)
    if setting is None or (setting == "day" and "snow" in weather):
        setting = "snow" if "snow" in weather else (
            LIGHTING_SETTING.get(light_key) or MOOD_SETTING[resolve_mood(mood)])
    if setting in ("space", "underwater") and subjects and subjects[0] in INDOOR_SUBJECTS:
        setting = LIGHTING_SETTING.get(light_key) or "night"
    light = setting
    motifs = set(_found(MOTIF_WORDS, source))
    if subjects and subjects[0] in INDOOR_SUBJECTS:
        setting, motifs = "interior", set()
    elif setting == "space" or (subjects[:1] == ["astronaut"] and not named
                                and not motifs - {"planets"}):
        setting = light = "space"
        motifs = {"planets"} | (motifs & {"lunar", "galaxy"})
        if not subjects and not motifs & {"lunar", "galaxy"}:
            hero = SPACE_HEROES[seed % len(SPACE_HEROES)]
            subjects = [] if hero == "planets" else [hero]
    elif setting == "underwater":
        motifs = {"seabed"}
        if not subjects:
            subjects = ["coral", "fish"]
    else:
        motifs -= {"planets", "lunar", "galaxy"}
        if not motifs & {"mountains", "hills", "city", "sea", "desert", "cliff", "clouds"}:
            hero = subjects[0] if subjects else ""
            choices = FALLBACK_LAND.get(hero, ("hills", "mountains") if hero else (
                "hills", "mountains", "sea"))
            fallback = choices[seed % len(choices)]
            motifs |= {fallback, "mountains"} if fallback == "hills" else {fallback}
        if not subjects and not _found(MOTIF_WORDS, f"{seen} {theme}"):
            subjects = ["abstract"]
    season = next(iter(_found(SEASON_WORDS, f"{source} {theme}")), "summer")
    return SceneReading(setting, frozenset(motifs), frozenset(weather), tuple(subjects),
                 read_shot(seen), season, f"{source} {notes}".lower(), light)
