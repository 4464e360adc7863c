"""Secrets: unsafe settings refused off loopback, a generated secret on loopback, tokens never
in log lines, and the token accepted from the subprotocol header or a first `auth` frame."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from server_live import client, live_server
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pixora.config import ConfigError, Settings
from pixora.server.auth import issue_token, verify_token
from pixora.server.exposure import DEFAULT_JWT_SECRET, SECRET_FILE, secure_settings
from pixora.studio import Studio

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parent.parent
STRONG = "a-secret-of-our-own-0123456789abcdef-0123"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
@pytest.mark.parametrize("secret", [DEFAULT_JWT_SECRET, "", "short"])
def test_exposed_server_refuses_a_weak_secret(settings: Settings, host: str, secret: str) -> None:
    weak = settings.model_copy(update={"jwt_secret": SecretStr(secret), "dev_auth": False})
    with pytest.raises(ConfigError, match="PIXORA_JWT_SECRET"):
        secure_settings(weak, host)


def test_exposed_server_refuses_dev_sign_in(settings: Settings) -> None:
    strong = settings.model_copy(update={"jwt_secret": SecretStr(STRONG), "dev_auth": True})
    with pytest.raises(ConfigError, match="PIXORA_DEV_AUTH=false"):
        secure_settings(strong, "0.0.0.0")
    safe = strong.model_copy(update={"dev_auth": False})
    assert secure_settings(safe, "0.0.0.0") is safe


@pytest.mark.parametrize("secret", [DEFAULT_JWT_SECRET, ""])
def test_loopback_generates_and_keeps_a_secret(
    settings: Settings, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    shipped = settings.model_copy(update={"jwt_secret": SecretStr(secret)})
    with caplog.at_level(logging.WARNING, "pixora.server.exposure"):
        first = secure_settings(shipped, "127.0.0.1")
    generated = first.jwt_secret.get_secret_value()
    assert generated not in (DEFAULT_JWT_SECRET, "") and len(generated) == 64
    stored = settings.data_dir / SECRET_FILE
    assert stored.read_text().strip() == generated
    assert stored.stat().st_mode & 0o777 == 0o600
    assert len(caplog.records) == 1 and "PIXORA_JWT_SECRET" in caplog.records[0].getMessage()
    assert generated not in caplog.text
    again = secure_settings(shipped, "localhost")  # a restart signs with the same secret
    assert verify_token(again, issue_token(first, "alice")) == "alice"
    own = settings.model_copy(update={"jwt_secret": SecretStr(STRONG)})
    assert secure_settings(own, "::1") is own


def test_pixora_serve_off_loopback_refuses_to_start(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIXORA_DATA_DIR": str(tmp_path),
           "PIXORA_DEV_AUTH": "false"}
    env.pop("PIXORA_JWT_SECRET", None)
    done = subprocess.run(
        [sys.executable, "-m", "pixora.cli", "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "PIXORA_JWT_SECRET" in done.stdout + done.stderr
    assert not (tmp_path / SECRET_FILE).exists()


async def test_tokens_never_reach_the_log(settings: Settings, studio: Studio) -> None:
    token = issue_token(settings, "alice")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    logger = logging.getLogger("uvicorn.error")
    async with live_server(studio) as address:
        logger.addHandler(handler)
        level = logger.level
        logger.setLevel(logging.DEBUG)
        try:
            async with client(address, token, "&task_id=nope") as c:
                with pytest.raises(ConnectionClosed):
                    await c.recv(10)
            async with client(address, "garbage." + token) as c:
                with pytest.raises(ConnectionClosed):
                    await c.recv(10)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
    assert any("token=[redacted]" in line for line in lines), lines
    assert not any(token in line or "eyJ" in line for line in lines), lines


async def _ping(ws: object) -> str:
    await ws.send('{"type": "ping"}')  # type: ignore[attr-defined]
    return await asyncio.wait_for(ws.recv(), 10)  # type: ignore[attr-defined]


async def test_token_in_the_subprotocol_header(settings: Settings, studio: Studio) -> None:
    token = issue_token(settings, "alice")
    async with live_server(studio) as address:
        url = f"ws://{address}/api/chat/ws"
        async with connect(url, subprotocols=["pixora", f"pixora.bearer.{token}"]) as ws:
            assert ws.subprotocol == "pixora"
            assert '"pong"' in await _ping(ws)
        async with connect(url, subprotocols=[f"pixora.bearer.{token}"]) as ws:
            assert ws.subprotocol == f"pixora.bearer.{token}"
            assert '"pong"' in await _ping(ws)
        async with connect(url, subprotocols=["pixora", "pixora.bearer.bad"]) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await _ping(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_token_in_a_first_auth_frame(settings: Settings, studio: Studio) -> None:
    token = issue_token(settings, "alice")
    async with live_server(studio) as address:
        url = f"ws://{address}/api/chat/ws"
        async with connect(url) as ws:
            await ws.send(f'{{"type": "auth", "token": "{token}"}}')
            assert '"pong"' in await _ping(ws)
            await ws.send(f'{{"type": "auth", "token": "{token}"}}')
            assert '"invalid_request"' in await asyncio.wait_for(ws.recv(), 10)
        for first in ['{"type": "ping"}', '{"type": "auth", "token": "forged"}', "{bad"]:
            async with connect(url) as ws:
                await ws.send(first)
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401, first
