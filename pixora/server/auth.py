"""Authentication: the app's own HS256 JWTs, and Supabase JWTs exchanged for them.

App tokens (RFC 7519, signed HS256 with `settings.jwt_secret`) carry `sub` (the user id),
`iat`, `exp` (after `settings.jwt_expiry_s` seconds) and `iss: "pixora"`. Supabase access
tokens are verified with `settings.supabase_jwt_secret` (HS256, audience `authenticated`).
Only HS256 is ever accepted, so `alg: none` and algorithm switching are refused.
"""

from __future__ import annotations

import re
import time

import jwt
from starlette.requests import HTTPConnection

from pixora.config import Settings

ALGORITHMS = ["HS256"]
ISSUER = "pixora"
_USER_ID = re.compile(r"^[A-Za-z0-9._@-]{1,128}$")


class AuthError(Exception):
    """A token is missing, malformed, expired, wrongly signed or not acceptable."""


def _user_id(sub: object) -> str:
    if not isinstance(sub, str) or not _USER_ID.match(sub):
        raise AuthError("token subject is not a valid user id")
    return sub


def valid_username(name: str) -> bool:
    """Whether `name` can be a user id (1-128 of `[A-Za-z0-9._@-]`)."""
    return bool(_USER_ID.match(name))


def issue_token(settings: Settings, user_id: str) -> str:
    """A signed app token for `user_id`, valid for `settings.jwt_expiry_s` seconds.

    Raises:
        AuthError: `user_id` is not a valid user id.
    """
    now = int(time.time())
    claims = {
        "sub": _user_id(user_id),
        "iat": now,
        "exp": now + settings.jwt_expiry_s,
        "iss": ISSUER,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def verify_token(settings: Settings, token: str) -> str:
    """The user id of a valid app token.

    Raises:
        AuthError: the token is malformed, expired, not HS256, or not signed with
            `settings.jwt_secret`.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=ALGORITHMS,
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
    except jwt.PyJWTError as err:
        raise AuthError(f"invalid token: {err}") from None
    return _user_id(claims["sub"])


def verify_supabase_token(settings: Settings, token: str) -> str:
    """The user id (`sub`) of a valid Supabase access token.

    Raises:
        AuthError: Supabase auth is not configured (`SUPABASE_JWT_SECRET` unset), or the
            token is malformed, expired, not HS256, wrongly signed or not for audience
            `authenticated`.
    """
    if settings.supabase_jwt_secret is None:
        raise AuthError("Supabase sign-in is not configured (SUPABASE_JWT_SECRET is unset)")
    try:
        claims = jwt.decode(
            token,
            settings.supabase_jwt_secret.get_secret_value(),
            algorithms=ALGORITHMS,
            audience="authenticated",
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.PyJWTError as err:
        raise AuthError(f"invalid Supabase token: {err}") from None
    return _user_id(claims["sub"])


SUBPROTOCOL = "pixora"
"""The WebSocket subprotocol the server selects when a client offers it."""
BEARER_SUBPROTOCOL = "pixora.bearer."
"""Prefix of the subprotocol that carries a token: `pixora.bearer.<jwt>` (a JWT is made of
characters a subprotocol name may hold)."""


def subprotocol_token(conn: HTTPConnection) -> str | None:
    """The token of a WebSocket's `Sec-WebSocket-Protocol: pixora.bearer.<jwt>`, if offered."""
    for offered in conn.scope.get("subprotocols") or []:
        if offered.startswith(BEARER_SUBPROTOCOL) and len(offered) > len(BEARER_SUBPROTOCOL):
            return offered[len(BEARER_SUBPROTOCOL):]
    return None


def request_token(conn: HTTPConnection) -> str | None:
    """The token of a request: `Authorization: Bearer ...` first, then a WebSocket's
    `pixora.bearer.<jwt>` subprotocol, then the `token` query."""
    header = conn.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return subprotocol_token(conn) or conn.query_params.get("token") or None


def authenticate(settings: Settings, conn: HTTPConnection) -> str:
    """The user id of the request's app token.

    Raises:
        AuthError: no token, or the token is not valid (see `verify_token`).
    """
    token = request_token(conn)
    if token is None:
        raise AuthError("missing token")
    return verify_token(settings, token)
