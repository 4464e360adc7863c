"""A generation run's steps: what is ready when, and every asset made exactly once."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import pytest

from pixora.config import Settings
from pixora.context.models import Breakdown, Character, Scene, Stage, TaskContext
from pixora.pipeline.generate import COMPOSE, GenerationRun, StepNotReady, needs
from pixora.pipeline.progress import ProgressReporter
from pixora.services import Services


def _breakdown(rng: random.Random) -> Breakdown:
    cast = [Character(id=f"c{i}", name=f"Person {i}", description="a tall woman")
            for i in range(rng.randint(0, 3))]
    scenes = [Scene(index=i, script=f"Line {i}.", visual_prompt=f"A harbour, shot {i}",
                    duration=2.0, characters=[c.id for c in cast if rng.random() < 0.5])
              for i in range(1, rng.randint(1, 6) + 1)]
    return Breakdown(scenes=scenes, characters=cast)


@pytest.mark.parametrize("seed", range(8))
async def test_a_fresh_task_is_ready_for_exactly_what_needs_nothing(settings: Settings,
                                                                    seed: int) -> None:
    bd = _breakdown(random.Random(seed))
    svc = Services.open(settings)
    try:
        task = await svc.store.create(TaskContext(user_id="ada", breakdown=bd,
                                                  approved_version=1, stage=Stage.GENERATING))
        s = await GenerationRun(svc, task.task_id).survey()
        expected = {f"character/{c.id}" for c in bd.characters}
        expected |= {f"scene_{x.index}/narration" for x in bd.scenes}
        expected |= {f"scene_{x.index}/image" for x in bd.scenes if not x.characters}
        assert set(s.ready) == expected and not s.made and not s.complete
        assert s.timeline is None  # no narration yet: no durations, no clip, no music
        for x in bd.scenes:
            motion = f"scene_{x.index}/motion"
            assert needs(bd, motion) >= {f"scene_{y.index}/narration" for y in bd.scenes}
            with pytest.raises(StepNotReady):
                await GenerationRun(svc, task.task_id).make(motion)
    finally:
        await svc.close()


@pytest.mark.slow
async def test_a_run_makes_every_asset_once_and_a_second_run_none(settings: Settings) -> None:
    svc = Services.open(settings)
    calls: Counter[str] = Counter()

    def counted(provider: Any, method: str) -> None:
        real = getattr(provider, method)

        async def call(*args: Any) -> Any:
            calls[method] += 1
            return await real(*args)

        setattr(provider, method, call)

    p = svc.providers
    for provider, method in ((p.image, "generate_image"), (p.speech, "synthesize"),
                             (p.motion, "animate"), (p.music, "generate_music")):
        counted(provider, method)
    bd = Breakdown(characters=[Character(id="mia", name="Mia", description="a girl")], scenes=[
        Scene(index=i, script=f"Mia walks, part {i}.", visual_prompt="A quiet street",
              duration=2.0, characters=["mia"] if i != 2 else [])
        for i in (1, 2, 3)
    ])
    try:
        task = await svc.store.create(TaskContext(user_id="ada", breakdown=bd,
                                                  approved_version=1))
        first = await GenerationRun(svc, task.task_id).run()
        assert calls == {"generate_image": 4, "synthesize": 3, "animate": 3,
                         "generate_music": 1}
        second = await GenerationRun(svc, task.task_id).run()
        assert calls == {"generate_image": 4, "synthesize": 3, "animate": 3,
                         "generate_music": 1}
        after = await svc.store.load(task.task_id)
        assert (first.version, second.version) == (1, 2) and after.stage == Stage.COMPLETED
        assert len(after.assets) == 11 and after.progress.percent == 100
        assert (await GenerationRun(svc, task.task_id).survey()).ready == [COMPOSE]
    finally:
        await svc.close()


@pytest.mark.parametrize("seed", range(3))
async def test_progress_from_many_reporters_never_goes_back(settings: Settings,
                                                            seed: int) -> None:
    """Steps on several workers report at once, each from what it read: the percent recorded
    and the percents sent to watchers never go back."""
    rng = random.Random(seed)
    svc = Services.open(settings)
    try:
        task = await svc.store.create(TaskContext(user_id="ada"))
        await ProgressReporter(svc.store, svc.events, task.task_id).begin("Starting")

        async def step(done: float) -> None:
            reporter = ProgressReporter(svc.store, svc.events, task.task_id)
            await asyncio.sleep(rng.random() / 100)
            await reporter.report({"narration": done, "images": done}, "images", f"{done:.2f}")

        await asyncio.gather(*(step(rng.random()) for _ in range(40)))
        sent = [e.data["progress"] for e in await svc.events.read(task.task_id)
                if e.type == "progress_update"]
        assert sent == sorted(sent) and len(sent) == 41
        assert (await svc.store.progress(task.task_id)).percent == sent[-1]  # type: ignore[union-attr]
    finally:
        await svc.close()
