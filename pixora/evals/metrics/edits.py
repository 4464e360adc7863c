"""The `edits` metric: did each edit change what it targeted, and nothing else?

For every step with a `change:` expectation, the breakdown version before the step and the one
after it are taken from the TaskContext (its `history` holds every earlier version) and
compared:
- `new_version`: the step made a new breakdown version.
- `scenes`: the set of scenes whose content differs is exactly the expected set.
- `fields`: in each targeted scene, each expected field changed; `unchanged` fields did not.
- `breakdown_fields`: the expected breakdown-level fields (voice, music, characters, style...)
  changed and the other breakdown-level fields did not.

When the case rendered before and after the edit (`wait_generation` steps with `--render`),
the asset registry is compared too (`rerender`): every asset of an untouched scene keeps its
`inputs_hash` (so it was reused, not made again) and each targeted scene has at least one new
asset. For a voice change (no scenes targeted) every scene image must be reused and every
narration made again.
"""

from __future__ import annotations

from pixora.evals.metrics import CaseRun, Check, MetricResult, RenderSnapshot
from pixora.evals.suite import ChangeExpectation

NAME = "edits"
_TOP_LEVEL = ("title", "prompt", "style", "aspect_ratio", "voice", "music", "characters")


def _scene_asset_hashes(snap: RenderSnapshot, index: int) -> dict[str, str]:
    prefix = f"scene_{index}/"
    return {k: v for k, v in snap.assets.items() if k.startswith(prefix)}


def _rerender_checks(run: CaseRun, step: int, exp: ChangeExpectation,
                     n_scenes: int) -> list[Check]:
    before = [r for r in run.renders if r.step < step]
    after = [r for r in run.renders if r.step > step]
    if not before or not after:
        return []
    old, new = before[-1], after[0]
    problems = []
    if exp.scenes:
        for i in range(1, n_scenes + 1):
            a, b = _scene_asset_hashes(old, i), _scene_asset_hashes(new, i)
            changed = sorted(k for k in b if a.get(k) != b[k])
            if i in exp.scenes and not changed:
                problems.append(f"scene {i} was targeted but nothing of it was made again")
            if i not in exp.scenes and changed:
                problems.append(f"scene {i} was not targeted but {changed} were made again")
    elif "voice" in exp.breakdown_fields:
        for i in range(1, n_scenes + 1):
            a, b = _scene_asset_hashes(old, i), _scene_asset_hashes(new, i)
            image, narration = f"scene_{i}/image", f"scene_{i}/narration"
            if a.get(image) != b.get(image):
                problems.append(f"scene {i} image was made again for a voice change")
            if a.get(narration) == b.get(narration):
                problems.append(f"scene {i} narration was reused after a voice change")
    return [Check(name=f"step {step + 1} rerender", ok=not problems,
                  detail="; ".join(problems) or "only the targeted work was made again")]


def score(run: CaseRun) -> MetricResult:
    steps = [(n, s.change) for n, s in enumerate(run.case.steps) if s.change is not None]
    if not steps:
        return MetricResult.skipped(NAME, "the case has no edit expectations")
    checks: list[Check] = []
    for n, exp in steps:
        label = f"step {n + 1}"
        v_before, v_after = run.versions[n], run.versions[n + 1]
        old, new = run.breakdown_version(v_before), run.breakdown_version(v_after)
        if old is None or new is None or v_after == v_before:
            checks.append(Check(name=f"{label} new_version", ok=False,
                                detail=f"breakdown version {v_before} -> {v_after}: "
                                       "no new version to compare"))
            continue
        checks.append(Check(name=f"{label} new_version", ok=True,
                            detail=f"version {v_before} -> {v_after}"))
        old_scenes = {s.index: s.model_dump() for s in old.scenes}
        new_scenes = {s.index: s.model_dump() for s in new.scenes}
        changed = sorted(i for i in set(old_scenes) | set(new_scenes)
                         if old_scenes.get(i) != new_scenes.get(i))
        checks.append(Check(name=f"{label} scenes", ok=changed == sorted(exp.scenes),
                            detail=f"changed scenes {changed} (expected {sorted(exp.scenes)})"))
        for i in exp.scenes:
            o, w = old_scenes.get(i, {}), new_scenes.get(i, {})
            for f in exp.fields:
                checks.append(Check(name=f"{label} scene {i} {f}", ok=o.get(f) != w.get(f),
                                    detail="changed" if o.get(f) != w.get(f) else
                                    f"unchanged ({str(o.get(f))[:80]!r})"))
            for f in exp.unchanged:
                checks.append(Check(name=f"{label} scene {i} {f} kept", ok=o.get(f) == w.get(f),
                                    detail="kept" if o.get(f) == w.get(f) else
                                    f"{str(o.get(f))[:60]!r} -> {str(w.get(f))[:60]!r}"))
        top_changed = sorted(f for f in _TOP_LEVEL if getattr(old, f) != getattr(new, f))
        if exp.breakdown_fields or top_changed:
            want = sorted(exp.breakdown_fields)
            checks.append(Check(name=f"{label} breakdown_fields", ok=top_changed == want,
                                detail=f"changed {top_changed} (expected {want})"))
        checks.extend(_rerender_checks(run, n, exp, len(new.scenes)))
    return MetricResult.from_checks(NAME, checks)
