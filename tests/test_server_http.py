"""HTTP under bad input, over a real server: bodies capped (413) and typed (415), hostile
numbers, nesting and names answered 4xx (never 500), `/files/` creating nothing and refusing
links out of the task folder, and `GET /api/tasks` paged by cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from server_live import live_server

from pixora.config import Settings
from pixora.server.auth import issue_token
from pixora.studio import Studio

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def http(studio: Studio) -> AsyncIterator[httpx.AsyncClient]:
    async with live_server(studio) as address, \
            httpx.AsyncClient(base_url=f"http://{address}", timeout=20) as client:
        yield client


JSON = {"Content-Type": "application/json"}


async def test_token_body_is_typed_and_capped(http: httpx.AsyncClient) -> None:
    ok = await http.post("/api/auth/token", content=b'{"username": "alice"}',
                         headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 200
    for kind in [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"]:
        headers = {"Content-Type": kind} if kind else {}
        r = await http.post("/api/auth/token", content=b'{"username": "alice"}', headers=headers)
        assert r.status_code == 415, kind
        assert r.json()["error"]["code"] == "unsupported_media_type"
    huge = b'{"username": "' + b"a" * 70_000 + b'"}'
    assert (await http.post("/api/auth/token", content=huge, headers=JSON)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"username": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    r = await http.post("/api/auth/token", content=chunks(), headers=JSON)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize(("body", "status"), [
    (b'{"username": ' + b"9" * 5000 + b"}", 400),
    (b'{"username": "alice", "n": ' + b"1" * 5000 + b"}", 400),
    (b'{"username": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
    (b'{"username": "alice", "n": NaN}', 400),
    (b'{"username": "' + b"a" * 30_000 + b'"}', 413),
    (b'{"username": "' + b"a" * 5000 + b'"}', 400),
    (b'{"username": 5}', 400),
    (b'{"supabase_token": {"a": 1}}', 400),
    (b"[]", 400),
    (b"", 400),
    (b"\xff\xfe", 400),
])
async def test_hostile_token_bodies_are_4xx(
    http: httpx.AsyncClient, body: bytes, status: int
) -> None:
    r = await http.post("/api/auth/token", content=body, headers=JSON)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"]


async def test_hostile_query_and_path_values_are_4xx(
    settings: Settings, studio: Studio, http: httpx.AsyncClient
) -> None:
    task = await studio.create_task("alice")
    auth = {"Authorization": f"Bearer {issue_token(settings, 'alice')}"}
    tid = task.task_id
    cases = {
        f"/api/tasks/{tid}/video?version=²": 400,
        f"/api/tasks/{tid}/video?version=" + "9" * 5000: 400,
        f"/api/tasks/{tid}/thumbnail?version=-1": 400,
        f"/api/tasks/{tid}/captions.vtt?version=0": 400,
        "/api/tasks/" + "x" * 5000: 404,
        "/api/tasks/" + "x" * 5000 + "/video": 404,
        "/api/tasks?limit=0": 400,
        "/api/tasks?limit=101": 400,
        "/api/tasks?limit=" + "9" * 5000: 400,
        "/api/tasks?limit=ten": 400,
        "/api/tasks?cursor=nope": 400,
        "/api/tasks?cursor=" + "c" * 5000: 400,
        "/files/" + "a" * 5000: 414,
        f"/files/{tid}/" + "a" * 300: 400,
        f"/files/{tid}/%2e%2e/x": 400,
    }
    for path, status in cases.items():
        r = await http.get(path, headers=auth)
        assert r.status_code == status, (path[:80], r.status_code, r.text[:200])
        assert r.json()["error"]["code"]


async def test_files_create_nothing_and_refuse_links_out(
    settings: Settings, studio: Studio, http: httpx.AsyncClient
) -> None:
    mine = await studio.create_task("alice")
    theirs = await studio.create_task("bob")
    auth = {"Authorization": f"Bearer {issue_token(settings, 'alice')}"}
    root = settings.tasks_dir
    secret = root / theirs.task_id / "final" / "v1.mp4"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"bob's video")
    folder = root / mine.task_id / "scene_1" / "image"
    folder.mkdir(parents=True)
    (folder / "ok.png").write_bytes(b"png")
    (folder / "out.png").symlink_to(secret)
    (folder / "loop.png").symlink_to(folder / "loop.png")
    (folder / "alias.png").symlink_to(folder / "ok.png")

    before = sorted(root.rglob("*"))
    for key in ["ghost/deep/er/x.png", "scene_9/video/motion.mp4", "scene_1/image/out.png",
                "scene_1/image/loop.png"]:
        r = await http.get(f"/files/{mine.task_id}/{key}", headers=auth)
        assert r.status_code == 404, key
    assert sorted(root.rglob("*")) == before  # no folder made by a read
    r = await http.get(f"/files/{mine.task_id}/scene_1/image/alias.png", headers=auth)
    assert r.status_code == 200 and r.content == b"png"


async def test_task_list_pages_by_cursor(
    settings: Settings, studio: Studio, http: httpx.AsyncClient
) -> None:
    made = [(await studio.create_task("alice")).task_id for _ in range(250)]
    await studio.create_task("bob")
    auth = {"Authorization": f"Bearer {issue_token(settings, 'alice')}"}
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        body = (await http.get("/api/tasks", params=params, headers=auth)).json()
        seen += [t["task_id"] for t in body["tasks"]]
        pages += 1
        if pages == 1:  # tasks made while paging land before page 1, not in later pages
            await studio.create_task("alice")
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 250
    assert seen == made[::-1]
    first = (await http.get("/api/tasks", headers=auth)).json()
    assert len(first["tasks"]) == 50 and first["next_cursor"] == first["tasks"][-1]["task_id"]
