"""Local filesystem storage: the working tree is the store."""

from __future__ import annotations

from pathlib import Path

from pixora.storage.base import validate_key


class LocalStorage:
    """Files under `root`, laid out by key. URLs are server paths under `/files/`."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def local_path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    async def publish(self, key: str) -> None:
        if not self.local_path(key).is_file():
            raise FileNotFoundError(f"no file for storage key {key!r}")

    async def fetch(self, key: str) -> Path:
        path = self.local_path(key)
        if not path.is_file():
            raise FileNotFoundError(f"no file for storage key {key!r}")
        return path

    async def url(self, key: str, expires_s: int = 3600) -> str:
        return f"/files/{validate_key(key)}"
