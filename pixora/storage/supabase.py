"""Supabase Storage as the durable store, with the local working tree as its cache.

Generation works on local files under `settings.tasks_dir` (as with `LocalStorage`);
`publish` uploads a file to the bucket `settings.supabase_bucket` under `tasks/<key>`,
`fetch` downloads it when it is not present locally, and `url` returns a signed URL.
Calls go through the official `supabase` client (storage3) and are retried on HTTP
408/409/425/429/5xx and network errors with the same backoff as the media providers.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
from storage3.exceptions import StorageApiError
from supabase import AsyncClient, AsyncClientOptions
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from pixora.config import Settings
from pixora.context.files import atomic_path
from pixora.net.errors import ProviderError, TransientError
from pixora.net.retry import RetryPolicy, error_for_status, is_retryable_status, redact, short
from pixora.storage.base import validate_key
from pixora.storage.local import LocalStorage

NAME = "supabase"
PREFIX = "tasks"
T = TypeVar("T")


class StorageError(ProviderError):
    """Supabase Storage refused or failed an operation (after retries)."""


class SupabaseStorage:
    """`Storage` backed by a Supabase Storage bucket.

    Object keys are `tasks/<key>` in bucket `settings.supabase_bucket`; local copies live
    under `root` (default `settings.tasks_dir`).

    Raises (from `publish`, `fetch`, `url`):
        InvalidKey: the key is not a safe relative path.
        FileNotFoundError: `publish` of a missing local file; `fetch` of an object the
            bucket does not have.
        StorageError: any other failure; the message never contains the key.
    """

    name = NAME

    def __init__(self, settings: Settings, root: Path | None = None) -> None:
        if not settings.supabase_url or settings.supabase_key is None:
            raise ProviderError(NAME, "SUPABASE_URL and SUPABASE_KEY must both be set")
        self._secret = settings.supabase_key.get_secret_value()
        self._local = LocalStorage(root or settings.tasks_dir)
        self._policy = RetryPolicy.from_settings(settings)
        http = httpx.AsyncClient(
            timeout=settings.provider_timeout_s, follow_redirects=True,
            event_hooks={"response": [self._raise_retryable]},
        )
        client = AsyncClient(
            settings.supabase_url, self._secret, AsyncClientOptions(httpx_client=http)
        )
        self.bucket = settings.supabase_bucket
        self._bucket = client.storage.from_(self.bucket)

    @staticmethod
    def object_key(key: str) -> str:
        """The bucket object name of a storage key: `tasks/<key>`."""
        return f"{PREFIX}/{validate_key(key)}"

    def local_path(self, key: str) -> Path:
        return self._local.local_path(key)

    async def publish(self, key: str) -> None:
        """Upload the local file at `key` (replacing any earlier upload)."""
        path = self.local_path(key)
        if not path.is_file():
            raise FileNotFoundError(f"no file for storage key {key!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        await self._call(lambda: self._bucket.upload(
            self.object_key(key), path.read_bytes(),
            {"content-type": content_type, "upsert": "true"},
        ), key)

    async def fetch(self, key: str) -> Path:
        """The local path of `key`, downloading the object first when it is not there
        (folders are made only for an object that exists)."""
        try:
            return await self._local.fetch(key)
        except FileNotFoundError:
            pass
        data = await self._call(lambda: self._bucket.download(self.object_key(key)), key)
        path = self.local_path(key)
        with atomic_path(path) as part:
            part.write_bytes(data)
        return path

    async def url(self, key: str, expires_s: int = 3600) -> str:
        """A signed URL for the object, valid for `expires_s` seconds."""
        signed = await self._call(
            lambda: self._bucket.create_signed_url(self.object_key(key), expires_s), key
        )
        link = signed.get("signedURL") or signed.get("signedUrl")
        if not link:
            raise StorageError(NAME, f"no signed URL returned for {key!r}")
        return str(link)

    async def _raise_retryable(self, response: httpx.Response) -> None:
        if is_retryable_status(response.status_code):
            body = (await response.aread()).decode(errors="replace")
            raise error_for_status(NAME, response.status_code, response.headers, body,
                                   [self._secret])

    async def _call(self, op: Callable[[], Awaitable[T]], key: str) -> T:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._policy.attempts),
            wait=self._policy.wait,
            retry=retry_if_exception_type(TransientError),
            reraise=True,
        )
        try:
            return await retrying(_attempt, op)
        except TransientError as err:
            raise StorageError(NAME, f"{key!r}: {err.reason}") from None
        except StorageApiError as err:
            message = short(redact(str(err.message), [self._secret]))
            if str(err.status) == "404" or "not found" in message.lower():
                raise FileNotFoundError(f"no object for storage key {key!r}") from None
            raise StorageError(NAME, f"{key!r}: HTTP {err.status}: {message}") from None


async def _attempt(op: Callable[[], Awaitable[T]]) -> T:
    try:
        return await op()
    except httpx.TimeoutException:
        raise TransientError(NAME, "timed out") from None
    except httpx.TransportError as err:
        raise TransientError(NAME, f"network error ({type(err).__name__})") from None
