"""Client frame validation: parse errors, and bad input over a live socket changing nothing."""

from __future__ import annotations

import json
from typing import get_args

import pytest
import redis.asyncio as aioredis
from server_live import client, doc_examples, doc_violations, live_server, of_type

from pixora.config import Settings
from pixora.context import Breakdown, Scene, TaskContext
from pixora.context import events as ev
from pixora.context.events import EventType
from pixora.server.auth import issue_token
from pixora.server.protocol import (
    MAX_FRAME_BYTES,
    Approve,
    ChatMessage,
    Command,
    Ping,
    ProtocolError,
    Resume,
    parse_frame,
)
from pixora.studio import MAX_MESSAGE_CHARS, Studio


def test_seed_and_typed_forms_parse() -> None:
    seed = parse_frame('{"message": "a video about tides", "task_id": "abc"}')
    assert seed == ChatMessage(message="a video about tides", task_id="abc")
    assert parse_frame(b'{"type": "ping"}') == Ping(type="ping")
    cmd = parse_frame(
        json.dumps({"type": "command", "command": "generate_scene_breakdown",
                    "params": {"prompt": "tides", "duration": 15}})
    )
    assert isinstance(cmd, Command) and cmd.params["duration"] == 15 and cmd.task_id is None
    assert parse_frame('{"type": "approve", "task_id": "t1"}') == Approve(
        type="approve", task_id="t1", approved=True
    )
    assert parse_frame('{"type": "resume", "task_id": "t1", "last_event_id": 7}') == Resume(
        type="resume", task_id="t1", last_event_id=7
    )


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        ("[1, 2]", "bad_json"),
        ('"text"', "bad_json"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": 5}', "unknown_type"),
        ('{"task_id": "t"}', "missing_field"),
        ('{"type": "chat_message"}', "missing_field"),
        ('{"type": "approve"}', "missing_field"),
        ('{"type": "command", "task_id": "t"}', "missing_field"),
        ('{"type": "resume", "task_id": "t", "last_event_id": -1}', "invalid_request"),
        ('{"type": "approve", "task_id": "t", "approved": "maybe"}', "invalid_request"),
        ('{"type": "chat_message", "message": ""}', "invalid_request"),
        ('{"type": "command", "command": "x", "params": [1]}', "invalid_request"),
        ('{"type": "chat_message", "message": "   "}', "invalid_request"),
        ('{"message": "' + "x" * 20_001 + '"}', "frame_too_large"),
        ('{"type": "command", "command": "x", "params": {"k": "' + "y" * 20_001 + '"}}',
         "frame_too_large"),
        ('{"type": "ping", "deep": ' + "[" * 17 + "]" * 17 + "}", "bad_json"),
        ('{"type": "ping", "deep": ' + "[" * 30_000 + "}", "bad_json"),
        ('{"type": "ping", "n": ' + "9" * 5000 + "}", "bad_json"),
        ('{"type": "ping", "n": 1.' + "5" * 40 + "}", "bad_json"),
        ('{"type": "ping", "n": NaN}', "bad_json"),
        ('{"type": "ping", "n": -Infinity}', "bad_json"),
        ('{"type": "command", "command": "x", "params": {"n": -1e400}}', "bad_json"),
        ('{"type": "resume", "task_id": "t", "last_event_id": 18446744073709551616}',
         "invalid_request"),
        ('"' + '\\"' * 20_000, "bad_json"),
    ],
)
def test_bad_frames_have_codes(frame: str | bytes, code: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_frame(frame)
    assert err.value.code == code


def test_frame_limits_admit_frames_just_inside() -> None:
    words = {f"k{i}": "x" * 1000 for i in range(64)}
    body = json.dumps({"type": "command", "command": "x", "params": words})
    assert MAX_FRAME_BYTES - 2000 < len(body.encode()) <= MAX_FRAME_BYTES
    assert isinstance(parse_frame(body), Command)
    assert parse_frame('{"message": "' + "x" * MAX_MESSAGE_CHARS + '"}').message
    nested = '{"type": "command", "command": "x", "params": {"a": ' + "[" * 14 + "]" * 14 + "}}"
    assert isinstance(parse_frame(nested), Command)
    assert parse_frame('{"type": "command", "command": "x", "params": {"s": "[[[[[[[[[[[[[[[[[["'
                       ', "n": -9223372036854775807, "f": 1.5e300}}').params["n"] < 0
    top = parse_frame(json.dumps({"type": "resume", "task_id": "t", "last_event_id": 2**63 - 1}))
    assert isinstance(top, Resume) and top.last_event_id == 2**63 - 1
    with pytest.raises(ProtocolError) as err:
        parse_frame('{"message": "' + "é" * (MAX_FRAME_BYTES // 2) + '"}')
    assert err.value.code == "frame_too_large"




async def _snapshot(url: str) -> dict[bytes, bytes]:
    raw = aioredis.from_url(url)
    try:
        return {key: await raw.dump(key) for key in sorted(await raw.keys("*"))}
    finally:
        await raw.aclose()


async def test_bad_input_changes_nothing(
    settings: Settings, studio: Studio, redis_server_url: str
) -> None:
    task = await studio.create_task("alice")
    other = await studio.create_task("bob")
    token = issue_token(settings, "alice")
    big = json.dumps({"type": "chat_message", "task_id": task.task_id,
                      "message": "x" * (MAX_FRAME_BYTES + 1)})
    cases: list[tuple[str | bytes, str]] = [
        ("{oops", "bad_json"),
        (b"\x00\x01binary", "bad_json"),
        ("42", "bad_json"),
        ('{"type": "teleport"}', "unknown_type"),
        (json.dumps({"type": "approve"}), "missing_field"),
        (json.dumps({"type": "chat_message", "task_id": task.task_id}), "missing_field"),
        (big, "frame_too_large"),
        (json.dumps({"type": "resume", "task_id": "no-such-task", "last_event_id": 0}),
         "task_not_found"),
        (json.dumps({"message": "hello", "task_id": "no-such-task"}), "task_not_found"),
        (json.dumps({"type": "approve", "task_id": "no-such-task"}), "task_not_found"),
        (json.dumps({"type": "cancel", "task_id": other.task_id}), "forbidden"),
        (json.dumps({"type": "chat_message", "task_id": other.task_id, "message": "hi"}),
         "forbidden"),
        # Refused before anything is created: no task for any of these.
        ("", "bad_json"),
        (json.dumps({"message": ""}), "invalid_request"),
        (json.dumps({"message": " \n "}), "invalid_request"),
        (json.dumps({"message": "x" * 30_000}), "frame_too_large"),
        (json.dumps({"type": "command", "command": "launch_rocket"}), "invalid_request"),
        ('{"message": "hi", "n": ' + "1" * 5000 + "}", "bad_json"),
        ('{"message": "hi", "d": ' + "[" * 5000 + "]" * 5000 + "}", "bad_json"),
        (json.dumps({"type": "resume", "task_id": task.task_id, "last_event_id": 2**64}),
         "invalid_request"),
    ]
    before = await _snapshot(redis_server_url)
    async with live_server(studio) as address, client(address, token) as c:
        for frame, code in cases:
            await c.send(frame)
            reply = await c.recv()
            assert reply["type"] == "error", frame
            assert reply["id"] is None
            assert reply["data"]["code"] == code, (frame, reply)
            assert reply["data"]["message"]
        await c.send({"type": "ping"})
        pong = await c.recv()
        assert pong["type"] == "pong" and pong["id"] is None
    assert await _snapshot(redis_server_url) == before


async def test_invalid_command_reports_invalid_request(
    settings: Settings, studio: Studio
) -> None:
    task = await studio.create_task("alice")
    token = issue_token(settings, "alice")
    async with live_server(studio) as address, client(address, token) as c:
        await c.send({"type": "command", "task_id": task.task_id, "command": "launch_rocket",
                      "params": {}})
        reply = await c.until(lambda m: m["type"] == "error", timeout=20)
        assert reply["data"]["code"] == "invalid_request"
        assert reply["task_id"] == task.task_id


def test_documented_client_messages_parse() -> None:
    examples = doc_examples("client")
    assert set(examples) == {"chat_message", "command", "approve", "cancel", "ping", "resume",
                             "auth"}
    for kind, bodies in examples.items():
        for body in bodies:
            assert parse_frame(json.dumps(body)).type == kind


def test_doc_check_catches_departures() -> None:
    good = {"id": None, "type": "pong", "task_id": None, "content": None, "data": {}, "ts": 1.0}
    assert doc_violations([good]) == []
    assert doc_violations([{**good, "type": "teleported"}])
    assert doc_violations([{**good, "extra": 1}])
    assert doc_violations([{**good, "type": "progress_update", "id": 3,
                            "data": {"progress": 5, "surprise": True}}])
    assert doc_violations([{**good, "id": 4}])


@pytest.mark.parametrize("deflate", [False, True])
async def test_permessage_deflate_only_when_set(
    settings: Settings, studio: Studio, deflate: bool
) -> None:
    studio.settings = studio.settings.model_copy(update={"ws_deflate": deflate})
    async with live_server(studio) as address, \
            client(address, issue_token(settings, "alice")) as c:  # the client offers it
        await c.send({"type": "ping"})
        assert (await c.recv(10))["type"] == "pong"
        assert [e.name for e in c.ws.protocol.extensions] == (
            ["permessage-deflate"] if deflate else [])


async def test_resume_replays_then_follows_without_gap(
    settings: Settings, studio: Studio
) -> None:
    task = await studio.create_task("alice")
    for i in range(5):
        await studio.events.append(task.task_id, ev.token(f"w{i} "))
    token = issue_token(settings, "alice")
    query = f"&task_id={task.task_id}&last_event_id=3"
    async with live_server(studio) as address, client(address, token, query) as c:
        replayed = [await c.recv() for _ in range(3)]
        assert [m["id"] for m in replayed] == [4, 5, 6]
        await studio.events.append(task.task_id, ev.token("live"))
        live = await c.recv()
        assert (live["id"], live["content"]) == (7, "live")
        # Resuming again restarts the replay; the earlier relay sends nothing more.
        await c.send({"type": "resume", "task_id": task.task_id, "last_event_id": 0})
        again = [await c.recv() for _ in range(7)]
        assert [m["id"] for m in again] == list(range(1, 8))
        await studio.events.append(task.task_id, ev.token("end"))
        assert (await c.recv())["id"] == 8
        await c.send({"type": "ping"})
        assert (await c.recv())["type"] == "pong"


async def test_tool_results_carry_their_calls_id(settings: Settings, studio: Studio) -> None:
    """Over a real socket: every `tool_result` has the `call_id` of one earlier `tool_call` of
    the same tool, from an agent turn (the SDK's id) and from a command (a generated one)."""
    token = issue_token(settings, "alice")
    async with live_server(studio) as address, client(address, token) as c:
        await c.send({"message": "Create a 15-second video about tide pools"})
        task_id = (await c.until(of_type("task_created")))["task_id"]
        await c.until(of_type("agent_message"))
        await c.send({"type": "command", "task_id": task_id, "command": "update_scene",
                      "params": {"scene_index": 1, "new_content": "Low tide."}})
        await c.until(of_type("tool_result", agent="user"))
    events = c.events(task_id)
    calls = {m["data"]["call_id"]: m for m in events if m["type"] == "tool_call"}
    results = [m for m in events if m["type"] == "tool_result"]
    assert len(calls) == len(results) == sum(m["type"] == "tool_call" for m in events) >= 2
    for result in results:
        call = calls.pop(result["data"]["call_id"])
        assert call["id"] < result["id"] and call["data"]["tool"] == result["data"]["tool"]
    assert doc_violations(c.received) == []


def test_every_event_type_has_a_documented_constructor() -> None:
    task = TaskContext(user_id="alice")
    task.set_breakdown(Breakdown(title="Tides", scenes=[
        Scene(index=1, script="Water.", visual_prompt="A pool", duration=5.0)]))
    made = [
        ev.token("I'll"),
        ev.agent_message("Here it is.", "scene_breakdown"),
        ev.tool_call("call_1", "update_scene_tool", {"scene_number": 1}, "editor"),
        ev.tool_result("call_1", "update_scene_tool", {"status": "ok"}, "editor"),
        ev.handoff("video", "scene_breakdown"),
        ev.scene_breakdown(task),
        ev.approval_required(["generate_video_tool"], 1, "Approve?"),
        ev.progress_update(42.5, "motion", "Scene 2 motion", 18.0),
        ev.completion(version=1, video_url="/v", thumbnail_url="/t", duration_s=5.0,
                      reused_pieces=0, copied_bodies=1, rendered_pieces=2, notes=[], scenes=[]),
        ev.error("bad_json", "not JSON"),
        ev.task_created("alice"),
        ev.queued("turn", "Another turn is running on this task; this one starts after it."),
        ev.pong(),
        ev.command_result("update_scene", {"status": "ok"}),
    ]
    assert sorted(p.type for p in made) == sorted(get_args(EventType))
    documented = doc_examples("server")
    for payload in made:
        assert set(payload.data) == set(documented[payload.type][0]["data"]), payload.type
