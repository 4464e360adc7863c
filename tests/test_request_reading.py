"""Property tests of the offline request reader and the beat writer: requests generated from
phrase templates with random counts, number words, lengths, names and stories, in the ways
different people write them. Nothing here pins one tuned sentence per rule."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixora.context.text import word_count
from pixora.offline.writing import parse_request, write_breakdown
from pixora.offline.writing.reading import content_of, read_length, read_scene_count

WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
         8: "eight"}
ES = {1: "una", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis"}
FR = {1: "une", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}
DE = {1: "eine", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs"}

EXACT = ("{n} scenes", "in {n} scenes", "a {n}-scene video", "({n} scenes)", "Use {n} scenes.",
         "exactly {n} scenes", "split it into {n} shots", "{n} scenes please", "scenes: {n}")
AT_MOST = ("no more than {n} scenes", "at most {n} scenes", "{n} scenes max", "up to {n} scenes",
           "maximum {n} scenes", "{n} scenes or fewer", "keep it to {n} scenes max")
AT_LEAST = ("at least {n} scenes", "{n} scenes minimum", "no fewer than {n} scenes",
            "{n} scenes or more")
FOREIGN = {"es": ("{n} escenas", "en {n} escenas", "máximo {n} escenas"),
           "fr": ("{n} scènes", "en {n} scènes", "au plus {n} scènes"),
           "de": ("{n} Szenen", "in {n} Szenen", "höchstens {n} Szenen")}
STORIES = (
    "A lighthouse keeper climbs the tower one last time. The storm rolls in over the bay.",
    "my grandmother taught me to bake bread in her tiny kitchen every sunday",
    "Two friends build a raft and float down the river until they reach the sea.",
    "The market opens at dawn; by noon the whole square smells of oranges.",
    "A robot named Bolt learns to paint. Its first picture is a sunflower.",
)
NOT_LENGTHS = ("a {n}-year-old runner", "in {y}", "the {y}s", "{n} friends", "${n} shoes",
               "{n} cups of flour", "her {o} day at school", "one last painting",
               "room {n}", "{n} kilometres", "a {n}-storey building")
ORDINALS = ("first", "second", "third", "fourth")
LENGTHS = ("a {s}-second video", "{s} seconds", "{s} seconds long", "({s}s)", "make it {s} sec",
           "Length: {s} seconds", "about {s} seconds")
MINUTES = ("a {m}-minute video", "{m} minutes long", "{m} min", "Length: {m} minutes")

count = st.integers(min_value=1, max_value=6)
story = st.sampled_from(STORIES)
spelled = st.booleans()


def _number(n: int, words: bool, table: dict[int, str] = WORDS) -> str:
    return table[n] if words else str(n)


def _place(phrase: str, text: str, where: int) -> str:
    return (f"{phrase}. {text}", f"{text} {phrase}", f"{text.rstrip('.')}, {phrase}.")[where]


@settings(max_examples=120, deadline=None)
@given(n=count, words=spelled, template=st.sampled_from(EXACT), text=story,
       where=st.integers(0, 2))
def test_an_exact_scene_count_is_read_in_any_phrasing(n, words, template, text, where):
    prompt = _place(template.format(n=_number(n, words)), text, where)
    assert read_scene_count(prompt).exact == n, prompt


@settings(max_examples=120, deadline=None)
@given(n=count, words=spelled, template=st.sampled_from(AT_MOST + AT_LEAST), text=story,
       where=st.integers(0, 2))
def test_bounds_are_read_and_held(n, words, template, text, where):
    prompt = _place(template.format(n=_number(n, words)), text, where)
    found = read_scene_count(prompt)
    if template in AT_MOST:
        assert found.at_most == n and found.exact is None, prompt
        assert found.resolve(preferred=8, most=20) == n
        assert found.resolve(preferred=1, most=20) == 1
    else:
        assert found.at_least == n and found.exact is None, prompt
        assert found.resolve(preferred=1, most=20) == n


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=6), lang=st.sampled_from(sorted(FOREIGN)),
       words=spelled, i=st.integers(0, 2))
def test_counts_in_spanish_french_and_german(n, lang, words, i):
    table = {"es": ES, "fr": FR, "de": DE}[lang]
    phrase = FOREIGN[lang][i].format(n=_number(n, words, table))
    found = read_scene_count(f"Una historia corta. {phrase}.")
    assert (found.at_most if i == 2 else found.exact) == n, phrase


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 99), y=st.integers(1900, 2029).map(lambda y: y - y % 10),
       o=st.sampled_from(ORDINALS), template=st.sampled_from(NOT_LENGTHS), text=story)
def test_numbers_that_are_not_lengths_leave_the_default(n, y, o, template, text):
    prompt = f"{text} {template.format(n=n, y=y, o=o)}."
    assert read_length(prompt) is None, prompt
    assert parse_request(prompt).duration_s == 30


@settings(max_examples=80, deadline=None)
@given(s=st.integers(5, 120), m=st.integers(1, 9), seconds=st.booleans(),
       template=st.integers(0, 6), text=story, where=st.integers(0, 2))
def test_lengths_with_seconds_or_minutes_are_read(s, m, seconds, template, text, where):
    phrase = (LENGTHS[template].format(s=s) if seconds
              else MINUTES[template % len(MINUTES)].format(m=m))
    prompt = _place(phrase, text, where)
    assert read_length(prompt) == (s if seconds else m * 60), prompt


def test_a_duration_inside_the_story_is_content() -> None:
    for step in ("bloom the coffee for 30 seconds", "hold your breath for 10 seconds",
                 "bake 60 minutes at 175C"):
        prompt = f"First grind the beans, then {step}, and finally pour slowly in circles."
        assert read_length(prompt) is None, prompt
        assert step.split(" for ")[-1].split(" at ")[0] in content_of(prompt)


INSTRUCTION_RE = re.compile(
    r"\b\d+\s*-?\s*scenes?\b|\bscenes?\s*:|\b(?:exactly|at most|no more than|at least)\s+\w+\s+"
    r"scenes?\b|\bplease\b|\bmake a (?:\w+ )?video\b|\b\d+\s*-?\s*seconds?\b", re.IGNORECASE)

NAMES = ("Mia", "Theo", "Ines", "Walter", "Lucía", "Kenji", "Amara", "Oskar")
PETS = ("dog", "cat", "parrot", "rabbit", "horse", "fox")
CAST_TEMPLATES = ("a girl named {a} and her {pet} {b}", "{a} and {b} the {pet}",
                  "{a}, a retired teacher, and her {pet} called {b}")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.sampled_from(NAMES), b=st.sampled_from(NAMES), pet=st.sampled_from(PETS),
       template=st.sampled_from(CAST_TEMPLATES), n=st.integers(2, 6), words=spelled,
       count_template=st.sampled_from(EXACT), seconds=st.sampled_from((20, 30, 45, 60)))
def test_stories_keep_count_length_cast_and_order(a, b, pet, template, n, words,
                                                   count_template, seconds):
    if a == b:
        return
    cast = template.format(a=a, b=b, pet=pet)
    beats = ("find a map in the attic", "sail across the harbour at dawn",
             "reach a lighthouse on the island")
    story_text = (f"{cast[:1].upper()}{cast[1:]} {beats[0]}. Then they {beats[1]}. "
                  f"At last they {beats[2]}.")
    prompt = _place(count_template.format(n=_number(n, words)), story_text, 1) + \
        f" {seconds} seconds."
    bd = write_breakdown(parse_request(prompt))
    assert len(bd.scenes) == n, prompt
    assert bd.total_duration == seconds
    names = {c.name: c.kind for c in bd.characters}
    assert names.get(a) == "person" and names.get(b) == pet, (prompt, names)
    assert not {"If", "When", "Then", "At", "The"} & set(names)
    texts = [f"{s.script} {s.visual_prompt}".lower() for s in bd.scenes]
    first_scene = [next(i for i, t in enumerate(texts) if key in t)
                   for key in ("attic", "harbour", "lighthouse")]
    assert first_scene == sorted(first_scene), (prompt, first_scene)
    for s in bd.scenes:
        assert word_count(s.script) <= 2.7 * s.duration + 1e-9
        for text in (s.title, s.script, s.visual_prompt):
            assert not INSTRUCTION_RE.search(text), (prompt, text)


FUNCTION_LEADS = ("If", "When", "After", "Before", "While", "Once", "Because", "Although")


@settings(max_examples=40, deadline=None)
@given(lead=st.sampled_from(FUNCTION_LEADS), pet1=st.sampled_from(PETS),
       pet2=st.sampled_from(PETS))
def test_a_leading_function_word_is_never_a_character(lead, pet1, pet2):
    prompt = (f"{lead} a {pet1} and a {pet2} become best friends, what happens when they get "
              f"lost in the city at night?")
    bd = write_breakdown(parse_request(prompt))
    assert lead not in {c.name for c in bd.characters}
    kinds = {c.kind for c in bd.characters}
    assert {pet1, pet2} <= kinds, (prompt, kinds)


@settings(max_examples=30, deadline=None)
@given(items=st.lists(st.sampled_from(("sunrise over the harbour", "fishermen unloading crates",
                                       "the market opens", "a child buys a fish",
                                       "gulls over the pier", "lanterns at dusk")),
                      min_size=2, max_size=5, unique=True),
       style=st.integers(0, 2))
def test_shot_lists_give_one_scene_per_item_in_order(items, style):
    lines = [(f"Shot {i}: {t}.", f"{i}. {t}", f"- {t}")[style] for i, t in enumerate(items, 1)]
    prompt = ("Make a video:\n" if style else "") + "\n".join(lines)
    bd = write_breakdown(parse_request(prompt))
    assert len(bd.scenes) == len(items), prompt
    for scene, item in zip(bd.scenes, items, strict=True):
        assert item.split()[-1] in scene.visual_prompt.lower(), (item, scene.visual_prompt)
        assert not re.search(r"\bshot \d", scene.script, re.IGNORECASE)


def test_a_count_that_does_not_fit_is_one_question() -> None:
    try:
        parse_request("A story about a fox in 9 scenes, 10 seconds.")
    except ValueError as err:
        assert str(err).endswith("?") and "9 scenes" in str(err)
    else:
        raise AssertionError("9 scenes cannot fit 10 seconds")
