"""Errors of cloud services (media providers, storage), with messages safe to show users."""

from __future__ import annotations


class ProviderError(RuntimeError):
    """A provider failed to produce its result (after its own retries)."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class ContentPolicyError(ProviderError):
    """The provider refused the prompt on content-policy grounds; rephrase, don't retry."""


class TransientError(ProviderError):
    """A failure worth retrying: HTTP 408/409/425/429/5xx, a timeout, a dropped connection.

    `reason` is short ("HTTP 500", "timed out"); `retry_after_s` is the server's wait hint.
    """

    def __init__(
        self, provider: str, reason: str, *, status: int | None = None,
        retry_after_s: float | None = None, detail: str = "",
    ) -> None:
        super().__init__(provider, f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s
