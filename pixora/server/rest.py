"""HTTP endpoints: health, token exchange, tasks, videos and task files.

Every `/api/tasks` and `/files` route needs an app token (`Authorization: Bearer` or a
`?token=` query, the latter for media elements). Errors are JSON
`{"error": {"code", "message"}}` with 400, 401, 403, 404, 413, 414, 415 or 416; bad input
never answers 500. Videos and files are served with HTTP range requests (RFC 9110 §14:
`Range: bytes=a-b` answers 206 with Content-Range).
"""

from __future__ import annotations

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
from pixora.server.frames import MAX_FRAME_BYTES, FrameError, decode
from pixora.server.ratelimit import RateLimited
from pixora.storage.base import InvalidKey, validate_key
from pixora.studio import Studio, StudioError

_STATUS = {"forbidden": 403, "task_not_found": 404, "not_found": 404, "unauthorized": 401,
           "body_too_large": 413, "uri_too_long": 414, "unsupported_media_type": 415}
MAX_BODY_BYTES = MAX_FRAME_BYTES
"""Largest JSON request body, in bytes (64 KiB); larger answers 413."""
MAX_TASK_ID_CHARS = 64
MAX_KEY_CHARS = 1024
"""Longest `/files/` key, in characters; longer answers 414."""
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


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


def _task_id(request: Request) -> str:
    task_id: str = request.path_params["task_id"]
    if len(task_id) > MAX_TASK_ID_CHARS:
        raise Refused(_error("task_not_found", "no such task"))
    return task_id


async def _task(request: Request, user_id: str) -> TaskContext:
    try:
        return await _studio(request).get_task(_task_id(request), user_id)
    except (StudioError, TaskNotFound) as exc:
        raise Refused(_client_error(exc)) from None


def _count(raw: str, name: str, top: int) -> int:
    """A query value that must be an integer 1..`top`.

    Raises:
        Refused: 400 otherwise.
    """
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= top):
        raise Refused(_error("invalid_request", f"{name} must be an integer 1-{top}"))
    return int(raw)


async def _json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body, read up to `MAX_BODY_BYTES` and decoded under the same
    limits as WebSocket frames (`pixora.server.frames`).

    Raises:
        Refused: 415 (not `application/json`), 413 (over the size limit, or a string over
            the string limit), 400 (not a JSON object).
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise Refused(_error("unsupported_media_type", "send Content-Type: application/json"))
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Refused(_error("body_too_large", f"the body limit is {MAX_BODY_BYTES} bytes"))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Refused(_error("body_too_large", f"the body limit is {MAX_BODY_BYTES} bytes"))
    try:
        value = decode(body)
    except FrameError as err:
        code = "body_too_large" if err.code == "frame_too_large" else "bad_json"
        raise Refused(_error(code, str(err))) from None
    if not isinstance(value, dict):
        raise Refused(_error("bad_json", "body must be a JSON object"))
    return value


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
        await request.app.state.limits.hit("sign_in", request.client.host if request.client
                                           else "unknown")
    except RateLimited as err:
        response = _error("rate_limited", str(err), 429)
        response.headers["Retry-After"] = str(err.retry_after_s)
        return response
    body = await _json_body(request)
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
    """`GET /api/tasks[?limit=N&cursor=C]`: `{"tasks": [summary, ...], "next_cursor"}`, newest
    first, at most `limit` (1-100, default 50) a page; `next_cursor` (null on the last page)
    gives the next page as `cursor`."""
    user_id = _user(request)
    limit = _count(request.query_params.get("limit", str(PAGE_SIZE)), "limit", MAX_PAGE_SIZE)
    cursor = request.query_params.get("cursor") or None
    if cursor is not None and len(cursor) > MAX_TASK_ID_CHARS:
        return _error("invalid_request", "cursor is not a cursor this list gave out")
    try:
        tasks, after = await _studio(request).list_tasks(user_id, limit, cursor)
    except StudioError as exc:
        return _client_error(exc)
    return JSONResponse({"tasks": [task_summary(t) for t in tasks], "next_cursor": after})


async def get_task(request: Request) -> Response:
    """`GET /api/tasks/{task_id}`: the TaskContext as JSON."""
    ctx = await _task(request, _user(request))
    return JSONResponse(ctx.model_dump(mode="json"))


def _version(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw is None:
        return None
    return _count(raw, "version", 10**9)


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
    task_id = _task_id(request)
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
    """`GET /files/{key}`: a stored file of one of the user's tasks (key `<task_id>/...`).
    Keys over `MAX_KEY_CHARS` answer 414."""
    user_id = _user(request)
    key = request.path_params["key"]
    if len(key) > MAX_KEY_CHARS:
        return _error("uri_too_long", f"file keys are at most {MAX_KEY_CHARS} characters")
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
