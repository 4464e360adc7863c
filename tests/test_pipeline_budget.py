"""The per-task budget stops generation before a cloud call would exceed it."""

from __future__ import annotations

import pytest

from pixora.config import Settings, load_settings
from pixora.context.models import Breakdown, Scene, Stage, TaskContext
from pixora.pipeline.assets import BudgetExceeded
from pixora.pipeline.generate import GenerationRun
from pixora.services import Services


async def test_budget_stops_generation_before_the_call(settings: Settings):
    cfg = load_settings(
        data_dir=settings.data_dir, redis_url=settings.redis_url, image_provider="fal",
        fal_key="fal-test-key", fal_base_url="http://127.0.0.1:9", task_budget_usd=0.01,
    )
    svc = Services.open(cfg)
    try:
        bd = Breakdown(scenes=[Scene(index=1, script="Hello there.", visual_prompt="A harbor",
                                     duration=3)])
        task = await svc.store.create(TaskContext(user_id="ada", breakdown=bd,
                                                  approved_version=1))
        with pytest.raises(BudgetExceeded, match=r"over its \$0\.01 budget"):
            await GenerationRun(svc, task.task_id).run()
        after = await svc.store.load(task.task_id)
        assert after.stage == Stage.FAILED and "PIXORA_TASK_BUDGET_USD" in (after.error or "")
        assert after.costs == [] and "scene_1/image" not in after.assets
        errors = [e for e in await svc.events.read(task.task_id) if e.type == "error"]
        assert errors and "budget" in errors[-1].data["message"]
    finally:
        await svc.close()
