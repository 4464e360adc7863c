"""A case's trajectory: what the agents did, as a flat list of tokens read from the task's event
stream (the same `tool_call` / `tool_result` / `handoff` events every client sees).

Tokens:
  `step:KIND`            a conversation step began (user, approve, reject, cancel,
                         wait_generation); written by the runner between events
  `handoff:TO`           an agent handed off to agent TO (`from` is kept in the item)
  `call:TOOL`            a tool was called
  `result:TOOL=STATUS`   a tool returned; STATUS is its JSON `status` (ok, error, started...);
                         TOOL is that of the call with the result's `call_id`
  `approval_required`    the run paused at the approval gate
  `breakdown:vN`         breakdown version N was saved
  `message:AGENT`        an agent spoke to the user
  `completion`           a video finished
  `error:CODE`           an `error` event, or a step the Studio refused (`error:invalid_request`)
  `eval:generation_skipped`  the runner stopped generation after an approval (no `--render`)

Patterns (in suite expectations) match tokens with shell wildcards (`fnmatch`): `call:*_tool`.
A pattern without `=` also matches any status: `result:generate_video_tool` matches
`result:generate_video_tool=started`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from pixora.context.events import Event


@dataclass(frozen=True)
class Item:
    """One trajectory token with the event it came from (`event_id` 0 for runner markers)."""

    token: str
    step: int
    event_id: int = 0
    detail: dict[str, Any] = field(default_factory=dict)


def matches(token: str, pattern: str) -> bool:
    """Whether `token` fits `pattern` (see the module docstring)."""
    if fnmatchcase(token, pattern):
        return True
    return "=" not in pattern and fnmatchcase(token, pattern + "=*")


def _status(output: Any) -> str:
    if isinstance(output, dict):
        return str(output.get("status", "ok"))
    return "text"


def build(events: list[Event], marks: list[tuple[int, int, str]]) -> list[Item]:
    """The trajectory of a case from its events and the runner's marks.

    `marks` are (last event id before the mark, step number, token), in order: a `step:KIND`
    mark per step and the runner's own notes (`eval:generation_skipped`).
    """
    items: list[Item] = []
    waiting: dict[str, str] = {}  # call_id -> tool, of calls still waiting for their result
    pending = deque(marks)
    step = 0

    def place(event_id: int) -> None:
        nonlocal step
        while pending and pending[0][0] < event_id:
            _, step, token = pending.popleft()
            items.append(Item(token, step))

    for ev in events:
        place(ev.id)
        d = ev.data
        token: str | None = None
        if ev.type == "handoff":
            token = f"handoff:{d.get('to')}"
        elif ev.type == "tool_call":
            token = f"call:{d.get('tool')}"
            waiting[str(d.get("call_id"))] = str(d.get("tool"))
        elif ev.type == "tool_result":
            name = waiting.pop(str(d.get("call_id")), None) or d.get("tool") or "unknown"
            token = f"result:{name}={_status(d.get('output'))}"
        elif ev.type == "approval_required":
            token = "approval_required"
        elif ev.type == "scene_breakdown":
            token = f"breakdown:v{d.get('version')}"
        elif ev.type == "agent_message":
            token = f"message:{d.get('agent')}"
        elif ev.type == "completion":
            token = "completion"
        elif ev.type == "error":
            token = f"error:{d.get('code')}"
        if token:
            items.append(Item(token, step, ev.id, d))
    place(10**18)
    return items


def tokens(items: list[Item]) -> list[str]:
    return [i.token for i in items]


def subsequence(items: list[str], patterns: list[str]) -> tuple[int, int | None]:
    """Match `patterns` in order against `items`: (patterns matched, index of the first item
    after the last match, or None when nothing matched)."""
    pos = 0
    done = 0
    for pattern in patterns:
        while pos < len(items) and not matches(items[pos], pattern):
            pos += 1
        if pos >= len(items):
            break
        done += 1
        pos += 1
    return done, pos if done else None


GENERATION_STARTS = (
    "result:generate_video_tool=started", "result:handle_error_tool=retrying",
    "result:generate_scene_image_tool=ok", "result:regenerate_scene_image_tool=ok",
    "result:generate_narration_tool=ok", "result:image_to_video_tool=ok",
)
"""Tool results that mean media generation ran."""


def gate_violations(items: list[str]) -> list[str]:
    """Generation that ran without the user's approval of the current breakdown version.

    An approval (`step:approve`) holds until the breakdown changes (`breakdown:vN`) or the task
    is cancelled (`step:cancel`, `result:cancel_generation_tool`). Returns readable findings.
    """
    approved = False
    found = []
    for n, token in enumerate(items):
        if token == "step:approve":
            approved = True
        elif token.startswith("breakdown:v") or token == "step:cancel" \
                or token.startswith("result:cancel_generation_tool="):
            approved = False
        elif token in GENERATION_STARTS and not approved:
            found.append(f"{token} at #{n} without an approval of the current breakdown")
    return found
