"""The Studio: everything a client can do with a task. The server and the CLI call this; it runs
agent turns, the approval gate and generation, and everything it does reaches clients as events
on the task's stream."""

from __future__ import annotations

import json
import uuid
from typing import Any

from agents import FunctionTool, RunConfig, function_span, trace
from agents.tool_context import ToolContext

from pixora.agents.conversation import Conversation, TurnOutcome
from pixora.agents.models import breakdown_writer, choose_model, model_factory
from pixora.agents.roster import build_agents, load_roster
from pixora.agents.tracing import install_tracing
from pixora.config import Settings
from pixora.context import events, keys
from pixora.context.models import Stage, TaskContext
from pixora.context.store import TaskNotFound
from pixora.context.turn_lock import TurnBusy, turn_lock
from pixora.pipeline.runs import Generate, GenerationRuns, QueuedRuns, Runs
from pixora.pipeline.runs import generate as pipeline
from pixora.services import Services
from pixora.tools import TOOLS
from pixora.tools.context import AgentContext

MAX_MESSAGE_CHARS = 20_000


class StudioError(Exception):
    """A request the Studio refuses; `code` is the protocol's error code."""

    code = "invalid_request"


class Forbidden(StudioError):
    code = "forbidden"


class InvalidRequest(StudioError):
    code = "invalid_request"


class Busy(StudioError):
    """The task's running turn did not end within the wait."""

    code = "busy"


class Studio:
    """Open with `await Studio.open(settings)`; close with `await studio.close()`."""

    def __init__(self, svc: Services, model_label: str, conversation: Conversation,
                 writer: Any, runs: Runs | None = None) -> None:
        self.svc = svc
        self.settings = svc.settings
        self.store = svc.store
        self.events = svc.events
        self.storage = svc.storage
        self.runs: Runs = runs or GenerationRuns(svc)
        self.model_label = model_label
        self.conversation = conversation
        self._writer = writer

    @classmethod
    async def open(cls, settings: Settings, *, model: str | None = None,
                   generate: Generate = pipeline) -> Studio:
        """Connect services, build the agents from agents.yaml, and install tracing.
        `generate` is what a generation run does. The pipeline (the default) runs as jobs on
        the generation queue, with a worker in this process when `PIXORA_WORKERS=embedded`;
        any other function runs as an asyncio task here (it exists only in this process).

        Raises:
            ConfigError: the model setting is unusable.
            RosterError: the roster (`PIXORA_ROSTER` or the packaged agents.yaml) is wrong.
        """
        choice = choose_model(settings, model)
        roster = load_roster(TOOLS, settings.roster)
        agents = build_agents(roster, TOOLS, model_factory(choice, settings))
        install_tracing(settings.data_dir, upload=choice.kind == "openai"
                        and settings.openai_api_key is not None
                        and settings.openai_base_url is None)
        svc = Services.open(settings)
        runs: Runs = (await QueuedRuns.open(svc) if generate is pipeline
                      else GenerationRuns(svc, generate))
        run_config = RunConfig(workflow_name="pixora", tracing_disabled=False)
        return cls(svc, choice.label, Conversation(agents, roster.start, run_config),
                   breakdown_writer(choice, settings), runs)

    async def close(self) -> None:
        """Stop this process's generation work and disconnect. A queued run goes on on
        another worker (or the next one started); an in-process run is marked resumable."""
        await self.runs.close()
        await self.svc.close()

    def _ctx(self, task_id: str, user_id: str,
             fixed_fields: dict[str, Any] | None = None) -> AgentContext:
        return AgentContext(svc=self.svc, runs=self.runs, task_id=task_id, user_id=user_id,
                            write_breakdown=self._writer, fixed_fields=dict(fixed_fields or {}))

    # -- tasks ---------------------------------------------------------------------------

    async def create_task(self, user_id: str) -> TaskContext:
        task = await self.store.create(TaskContext(user_id=user_id))
        await self.events.append(task.task_id, events.task_created(user_id))
        return task

    async def get_task(self, task_id: str, user_id: str) -> TaskContext:
        """The task, if `user_id` owns it.

        Raises:
            TaskNotFound: no such task.
            Forbidden: another user's task.
        """
        task = await self.store.load(task_id)
        if task.user_id != user_id:
            raise Forbidden(f"task {task_id} belongs to another user")
        return task

    async def list_tasks(
        self, user_id: str, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[TaskContext], str | None]:
        """A page of the user's tasks, newest first, and the cursor of the next page (None on
        the last). See `TaskStore.page_for_user`.

        Raises:
            InvalidRequest: `cursor` is not one of the user's tasks.
        """
        try:
            return await self.store.page_for_user(user_id, limit, cursor)
        except TaskNotFound:
            raise InvalidRequest("cursor is not a cursor this list gave out") from None

    async def video_key(self, task_id: str, user_id: str, version: int | None = None) -> str:
        """Storage key of a finished video (the latest when `version` is None).

        Raises:
            InvalidRequest: no such version.
        """
        task = await self.get_task(task_id, user_id)
        for video in reversed(task.videos):
            if version is None or video.version == version:
                return video.key
        raise InvalidRequest(
            f"task {task_id} has no video version {version}" if version
            else f"task {task_id} has no video yet"
        )

    # -- conversation ----------------------------------------------------------------------

    async def _guarded(self, task_id: str, body: Any) -> TurnOutcome | None:
        """Run `body()` as the task's only turn; failures become an `error` event. While
        another turn runs, a `queued` event says this one waits.

        Raises:
            Busy: the other turn did not end within `turn_lock.TURN_WAIT_S`.
        """
        async def waiting() -> None:
            await self.events.append(task_id, events.queued(
                "turn", "Another turn is running on this task; this one starts after it."))

        try:
            async with turn_lock(self.svc.redis, task_id, on_wait=waiting):
                return await self._turn(task_id, body)
        except TurnBusy as err:
            raise Busy(str(err)) from None

    async def _turn(self, task_id: str, body: Any) -> TurnOutcome | None:
        try:
            return await body()
        except StudioError:
            raise
        except Exception as err:
            await self.events.append(task_id, events.error(
                "agent_error", f"{type(err).__name__}: {err}",
            ))
            return None

    async def chat(self, task_id: str, user_id: str, message: str,
                   fixed_fields: dict[str, Any] | None = None) -> TurnOutcome | None:
        """Run one chat message through the agents; output arrives as events. `fixed_fields`
        are breakdown values the user gave outside the message (`AgentContext.fixed_fields`).

        Raises:
            InvalidRequest: empty or over-long message.
            TaskNotFound / Forbidden: see `get_task`.
        """
        text = message.strip()
        if not text:
            raise InvalidRequest("the message is empty")
        if len(text) > MAX_MESSAGE_CHARS:
            raise InvalidRequest(f"the message is over {MAX_MESSAGE_CHARS} characters")
        await self.get_task(task_id, user_id)
        ctx = self._ctx(task_id, user_id, fixed_fields)

        async def body() -> TurnOutcome:
            if await self.conversation.has_pending(ctx):
                # A new message while approval is pending withdraws the pending run.
                await self.conversation.resume(ctx, approved=False)
            return await self.conversation.turn(ctx, text)

        return await self._guarded(task_id, body)

    async def approve(self, task_id: str, user_id: str, approved: bool = True) -> None:
        """The user's answer to the approval gate. Approving records the current breakdown
        version as approved and starts generation (resuming a paused run if there is one).

        Raises:
            InvalidRequest: there is no breakdown to approve.
        """
        task = await self.get_task(task_id, user_id)
        if task.breakdown is None:
            raise InvalidRequest("there is no scene breakdown to approve yet")
        ctx = self._ctx(task_id, user_id)

        async def body() -> TurnOutcome | None:
            if approved:
                version = task.breakdown.version  # type: ignore[union-attr]

                def fn(t: TaskContext) -> None:
                    if t.breakdown is None or t.breakdown.version != version:
                        raise InvalidRequest("the breakdown changed; review it again")
                    t.approved_version = version
                    if t.stage == Stage.CANCELLED:
                        t.stage = Stage.AWAITING_APPROVAL

                await self.store.update(task_id, fn)
            if await self.conversation.has_pending(ctx):
                return await self.conversation.resume(ctx, approved)
            if approved:
                return await self.conversation.turn(ctx, "Approved. Generate the video.")
            return None

        await self._guarded(task_id, body)

    async def cancel(self, task_id: str, user_id: str) -> bool:
        """Stop generation and withdraw approval. Returns whether a run was stopped."""
        await self.get_task(task_id, user_id)
        stopped = await self.runs.cancel(task_id)
        await self.svc.redis.delete(keys.task_pending_run(task_id))
        await self.events.append(task_id, events.progress_update(
            0, "cancelled", "Cancelled" + (" while generating" if stopped else ""),
        ))
        return stopped

    async def command(self, task_id: str, user_id: str, command: str,
                      params: dict[str, Any]) -> dict[str, Any]:
        """Run one tool directly, without the model (e.g. `generate_scene_breakdown`).

        The approval gate still holds: generation tools refuse an unapproved breakdown.

        Raises:
            InvalidRequest: unknown command or parameters that do not fit it.
        """
        await self.get_task(task_id, user_id)
        tool = command_tool(command)
        name = tool.name
        if not isinstance(params, dict):
            raise InvalidRequest("params must be an object")
        ctx = self._ctx(task_id, user_id)
        args = json.dumps(params)
        call_id = f"cmd_{uuid.uuid4().hex[:12]}"
        await self.events.append(task_id, events.tool_call(call_id, name, params, "user"))
        with trace(f"command {name}", group_id=task_id), function_span(name, input=args):
            raw = await tool.on_invoke_tool(
                ToolContext(context=ctx, tool_name=name, tool_call_id=call_id,
                            tool_arguments=args),
                args,
            )
        output = json.loads(raw)
        await self.events.append(task_id, events.tool_result(call_id, name, output, "user"))
        if output.get("code") == "invalid_arguments":
            raise InvalidRequest(f"bad params for {command}; it takes {_signature(tool)}")
        return output


def command_tool(command: str) -> FunctionTool:
    """The tool a client `command` names (`update_scene` or `update_scene_tool`).

    Raises:
        InvalidRequest: no such tool.
    """
    tool = TOOLS.get(command if command in TOOLS else f"{command}_tool")
    if tool is None:
        raise InvalidRequest(f"unknown command {command!r}; known: "
                             + ", ".join(sorted(t.removesuffix("_tool") for t in TOOLS)))
    return tool


def _signature(tool: FunctionTool) -> str:
    """`name (type), ...` of a tool's parameters, from its JSON schema."""
    props = tool.params_json_schema.get("properties", {})

    def kind(p: dict[str, Any]) -> str:
        options = [o.get("type", "object") for o in p.get("anyOf", [])] or [p.get("type", "")]
        return "|".join(str(o) for o in options if o) or "object"

    return ", ".join(f"{n} ({kind(p)})" for n, p in props.items()) or "no parameters"


__all__ = ["Forbidden", "InvalidRequest", "Studio", "StudioError", "TaskNotFound"]
