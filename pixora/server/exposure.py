"""Settings a server may not run with once it is reachable from other machines.

Off loopback, `pixora serve` refuses the shipped JWT secret, an empty or short one, and
sign-in by bare user name. On loopback, the shipped (or an empty) secret is replaced by a
random one kept in `<data_dir>/jwt_secret` (mode 0600), so tokens survive a restart and every
server on that data directory shares it.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from pixora.config import ConfigError, Settings

log = logging.getLogger(__name__)

DEFAULT_JWT_SECRET = Settings.model_fields["jwt_secret"].default.get_secret_value()
MIN_SECRET_BYTES = 32
SECRET_FILE = "jwt_secret"


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or `localhost`) is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _weak(secret: str) -> bool:
    return secret == DEFAULT_JWT_SECRET or len(secret.encode()) < MIN_SECRET_BYTES


def _stored_secret(data_dir: Path) -> str:
    """The secret kept under `data_dir`, made (32 random bytes, hex) on first use."""
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def secure_settings(settings: Settings, host: str) -> Settings:
    """The settings to serve on `host` with.

    Raises:
        ConfigError: `host` is not loopback and the JWT secret is the shipped one, empty or
            under 32 bytes (set `PIXORA_JWT_SECRET`), or dev sign-in is on (set
            `PIXORA_DEV_AUTH=false`).
    """
    secret = settings.jwt_secret.get_secret_value()
    if not is_loopback(host):
        if _weak(secret):
            raise ConfigError(
                f"serving on {host} needs a JWT secret of your own: set PIXORA_JWT_SECRET to "
                f"at least {MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -hex 32`)")
        if settings.dev_auth:
            raise ConfigError(
                f"serving on {host} with sign-in by bare user name is unsafe: set "
                "PIXORA_DEV_AUTH=false (users sign in with Supabase tokens)")
        return settings
    if secret and secret != DEFAULT_JWT_SECRET:
        return settings
    path = settings.data_dir / SECRET_FILE
    log.warning("PIXORA_JWT_SECRET is not set: tokens are signed with a generated secret kept "
                "in %s (serving on loopback only)", path)
    return settings.model_copy(
        update={"jwt_secret": SecretStr(_stored_secret(settings.data_dir))})
