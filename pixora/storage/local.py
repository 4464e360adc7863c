"""Local filesystem storage: the working tree is the store."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

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
        """The file of `key`, creating nothing (no folders on a read).

        Raises:
            FileNotFoundError: no regular file there, or its path resolves (through a symlink)
                outside the key's task folder (its first part).
            InvalidKey: see `validate_key`.
        """
        path = self.root / validate_key(key)
        folder = (self.root / PurePosixPath(key).parts[0]).resolve()
        try:
            real = path.resolve()
            found = real.is_relative_to(folder) and real.is_file()
        except (OSError, RuntimeError):  # a name too long; a loop of links (RuntimeError)
            found = False
        if not found:
            raise FileNotFoundError(f"no file for storage key {key!r}")
        return real

    async def url(self, key: str, expires_s: int = 3600) -> str:
        return f"/files/{validate_key(key)}"
