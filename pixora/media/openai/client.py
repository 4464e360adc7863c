"""The OpenAI SDK client for media calls, and how its errors map onto Pixora's."""

from __future__ import annotations

import openai

from pixora.config import Settings
from pixora.media.protocols import ContentPolicyError, ProviderError
from pixora.net.errors import TransientError
from pixora.net.retry import error_for_status, redact, short

NAME = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
POLICY_CODES = frozenset({"content_policy_violation", "moderation_blocked"})


def make_client(settings: Settings) -> tuple[openai.AsyncOpenAI, str]:
    """An `AsyncOpenAI` client with the SDK's own retries off (Pixora retries) and its key.

    The endpoint is `settings.openai_media_base_url`, else api.openai.com: OPENAI_BASE_URL
    is the agents' text-model server and may not serve images or speech.

    Raises:
        ProviderError: OPENAI_API_KEY is not set.
    """
    if settings.openai_api_key is None:
        raise ProviderError(NAME, "OPENAI_API_KEY is not set")
    key = settings.openai_api_key.get_secret_value()
    client = openai.AsyncOpenAI(
        api_key=key,
        base_url=settings.openai_media_base_url or DEFAULT_BASE_URL,
        timeout=settings.provider_timeout_s,
        max_retries=0,
    )
    return client, key


def map_error(err: openai.OpenAIError, key: str, rephrase: str) -> ProviderError:
    """Pixora's error for an OpenAI SDK error; `rephrase` tells the agent what to change."""
    if isinstance(err, openai.APITimeoutError):
        return TransientError(NAME, "timed out")
    if isinstance(err, openai.APIConnectionError):
        return TransientError(NAME, "network error")
    if isinstance(err, openai.APIStatusError):
        body = err.body if isinstance(err.body, dict) else {}
        detail = str(body.get("message") or err.response.text)
        if err.code in POLICY_CODES or "safety system" in detail.lower():
            return ContentPolicyError(
                NAME,
                f"refused by OpenAI's content policy ({short(redact(detail, [key]), 160)}); "
                f"{rephrase}",
            )
        return error_for_status(NAME, err.status_code, err.response.headers, detail, [key])
    return ProviderError(NAME, f"unexpected response ({type(err).__name__})")
