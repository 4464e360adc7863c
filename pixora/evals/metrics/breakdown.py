"""The `breakdown` metric: does the final scene breakdown fit what the user asked for?

Checks (on the task's current breakdown, when the case expects one):
- `present`: a breakdown exists (or, with `present: false`, none was written).
- `scenes`: scene count within the expected inclusive range.
- `duration`: total of scene durations within 10 % of the requested seconds, or inside the
  expected range.
- `pace` (always): every scene's narration is at most 2.7 words per second of the scene
  (words = whitespace-separated tokens; CJK text counts one word per 2 characters).
- `complete` (always): every scene has a non-empty script and visual prompt.
- `aspect_ratio`, `style`: equal to the expected values.
- `mood`: at least half the scenes have the expected mood category (a mood word is resolved
  with `pixora.context.vocabulary.resolve_mood`); `music_mood`: the first music cue's mood.
- `voice_tone`, `voice_speed`: the breakdown's voice.
- `characters`: each expected name is a character of the breakdown and appears in at least
  two scenes (one, for a one-scene video).
- `character_consistency` (always, when there are characters): every character is in at
  least one scene, and a scene whose script or visual prompt names a character lists that
  character's id (so its image carries the character's reference and description).
- `min_version`: the breakdown reached at least this version (edits happened).
- `forbid_text`: no regex matches the title, a narration or a visual prompt (e.g. an
  instruction to the agents that leaked into what the video says or shows).
"""

from __future__ import annotations

import re

from pixora.context.models import Breakdown
from pixora.context.text import word_count
from pixora.context.vocabulary import resolve_mood
from pixora.evals.metrics import CaseRun, Check, MetricResult

NAME = "breakdown"
MAX_WORDS_PER_SECOND = 2.7
DURATION_TOLERANCE = 0.10
def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I) is not None


def _character_checks(bd: Breakdown, expected: list[str]) -> list[Check]:
    checks = []
    need = 1 if len(bd.scenes) == 1 else 2
    by_name = {c.name.lower(): c for c in bd.characters}
    for name in expected:
        ch = by_name.get(name.lower())
        if ch is None:
            known = ", ".join(c.name for c in bd.characters) or "none"
            checks.append(Check(name=f"character {name}", ok=False,
                                detail=f"not in the breakdown (characters: {known})"))
            continue
        scenes = [s.index for s in bd.scenes if ch.id in s.characters]
        checks.append(Check(name=f"character {name}", ok=len(scenes) >= need,
                            detail=f"in scenes {scenes} (at least {need})"))
    if bd.characters:
        problems = []
        for ch in bd.characters:
            if not any(ch.id in s.characters for s in bd.scenes):
                problems.append(f"{ch.name} is in no scene")
            for s in bd.scenes:
                named = _mentions(s.script, ch.name) or _mentions(s.visual_prompt, ch.name)
                if named and ch.id not in s.characters:
                    problems.append(f"scene {s.index} names {ch.name} without listing "
                                    f"{ch.id}")
        checks.append(Check(name="character_consistency", ok=not problems,
                            detail="; ".join(problems) or "consistent"))
    return checks


def score(run: CaseRun) -> MetricResult:
    exp = run.case.expect.breakdown
    if exp is None:
        return MetricResult.skipped(NAME, "the case expects no breakdown check")
    bd = run.task.breakdown
    if not exp.present:
        return MetricResult.from_checks(NAME, [Check(
            name="present", ok=bd is None,
            detail="no breakdown, as expected" if bd is None
            else f"a breakdown was written (version {bd.version}, {bd.total_duration:g} s)")])
    if bd is None:
        return MetricResult.from_checks(NAME, [Check(name="present", ok=False,
                                                     detail="no breakdown was written")])
    checks = [Check(name="present", ok=True, detail=f"version {bd.version}")]
    n = len(bd.scenes)
    total = bd.total_duration
    if exp.scenes is not None:
        lo, hi = exp.scenes
        checks.append(Check(name="scenes", ok=lo <= n <= hi, detail=f"{n} in [{lo}, {hi}]"))
    if isinstance(exp.duration_s, tuple):
        lo_s, hi_s = exp.duration_s
        checks.append(Check(name="duration", ok=lo_s <= total <= hi_s,
                            detail=f"{total:g} s in [{lo_s:g}, {hi_s:g}]"))
    elif exp.duration_s is not None:
        off = abs(total - exp.duration_s) / exp.duration_s
        checks.append(Check(name="duration", ok=off <= DURATION_TOLERANCE,
                            detail=f"{total:g} s vs {exp.duration_s:g} s requested "
                                   f"({off:.0%} off, at most {DURATION_TOLERANCE:.0%})"))
    fast = [f"scene {s.index}: {word_count(s.script) / s.duration:.2f} w/s"
            for s in bd.scenes if word_count(s.script) / s.duration > MAX_WORDS_PER_SECOND]
    checks.append(Check(name="pace", ok=not fast, detail="; ".join(fast) or
                        f"every scene <= {MAX_WORDS_PER_SECOND} words/s"))
    empty = [s.index for s in bd.scenes if not s.script.strip() or not s.visual_prompt.strip()]
    checks.append(Check(name="complete", ok=not empty,
                        detail=f"scenes missing script or visual prompt: {empty}" if empty
                        else "every scene has a script and a visual prompt"))
    if exp.aspect_ratio:
        checks.append(Check(name="aspect_ratio", ok=bd.aspect_ratio == exp.aspect_ratio,
                            detail=f"{bd.aspect_ratio} (expected {exp.aspect_ratio})"))
    if exp.style:
        checks.append(Check(name="style", ok=bd.style == exp.style,
                            detail=f"{bd.style} (expected {exp.style})"))
    if exp.mood:
        want = resolve_mood(exp.mood)
        hits = sum(1 for s in bd.scenes if s.mood == want)
        checks.append(Check(name="mood", ok=hits * 2 >= n,
                            detail=f"{hits}/{n} scenes are {want}"))
    if exp.music_mood:
        want = resolve_mood(exp.music_mood)
        got = bd.music[0].mood if bd.music else None
        checks.append(Check(name="music_mood", ok=got == want,
                            detail=f"{got} (expected {want})"))
    if exp.voice_tone:
        checks.append(Check(name="voice_tone", ok=bd.voice.tone == exp.voice_tone,
                            detail=f"{bd.voice.tone} (expected {exp.voice_tone})"))
    if exp.voice_speed is not None:
        checks.append(Check(name="voice_speed", ok=abs(bd.voice.speed - exp.voice_speed) < 1e-6,
                            detail=f"{bd.voice.speed:g} (expected {exp.voice_speed:g})"))
    if exp.min_version is not None:
        checks.append(Check(name="min_version", ok=bd.version >= exp.min_version,
                            detail=f"version {bd.version} (at least {exp.min_version})"))
    for pattern in exp.forbid_text:
        places = [("title", bd.title)] + [
            (f"scene {sc.index} {part}", text) for sc in bd.scenes
            for part, text in (("script", sc.script), ("visual", sc.visual_prompt))]
        hits = [where for where, text in places if re.search(pattern, text, re.I)]
        checks.append(Check(name=f"forbid_text /{pattern}/", ok=not hits,
                            detail=f"found in {', '.join(hits[:6])}" if hits else "absent"))
    checks.extend(_character_checks(bd, exp.characters))
    return MetricResult.from_checks(NAME, checks, scenes=n, total_duration_s=total,
                                    version=bd.version)
