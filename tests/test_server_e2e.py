"""End to end over real sockets: the uvicorn server, the real Studio with the offline director,
a real render, two watchers, a dropped and resumed client, range requests, an edit making
version 2, and every message checked against docs/protocol.md."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from server_live import Client, client, doc_violations, live_server, of_type

from pixora.config import Settings
from pixora.media.ffmpeg import probe
from pixora.server.auth import issue_token
from pixora.studio import Studio

pytestmark = pytest.mark.slow

PROMPT = "Make a 10 second cinematic video about lighthouses at night"




def _ids(events: list[dict[str, Any]]) -> list[int]:
    return [e["id"] for e in events]


async def _range_get(http: httpx.AsyncClient, url: str, token: str) -> httpx.Response:
    return await http.get(url, params={"token": token}, headers={"Range": "bytes=0-1023"})


async def _approve_and_render(
    watchers: list[Client], task_id: str, version: int
) -> dict[str, Any]:
    """Approve from the first watcher and wait for every watcher to see the completion."""
    await watchers[0].send({"type": "approve", "task_id": task_id, "approved": True})
    done = of_type("completion", version=version)
    results = await asyncio.gather(*(w.until(done, timeout=240) for w in watchers))
    return results[0]


async def test_chat_approve_render_edit(
    settings: Settings, studio: Studio, tmp_path: object
) -> None:
    token = issue_token(settings, "alice")
    async with live_server(studio) as address:
        http = httpx.AsyncClient(base_url=f"http://{address}", timeout=30)
        async with client(address, token) as a:
            # 1. A prompt without a task id creates the task; the breakdown arrives, then
            #    the reply streams as tokens and ends the turn, awaiting approval.
            await a.send({"message": PROMPT})
            created = await a.until(of_type("task_created"))
            task_id = created["task_id"]
            assert created["id"] == 1
            breakdown = await a.until(of_type("scene_breakdown", version=1, approved=False))
            gate = await a.until(of_type("agent_message"))
            kinds = [m["type"] for m in a.events(task_id)]
            assert "handoff" in kinds and "tool_call" in kinds and "tool_result" in kinds
            assert kinds.count("token") > 3 and kinds[-2] == "token"
            scenes = breakdown["data"]["breakdown"]["scenes"]
            assert scenes and all(s["script"] and s["visual_prompt"] for s in scenes)

            # 2. A second watcher on the same task, and a third that will drop mid-render.
            async with client(address, token) as b, client(address, token) as c:
                await b.send({"type": "resume", "task_id": task_id, "last_event_id": gate["id"]})
                await c.send({"type": "resume", "task_id": task_id, "last_event_id": gate["id"]})
                await b.send({"type": "ping"})
                await b.until(of_type("pong"))
                await c.send({"type": "ping"})
                await c.until(of_type("pong"))

                await a.send({"type": "approve", "task_id": task_id, "approved": True})
                await c.until(of_type("progress_update"), timeout=120)
                seen_by_c = c.events(task_id)

                # The socket answers while the render runs.
                await a.send({"type": "ping"})
                pong = await a.until(of_type("pong"), timeout=10)
                assert pong["id"] is None

                await c.ws.close()
                await asyncio.sleep(1.5)
                async with client(address, token) as c2:
                    await c2.send({"type": "resume", "task_id": task_id,
                                   "last_event_id": seen_by_c[-1]["id"]})
                    done = of_type("completion", version=1)
                    completion, _, _ = await asyncio.gather(
                        a.until(done, timeout=240), b.until(done, timeout=240),
                        c2.until(done, timeout=240),
                    )
                    # c + c2: every event once, in order, no gap.
                    resumed = seen_by_c + c2.events(task_id)
                    ids = _ids(resumed)
                    assert ids == list(range(gate["id"] + 1, ids[-1] + 1))
                    assert [m["type"] for m in resumed] == [
                        m["type"] for m in a.events(task_id) if m["id"] > gate["id"]
                    ][: len(resumed)]
                    c_messages = c.received + c2.received

                # Both live watchers got every progress event, reaching 100.
                progress_a = [m for m in a.events(task_id) if m["type"] == "progress_update"]
                progress_b = [m for m in b.events(task_id) if m["type"] == "progress_update"]
                assert progress_a and progress_a == progress_b
                assert progress_a[-1]["data"]["progress"] == 100
                percents = [m["data"]["progress"] for m in progress_a]
                assert percents == sorted(percents)
                assert _ids(a.events(task_id)) == list(range(1, completion["id"] + 1))
                b_messages = b.received

            # 3. The finished video: playable over HTTP range requests.
            data = completion["data"]
            r = await _range_get(http, data["video_url"], token)
            assert r.status_code == 206, r.text
            assert r.headers["content-range"].startswith("bytes 0-1023/")
            assert len(r.content) == 1024 and r.content[4:8] == b"ftyp"
            r = await _range_get(http, f"/api/tasks/{task_id}/video", token)
            assert r.status_code == 206
            whole = await http.get(f"/api/tasks/{task_id}/video",
                                   headers={"Authorization": f"Bearer {token}"})
            assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
            local = studio.storage.local_path(f"{task_id}/final/v1.mp4")
            assert probe(local).duration_s > 5
            thumb = await http.get(data["thumbnail_url"], params={"token": token})
            assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"

            # 4. Edits: narration by command (what the page's inline edit sends), visuals by
            #    chat. Approving the result renders video version 2.
            new_line = "A lone beacon sweeps the dark sea."
            await a.send({"type": "command", "task_id": task_id, "command": "update_scene",
                          "params": {"scene_index": 1, "script": new_line}})
            result = await a.until(of_type("command_result"), timeout=60)
            assert result["data"]["result"]["status"] == "ok"
            v2 = of_type("scene_breakdown", version=2)
            edited = next((m for m in a.received if v2(m)), None) or await a.until(v2)
            assert edited["data"]["breakdown"]["scenes"][0]["script"] == new_line
            await a.send({"type": "chat_message", "task_id": task_id,
                          "message": "Make scene 2 at sunrise"})
            visual = await a.until(of_type("scene_breakdown", version=3), timeout=60)
            scenes = visual["data"]["breakdown"]["scenes"]
            assert scenes[0]["script"] == new_line and "sunrise" in scenes[1]["visual_prompt"]
            await a.until(of_type("agent_message"), timeout=60)
            second = await _approve_and_render([a], task_id, 2)
            assert second["data"]["video_url"].endswith("/final/v2.mp4")
            r = await http.get(f"/api/tasks/{task_id}/video", params={"version": 2, "token": token},
                               headers={"Range": "bytes=100-199"})
            assert r.status_code == 206 and len(r.content) == 100
            assert r.headers["content-range"].startswith("bytes 100-199/")

            tasks = (await http.get("/api/tasks", params={"token": token})).json()["tasks"]
            assert [(t["task_id"], t["videos"], t["stage"]) for t in tasks] == [
                (task_id, 2, "completed")
            ]
            a_messages = a.received
        await http.aclose()

    # 5. Everything the server sent is what docs/protocol.md says.
    assert doc_violations(a_messages + b_messages + c_messages) == []
