"""The offline writer's vocabulary: topic shot lists with their scene titles, shots built around
a subject, narration templates, story shots and character looks. Data only, plus lookups into
it. (Styles, cameras, lighting and moods are the domain's: `pixora.context.vocabulary`.)

Templates use `str.format` fields: {s} the subject; {it}, {them}, {its} its pronouns, and
{is}, {has}, {v} ("s" or "") agreeing with it; {people}, {thing}, {thing2}, {action}, {place}
from its topic family (`narration.subject_fields`); in story templates {n} the protagonist's
name, {r} their role phrase ("a young astronaut"), {o} another character, {p} the place; in
story shots {who} the characters present with their descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------- topics and shots


@dataclass(frozen=True)
class Topic:
    """One family of subjects: concrete, image-generatable shots and places, and the words its
    narration draws on: `people` who work with it (a plural noun phrase), `things` (concrete
    plural nouns) and `actions` (what those people do, as "-ing" phrases). `titles[i]` is the
    on-screen scene title (1-4 words, Title Case) of `shots[i]`.

    Raises:
        ValueError: `titles` and `shots` differ in length.
    """

    keywords: tuple[str, ...]
    mood: str
    places: tuple[str, ...]
    shots: tuple[str, ...]
    people: str
    things: tuple[str, ...]
    actions: tuple[str, ...]
    titles: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.titles) != len(self.shots):
            raise ValueError(f"topic {self.keywords[0]!r}: one title per shot")


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
           "a radio telescope dish pointed at a star-filled sky"),
          "astronauts and engineers",
          ("rockets", "orbits", "distant worlds", "launch pads", "telescopes"),
          ("reading signals from deep space", "testing rockets in the desert",
           "mapping distant worlds"),
          ("Liftoff", "Above the Blue", "Red Dust", "Deep Field", "Mission Control", "Earthrise",
           "In Orbit", "Looking Up")),
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
           "a research vessel crew lowering instruments into the water"),
          "divers and marine biologists",
          ("currents", "tides", "coral polyps", "schools of fish", "kelp forests"),
          ("counting fish on the reef", "tracking whales across open water", "reading the tides"),
          ("Where Waves Break", "Gentle Giant", "Reef Life", "Open Water", "Tide Pools",
           "The Drop-Off", "Cliff Edge", "Taking Soundings")),
    Topic(("forest", "trees", "tree", "nature", "wildlife", "jungle", "rainforest", "woods",
           "garden", "plants", "flowers", "bees", "honey", "birds", "honeybee", "honeybees",
           "hive", "beekeeper", "pollinator"),
          "intimate_story",
          ("an old-growth forest", "a wildflower meadow", "a walled garden"),
          ("sunbeams filtering through a misty old-growth forest",
           "a moss-covered path winding between towering trees",
           "a red fox pausing in tall grass at the forest edge",
           "dew drops clinging to a fern frond in macro detail",
           "a canopy of leaves seen from below in layered shades of green",
           "a deer drinking from a clear stream among smooth stones",
           "wildflowers swaying across a meadow as bees drift between them",
           "a hiker looking up at an enormous ancient tree"),
          "rangers and naturalists",
          ("roots", "leaves", "seeds", "wildflowers", "fallen logs"),
          ("tracking animals through the undergrowth", "counting birds at dawn",
           "tending young trees"),
          ("Morning Mist", "The Mossy Path", "At the Forest Edge", "Drops of Dew", "The Canopy",
           "At the Stream", "Meadow Hum", "The Old Giant")),
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
           "a quiet park bench framed by city traffic in the background"),
          "commuters and street vendors",
          ("crosswalks", "rooftops", "neon signs", "subway lines", "side streets"),
          ("working the late shift", "keeping the trains running", "opening shutters before dawn"),
          ("Glass and Sky", "Rush Hour", "Side Streets", "The Elevated Line",
           "From the Rooftops", "The Vendor's Line", "After the Rain", "A Quiet Bench")),
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
           "streams of abstract data visualized as flowing ribbons of light"),
          "engineers and developers",
          ("circuits", "servers", "lines of code", "data streams", "prototypes"),
          ("testing prototypes late into the night", "debugging line after line of code",
           "building new machines"),
          ("Glowing Traces", "Late-Night Code", "The Server Hall", "Reaching Out",
           "The Interface", "Whiteboard Sessions", "Screen Glow", "Rivers of Data")),
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
           "coffee being poured into a ceramic cup in close detail"),
          "cooks and bakers",
          ("spices", "fresh ingredients", "hot pans", "family recipes", "warm loaves"),
          ("tasting and adjusting every dish", "kneading dough before sunrise",
           "hunting for the freshest ingredients"),
          ("Fresh Ingredients", "Into the Fire", "Served Hot", "Flour and Dough", "Mid-Service",
           "Market Morning", "Around the Table", "The Perfect Pour")),
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
           "a museum gallery of artifacts behind glass"),
          "historians and archaeologists",
          ("ruins", "old maps", "letters", "artifacts", "faded photographs"),
          ("piecing together old records", "digging through layers of the past",
           "reading faded letters"),
          ("Ancient Stones", "Old Maps", "By Candlelight", "Cracked Marble", "The Old Market",
           "The Archive", "Castle in the Mist", "Behind Glass")),
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
           "a ball frozen in midair above outstretched hands"),
          "athletes and coaches",
          ("starting lines", "scoreboards", "training sessions", "split seconds", "finish lines"),
          ("training before dawn", "chasing a personal best", "studying every move"),
          ("Off the Blocks", "Wet Pavement", "Under the Floodlights", "Game Face", "The Climb",
           "The Huddle", "Training Alone", "Midair")),
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
           "a boat gliding down a wide river between cliffs"),
          "travelers and guides",
          ("winding roads", "mountain passes", "old maps", "trail markers", "distant ridges"),
          ("chasing the next horizon", "crossing mountain passes", "mapping new routes"),
          ("The Long Road", "Above the Clouds", "Mirror Lake", "The Viaduct", "Shifting Sands",
           "Campfire Night", "Packed and Ready", "Down River")),
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
           "Earth seen from orbit with swirling clouds over blue oceans"),
          "scientists and volunteers",
          ("glaciers", "wind turbines", "solar panels", "wetlands", "seedlings"),
          ("measuring retreating glaciers", "planting trees by the thousand",
           "tracking the changing weather"),
          ("Calving Ice", "Turning Blades", "Solar Fields", "Planting Day", "Dry Riverbed",
           "Beach Cleanup", "Wetland Revival", "Blue Planet")),
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
           "ink swirling through water in vivid colors"),
          "artists and musicians",
          ("brushstrokes", "melodies", "rehearsals", "blank canvases", "sketchbooks"),
          ("practicing the same passage again and again", "mixing colors by hand",
           "rehearsing late into the night"),
          ("At the Keys", "Brushstrokes", "Hands in the Air", "The Sketchbook", "The Leap",
           "One String", "Works in Progress", "Ink in Water")),
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
           "a hospital corridor with staff moving with quiet purpose"),
          "scientists and doctors",
          ("cells", "microscopes", "experiments", "data points", "lab notebooks"),
          ("running experiments late into the night", "testing every hypothesis",
           "studying cells under the microscope"),
          ("Under the Lens", "The Double Helix", "On the Bench", "A Heartbeat", "Firing Neurons",
           "Working It Out", "The Petri Dish", "Hospital Corridors")),
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
           "a growth chart rising on a large display"),
          "founders and their teams",
          ("ideas", "prototypes", "customers", "deadlines", "first orders"),
          ("testing ideas with real customers", "turning sketches into products",
           "building something from scratch"),
          ("The First Sketch", "Milestone", "In the Spotlight", "The Handshake", "Heads Down",
           "Shipping Out", "Doors Open", "The Growth Curve")),
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
           "a child's face lit with curiosity over an open book"),
          "teachers and students",
          ("books", "classrooms", "questions", "notebooks", "chalkboards"),
          ("asking better questions", "filling notebooks with ideas",
           "working through hard problems"),
          ("Library Aisles", "At the Chalkboard", "Hands Up", "Well-Worn Books",
           "Caps in the Air", "Notebooks Open", "The Lecture Hall", "Curious Eyes")),
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
           "an owner and a dog walking side by side on a trail"),
          "owners and trainers",
          ("paws", "wagging tails", "favorite toys", "long walks", "muddy boots"),
          ("teaching new tricks", "walking the same trail every morning",
           "learning a language of barks and purrs"),
          ("Ears Flying", "The Windowsill", "Tug of War", "Into the Surf", "Best Friends",
           "Paw Prints", "Peekaboo", "Side by Side")),
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
           "light trails streaming through a city interchange"),
          "drivers and engineers",
          ("engines", "open roads", "gear shifts", "headlights", "test tracks"),
          ("tuning engines by ear", "testing machines at full speed", "chasing faster lap times"),
          ("The Pass", "Lights On", "Climbing Out", "Full Speed", "The Assembly Line",
           "Open Highway", "Behind the Wheel", "Light Trails")),
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
           "friends hugging at a train station reunion"),
          "families and friends",
          ("shared meals", "old photographs", "inside jokes", "long conversations",
           "birthday candles"),
          ("keeping traditions alive", "passing down old stories", "showing up for each other"),
          ("Kitchen Table", "Pinned Memories", "Holding Hands", "Make a Wish", "Bedtime Story",
           "Coming Home", "The Long Walk", "Reunion")),
    Topic(("tiger", "lion", "elephant", "wolf", "wolves", "bear", "leopard", "cheetah",
           "giraffe", "zebra", "gorilla", "safari", "predator", "savanna", "big cat",
           "big cats"),
          "luxury_reveal",
          ("a sun-baked savanna", "a dense bamboo forest", "a river bend at dusk"),
          ("a tiger padding silently through tall golden grass",
           "a herd of elephants crossing a dusty plain at sunset",
           "a lion resting on a rock above the savanna",
           "fresh paw prints pressed into soft riverbank mud",
           "a wolf pack moving in single file through deep snow",
           "a cheetah mid-sprint with dust trailing behind",
           "a watering hole crowded with zebras and antelope",
           "a ranger scanning the grassland through binoculars"),
          "rangers and field biologists",
          ("paw prints", "watering holes", "tall grasses", "hunting grounds", "hidden dens"),
          ("tracking big cats at dawn", "watching herds from a distance",
           "counting cubs each season"),
          ("Through the Grass", "The Herd", "The Lookout", "Fresh Tracks", "Single File",
           "Full Sprint", "The Watering Hole", "On Watch")),
    Topic(("volcano", "volcanoes", "volcanic", "lava", "magma", "earthquake", "geology",
           "canyon", "cave", "caves", "geyser", "eruption", "rocks", "crater"),
          "luxury_reveal",
          ("the rim of an active crater", "a black lava field", "a deep desert canyon"),
          ("a volcano erupting with glowing lava fountains against the night sky",
           "a river of molten lava creeping over black rock",
           "a plume of ash rising high above a mountain",
           "steam vents hissing across a cracked volcanic plain",
           "layered canyon walls striped in red and ochre",
           "a geologist in a heat suit sampling fresh lava",
           "a crater lake glowing turquoise inside a dormant volcano",
           "a geyser bursting skyward in a cloud of steam"),
          "geologists and volcanologists",
          ("lava flows", "ash clouds", "rock layers", "steam vents", "fault lines"),
          ("sampling fresh lava", "reading layers of rock", "measuring tremors underground"),
          ("Fire Fountains", "Molten Rock", "Ash Cloud", "Steam Vents", "Layers of Time",
           "Close to the Fire", "Crater Lake", "Geyser")),
)


@dataclass(frozen=True)
class ShotPattern:
    """A concrete shot built around the subject itself, for scenes no topic family shot fills.

    `kind` names what it shows (`SHOT_KINDS` ranks kinds per beat). `text` opens with a shot
    size the reviser recognises ("Close-up of") and uses the fields {one} (the subject as one
    thing: "a lighthouse"), {many} (as many: "lighthouses"; patterns using it need a countable
    plural subject), {it}, {its}, {them} (pronouns agreeing with {one}), {where} (" in its
    natural setting" unless the subject says where it is) and {s} (the subject as written).
    `titles` are its on-screen titles in order of preference; {N} is the subject's short title
    noun ("Lighthouse"), and titles using it are skipped when there is none."""

    kind: str
    text: str
    titles: tuple[str, ...]


THING_SHOTS: tuple[ShotPattern, ...] = (
    ShotPattern("setting", "Wide shot of {one}{where}, seen whole and framed by {its} "
                "surroundings", ("First Sight",)),
    ShotPattern("detail", "Close-up of {one}, every texture, edge and surface in sharp focus",
                ("{N} Up Close", "Fine Detail")),
    ShotPattern("surface", "Extreme close-up of the surface of {one}, small marks and tiny "
                "details catching the light", ("Texture",)),
    ShotPattern("people", "Medium shot of people gathered around {one}, faces lit with "
                "curiosity", ("Drawing a Crowd",)),
    ShotPattern("people", "Wide shot of passers-by stopping to look at {one}, phones raised to "
                "take pictures", ("Stopping to Look",)),
    ShotPattern("hands", "Close-up of a pair of hands at work on {one}, tools laid out close by",
                ("Hands at Work",)),
    ShotPattern("tending", "Medium shot of a person tending {one} with quiet care, sleeves "
                "rolled up", ("In Good Hands",)),
    ShotPattern("dusk", "Wide shot of {one} silhouetted against an orange and violet sky at "
                "dusk", ("{N} at Dusk", "At Dusk")),
    ShotPattern("dawn", "Wide shot of {one} at dawn, pale light spreading across the sky",
                ("First Light",)),
    ShotPattern("night", "Low-angle shot of {one} at night, lit by a single warm lamp",
                ("After Dark",)),
    ShotPattern("aerial", "Aerial view of {one} and {its} surroundings, seen straight down from "
                "high above", ("From Above",)),
    ShotPattern("storm", "Wide shot of {one} in a storm, dark clouds racing overhead",
                ("Storm Season",)),
    ShotPattern("many", "Wide shot of rows of {many} side by side, stretching into the distance",
                ("Row on Row",)),
    ShotPattern("child", "Medium shot of a child reaching out toward {one}, eyes wide with "
                "wonder", ("Young Eyes",)),
    ShotPattern("archive", "Close-up of a faded old photograph of {one} lying on a wooden table",
                ("Then and Now",)),
    ShotPattern("reflection", "Low-angle shot of {one} reflected in a still puddle",
                ("Reflections",)),
    ShotPattern("golden", "Medium shot of {one} in golden hour light, long shadows stretching "
                "across the ground", ("Golden Hour",)),
)
"""Shots of a thing or a place ("lighthouses", "coffee", "paper boats on a pond")."""

MATTER_SHOTS: tuple[ShotPattern, ...] = (
    ShotPattern("setting", "Medium shot of {one} on a wooden table by a sunlit window",
                ("By the Window",)),
    ShotPattern("detail", "Close-up of {one}, every texture and grain in sharp focus",
                ("{N} Up Close", "Fine Detail")),
    ShotPattern("surface", "Extreme close-up of {one} catching the light, tiny details sharp",
                ("Texture",)),
    ShotPattern("hands", "Close-up of a pair of hands preparing {one}, tools laid out close by",
                ("Hands at Work",)),
    ShotPattern("people", "Medium shot of friends sharing {one} around a table, laughing",
                ("Good Company",)),
    ShotPattern("tending", "Wide shot of a busy market stall piled with {one}, shoppers passing "
                "by", ("Market Day",)),
    ShotPattern("archive", "Close-up of a faded old photograph of {one} lying on a wooden table",
                ("Then and Now",)),
    ShotPattern("golden", "Medium shot of {one} in golden hour light by an open window",
                ("Golden Hour",)),
    ShotPattern("night", "Low-angle shot of {one} at night, lit by a single warm lamp",
                ("After Dark",)),
    ShotPattern("dawn", "Medium shot of {one} on a kitchen counter at dawn, pale light through "
                "the window", ("First Light",)),
    ShotPattern("aerial", "Wide shot of {one} seen from directly above, spread across a long "
                "wooden table", ("From Above",)),
    ShotPattern("child", "Medium shot of a child discovering {one} for the first time, eyes wide",
                ("Young Eyes",)),
    ShotPattern("storm", "Medium shot of {one} being made by hand in a small workshop",
                ("Made by Hand",)),
)
"""Shots of a substance named without an article ("coffee", "sushi", "silk")."""

ANIMAL_SHOTS: tuple[ShotPattern, ...] = (
    ShotPattern("setting", "Wide shot of {one}{where}, moving across open ground",
                ("In the Wild",)),
    ShotPattern("detail", "Close-up of the face of {one}, eyes bright, every fine detail in sharp "
                "focus", ("Eye to Eye",)),
    ShotPattern("hands", "Medium shot of {one} in motion, caught mid-movement with a fast "
                "shutter", ("On the Move",)),
    ShotPattern("surface", "Extreme close-up of the fur, feathers or scales of {one}, lit by "
                "soft side light", ("Fur and Feather",)),
    ShotPattern("tending", "Medium shot of {one} resting in dappled shade, calm and watchful",
                ("At Rest",)),
    ShotPattern("child", "Medium shot of {one} with {its} young close beside {them}",
                ("Young Ones",)),
    ShotPattern("people", "Wide shot of a wildlife photographer with a long lens watching {one} "
                "from a respectful distance", ("Watching Quietly",)),
    ShotPattern("dusk", "Wide shot of {one} silhouetted against an orange sky at dusk",
                ("{N} at Dusk", "At Dusk")),
    ShotPattern("dawn", "Wide shot of {one} waking at dawn, pale light spreading across the sky",
                ("First Light",)),
    ShotPattern("night", "Low-angle shot of {one} at night, eyes shining", ("Night Watch",)),
    ShotPattern("aerial", "Aerial view of {one} crossing open land far below", ("From Above",)),
    ShotPattern("many", "Wide shot of a group of {many} gathered close together",
                ("Together",)),
    ShotPattern("storm", "Wide shot of {one} sheltering under a rocky ledge in a storm",
                ("Riding Out the Storm",)),
)
"""Shots of an animal ("tigers", "honeybees")."""

IDEA_SHOTS: tuple[ShotPattern, ...] = (
    ShotPattern("setting", "Wide shot of a crowded town square at dusk, people deep in "
                "conversation about {s}", ("Town Square",)),
    ShotPattern("detail", "Close-up of hands turning the pages of an old book about {s}",
                ("Turning Pages",)),
    ShotPattern("people", "Medium shot of two friends talking about {s} on a park bench under "
                "autumn trees", ("Park Bench",)),
    ShotPattern("archive", "Wide shot of a library reading room, books on {s} stacked high on a "
                "long table", ("The Reading Room",)),
    ShotPattern("hands", "Medium shot of a teacher sketching ideas about {s} on a chalkboard "
                "for a small class", ("Chalk Lines",)),
    ShotPattern("dawn", "Wide shot of a lone figure on a hilltop at sunrise, looking out over a "
                "misty valley", ("First Light",)),
    ShotPattern("aerial", "Aerial view of a winding river through green hills at golden hour",
                ("From Above",)),
    ShotPattern("night", "Medium shot of a desk by a rain-streaked window at night, notes on "
                "{s} spread under a lamp", ("Late-Night Notes",)),
    ShotPattern("child", "Low-angle shot of a child looking up at a sky full of stars, a book "
                "about {s} in hand", ("Young Eyes",)),
    ShotPattern("tending", "Wide shot of a museum hall with an exhibition on {s}, visitors "
                "walking between the displays", ("The Exhibition",)),
    ShotPattern("dusk", "Wide shot of a city skyline at dusk, lights coming on one window at a "
                "time", ("At Dusk",)),
    ShotPattern("storm", "Wide shot of a lone tree on a hill bending in a storm, dark clouds "
                "racing overhead", ("Against the Wind",)),
)
"""Shots for a subject that is an idea rather than a thing ("love and loss",
"procrastination"): people, places and objects around it."""

SHOT_KINDS: dict[str, tuple[str, ...]] = {
    "hook": ("setting", "dawn", "dusk", "golden"),
    "context": ("aerial", "setting", "dawn"),
    "detail": ("detail", "surface"),
    "people": ("people", "hands", "tending"),
    "origin": ("archive", "hands", "dawn"),
    "challenge": ("storm", "night"),
    "process": ("hands", "tending", "detail"),
    "scale": ("aerial", "many"),
    "wonder": ("dusk", "golden", "reflection"),
    "impact": ("people", "child"),
    "surprise": ("night", "surface", "reflection"),
    "future": ("child", "dawn"),
    "peak": ("dusk", "storm", "golden"),
    "close": ("golden", "dusk", "reflection", "night"),
}
"""Shot kinds that suit each beat, best first."""

ANIMALS = frozenset((
    "animal", "bird", "bee", "honeybee", "bumblebee", "butterfly", "moth", "ant", "spider",
    "beetle", "dragonfly", "fox", "deer", "owl", "eagle", "hawk", "falcon", "parrot", "penguin",
    "flamingo", "swan", "duck", "goose", "hummingbird", "crow", "whale", "shark", "dolphin",
    "fish", "octopus", "turtle", "seal", "otter", "jellyfish", "salmon", "crab", "frog",
    "snake", "lizard", "crocodile", "tiger", "lion", "elephant", "wolf", "bear", "leopard",
    "cheetah", "giraffe", "zebra", "gorilla", "monkey", "panda", "koala", "kangaroo", "rabbit",
    "squirrel", "hedgehog", "bat", "dog", "puppy", "cat", "kitten", "horse", "pony", "cow",
    "sheep", "goat", "pig", "chicken", "camel", "moose", "buffalo", "bison", "rhino", "hippo",
))
"""Singular nouns that take `ANIMAL_SHOTS`."""

GENERIC_THINGS = ("small details", "quiet moments", "familiar shapes", "hidden patterns",
                  "first impressions")
GENERIC_ACTIONS = ("paying close attention", "asking better questions", "looking a little closer")
"""Narration words for a subject no topic family covers."""
GENERIC_PLACES = ("a quiet seaside town", "a sprawling green valley", "a bustling little city",
                  "a village at the edge of a forest")

SHOT_SCALES = ("Wide shot of", "Medium shot of", "Close-up of", "Low-angle shot of")


def topic_for(text: str) -> Topic | None:
    """The topic family whose keywords (or their plurals with "s") occur most often in `text`;
    on a tie the first in `TOPICS`; None when no keyword occurs."""
    low = text.lower()
    best: tuple[int, int] | None = None
    for i, topic in enumerate(TOPICS):
        hits = sum(1 for k in topic.keywords if re.search(rf"\b{re.escape(k)}s?\b", low))
        if hits and (best is None or hits > best[0]):
            best = (hits, i)
    return TOPICS[best[1]] if best else None

# ---------------------------------------------------------------- narration and titles

# Narration templates (see the module docstring for the fields). Hooks and closes name the
# subject {s}, after a preposition or verb so a noun phrase ("space exploration") and a clause
# ("how bees make honey") both read naturally; the beats between refer to it with pronouns
# ({it} "it"/"they", {them}, {its}, and {is}, {has}, {v} "s"/"" agreeing with it) and speak of
# the topic family's {people}, {thing}, {thing2}, {action} and {place}.
TOPIC_LINES: dict[str, tuple[str, ...]] = {
    "hook": (
        "What if everything you knew about {s} was only the beginning?",
        "Take a closer look at {s}.",
        "There's more to {s} than most people ever notice.",
        "Few things hold our attention like {s}.",
        "Everyone has seen {s}. Almost no one has really looked.",
        "This is the story of {s}, told up close.",
        "Meet {s}, and forget what you thought you knew.",
    ),
    "context": (
        "To understand {them}, start with {place}.",
        "Picture {place}. This is where {it} come{v} alive.",
        "It begins with {thing} and {thing2}.",
        "For {people}, this is familiar ground.",
        "First, the setting: {place}.",
        "Everything here starts with {thing}.",
    ),
    "detail": (
        "Look closer: {thing}, {thing2}, and the patterns between them.",
        "Up close, {thing} reveal a precision that's easy to miss.",
        "The small things matter here, from {thing} to {thing2}.",
        "In the details, {its} true character shows.",
        "Every texture tells you something, if you slow down.",
    ),
    "people": (
        "{people} spend years {action}.",
        "Ask {people}, and they'll tell you no two days are alike.",
        "For {people}, {it} {is} a lifetime's work.",
        "It takes patience to keep {action}, day after day.",
        "Real people give {them} {its} heartbeat.",
    ),
    "origin": (
        "{its} story reaches back further than most people think.",
        "It all began with a handful of people {action}.",
        "Long before anyone filmed {them}, {it} already had a history.",
        "Every tradition here started as someone's experiment.",
        "The first chapter was written long ago, one discovery at a time.",
    ),
    "challenge": (
        "But nothing here comes easy.",
        "{it} face{v} real pressure, and the stakes keep rising.",
        "Every step forward has come with setbacks and doubt.",
        "There are failures, and each one teaches something new.",
        "The hardest questions are still open, even for {people}.",
    ),
    "process": (
        "Step by step, {people} get to work.",
        "Nothing happens by accident. Every step has a purpose.",
        "It's slow, careful work, and {it} reward{v} patience.",
        "Piece by piece, {thing} and {thing2} fall into place.",
        "Here's how it works, one step at a time.",
    ),
    "scale": (
        "Zoom out, and the scale is staggering.",
        "Numbers alone can't capture the size of {them}.",
        "Seen from far away, {it} look{v} completely different.",
        "Multiply {thing} by thousands, and a bigger picture appears.",
        "From the smallest detail to the biggest picture, it all connects.",
    ),
    "wonder": (
        "And sometimes, {it} {is} simply beautiful.",
        "Pause here. Let {thing} and {thing2} speak for themselves.",
        "Moments like this are why {people} keep coming back.",
        "There's a quiet wonder in {thing}.",
        "Some beauty asks nothing of us but attention.",
    ),
    "impact": (
        "What happens here ripples out into all our lives.",
        "The effects reach far beyond {place}.",
        "For millions of people, {it} {is} part of everyday life.",
        "The impact shows up in places you'd never expect.",
    ),
    "surprise": (
        "Here's what most people never learn.",
        "The most surprising part hides in plain sight.",
        "Just when you think you understand {them}, {it} surprise{v} you.",
        "Not everything about {them} is what it seems.",
        "The strangest facts here are also true.",
    ),
    "future": (
        "The next chapter is already being written.",
        "Tomorrow, {it} may look completely different.",
        "The next generation of {people} will take {them} further.",
        "What comes next depends on the choices we make now.",
    ),
    "peak": (
        "This is the moment everything has been building toward.",
        "Here, at {its} most powerful, {it} take{v} your breath away.",
        "Everything comes together, right here.",
        "This is why {people} never stop {action}.",
        "At {its} peak, {it} {is} unforgettable.",
    ),
    "close": (
        "So next time you think of {s}, look a little closer.",
        "In the end, the story of {s} is a story about us.",
        "Keep wondering about {s}. The best part is still ahead.",
        "There's always more to learn about {s}.",
        "What will {s} mean to you?",
    ),
}

STORY_LINES: dict[str, tuple[str, ...]] = {
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
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "hook": ("Let's take a closer look.", "Stay with us; it's worth it.",
             "The answer may surprise you.", "Here's what makes {them} remarkable."),
    "context": ("Everything else grows from here.", "Let's set the scene.",
                "Keep this picture in mind."),
    "development": ("Watch closely.",
                    "It's easy to miss, and hard to forget.",
                    "{people} know this better than anyone.",
                    "And that changes how we see the rest.",
                    "Small choices add up to something remarkable.",
                    "That's where things get interesting.",
                    "Each piece tells us something new.",
                    "Not many people notice this.",
                    "Every answer leads to a new question.",
                    "The closer you look, the more there is.",
                    "It rarely looks the same twice.",
                    "Nothing here is wasted.",
                    "Keep an eye on the {thing}."),
    "peak": ("Everything has led to this.", "This is the heart of it all.",
             "It's a moment worth savoring."),
    "close": ("Thanks for watching.", "The rest is up to you.", "Keep looking, and keep asking."),
}
COMPANION_LINES = (
    "{o} never leaves {n}'s side.",
    "And {o} is right there too.",
    "With {o} close by, nothing feels impossible.",
    "{o} leads the way, as always.",
    "{n} and {o} face it together.",
)

STORY_SHOTS: dict[str, tuple[tuple[str, str], ...]] = {
    "hook": (("Meet {n}", "{who} pausing at the edge of {p}"),
             ("{n}'s Horizon", "{who} in {p}, looking toward the horizon")),
    "context": (("{n}'s World", "{p} seen wide, with {who} small in the frame"),
                ("Home Ground", "{p} in rich detail, with {who} at its center")),
    "desire": (("Far Away", "{who} gazing at something far away, {p} around them"),
               ("{n}'s Dream", "{who} sitting quietly and dreaming in {p}"),
               ("Under the Stars", "{who} lying in the grass near {p}, watching the stars")),
    "journey": (("Setting Out", "{who} setting out from {p} along a winding path"),
                ("The Long Road", "{who} walking a long road that leads away from {p}"),
                ("Across the River", "{who} crossing a rope bridge over a rushing river")),
    "challenge": (("The Steep Climb", "{who} facing a steep, daunting obstacle far from {p}"),
                  ("Against the Wind", "{who} pushing forward against a strong wind, far "
                   "from {p}"),
                  ("Lost in the Fog", "{who} searching for the way through thick fog")),
    "discovery": (("Something Glowing", "{who} discovering something glowing and unexpected "
                   "near {p}"),
                  ("A Strange Clue", "{who} kneeling to examine a strange clue near {p}"),
                  ("The Hidden Door", "{who} pushing open a hidden door covered in ivy")),
    "peak": (("Arms Raised", "{who} in a triumphant moment, arms raised, near {p}"),
             ("The High Point", "{who} standing tall at the high point of the journey, {p} in "
              "the distance")),
    "close": (("Home Again", "{who} back in {p}, sharing a quiet, content moment"),
              ("Looking Back", "{who} looking back over {p} with a smile")),
}
"""Story shots per beat as (on-screen title, description); in titles {n} is the lead
character's name."""

# ---------------------------------------------------------------- character looks

HAIR = ("short dark", "long auburn", "curly black", "shoulder-length blond", "braided brown",
        "silver-streaked", "wavy red", "cropped black")
OUTFITS = ("a yellow raincoat", "a denim jacket and a red scarf", "a green hooded sweater",
           "a navy peacoat", "a striped shirt and overalls", "a white linen shirt",
           "an orange windbreaker", "a cozy knitted cardigan")
ROLE_OUTFITS = {
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
FANTASY_LOOKS = {
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
ANIMAL_SIZES = ("small", "scruffy", "fluffy", "sleek", "big", "little")
ANIMAL_COLORS = ("golden", "black-and-white", "ginger", "gray", "chocolate-brown", "cream",
                 "spotted", "sandy")
ANIMAL_FEATURES = ("a red collar", "bright amber eyes", "floppy ears",
                   "a white patch over one eye", "a blue bandana", "a bushy tail")
YOUNG_ROLES = {"girl", "boy", "child", "kid", "teenager", "teen", "baby", "daughter", "son",
               "student"}
OLD_ROLES = {"grandmother", "grandfather", "grandma", "grandpa"}

