"""The run context every agent, instruction and tool receives (`RunContextWrapper.context`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pixora.context.models import Breakdown, TaskContext
from pixora.context.requests import BreakdownRequest
from pixora.pipeline.runs import Runs
from pixora.services import Services


@dataclass
class AgentContext:
    """Which task a run works on, for whom, and the services it may use."""

    svc: Services
    runs: Runs
    task_id: str
    user_id: str
    write_breakdown: Callable[[BreakdownRequest], Awaitable[Breakdown]]
    """The breakdown writer: a structured-output model run, or the offline writer."""
    fixed_fields: dict[str, Any] = field(default_factory=dict)
    """`generate_scene_breakdown_tool` arguments the user fixed outside the conversation
    (`pixora create` flags: duration, style, aspect_ratio, platform, scenes); they win over
    the model's."""

    async def task(self) -> TaskContext:
        return await self.svc.store.load(self.task_id)
