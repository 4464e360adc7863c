"""The offline director: a deterministic, rule-based `agents.Model` for running Pixora with no
model server.

It is not a language model. It reads the conversation the SDK gives it (the task JSON at the
end of the instructions, see `pixora.context.task_view`; the last user message; the tool calls
and outputs since) and makes the handoffs and tool calls a capable model would, then answers in
plain words. Like a model, it works out the new field values itself (an edit runs the offline
reviser on the current breakdown) and passes them to the tools as structured arguments.
Because it speaks the SDK's `Model` interface (streaming too), the whole Agents SDK path runs:
handoffs, function tools, the approval gate, sessions and tracing.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

from agents import Handoff, Model, ModelResponse, ModelSettings, ModelTracing, Tool, Usage
from agents.agent_output import AgentOutputSchemaBase
from agents.items import TResponseInputItem, TResponseStreamEvent
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from pixora.context.models import Breakdown
from pixora.context.task_view import read_task_view
from pixora.context.traits import edit_traits
from pixora.offline.intent import Intent, IntentKind, classify
from pixora.offline.writing import parse_request, revise_scene

HELP = (
    "I'm Pixora's offline director (rule-based, no language model). I can: create a video "
    "from an idea (\"a 30-second video about coral reefs for TikTok\"), show you the scene "
    "breakdown to approve, edit a scene (\"change scene 2 narration to ...\", \"make scene 3 "
    "at night\"), regenerate a scene, change the voice (\"warmer voice\", \"slower voice\") or "
    "the music (\"calmer music\"), the captions (\"karaoke captions\", \"bigger, yellow "
    "captions\", \"move captions up\", \"turn captions off\"), tell you the status, and cancel."
)

TOOL_FOR: dict[IntentKind, str] = {
    "create": "generate_scene_breakdown_tool",
    "edit": "update_scene_tool",
    "regenerate": "regenerate_scene_tool",
    "voice": "update_voice_tool",
    "captions": "update_captions_tool",
    "music": "generate_music_tool",
    "character": "generate_character_tool",
    "character_edit": "update_character_tool",
    "approve": "generate_video_tool",
    "status": "check_generation_status_tool",
    "cancel": "cancel_generation_tool",
}


def _question(message: str) -> str:
    """The reply when a request or a tool call could not go through: the message itself when it
    already asks the user one question, else what failed and what to do instead."""
    message = message.strip()
    if message.endswith("?"):
        return message[:1].upper() + message[1:]
    return f"I couldn't do that: {message}. What would you like instead?"


_POSITIONS = ("top", "middle", "bottom")


def caption_arguments(params: dict[str, Any], bd: Breakdown | None) -> dict[str, Any] | None:
    """update_captions_tool arguments for caption `params` (from `intent`): a "move" up or down
    becomes the position one step from the breakdown's current one. None: nothing to change."""
    args = {k: v for k, v in params.items() if k != "move"}
    move = params.get("move")
    if move and bd is not None:
        i = _POSITIONS.index(bd.caption_look.position) + (-1 if move == "up" else 1)
        args["position"] = _POSITIONS[min(max(i, 0), len(_POSITIONS) - 1)]
    return args or None


def trait_arguments(params: dict[str, Any], bd: Breakdown | None) -> dict[str, Any]:
    """update_character_tool arguments for a look edit (`intent` params who, thing, colour):
    the character named `who` (first name or full name, any case) with its new traits.

    Raises:
        ValueError: no breakdown, no such character, or a colour or thing that cannot be drawn.
    """
    who = str(params["who"]).lower()
    cast = bd.characters if bd else []
    ch = next((c for c in cast if who in (c.name.lower(), c.id, c.name.lower().split()[0])),
              None)
    if ch is None:
        known = ", ".join(c.name for c in cast) or "none yet"
        raise ValueError(f"there is no character called {params['who']} (characters: {known})")
    new = edit_traits(ch.traits, str(params["thing"]), str(params["color"]))
    changed = {k: v for k, v in new.model_dump().items() if v != getattr(ch.traits, k)}
    return {"character_id": ch.id, **changed}


def _owner(kind: IntentKind, has_video: bool) -> str:
    if kind in ("edit", "regenerate", "voice", "music", "captions"):
        return "editor" if has_video else "scene_breakdown"
    return {
        "create": "scene_breakdown", "character": "character", "character_edit": "character",
        "approve": "composer",
        "status": "composer", "cancel": "composer",
    }.get(kind, "video")


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _text_of(item: Any) -> str:
    content = _field(item, "content")
    if isinstance(content, str):
        return content
    parts = []
    for part in content or []:
        text = _field(part, "text")
        if text:
            parts.append(text)
    return " ".join(parts)


class _Turn:
    """The conversation as the director needs it."""

    def __init__(self, instructions: str | None, items: list[Any]) -> None:
        task = read_task_view(instructions)
        self.breakdown = Breakdown.model_validate(task["breakdown"]) if task.get(
            "breakdown") else None
        self.has_breakdown = self.breakdown is not None
        self.has_video = bool(task.get("videos"))
        self.total_s = round(self.breakdown.total_duration) if self.breakdown else 30
        last_user = max(
            (i for i, it in enumerate(items) if _field(it, "role") == "user"), default=-1
        )
        self.message = _text_of(items[last_user]) if last_user >= 0 else ""
        self.since = items[last_user + 1:]
        self.calls = {
            _field(it, "call_id"): _field(it, "name")
            for it in self.since if _field(it, "type") == "function_call"
        }

    def last_output(self) -> tuple[str, str] | None:
        """(tool name, output) of the last function call output this turn, if it is last."""
        if not self.since:
            return None
        last = self.since[-1]
        if _field(last, "type") != "function_call_output":
            return None
        output = _field(last, "output")
        if not isinstance(output, str):
            output = json.dumps(output, default=str)
        return self.calls.get(_field(last, "call_id"), ""), output

    def handoffs_this_turn(self) -> int:
        return sum(1 for name in self.calls.values() if name.startswith("transfer_to_"))


class OfflineDirector(Model):
    """Rule-based stand-in for a model, acting as the roster agent `agent_name`."""

    def __init__(self, agent_name: str) -> None:
        self.agent_name = agent_name

    # -- deciding --------------------------------------------------------------------------

    def decide(
        self, instructions: str | None, items: list[Any], tools: list[Tool],
        handoffs: list[Handoff],
    ) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
        """Return (reply text, [(tool or handoff name, arguments)]) for this model call."""
        turn = _Turn(instructions, items)
        tool_names = {t.name for t in tools}
        handoff_names = {h.tool_name: h.agent_name for h in handoffs}
        done = turn.last_output()
        if done and not done[0].startswith("transfer_to_"):
            return self.reply_to(done[0], done[1]), []
        intent = classify(turn.message, has_breakdown=turn.has_breakdown)
        wanted = TOOL_FOR.get(intent.kind)
        if wanted and wanted in tool_names:
            try:
                args = self.arguments(intent, turn)
            except (ValueError, IndexError) as err:
                return _question(str(err)), []
            if args is None:
                return self.clarify(intent), []
            return "", [(wanted, args)]
        owner = _owner(intent.kind, turn.has_video)
        target = next((t for t, a in handoff_names.items() if a == owner), None)
        if target is None and owner != self.agent_name:
            target = next((t for t, a in handoff_names.items() if a == "video"), None)
        if target and turn.handoffs_this_turn() < 3:
            return "", [(target, {})]
        return self.answer(intent, turn), []

    def arguments(self, intent: Intent, turn: _Turn) -> dict[str, Any] | None:
        """Tool arguments for `intent`, or None when the message lacks what the tool needs.

        Raises:
            ValueError: the request cannot be met (the message says why).
            IndexError: the message names a scene the breakdown does not have.
        """
        if intent.kind == "create":
            req = parse_request(intent.text)
            return {
                "prompt": intent.text, "style": req.style, "duration": round(req.duration_s),
                "aspect_ratio": req.aspect_ratio,
                "mood": None if req.mood is None else str(req.mood),
                "platform": req.platform, "scenes": req.scenes,
                "characters": [c.model_dump() for c in req.characters] or None,
                "audience": req.audience,
            }
        if intent.kind in ("edit", "regenerate"):
            return self.scene_fields(intent, turn.breakdown)
        if intent.kind == "voice":
            return dict(intent.params) if intent.params else None
        if intent.kind == "music":
            return {**intent.params, "duration": turn.total_s}
        if intent.kind == "captions":
            return caption_arguments(intent.params, turn.breakdown)
        if intent.kind == "character":
            return dict(intent.params)
        if intent.kind == "character_edit":
            return trait_arguments(intent.params, turn.breakdown)
        return {}

    def scene_fields(self, intent: Intent, bd: Breakdown | None) -> dict[str, Any] | None:
        """The scene's changed fields after the offline reviser applied the user's words: all
        of them for an edit (None when nothing would change), narration and visual prompt
        (plus camera and lighting when they change) for a regeneration."""
        if bd is None:
            raise ValueError("there is no scene breakdown yet; tell me what video you want")
        assert intent.scene is not None
        if intent.kind == "edit" and not intent.content:
            return None
        old = bd.scene(intent.scene)
        if intent.kind == "regenerate":
            guidance = intent.content or "a fresh angle on the same moment"
            new = revise_scene(bd, intent.scene, guidance, "both")
            return {"scene_index": intent.scene, "script": new.script,
                    "visual_prompt": new.visual_prompt,
                    **{k: getattr(new, k) for k in ("camera", "lighting")
                       if getattr(new, k) != getattr(old, k)}}
        new = revise_scene(bd, intent.scene, intent.content, intent.update_type)
        changed = {k: v for k, v in new.model_dump().items() if v != getattr(old, k)}
        return {"scene_index": intent.scene, **changed} if changed else None

    def clarify(self, intent: Intent) -> str:
        if intent.kind == "voice":
            return "How should the voice change: warmer, brighter, slower or faster?"
        return f"What should scene {intent.scene} become? For example: make scene " \
               f"{intent.scene} at night, or change scene {intent.scene} narration to \"...\"."

    def answer(self, intent: Intent, turn: _Turn) -> str:
        if intent.kind == "reject":
            return "No problem. Tell me what to change, e.g. \"make scene 2 at night\"."
        if intent.kind == "other" and not intent.text:
            return "Tell me what video you want, e.g. \"a 30-second video about the ocean\"."
        return HELP

    def reply_to(self, tool: str, output: str) -> str:
        """The words after a tool ran, from its JSON output."""
        try:
            out = json.loads(output)
        except (json.JSONDecodeError, TypeError):
            if tool == "generate_video_tool":
                return "Okay, I won't generate. Tell me what to change, or approve when ready."
            return output
        if not isinstance(out, dict):
            return output
        if out.get("status") == "error":
            return _question(str(out.get("message", "unknown error")))
        if out.get("status") == "needs_approval":
            return "I saved that as a change to the breakdown (version " \
                   f"{out.get('version')}). Approve it and I'll render what changed."
        return _REPLIES.get(tool, _generic)(out)

    # -- the Model interface ---------------------------------------------------------------

    def _response(self, text: str, calls: list[tuple[str, dict[str, Any]]], size: int) -> Response:
        output: list[Any] = []
        if text:
            output.append(ResponseOutputMessage(
                id=f"msg_{uuid.uuid4().hex[:12]}", type="message", role="assistant",
                status="completed",
                content=[ResponseOutputText(type="output_text", text=text, annotations=[])],
            ))
        for name, args in calls:
            output.append(ResponseFunctionToolCall(
                id=f"fc_{uuid.uuid4().hex[:12]}", call_id=f"call_{uuid.uuid4().hex[:16]}",
                type="function_call", name=name, arguments=json.dumps(args), status="completed",
            ))
        out_tokens = max(1, (len(text) + sum(len(json.dumps(a)) for _, a in calls)) // 4)
        in_tokens = max(1, size // 4)
        return Response(
            id=f"resp_{uuid.uuid4().hex[:12]}", created_at=0, model=f"offline:{self.agent_name}",
            object="response", output=output, tool_choice="auto", tools=[], top_p=None,
            parallel_tool_calls=False, status="completed",
            usage=ResponseUsage(
                input_tokens=in_tokens, output_tokens=out_tokens,
                total_tokens=in_tokens + out_tokens,
                input_tokens_details=InputTokensDetails(cached_tokens=0, cache_write_tokens=0),
                output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
            ),
        )

    def _respond(
        self, system_instructions: str | None, input: str | list[TResponseInputItem],
        tools: list[Tool], handoffs: list[Handoff],
    ) -> Response:
        items: list[Any] = (
            [{"role": "user", "content": input}] if isinstance(input, str) else list(input)
        )
        text, calls = self.decide(system_instructions, items, tools, handoffs)
        size = len(system_instructions or "") + len(json.dumps(items, default=str))
        return self._response(text, calls, size)

    async def get_response(
        self, system_instructions: str | None, input: str | list[TResponseInputItem],
        model_settings: ModelSettings, tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None, handoffs: list[Handoff],
        tracing: ModelTracing, *, previous_response_id: str | None = None,
        conversation_id: str | None = None, prompt: Any = None,
    ) -> ModelResponse:
        response = self._respond(system_instructions, input, tools, handoffs)
        usage = response.usage
        assert usage is not None
        return ModelResponse(
            output=response.output,
            usage=Usage(requests=1, input_tokens=usage.input_tokens,
                        output_tokens=usage.output_tokens, total_tokens=usage.total_tokens),
            response_id=response.id,
        )

    async def stream_response(
        self, system_instructions: str | None, input: str | list[TResponseInputItem],
        model_settings: ModelSettings, tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None, handoffs: list[Handoff],
        tracing: ModelTracing, *, previous_response_id: str | None = None,
        conversation_id: str | None = None, prompt: Any = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        response = self._respond(system_instructions, input, tools, handoffs)
        seq = 0
        yield ResponseCreatedEvent(type="response.created", response=response, sequence_number=seq)
        for item_index, item in enumerate(response.output):
            if not isinstance(item, ResponseOutputMessage):
                continue
            text = item.content[0].text  # type: ignore[union-attr]
            for token in re.findall(r"\S+\s*|\s+", text):
                seq += 1
                yield ResponseTextDeltaEvent(
                    type="response.output_text.delta", item_id=item.id,
                    output_index=item_index, content_index=0, delta=token, logprobs=[],
                    sequence_number=seq,
                )
        yield ResponseCompletedEvent(
            type="response.completed", response=response, sequence_number=seq + 1
        )


def _breakdown_reply(out: dict[str, Any]) -> str:
    lines = [
        f"Here is a {len(out['scenes'])}-scene breakdown for \"{out['title']}\" "
        f"({out['total_duration_s']:g} s, {out['aspect_ratio']}):"
    ]
    for s in out["scenes"]:
        lines.append(f"{s['scene']}. ({s['duration_s']:g} s) {s['script']}")
    if out.get("characters"):
        lines.append("Characters: " + ", ".join(out["characters"]) + ".")
    lines.append(
        "Approve it to start generation, or tell me what to change "
        "(e.g. \"make scene 2 at night\")."
    )
    return "\n".join(lines)


def _edit_reply(out: dict[str, Any]) -> str:
    scene = out.get("scene", {})
    return (
        f"Scene {scene.get('index')} is updated (breakdown version {out.get('version')}). "
        f"Narration: \"{scene.get('script', '')}\". Visual: {scene.get('visual_prompt', '')}. "
        "Approve it and I'll render only what changed."
    )


def _video_reply(out: dict[str, Any]) -> str:
    if out.get("status") == "running":
        return f"Generation is already running ({out.get('progress', 0):g}%)."
    return (
        f"Generation has started: {out.get('scenes')} scenes in parallel, then music and "
        f"composition into video version {out.get('video_version')}. Progress will stream in."
    )


def _status_reply(out: dict[str, Any]) -> str:
    p = out.get("progress", {})
    text = f"Stage: {out.get('stage')}. Progress {p.get('percent', 0):g}%"
    if p.get("message"):
        text += f" ({p['message']})"
    if p.get("eta_s"):
        text += f", about {p['eta_s']:.0f} s left"
    videos = out.get("videos") or []
    if videos:
        text += f". Latest video: version {videos[-1]['version']} ({videos[-1]['duration_s']:g} s)"
    if out.get("error"):
        text += f". Last error: {out['error']}"
    return text + "."


def _generic(out: dict[str, Any]) -> str:
    details = ", ".join(f"{k}: {v}" for k, v in out.items() if k != "status")
    return f"Done. {details}".strip()


_REPLIES = {
    "generate_scene_breakdown_tool": _breakdown_reply,
    "update_scene_tool": _edit_reply,
    "regenerate_scene_tool": _edit_reply,
    "generate_video_tool": _video_reply,
    "check_generation_status_tool": _status_reply,
    "cancel_generation_tool": lambda out: "Cancelled. Nothing more will be generated; "
    "approve again whenever you want to continue.",
    "update_voice_tool": lambda out: f"Voice set to {out['voice']['tone']}, speed "
    f"{out['voice']['speed']:g}x (a new breakdown version). Approve to re-render the narration.",
    "update_captions_tool": lambda out: f"Captions set to {out['style']} ("
    f"{out['look']['size']}, {out['look']['color']}, {out['look']['position']}; a new breakdown "
    "version). Approve to re-render: no asset is remade, only the captions are burned in again.",
    "generate_music_tool": lambda out: f"Music set to {out['mood']} {out['genre']} (a new "
    "breakdown version). Approve to re-render with it.",
    "update_character_tool": lambda out: f"Updated {out['character_id']} "
    f"({', '.join(out['changed'])}; a new breakdown version). Approve to re-render the scenes "
    "they are in; the others stay as they are.",
    "generate_character_tool": lambda out: f"Added character {out['character_id']}. They will "
    "look the same in every scene they appear in.",
}
