"""Pixora settings, read from the environment and `.env`.

Every variable is prefixed `PIXORA_` except the well-known provider keys
(`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `FAL_KEY`, `REPLICATE_API_TOKEN`, `SUPABASE_URL`,
`SUPABASE_KEY`, `SUPABASE_JWT_SECRET`) and `REDIS_URL`, which keep their usual names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderChoice = Literal["auto", "local", "openai", "fal", "replicate"]
StorageChoice = Literal["auto", "local", "supabase"]


class ConfigError(ValueError):
    """A setting has an invalid value; the message names the environment variable."""


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """All of Pixora's configuration. Units are in the field names or descriptions."""

    model_config = SettingsConfigDict(
        env_prefix="PIXORA_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(Path(".pixora"), description="Where tasks, assets and Redis data live.")
    redis_max_connections: int = Field(
        64, ge=4, le=10_000, description="Redis connections one process opens at most.",
    )
    redis_url: str | None = Field(
        None, validation_alias=_alias("REDIS_URL", "PIXORA_REDIS_URL"),
        description="A Redis server; unset starts an embedded one under data_dir.",
    )

    # Agents
    model: str = Field("auto", description="auto | offline | openai:NAME | compatible:NAME")
    openai_api_key: SecretStr | None = Field(None, validation_alias=_alias("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_alias("OPENAI_BASE_URL"))
    openai_model: str = Field("gpt-4.1", description="Text model for the agents.")
    roster: Path | None = Field(
        None, description="A user's own agents.yaml; unset: the roster shipped in the package."
    )

    # Media providers, per capability
    image_provider: ProviderChoice = "auto"
    motion_provider: ProviderChoice = "auto"
    speech_provider: ProviderChoice = "auto"
    music_provider: ProviderChoice = "auto"
    storage_provider: StorageChoice = "auto"
    fal_key: SecretStr | None = Field(None, validation_alias=_alias("FAL_KEY"))
    replicate_api_token: SecretStr | None = Field(
        None, validation_alias=_alias("REPLICATE_API_TOKEN")
    )
    supabase_url: str | None = Field(None, validation_alias=_alias("SUPABASE_URL"))
    supabase_key: SecretStr | None = Field(None, validation_alias=_alias("SUPABASE_KEY"))
    supabase_jwt_secret: SecretStr | None = Field(
        None, validation_alias=_alias("SUPABASE_JWT_SECRET")
    )
    supabase_bucket: str = "pixora"
    provider_timeout_s: float = Field(120.0, gt=0, description="Per HTTP request.")
    provider_retries: int = Field(3, ge=0, le=10, description="Retries after the first attempt.")
    provider_concurrency: int = Field(4, ge=1, le=64)
    provider_retry_base_s: float = Field(1.0, gt=0, description="First backoff wait.")
    provider_retry_max_s: float = Field(30.0, gt=0, description="Longest backoff wait.")
    provider_rate_per_min: float = Field(60.0, gt=0, description="Calls per minute per provider.")
    provider_poll_s: float = Field(2.0, gt=0, description="Queue status polling interval.")
    provider_job_timeout_s: float = Field(900.0, gt=0, description="Longest wait for a queued job.")
    openai_media_base_url: str | None = Field(
        None, description="OpenAI-compatible images/speech endpoint; unset: api.openai.com."
    )
    fal_base_url: str | None = Field(
        None, validation_alias=_alias("FAL_BASE_URL", "PIXORA_FAL_BASE_URL"),
        description="Send fal's queue and storage hosts here instead (a gateway or proxy).",
    )
    replicate_base_url: str | None = Field(
        None, validation_alias=_alias("REPLICATE_BASE_URL", "PIXORA_REPLICATE_BASE_URL")
    )
    task_budget_usd: float = Field(5.0, ge=0, description="Per-task spending cap on cloud calls.")

    # Composition
    fps: Literal[24, 30] = 30
    transition_s: float = Field(0.5, gt=0, le=2)
    loudness_lufs: float = Field(-14.0, ge=-40, le=-5, description="Integrated loudness target.")
    music_level_db: float = Field(-14.0, ge=-40, le=0, description="Music bed gain under voice.")
    scene_jobs: int = Field(2, ge=1, le=32, description="Scenes made at once.")

    # Generation queue (arq)
    workers: Literal["embedded", "external"] = Field(
        "embedded", description="embedded: serve/create/chat run a queue worker in-process; "
        "external: they only enqueue, `pixora worker` processes run the jobs.",
    )
    worker_concurrency: int = Field(4, ge=1, le=256, description="Jobs one worker runs at once.")
    job_recovery_s: float = Field(
        60.0, ge=2, description="A job whose worker died is run again within this (s).",
    )
    job_timeout_s: float = Field(3600.0, gt=0, description="Longest one generation job runs.")

    # Server
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    jwt_secret: SecretStr = Field(
        SecretStr("pixora-dev-secret-change-me-0123456789"),
        description="HS256 secret for the app's own tokens (at least 32 bytes).",
    )
    jwt_expiry_s: int = Field(3600, ge=60)
    dev_auth: bool = Field(True, description="Allow sign-in with a bare user name.")
    rate_tasks: str = Field("30/minute;300/day", description="Tasks one user may create, as "
                            "`limits` rates (`N/second|minute|hour|day`, `;`-separated).")
    rate_messages: str = Field("60/minute", description="Chat messages, commands, approvals "
                               "and cancels one user may send, across all sockets and servers.")
    rate_sign_in: str = Field("30/minute", description="POST /api/auth/token calls per client "
                              "address.")
    max_sockets: int = Field(20, ge=1, le=10_000, description="Sockets one user may hold open.")
    ws_deflate: bool = Field(False, description="Accept permessage-deflate on the chat socket "
                             "when the client offers it. Each frame is then compressed once per "
                             "socket, about a third of the server's CPU per frame sent; frames "
                             "are small JSON.")

    @field_validator("rate_tasks", "rate_messages", "rate_sign_in")
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise ValueError("expected rates like '30/minute' or '5/second;100/hour'") from None
        return value

    @property
    def tasks_dir(self) -> Path:
        return self.data_dir / "tasks"


def _explain(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        field = str(e["loc"][0]) if e["loc"] else "?"
        info = Settings.model_fields.get(field)
        alias = info.validation_alias if info else None
        if isinstance(alias, AliasChoices):
            var = str(alias.choices[0])
        else:
            var = f"PIXORA_{field.upper()}"
        lines.append(f"{var}: {e['msg']} (got {e.get('input')!r})")
    return "; ".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment.

    Raises:
        ConfigError: a variable has an invalid value; the message names it.
    """
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError(_explain(err)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
