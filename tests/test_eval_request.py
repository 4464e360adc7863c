"""The `request` metric's checks, property-tested on synthetic breakdowns (seeded `random`
loops: each check passes or fails exactly when it should), its per-check aggregates and
report lines, and the coverage of `evals/prompts.yaml`."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pixora.context.models import Breakdown, Character, Scene, TaskContext
from pixora.context.text import word_count
from pixora.evals.metrics import CaseRun, Check, MetricResult
from pixora.evals.metrics import request as rq
from pixora.evals.report import render_markdown
from pixora.evals.results import CaseResult, RunResult, aggregate
from pixora.evals.suite import REQUEST_CHECKS, Case, RequestExpectation, Suite, load_suite

PROMPTS = Path(__file__).resolve().parents[1] / "evals" / "prompts.yaml"
SEEDS = range(200)

CONTENT = ("the harbour wakes slowly", "three friends laugh by the fire", "in the 1990s",
           "a 28-year-old baker", "rain taps on the window", "her first day", "Max the dog",
           "two cups of flour", "one last painting", "a quiet street at dusk",
           "the second morning", "let's set the scene")
"""Narration fragments that are content, not instructions (numbers, "Max", idioms)."""
VISUALS = ("a wide kitchen scene at dawn", "close-up of hands kneading dough",
           "a lighthouse in fog", "golden light over a field")
LEAKS = {
    "en": ("4 scenes", "(3 scenes)", "a 30-second video", "please", "make a short video",
           "video about cats", "exactly four", "at most", "no more than", "3 scenes max",
           "up to 3 scenes", "45 seconds", "a two-minute video"),
    "es": ("4 escenas", "30 segundos", "por favor", "como máximo", "no más de",
           "exactamente cuatro", "haz un video"),
    "fr": ("4 scènes", "45 secondes", "s'il te plaît", "pas plus de", "exactement trois",
           "au maximum"),
    "de": ("4 Szenen", "20 Sekunden", "bitte", "höchstens", "genau vier", "nicht mehr als"),
    "ja": ("3シーン", "30秒", "作ってください", "お願いします", "動画"),
}
BEAT_WORDS = ("storm", "candle", "neighbour", "bake", "bridge", "lantern", "harbour", "violin",
              "orchard", "kite", "letter", "garden", "market", "train")
FORMS = {"bake": ("baking", "baked", "bakes"), "candle": ("candles", "candlelight"),
         "storm": ("stormy", "storms"), "kite": ("kites",), "letter": ("letters",),
         "train": ("trains",)}
NAMES = ("Mia", "Pepper", "Biscuit", "Grandpa Joe", "Otis", "Lucía", "Felix", "Nora")
KINDS = {"person": ("protagonist, girl", "a young girl with red hair"),
         "dog": ("companion, dog", "a small brown dog with floppy ears"),
         "cat": ("companion, cat", "a grey cat with green eyes"),
         "robot": ("protagonist, robot", "a small round robot with blue eyes")}


def _for_seeds(check: Callable[[random.Random], None]) -> None:
    """Run `check` on a generator per seed of `SEEDS`; a failure names its seed."""
    for seed in SEEDS:
        try:
            check(random.Random(seed))
        except AssertionError as err:
            raise AssertionError(f"seed {seed}: {err}") from err


def _durations(rng: random.Random, n: int) -> list[float]:
    """`n` random scene durations, 1.5 to 30 s in 0.5 s steps."""
    return [rng.randint(3, 60) / 2 for _ in range(n)]


def _breakdown(scenes: list[dict[str, Any]], characters: list[Character] | None = None,
               title: str = "A small film") -> Breakdown:
    return Breakdown(title=title, characters=characters or [],
                     scenes=[Scene(index=i, **s) for i, s in enumerate(scenes, start=1)])


def _plain(rng: random.Random, n: int, durations: list[float] | None = None) -> Breakdown:
    """`n` clean scenes: content narration at a calm pace, visuals with a person."""
    return _breakdown([
        {"script": rng.choice(CONTENT), "visual_prompt": f"a woman, {rng.choice(VISUALS)}",
         "duration": d} for d in durations or [4.0] * n])


def _with(bd: Breakdown, index: int, **fields: Any) -> Breakdown:
    scenes = [s.model_copy(update=fields) if s.index == index else s for s in bd.scenes]
    return bd.model_copy(update={"scenes": scenes})


# ---------------------------------------------------------------------------- count, duration


def test_count_holds_exactly_when_the_count_fits():
    _for_seeds(_count_holds_exactly_when_the_count_fits)


def _count_holds_exactly_when_the_count_fits(rng: random.Random) -> None:
    n = rng.randint(1, 12)
    bd = _plain(rng, n)
    shape = rng.choice(["exact", "min", "max", "range", "none"])
    lo, hi = sorted(rng.sample(range(1, 14), 2))
    exp = {"exact": RequestExpectation(scenes=lo), "min": RequestExpectation(min_scenes=lo),
           "max": RequestExpectation(max_scenes=hi),
           "range": RequestExpectation(min_scenes=lo, max_scenes=hi),
           "none": RequestExpectation()}[shape]
    check = rq.check_count(bd, exp)
    if shape == "none":
        assert check is None
        return
    want = {"exact": n == lo, "min": n >= lo, "max": n <= hi, "range": lo <= n <= hi}[shape]
    assert check is not None and check.ok is want, (shape, n, lo, hi, check)
    assert f"{n} scenes" in check.detail


def test_duration_within_ten_percent():
    _for_seeds(_duration_within_ten_percent)


def _duration_within_ten_percent(rng: random.Random) -> None:
    durations = _durations(rng, rng.randint(1, 10))
    bd = _plain(rng, len(durations), durations)
    total = sum(durations)
    assert math.isclose(bd.total_duration, total)
    expected = round(total * rng.uniform(0.75, 1.25), 1)
    off = abs(total - expected) / expected
    if abs(off - rq.DURATION_TOLERANCE) < 1e-9:
        return
    check = rq.check_duration(bd, RequestExpectation(duration_s=expected))
    assert check.ok is (off <= rq.DURATION_TOLERANCE), (total, expected, check.detail)


# ---------------------------------------------------------------------------- pacing


def test_pacing_fails_exactly_when_a_scene_is_too_wordy():
    _for_seeds(_pacing_fails_exactly_when_a_scene_is_too_wordy)


def _pacing_fails_exactly_when_a_scene_is_too_wordy(rng: random.Random) -> None:
    n = rng.randint(1, 8)
    scenes = []
    for d in _durations(rng, n):
        words = rng.randint(1, int(d * 4) + 1)
        scenes.append({"script": " ".join(["word"] * words), "visual_prompt": "a field",
                       "duration": d})
    bd = _breakdown(scenes)
    fast = [s.index for s in bd.scenes if word_count(s.script) / s.duration > 2.7]
    check = rq.check_pacing(bd)
    assert check.ok is (not fast)
    for i in fast:
        assert f"scene {i}:" in check.detail


# ---------------------------------------------------------------------------- instructions


def test_instruction_leaks_are_found_where_they_are():
    _for_seeds(_instruction_leaks_are_found_where_they_are)


def _instruction_leaks_are_found_where_they_are(rng: random.Random) -> None:
    lang = rng.choice(list(LEAKS))
    bd = _plain(rng, rng.randint(1, 8))
    exp = RequestExpectation(language=lang)  # type: ignore[arg-type]
    clean = rq.check_instructions(bd, exp)
    assert clean.ok, clean.detail  # content numbers, "Max", "kitchen scene" are no leaks
    leak = rng.choice(LEAKS[lang] + LEAKS["en"])
    scene = rng.randint(1, len(bd.scenes))
    where = rng.choice(["narration", "visual", "title"])
    if where == "title":
        leaked = bd.model_copy(update={"title": f"{leak} {bd.title}"})
        place = "title"
    else:
        field = "script" if where == "narration" else "visual_prompt"
        text = getattr(bd.scene(scene), field)
        leaked = _with(bd, scene, **{field: f"{text} {leak}"})
        place = f"scene {scene} {where}"
    check = rq.check_instructions(leaked, exp)
    assert not check.ok, (lang, leak, place)
    assert place in check.detail


def test_scene_words_only_count_as_leaks_when_spoken():
    bd = _breakdown([{"script": "The bakery opens.", "visual_prompt": "a bakery scene at dawn",
                      "duration": 3}])
    assert rq.check_instructions(bd, RequestExpectation()).ok
    spoken = _with(bd, 1, script="In this scene, the bakery opens.")
    assert not rq.check_instructions(spoken, RequestExpectation()).ok


# ---------------------------------------------------------------------------- beats


def _beat_breakdown(rng: random.Random, n: int, placed: dict[int, list[str]]) -> Breakdown:
    scenes = []
    for i in range(1, n + 1):
        words = placed.get(i, [])
        script = " ".join(f"the {w} appears." for w in words) or "a quiet moment."
        scenes.append({"script": script, "visual_prompt": rng.choice(VISUALS[1:]),
                       "duration": 4.0})
    return _breakdown(scenes)


def test_beats_pass_in_order_and_fail_out_of_order():
    _for_seeds(_beats_pass_in_order_and_fail_out_of_order)


def _beats_pass_in_order_and_fail_out_of_order(rng: random.Random) -> None:
    k = rng.randint(2, 6)
    n = rng.randint(k, 9)
    keys = rng.sample(BEAT_WORDS, k)
    groups = [[w, rng.choice(BEAT_WORDS[:2]) + "zz"] for w in keys]  # one real alternative
    positions = sorted(rng.sample(range(1, n + 1), k))

    def form(w: str) -> str:
        return rng.choice((w, *FORMS.get(w, ())))

    forms = {w: form(w) for w in keys}
    in_order: dict[int, list[str]] = {}
    for w, p in zip(keys, positions, strict=True):
        in_order.setdefault(p, []).append(forms[w])
    exp = RequestExpectation(beats=groups)
    ok = rq.check_beats(_beat_breakdown(rng, n, in_order), exp)
    assert ok is not None and ok.ok, (keys, positions, ok)
    a, b = sorted(rng.sample(range(k), 2))
    swapped_pos = positions.copy()
    swapped_pos[a], swapped_pos[b] = swapped_pos[b], swapped_pos[a]
    swapped: dict[int, list[str]] = {}
    for w, p in zip(keys, swapped_pos, strict=True):
        swapped.setdefault(p, []).append(forms[w])
    bad = rq.check_beats(_beat_breakdown(rng, n, swapped), exp)
    assert bad is not None and not bad.ok and "out of order" in bad.detail, (keys, swapped)
    dropped = {p: [w for w in ws if w != forms[keys[b]]] for p, ws in in_order.items()}
    missing = rq.check_beats(_beat_breakdown(rng, n, dropped), exp)
    assert missing is not None and not missing.ok and "in no scene" in missing.detail
    assert rq.check_beats(_beat_breakdown(rng, n, in_order), RequestExpectation()) is None


def test_word_forms():
    assert rq.mentions("She was baking bread", "bake")
    assert rq.mentions("by candlelight", "candle")
    assert rq.mentions("Running late", "run")
    assert rq.mentions("the neighbours came", "neighbour")
    assert rq.mentions("Después de la tormenta", "despues")
    assert rq.mentions("雨の日に傘をさす", "傘")
    assert rq.mentions("a power cut hits the town", "power cut")
    assert not rq.mentions("many boats", "man")
    assert not rq.mentions("a hard day", "hare")
    assert not rq.mentions("a cut of power", "power cut")
    words = [*BEAT_WORDS, *(f for fs in FORMS.values() for f in fs), "run", "running", "runway",
             "sun", "sunny", "man", "many", "hare", "hard", "puppy", "puppies", "candlelight"]
    for token in words:  # one-word fast path == the token-by-token test
        for keyword in words:
            for prefix in (True, False):
                assert rq.mentions(token, keyword, prefix=prefix) is rq.token_matches(
                    token, keyword, prefix=prefix), (token, keyword, prefix)


# ---------------------------------------------------------------------------- characters, people


def _character(name: str, kind: str) -> Character:
    role, description = KINDS[kind]
    return Character(id=name.lower().replace(" ", "-"), name=name, kind=kind, role=role,
                     description=description)


def test_characters_named_with_their_kind():
    _for_seeds(_characters_named_with_their_kind)


def _characters_named_with_their_kind(rng: random.Random) -> None:
    chosen = rng.sample(NAMES, rng.randint(1, 3))
    kinds = {n: rng.choice(list(KINDS)) for n in chosen}
    cast = [_character(n, kinds[n]) for n in chosen]
    unnamed = rng.random() < 0.3
    exp = RequestExpectation(characters=[
        {"kind": kinds[n]} if unnamed and i == 0 else
        {"name": rng.choice([n, n.upper(), n.lower()]), "kind": kinds[n]}
        for i, n in enumerate(chosen)])
    bd = _breakdown([{"script": "x", "visual_prompt": "y", "duration": 2}], cast)
    good = rq.check_characters(bd, exp)
    assert good is not None and good.ok, good.detail
    gone = rng.randrange(len(cast))
    without = bd.model_copy(update={"characters": cast[:gone] + cast[gone + 1:]})
    lost = rq.check_characters(without, exp)
    assert lost is not None and not lost.ok
    wrong_kind = {"person": "robot", "dog": "cat", "cat": "dog", "robot": "person"}
    other = bd.model_copy(update={"characters": [
        _character(c.name, wrong_kind[kinds[c.name]]) if i == gone else c
        for i, c in enumerate(cast)]})
    mistaken = rq.check_characters(other, exp)
    assert mistaken is not None and not mistaken.ok
    word = rng.choice(["If", "When", "After", "The", "And", "So", "What", "Cuando", "Wenn"])
    bad = bd.model_copy(update={"characters": [*cast, _character(word, "cat")]})
    named = rq.check_characters(bad, exp)
    assert named is not None and not named.ok and "function word" in named.detail
    assert rq.check_characters(bd.model_copy(update={"characters": []}),
                               RequestExpectation()) is None


def test_role_names_with_articles_are_accepted():
    cast = [_character("The Painter", "person")]
    bd = _breakdown([{"script": "x", "visual_prompt": "y", "duration": 2}], cast)
    check = rq.check_characters(bd, RequestExpectation(characters=[
        {"name": ["painter", "old painter"], "kind": "person"}]))
    assert check is not None and check.ok, check.detail


def test_people_in_every_story_scene():
    _for_seeds(_people_in_every_story_scene)


def _people_in_every_story_scene(rng: random.Random) -> None:
    n = rng.randint(1, 8)
    cast = [_character("Mia", "person")]
    shows = ["Mia in the garden", "a small dog asleep", "an old man with a cane",
             "two children on a swing", "un chien sur la plage", "猫が眠る"]
    bd = _breakdown([{"script": "x", "visual_prompt": rng.choice(shows), "duration": 2}
                     for _ in range(n)], cast)
    story = RequestExpectation(story=True)
    check = rq.check_people(bd, story)
    assert check is not None and check.ok, check.detail
    empty = rng.randint(1, n)
    bare = _with(bd, empty, visual_prompt="an empty road under a grey sky, manhole covers")
    check = rq.check_people(bare, story)
    assert check is not None and not check.ok and f"scene {empty} " in check.detail
    assert rq.check_people(bare, RequestExpectation()) is None


# ---------------------------------------------------------------------------- the metric


def _case(expect: dict[str, Any], name: str = "c") -> Case:
    return Case.model_validate({"name": name, "steps": [{"user": "a prompt"}],
                                "expect": {"request": expect}})


def _run(case: Case, bd: Breakdown | None) -> CaseRun:
    return CaseRun(case=case, task=TaskContext(user_id="u", breakdown=bd), items=[],
                   versions=[None, 1], replies=[""], refusals=[None])


def test_metric_grades_every_applicable_check_in_order():
    rng = random.Random(7)
    bd = _with(_plain(rng, 4, [5.0] * 4), 2, script="The harbour wakes slowly.")
    case = _case({"duration_s": 20, "scenes": 4, "beats": [["harbour", "street"]],
                  "story": True})
    result = rq.score(_run(case, bd))
    assert result.status == "pass", result.reason
    assert [c.name for c in result.checks] == ["count", "duration", "instructions", "beats",
                                               "pacing", "people"]
    assert result.data == {"scenes": 4, "total_duration_s": 20.0}
    none = rq.score(_run(case, None))
    assert none.status == "fail"
    assert [c.name for c in none.checks] == ["count", "duration", "instructions", "beats",
                                             "pacing", "people"]
    assert rq.score(_run(Case.model_validate({"name": "x", "steps": [{"user": "hi"}]}),
                         bd)).status == "skip"


def _result(name: str, checks: dict[str, bool]) -> CaseResult:
    metric = MetricResult.from_checks("request", [
        Check(name=k, ok=v, detail=f"{k} {'fine' if v else 'broke'} in {name}")
        for k, v in checks.items()])
    return CaseResult(name=name, status="pass" if metric.status == "pass" else "fail",
                      metrics={"request": metric}, trajectory=[], task_id=name, wall_s=0.1)


def test_per_check_aggregates_thresholds_and_report_lines():
    suite = Suite.model_validate({
        "name": "s", "thresholds": {"request.count": 0.95, "request.beats": 0.5},
        "cases": [{"name": n, "steps": [{"user": "x"}]} for n in ("a", "b", "c")]})
    cases = [_result("a", {"count": True, "duration": True, "beats": False}),
             _result("b", {"count": False, "duration": True}),
             _result("c", {"duration": True, "beats": True})]
    aggs = aggregate(suite, cases)
    count, beats = aggs["request.count"], aggs["request.beats"]
    assert (count.passed, count.failed, count.skipped, count.value) == (1, 1, 1, 0.5)
    assert not count.ok and count.threshold == 0.95
    assert beats.value == 0.5 and beats.ok
    assert aggs["request.duration"].value == 1.0 and aggs["request.people"].value is None
    result = RunResult(suite="s", suite_path="s.yaml", model="offline", render=False, jobs=1,
                       started_at=0, wall_s=1, cases=cases, aggregates=aggs, passed=False)
    report = render_markdown(result)
    assert "| request.count | 1 | 1 | 1 | 50% | 95% | **NO** |" in report
    assert "| request.people |" not in report  # graded nowhere: not shown
    assert "### request.count: 1 failing of 2" in report
    assert "- b: count broke in b" in report and "- a: beats broke in a" in report
    with pytest.raises(ValueError, match="unknown metrics"):
        Suite.model_validate({"name": "s", "thresholds": {"request.nope": 1},
                              "cases": [{"name": "a", "steps": [{"user": "x"}]}]})


# ---------------------------------------------------------------------------- the suite file

SHAPES = {"story", "children", "memory", "shotlist", "itinerary", "list", "count",
          "count_range", "duration", "not_duration", "characters", "function_word", "ad",
          "explainer", "topic"}


def test_prompts_suite_covers_the_shapes_and_languages():
    suite = load_suite(PROMPTS)
    assert len(suite.cases) >= 80
    tags = Counter(t for c in suite.cases for t in c.tags)
    assert set(tags) >= SHAPES, SHAPES - set(tags)
    for lang in ("es", "fr", "de", "ja"):
        assert tags[lang] >= 4, lang
        assert all(c.expect.request and c.expect.request.language == lang
                   for c in suite.cases if lang in c.tags)
    assert {suite.thresholds[f"request.{c}"] for c in REQUEST_CHECKS} == {0.95}
    for c in suite.cases:
        exp = c.expect.request
        assert exp is not None, c.name
        assert [s.kind for s in c.steps] == ["user"], c.name
        counted = exp.scenes is not None or exp.min_scenes or exp.max_scenes
        assert ("count" in c.tags or "count_range" in c.tags) == bool(counted), c.name
        if "function_word" in c.tags:
            first = (c.steps[0].user or "").split()[0].strip(",.").lower()
            assert first in rq.STOP_WORDS, c.name
    assert sum(1 for c in suite.cases if c.expect.request and c.expect.request.beats) >= 60
