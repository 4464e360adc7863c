"""Authentication: app tokens, Supabase token exchange, and refusals on REST and WebSocket."""

from __future__ import annotations

import base64
import json
import time
import warnings
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from pydantic import SecretStr
from server_live import client, live_server
from websockets.exceptions import ConnectionClosed

from pixora.config import Settings
from pixora.server.auth import AuthError, issue_token, verify_supabase_token, verify_token
from pixora.studio import Studio

SUPABASE_SECRET = "supabase-test-secret-0123456789abcdef"
OTHER_SECRET = "another-secret-entirely-0123456789abcdef"


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _claims(**extra: object) -> dict:
    now = int(time.time())
    return {"sub": "alice", "iat": now, "exp": now + 600, "iss": "pixora", **extra}


def bad_tokens(settings: Settings) -> dict[str, str]:
    """Tokens that must all be refused, by what is wrong with them."""
    secret = settings.jwt_secret.get_secret_value()
    now = int(time.time())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        hs512 = jwt.encode(_claims(), secret, "HS512")
    return {
        "garbage": "not-a-jwt",
        "expired": jwt.encode(_claims(iat=now - 7200, exp=now - 3600), secret, "HS256"),
        "other_secret": jwt.encode(_claims(), OTHER_SECRET, "HS256"),
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
        "hs512": hs512,
        "no_exp": jwt.encode({"sub": "alice", "iat": now, "iss": "pixora"}, secret, "HS256"),
        "wrong_issuer": jwt.encode(_claims(iss="elsewhere"), secret, "HS256"),
    }


def test_issued_token_round_trips(settings: Settings) -> None:
    token = issue_token(settings, "alice")
    assert verify_token(settings, token) == "alice"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == settings.jwt_expiry_s


@pytest.mark.parametrize(
    "kind", ["garbage", "expired", "other_secret", "alg_none", "hs512", "no_exp", "wrong_issuer"]
)
def test_bad_app_tokens_are_refused(settings: Settings, kind: str) -> None:
    with pytest.raises(AuthError):
        verify_token(settings, bad_tokens(settings)[kind])


def test_supabase_token_needs_audience_and_secret(settings: Settings) -> None:
    s = settings.model_copy(update={"supabase_jwt_secret": SecretStr(SUPABASE_SECRET)})
    now = int(time.time())
    good = jwt.encode(
        {"sub": "0b6f-user", "aud": "authenticated", "exp": now + 60}, SUPABASE_SECRET, "HS256"
    )
    assert verify_supabase_token(s, good) == "0b6f-user"
    for claims, key in [
        ({"sub": "u", "aud": "anon", "exp": now + 60}, SUPABASE_SECRET),
        ({"sub": "u", "aud": "authenticated", "exp": now - 60}, SUPABASE_SECRET),
        ({"sub": "u", "aud": "authenticated", "exp": now + 60}, OTHER_SECRET),
    ]:
        with pytest.raises(AuthError):
            verify_supabase_token(s, jwt.encode(claims, key, "HS256"))
    with pytest.raises(AuthError, match="not configured"):
        verify_supabase_token(settings, good)




@pytest.fixture
async def address(studio: Studio) -> AsyncIterator[str]:
    async with live_server(studio) as addr:
        yield addr


async def test_token_exchange(settings: Settings, studio: Studio, address: str) -> None:
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        r = await http.post("/api/auth/token", json={"username": "alice"})
        assert r.status_code == 200
        body = r.json()
        assert body["user_id"] == "alice" and body["token_type"] == "bearer"
        assert verify_token(settings, body["access_token"]) == "alice"
        me = await http.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json() == {"user_id": "alice"}

        nope = await http.post("/api/auth/token", content=b"{nope",
                               headers={"Content-Type": "application/json"})
        assert nope.status_code == 400
        assert (await http.post("/api/auth/token", json={})).status_code == 400
        bad_name = await http.post("/api/auth/token", json={"username": "a/b"})
        assert bad_name.status_code == 400
        # Supabase is not configured in these settings.
        sb = await http.post("/api/auth/token", json={"supabase_token": "x.y.z"})
        assert sb.status_code == 401

    studio.settings = settings.model_copy(
        update={"dev_auth": False, "supabase_jwt_secret": SecretStr(SUPABASE_SECRET)}
    )
    now = int(time.time())
    supa = jwt.encode(
        {"sub": "sb-user-1", "aud": "authenticated", "exp": now + 60}, SUPABASE_SECRET, "HS256"
    )
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        r = await http.post("/api/auth/token", json={"supabase_token": supa})
        assert r.status_code == 200 and r.json()["user_id"] == "sb-user-1"
        forged = jwt.encode(
            {"sub": "sb-user-1", "aud": "authenticated", "exp": now + 60}, OTHER_SECRET, "HS256"
        )
        r = await http.post("/api/auth/token", json={"supabase_token": forged})
        assert r.status_code == 401
        r = await http.post("/api/auth/token", json={"username": "alice"})
        assert r.status_code == 403


async def test_rest_refuses_bad_tokens(settings: Settings, address: str) -> None:
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        assert (await http.get("/api/tasks")).status_code == 401
        for kind, token in bad_tokens(settings).items():
            r = await http.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 401, kind
            assert r.json()["error"]["code"] == "unauthorized"
            r = await http.get("/api/tasks", params={"token": token})
            assert r.status_code == 401, kind
        good = issue_token(settings, "alice")
        r = await http.get("/api/tasks", headers={"Authorization": f"Bearer {good}"})
        assert r.status_code == 200 and r.json() == {"tasks": [], "next_cursor": None}


async def _close_code(address: str, token: str, query: str = "") -> int | None:
    async with client(address, token, query) as c:
        with pytest.raises(ConnectionClosed) as closed:
            await c.recv(timeout=10)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_websocket_refuses_bad_tokens(settings: Settings, address: str) -> None:
    async with client(address, "") as c:  # no token: the first frame must be `auth`
        await c.send({"type": "ping"})
        with pytest.raises(ConnectionClosed) as closed:
            await c.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    for kind, token in bad_tokens(settings).items():
        assert await _close_code(address, token) == 4401, kind


async def test_other_users_task_is_forbidden(
    settings: Settings, studio: Studio, address: str, redis: object
) -> None:
    task = await studio.create_task("bob")
    events_before = await studio.events.last_id(task.task_id)
    alice = issue_token(settings, "alice")
    bob = issue_token(settings, "bob")

    # At connect: 4403 for another user's task, 4404 for no such task.
    assert await _close_code(address, alice, f"&task_id={task.task_id}") == 4403
    assert await _close_code(address, alice, "&task_id=doesnotexist") == 4404

    # In a message: an error event, and the socket stays usable.
    async with client(address, alice) as c:
        for frame in [
            {"type": "resume", "task_id": task.task_id, "last_event_id": 0},
            {"type": "chat_message", "task_id": task.task_id, "message": "hi"},
            {"type": "approve", "task_id": task.task_id},
            {"type": "cancel", "task_id": task.task_id},
            {"type": "command", "task_id": task.task_id, "command": "generate_scene_breakdown",
             "params": {}},
        ]:
            await c.send(frame)
            reply = await c.recv()
            assert reply["type"] == "error" and reply["id"] is None, frame
            assert reply["data"]["code"] == "forbidden"
            assert reply["task_id"] == task.task_id
        await c.send({"type": "ping"})
        assert (await c.recv())["type"] == "pong"
    assert await studio.events.last_id(task.task_id) == events_before

    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        h = {"Authorization": f"Bearer {alice}"}
        tid = task.task_id
        assert (await http.get(f"/api/tasks/{tid}", headers=h)).status_code == 403
        assert (await http.get(f"/api/tasks/{tid}/video", headers=h)).status_code == 403
        assert (await http.get(f"/files/{tid}/final/v1.mp4", headers=h)).status_code == 403
        assert (await http.get("/api/tasks/nope", headers=h)).status_code == 404
        mine = await http.get(f"/api/tasks/{tid}", headers={"Authorization": f"Bearer {bob}"})
        assert mine.status_code == 200 and mine.json()["user_id"] == "bob"
