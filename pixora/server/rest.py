"""HTTP endpoints: health, token exchange, tasks, videos and task files.

Every `/api/tasks` and `/files` route needs an app token (`Authorization: Bearer` or a
`?token=` query, the latter for media elements). Errors are JSON
`{"error": {"code", "message"}}` with 400, 401, 403, 404 or 416. Videos and files are served
with HTTP range requests (RFC 9110 §14: `Range: bytes=a-b` answers 206 with Content-Range).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from pixora.context.models import TaskContext
from pixora.context.store import TaskNotFound
from pixora.server.auth import (
    AuthError,
    authenticate,
    issue_token,
    valid_username,
    verify_supabase_token,
)
from pixora.storage.base import InvalidKey, validate_key
from pixora.studio import Studio, StudioError

_STATUS = {"forbidden": 403, "task_not_found": 404, "not_found": 404, "unauthorized": 401}


def _error(code: str, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status or _STATUS.get(code, 400)
    )


def _studio(request: Request) -> Studio:
    return request.app.state.studio


class Refused(Exception):
    """Stops a handler with a ready error response (see `app.create_app`)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _user(request: Request) -> str:
    try:
        return authenticate(_studio(request).settings, request)
    except AuthError as err:
        raise Refused(_error("unauthorized", str(err))) from None


async def _task(request: Request, user_id: str) -> TaskContext:
    try:
        return await _studio(request).get_task(request.path_params["task_id"], user_id)
    except (StudioError, TaskNotFound) as exc:
        raise Refused(_client_error(exc)) from None


def _client_error(exc: Exception) -> JSONResponse:
    if isinstance(exc, TaskNotFound):
        return _error("task_not_found", str(exc))
    code = exc.code if isinstance(exc, StudioError) else "invalid_request"
    return _error(code, str(exc))


def task_summary(ctx: TaskContext) -> dict[str, Any]:
    """The short form of a task for lists: ids, title, stage, progress, version counts."""
    return {
        "task_id": ctx.task_id,
        "title": ctx.title,
        "stage": ctx.stage.value,
        "progress": ctx.progress.model_dump(mode="json"),
        "breakdown_version": ctx.breakdown.version if ctx.breakdown else None,
        "videos": len(ctx.videos),
        "created_at": ctx.created_at,
        "updated_at": ctx.updated_at,
    }


async def health(request: Request) -> Response:
    """`GET /health`: 200 `{"status": "ok", "queue": {queue_depth, jobs_in_progress,
    workers, worker_details}}` when Redis answers, else 503. `queue` is absent when this
    process runs generation in-process (an injected generate function)."""
    studio = _studio(request)
    body: dict[str, Any] = {"status": "ok"}
    try:
        await studio.store.redis.ping()
        queue = getattr(studio.runs, "queue", None)
        if queue is not None:
            body["queue"] = await queue.stats()
    except Exception as err:
        return JSONResponse({"status": "unavailable", "detail": str(err)}, status_code=503)
    return JSONResponse(body)


async def exchange_token(request: Request) -> Response:
    """`POST /api/auth/token` with `{"supabase_token": JWT}` or, with dev auth on,
    `{"username": NAME}`. Answers `{"access_token", "token_type": "bearer", "expires_in"
    (s), "user_id"}`."""
    settings = _studio(request).settings
    try:
        body = json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error("bad_json", "body must be JSON")
    if not isinstance(body, dict):
        return _error("bad_json", "body must be a JSON object")
    supabase_token = body.get("supabase_token")
    username = body.get("username")
    if isinstance(supabase_token, str) and supabase_token:
        try:
            user_id = verify_supabase_token(settings, supabase_token)
        except AuthError as err:
            return _error("unauthorized", str(err))
    elif isinstance(username, str) and username:
        if not settings.dev_auth:
            return _error("forbidden", "sign-in by user name is off (PIXORA_DEV_AUTH=false)")
        if not valid_username(username):
            return _error("invalid_request", "username: 1-128 of letters, digits, . _ @ -")
        user_id = username
    else:
        return _error("missing_field", "send 'supabase_token' or 'username'")
    return JSONResponse(
        {
            "access_token": issue_token(settings, user_id),
            "token_type": "bearer",
            "expires_in": settings.jwt_expiry_s,
            "user_id": user_id,
        }
    )


async def me(request: Request) -> Response:
    """`GET /api/me`: `{"user_id"}` of the token."""
    return JSONResponse({"user_id": _user(request)})


async def list_tasks(request: Request) -> Response:
    """`GET /api/tasks`: `{"tasks": [summary, ...]}`, newest first."""
    tasks = await _studio(request).list_tasks(_user(request))
    return JSONResponse({"tasks": [task_summary(t) for t in tasks]})


async def get_task(request: Request) -> Response:
    """`GET /api/tasks/{task_id}`: the TaskContext as JSON."""
    ctx = await _task(request, _user(request))
    return JSONResponse(ctx.model_dump(mode="json"))


def _version(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise Refused(_error("invalid_request", "version must be a positive integer"))
    return int(raw)


async def _file(request: Request, key: str, media_type: str | None = None) -> Response:
    try:
        path = await _studio(request).storage.fetch(key)
    except FileNotFoundError:
        return _error("not_found", f"no file {key!r}")
    return FileResponse(path, media_type=media_type, content_disposition_type="inline")


async def task_video(request: Request) -> Response:
    """`GET /api/tasks/{task_id}/video[?version=N]`: the final MP4 (latest version by
    default), with range requests."""
    user_id = _user(request)
    task_id = request.path_params["task_id"]
    try:
        key = await _studio(request).video_key(task_id, user_id, _version(request))
    except (StudioError, TaskNotFound) as exc:
        return _client_error(exc)
    return await _file(request, key, "video/mp4")


async def task_thumbnail(request: Request) -> Response:
    """`GET /api/tasks/{task_id}/thumbnail[?version=N]`: the JPEG poster of a final video."""
    ctx = await _task(request, _user(request))
    wanted = _version(request)
    videos = [v for v in ctx.videos if wanted is None or v.version == wanted]
    if not videos:
        return _error("not_found", "no such video version")
    return await _file(request, videos[-1].thumbnail_key, "image/jpeg")


async def task_captions(request: Request) -> Response:
    """`GET /api/tasks/{task_id}/captions.{srt|vtt}[?version=N]`: the captions of a final
    video (latest version by default)."""
    ctx = await _task(request, _user(request))
    wanted = _version(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("srt", "vtt"):
        return _error("not_found", "captions are captions.srt or captions.vtt")
    videos = [v for v in ctx.videos if wanted is None or v.version == wanted]
    key = (videos[-1].srt_key if fmt == "srt" else videos[-1].vtt_key) if videos else None
    if key is None:
        return _error("not_found", "no captions for that video version")
    return await _file(request, key, "text/vtt; charset=utf-8" if fmt == "vtt"
                       else "application/x-subrip; charset=utf-8")


async def task_file(request: Request) -> Response:
    """`GET /files/{key}`: a stored file of one of the user's tasks (key `<task_id>/...`)."""
    user_id = _user(request)
    key = request.path_params["key"]
    try:
        validate_key(key)
    except InvalidKey as err:
        return _error("invalid_request", str(err))
    task_id = key.split("/", 1)[0]
    try:
        await _studio(request).get_task(task_id, user_id)
    except (StudioError, TaskNotFound) as exc:
        return _client_error(exc)
    return await _file(request, key)
