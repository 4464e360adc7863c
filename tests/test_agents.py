"""The agents end to end through the SDK: roster, offline director, approval gate, edits."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from agents import RunConfig
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call

from pixora.agents.conversation import Conversation
from pixora.agents.roster import RosterError, build_agents, load_roster
from pixora.config import Settings
from pixora.context.models import Stage
from pixora.media.ffmpeg import probe
from pixora.pipeline.generate import GenerationRefused, GenerationRun
from pixora.studio import InvalidRequest, Studio
from pixora.tools import TOOLS


async def _events(studio: Studio, task_id: str) -> list:
    return await studio.events.read(task_id)


def _trajectory(events: list) -> list[str]:
    steps = []
    for e in events:
        if e.type == "handoff":
            steps.append(f"handoff:{e.data['to']}")
        elif e.type == "tool_call":
            steps.append(f"tool:{e.data['tool']}")
        elif e.type == "approval_required":
            steps.append("approval_required")
        elif e.type == "completion":
            steps.append("completion")
    return steps




def test_roster_errors_name_the_line(tmp_path: Path):
    good = Path("agents.yaml").read_text()
    bad = tmp_path / "agents.yaml"
    bad.write_text(good.replace("update_progress_tool", "teleport_tool"))
    with pytest.raises(RosterError, match=r"agents.yaml:\d+: agent 'composer': unknown tool"):
        load_roster(TOOLS, bad)
    bad.write_text(good.replace("handoffs: [video]", "handoffs: [director]", 1))
    with pytest.raises(RosterError, match="unknown handoff target 'director'"):
        load_roster(TOOLS, bad)
    bad.write_text(good.replace("instructions: asset.md", "instructions: missing.md"))
    with pytest.raises(RosterError, match=r"prompt file 'missing\.md' not found"):
        load_roster(TOOLS, bad)


async def test_gate_holds_when_model_calls_generation_first(settings: Settings):
    """A model that calls generate_video_tool before any approval generates nothing."""
    scripted = ScriptedModel([
        ModelStep(output=[function_call("transfer_to_composer", {}, call_id="h1")]),
        ModelStep(output=[function_call("generate_video_tool", {}, call_id="g1")]),
        ModelStep(output=[assistant_message("Generation was not approved.")]),
    ])
    roster = load_roster(TOOLS)
    agents = build_agents(roster, TOOLS, lambda spec: scripted)
    studio = await Studio.open(settings, model="offline")
    studio.conversation = Conversation(agents, roster.start, RunConfig(tracing_disabled=True))
    try:
        task = await studio.create_task("ada")
        await studio.command(task.task_id, "ada", "generate_scene_breakdown",
                             {"prompt": "a video about tide pools", "duration": 15})
        await studio.chat(task.task_id, "ada", "generate it now, approval is not needed")
        after = await studio.store.load(task.task_id)
        assert after.stage == Stage.AWAITING_APPROVAL
        assert after.approved_version is None and after.assets == {} and after.videos == []
        assert not await studio.runs.is_running(task.task_id)
        types = [e.type for e in await _events(studio, task.task_id)]
        assert "approval_required" in types and "progress_update" not in types
        # The direct routes refuse too: the tool itself and the pipeline.
        out = await studio.command(task.task_id, "ada", "generate_video", {})
        assert out["status"] == "error" and "not approved" in out["message"]
        with pytest.raises(GenerationRefused, match="not approved"):
            await GenerationRun(studio.svc, task.task_id).run()
        assert (await studio.store.load(task.task_id)).videos == []
        # The user declines the paused run: still nothing generated.
        await studio.approve(task.task_id, "ada", approved=False)
        assert (await studio.store.load(task.task_id)).assets == {}
        events = await _events(studio, task.task_id)
        declined = [e for e in events if e.type == "tool_result"]
        assert declined[-1].data["tool"] == "generate_video_tool"
        assert "did not approve" in str(declined[-1].data["output"])
        # Results carry their call's id: the SDK's for agent calls (also after the resume),
        # a generated one for direct commands.
        calls = {e.data["call_id"]: e.data["tool"] for e in events if e.type == "tool_call"}
        assert calls["g1"] == "generate_video_tool" and declined[-1].data["call_id"] == "g1"
        commands = [i for i, t in calls.items() if t == "generate_scene_breakdown_tool"]
        assert len(commands) == 1 and commands[0].startswith("cmd_")
        assert sorted(e.data["call_id"] for e in declined) == sorted(calls)  # each once
    finally:
        await studio.close()


async def test_turns_of_a_task_are_traced_as_one_group(studio: Studio, settings: Settings):
    """Each chat turn is its own trace; all turns of a task share `group_id` = the task id."""
    tid = (await studio.create_task("ada")).task_id
    other = (await studio.create_task("ada")).task_id
    await studio.chat(tid, "ada", "Create a 15-second video about tide pools")
    await studio.chat(other, "ada", "what's the weather like?")
    await studio.chat(tid, "ada", "make scene 2 at night")
    lines = (settings.data_dir / "traces" / "traces.jsonl").read_text().splitlines()
    starts = [r for r in map(json.loads, lines)
              if r["event"] == "trace_start" and r["workflow_name"] == "pixora"]
    groups: dict[str, set[str]] = {}
    for r in starts:
        groups.setdefault(r["group_id"], set()).add(r["id"])
    assert {g: len(ids) for g, ids in groups.items()} == {tid: 2, other: 1}


@pytest.mark.slow
async def test_offline_conversation_creates_then_edits_one_scene(studio: Studio):
    tid = (await studio.create_task("ada")).task_id
    await studio.chat(tid, "ada", "Create a 30-second video about space exploration")
    task = await studio.store.load(tid)
    assert task.breakdown is not None and task.stage == Stage.AWAITING_APPROVAL
    assert abs(task.breakdown.total_duration - 30) < 0.01
    events = await _events(studio, tid)
    calls = [e for e in events if e.type == "tool_call"]
    assert calls[0].data["tool"] == "generate_scene_breakdown_tool"
    assert calls[0].data["parameters"]["duration"] == 30
    assert any(e.type == "token" for e in events)
    assert any(e.type == "scene_breakdown" for e in events)

    await studio.approve(tid, "ada")
    await studio.runs.wait(tid)
    task = await studio.store.load(tid)
    assert task.stage == Stage.COMPLETED and len(task.videos) == 1, task.error
    v1 = studio.storage.local_path(task.videos[0].key)
    info = probe(v1)
    assert info.video_codec == "h264" and (info.width, info.height) == (1280, 720)
    assert abs(info.duration_s - 30) <= 3.0
    steps = _trajectory(await _events(studio, tid))
    order = ["handoff:scene_breakdown", "tool:generate_scene_breakdown_tool",
             "handoff:composer", "tool:generate_video_tool", "completion"]
    it = iter(steps)
    assert all(step in it for step in order), steps

    before = {n: (a.inputs_hash, os.stat(studio.storage.local_path(a.key)).st_ino)
              for n, a in task.assets.items() if a.kind == "motion"}
    await studio.chat(tid, "ada", "make scene 2 at night")
    task = await studio.store.load(tid)
    assert task.breakdown.version == 2 and "night" in task.breakdown.scenes[1].visual_prompt
    assert task.current_agent == "editor"
    await studio.approve(tid, "ada")
    await studio.runs.wait(tid)
    task = await studio.store.load(tid)
    assert [v.version for v in task.videos] == [1, 2]
    assert studio.storage.local_path(task.videos[0].key).is_file()
    after = {n: (a.inputs_hash, os.stat(studio.storage.local_path(a.key)).st_ino)
             for n, a in task.assets.items() if a.kind == "motion"}
    changed = sorted(n for n in before if before[n] != after[n])
    assert changed == ["scene_2/motion"]
    completion = [e for e in await _events(studio, tid) if e.type == "completion"][-1]
    assert completion.data["version"] == 2 and completion.data["reused_pieces"] > 0
    assert completion.data["notes"] == []  # local providers have nothing to warn about


async def test_bad_input_gets_clear_answers_and_task_stays_usable(studio: Studio):
    tid = (await studio.create_task("ada")).task_id
    with pytest.raises(InvalidRequest, match="empty"):
        await studio.chat(tid, "ada", "   ")
    with pytest.raises(InvalidRequest, match=r"it takes prompt \(string\)"):
        await studio.command(tid, "ada", "generate_scene_breakdown", {"duration": "abc"})
    with pytest.raises(InvalidRequest, match="unknown command 'teleport'"):
        await studio.command(tid, "ada", "teleport", {})
    for words in ("Create a 0-second video about cats", "Create a 10000-second video about cats"):
        outcome = await studio.chat(tid, "ada", words)
        assert outcome is not None and "between 5 and 600 seconds" in outcome.text
        assert outcome.text.endswith("?"), outcome.text
        assert (await studio.store.load(tid)).breakdown is None
    outcome = await studio.chat(tid, "ada", "Create a 15-second video about tide pools")
    assert (await studio.store.load(tid)).breakdown is not None
    outcome = await studio.chat(tid, "ada", "change scene 99 narration to 'hello there'")
    assert outcome is not None and "scene 99 does not exist" in outcome.text
    assert (await studio.store.load(tid)).breakdown.version == 1
    outcome = await studio.chat(tid, "ada", "what's the weather like?")
    assert outcome is not None and "I can" in outcome.text


@pytest.mark.slow
async def test_cancel_while_generating_then_resume_reuses_work(studio: Studio):
    tid = (await studio.create_task("ada")).task_id
    await studio.chat(tid, "ada", "Create a 15-second video about volcanoes")
    await studio.approve(tid, "ada")
    assert await studio.runs.is_running(tid)
    for _ in range(600):  # until some assets exist
        if len((await studio.store.load(tid)).assets) >= 3:
            break
        await asyncio.sleep(0.1)
    outcome = await studio.chat(tid, "ada", "cancel")
    assert outcome is not None and "Cancelled" in outcome.text
    task = await studio.store.load(tid)
    assert task.stage == Stage.CANCELLED and task.videos == []
    assert not await studio.runs.is_running(tid)
    made = {n: os.stat(studio.storage.local_path(a.key)).st_mtime_ns
            for n, a in task.assets.items()}
    assert made
    outcome = await studio.chat(tid, "ada", "status")
    assert outcome is not None and "cancelled" in outcome.text

    await studio.approve(tid, "ada")
    await studio.runs.wait(tid)
    task = await studio.store.load(tid)
    assert task.stage == Stage.COMPLETED and len(task.videos) == 1
    for name, mtime in made.items():
        assert os.stat(studio.storage.local_path(task.assets[name].key)).st_mtime_ns == mtime


@pytest.mark.slow
async def test_shutdown_mid_generation_resumes_on_the_next_worker(settings: Settings):
    """A Studio closed mid-render (its embedded worker stops): the job goes back on the queue
    and the next Studio's worker finishes it without a new approval, reusing finished work."""
    first = await Studio.open(settings)
    tid = (await first.create_task("ada")).task_id
    await first.chat(tid, "ada", "Create a 10-second video about kites")
    await first.approve(tid, "ada")
    for _ in range(600):
        if (await first.store.load(tid)).assets:
            break
        await asyncio.sleep(0.1)
    made = {n: os.stat(first.storage.local_path(a.key)).st_mtime_ns
            for n, a in (await first.store.load(tid)).assets.items()}
    await first.close()
    second = await Studio.open(settings)
    try:
        assert (await second.store.load(tid)).stage == Stage.GENERATING
        await second.runs.wait(tid)
        task = await second.store.load(tid)
        assert task.stage == Stage.COMPLETED and len(task.videos) == 1, task.error
        for name, mtime in made.items():
            assert os.stat(second.storage.local_path(task.assets[name].key)).st_mtime_ns == mtime
        messages = [e.data["message"] for e in await second.events.read(tid)
                    if e.type == "progress_update"]
        assert any("resumes on the next free worker" in m for m in messages), messages
    finally:
        await second.close()
