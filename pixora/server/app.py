"""The Starlette application and the uvicorn runner behind `pixora serve`."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from pixora.config import Settings
from pixora.server import logs, rest
from pixora.server.exposure import secure_settings
from pixora.server.ratelimit import RateLimits
from pixora.server.relay import RelayHub
from pixora.server.ws import TaskRunner, chat_socket
from pixora.studio import Studio

STATIC_DIR = Path(__file__).parent / "static"
WS_MAX_BYTES = 1024 * 1024
"""Frames above this are refused by uvicorn itself (close 1009); frames above
`protocol.MAX_FRAME_BYTES` but below it get a `frame_too_large` error and the socket stays."""


async def _index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, rest.Refused)
    return exc.response


def create_app(studio: Studio) -> Starlette:
    """The app serving `studio`: the page at `/`, REST under `/api`, the chat WebSocket at
    `/api/chat/ws`, task files under `/files`. The caller opens and closes `studio`."""

    runner = TaskRunner()
    relays = RelayHub(studio.events)
    limits = RateLimits(studio.settings, studio.store.redis)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await runner.close()
            await relays.close()

    app = Starlette(
        routes=[
            Route("/", _index),
            Route("/health", rest.health),
            Route("/api/auth/token", rest.exchange_token, methods=["POST"]),
            Route("/api/me", rest.me),
            Route("/api/tasks", rest.list_tasks),
            Route("/api/tasks/{task_id}", rest.get_task),
            Route("/api/tasks/{task_id}/video", rest.task_video),
            Route("/api/tasks/{task_id}/thumbnail", rest.task_thumbnail),
            Route("/api/tasks/{task_id}/captions.{fmt:str}", rest.task_captions),
            Route("/files/{key:path}", rest.task_file),
            WebSocketRoute("/api/chat/ws", chat_socket),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers={rest.Refused: _refused},
        lifespan=lifespan,
    )
    app.state.studio = studio
    app.state.runner = runner
    app.state.relays = relays
    app.state.limits = limits
    return app


def server_config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration Pixora runs `app` (from `create_app`) with: frame cap, no
    access log, tokens redacted from uvicorn's log lines, permessage-deflate only when the
    studio's settings say `ws_deflate`."""
    config = uvicorn.Config(
        app, host=host, port=port, ws_max_size=WS_MAX_BYTES, access_log=False, lifespan="on",
        ws_per_message_deflate=app.state.studio.settings.ws_deflate,
    )
    logs.install()
    return config


async def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Open the Studio and serve it until interrupted. Host and port default to
    `settings.host` and `settings.port`.

    Raises:
        ConfigError: the settings are unsafe for `host` (see `exposure.secure_settings`).
    """
    host = host or settings.host
    settings = secure_settings(settings, host)
    studio = await Studio.open(settings)
    try:
        app = create_app(studio)
        server = uvicorn.Server(server_config(app, host, port or settings.port))
        await server.serve()
    finally:
        await studio.close()


def run_server(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Blocking form of `serve`, for the CLI. SIGTERM stops it as SIGINT does: uvicorn
    finishes its connections, the Studio closes, and exit handlers (the embedded Redis's
    shutdown) run; both end in KeyboardInterrupt.

    Raises:
        KeyboardInterrupt: stopped by SIGINT or SIGTERM.
    """
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    asyncio.run(serve(settings, host, port))
