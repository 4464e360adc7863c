"""Agent turns on a task: run the SDK, stream what happens into the task's event stream, keep
the conversation in Redis, pause at the approval gate and resume when the user answers.

Event mapping (SDK stream event -> Pixora event):
  text delta -> `token`; message output -> `agent_message`; tool called -> `tool_call`;
  tool output -> `tool_result` (both carry the SDK's `call_id`); handoff -> `handoff`;
  approval interruption -> `approval_required`; a failed turn -> `error`.

Every turn's trace has `group_id` = the task id, so a task's turns read as one conversation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from agents import Agent, ItemHelpers, RunConfig, Runner, RunState
from agents.extensions.memory import RedisSession
from agents.items import ToolApprovalItem
from agents.stream_events import RawResponsesStreamEvent, RunItemStreamEvent

from pixora.context import events, keys
from pixora.context.models import TaskContext
from pixora.tools.context import AgentContext

MAX_TURNS = 16


@dataclass
class TurnOutcome:
    """How a turn ended: the agent that spoke last, its final words, and whether it paused."""

    agent: str
    text: str
    awaiting_approval: bool


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        return raw


class Conversation:
    """Runs turns for any task. One instance serves the whole process."""

    def __init__(self, agents: dict[str, Agent[AgentContext]], start: str, run_config: RunConfig):
        self.agents = agents
        self.start = start
        self.run_config = run_config

    def _session(self, ctx: AgentContext) -> RedisSession:
        return RedisSession(ctx.task_id, redis_client=ctx.svc.redis, key_prefix=keys.SESSION_PREFIX)

    async def turn(self, ctx: AgentContext, message: str) -> TurnOutcome:
        """Run one user message through the agent that spoke last."""
        task = await ctx.task()
        agent = self.agents.get(task.current_agent, self.agents[self.start])
        return await self._run(ctx, agent, message)

    async def has_pending(self, ctx: AgentContext) -> bool:
        return bool(await ctx.svc.redis.exists(keys.task_pending_run(ctx.task_id)))

    async def resume(self, ctx: AgentContext, approved: bool) -> TurnOutcome:
        """Answer the paused run's approval request and let it continue.

        Raises:
            LookupError: no run is waiting for approval on this task.
        """
        raw = await ctx.svc.redis.getdel(keys.task_pending_run(ctx.task_id))
        if raw is None:
            raise LookupError("no run is waiting for approval")
        state = await RunState.from_string(
            self.agents[self.start], raw, context_override=ctx,
        )
        waiting: dict[str, str] = {}
        for item in state.get_interruptions():
            waiting[str(item.call_id)] = str(item.tool_name)
            if approved:
                state.approve(item)
            else:
                state.reject(item, rejection_message="The user did not approve generation.")
        return await self._run(ctx, self.agents[self.start], state, waiting)

    async def _run(
        self, ctx: AgentContext, agent: Agent[AgentContext], input: str | RunState[Any],
        tool_names: dict[str, str] | None = None,
    ) -> TurnOutcome:
        """Stream one run, traced in the task's group. `tool_names` maps call ids of calls made
        before a resume to tools."""
        stream = ctx.svc.events
        tid = ctx.task_id
        result = Runner.run_streamed(
            agent, input, context=ctx, session=self._session(ctx),
            run_config=replace(self.run_config, group_id=tid), max_turns=MAX_TURNS,
        )
        tool_names = dict(tool_names or {})
        last_text = ""
        async for ev in result.stream_events():
            if isinstance(ev, RawResponsesStreamEvent):
                if ev.data.type == "response.output_text.delta":
                    await stream.append(tid, events.token(ev.data.delta))  # type: ignore[union-attr]
                continue
            if not isinstance(ev, RunItemStreamEvent):
                continue
            item = ev.item
            if ev.name == "message_output_created":
                last_text = ItemHelpers.text_message_output(item)  # type: ignore[arg-type]
                await stream.append(tid, events.agent_message(last_text, item.agent.name))
            elif ev.name == "tool_called":
                raw = item.raw_item
                name = getattr(raw, "name", None) or (raw.get("name") if isinstance(raw, dict)
                                                      else "tool")
                call_id = getattr(raw, "call_id", None) or (
                    raw.get("call_id") if isinstance(raw, dict) else None)
                args = getattr(raw, "arguments", None) or (
                    raw.get("arguments") if isinstance(raw, dict) else "{}")
                tool_names[str(call_id)] = str(name)
                await stream.append(tid, events.tool_call(
                    str(call_id), str(name), _parse(args or "{}"), item.agent.name,
                ))
            elif ev.name == "tool_output":
                raw = item.raw_item
                call_id = raw.get("call_id") if isinstance(raw, dict) else getattr(
                    raw, "call_id", None)
                await stream.append(tid, events.tool_result(
                    str(call_id), tool_names.get(str(call_id), ""),
                    _parse(item.output),  # type: ignore[union-attr]
                    item.agent.name,
                ))
            elif ev.name == "handoff_occured":
                await stream.append(tid, events.handoff(
                    item.source_agent.name,  # type: ignore[union-attr]
                    item.target_agent.name,  # type: ignore[union-attr]
                ))
        last = result.last_agent.name

        def record(task: TaskContext) -> None:
            task.current_agent = last

        await ctx.svc.store.update(tid, record)
        if result.interruptions:
            await self._pause(ctx, result.to_state(), result.interruptions)
            return TurnOutcome(last, last_text, awaiting_approval=True)
        return TurnOutcome(last, last_text, awaiting_approval=False)

    async def _pause(
        self, ctx: AgentContext, state: RunState[Any], waiting: list[ToolApprovalItem]
    ) -> None:
        serial = state.to_string(
            context_serializer=lambda c: {"task_id": c.task_id, "user_id": c.user_id}
        )
        await ctx.svc.redis.set(keys.task_pending_run(ctx.task_id), serial)
        task = await ctx.task()
        bd = task.breakdown
        await ctx.svc.events.append(ctx.task_id, events.approval_required(
            [w.tool_name for w in waiting], bd.version if bd else None,
            "Approve the scene breakdown to start generation.",
        ))
