"""The Storage protocol, key validation, and the per-task key layout.

Keys are relative POSIX paths such as `3f2a9c/scene_2/image/scene_image.png`:

    <task_id>/scene_<N>/image/scene_image.png
    <task_id>/scene_<N>/video/motion.mp4
    <task_id>/scene_<N>/audio/narration.wav
    <task_id>/characters/<id>.png
    <task_id>/music/background_<N>.wav
    <task_id>/final/v<N>.mp4, final/v<N>.jpg

The composer keeps its cache of rendered pieces under `<task_id>/cache/` in the working tree.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Protocol

_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_PART_CHARS = 255
"""Longest part of a key (a file or folder name on most filesystems)."""


class InvalidKey(ValueError):
    """A storage key is absolute, climbs out with `..`, or has unsafe characters."""


def validate_key(key: str) -> str:
    """Return `key` if it is a safe relative path.

    Raises:
        InvalidKey: the key is empty, absolute, contains `..`, has characters outside
            `[A-Za-z0-9._-]` in any part, or a part over `MAX_PART_CHARS`.
    """
    path = PurePosixPath(key)
    if not key or path.is_absolute() or key.startswith(("/", "\\")):
        raise InvalidKey(f"storage key {key!r} must be a relative path")
    for part in path.parts:
        if part in ("..", ".") or not _SAFE.match(part) or len(part) > MAX_PART_CHARS:
            raise InvalidKey(f"storage key {key!r} has an unsafe part {part!r}")
    return key


class Storage(Protocol):
    """Where a task's files are kept and served from.

    Generation always works on local files under `work_dir`; `publish` makes a finished
    file durable in the backend and `url` gives clients a link to it.
    """

    name: str

    def local_path(self, key: str) -> Path:
        """The local working path for `key` (parents created). Raises InvalidKey."""
        ...

    async def publish(self, key: str) -> None:
        """Make the local file at `key` durable in the backend."""
        ...

    async def fetch(self, key: str) -> Path:
        """Ensure the file for `key` is present locally and return its path.

        Raises:
            FileNotFoundError: the backend has no such file.
        """
        ...

    async def url(self, key: str, expires_s: int = 3600) -> str:
        """A URL a client can load the file from."""
        ...


def scene_dir(task_id: str, index: int) -> str:
    return f"{task_id}/scene_{index}"


def key_for(task_id: str, what: str, *, scene: int | None = None, name: str = "") -> str:
    """The storage key of one of a task's files (see the module docstring for the layout)."""
    layout = {
        "image": "{scene}/image/scene_image.png",
        "motion": "{scene}/video/motion.mp4",
        "narration": "{scene}/audio/narration.wav",
        "character": "{task}/characters/{name}.png",
        "music": "{task}/music/background_{name}.wav",
        "video": "{task}/final/v{name}.mp4",
        "thumbnail": "{task}/final/v{name}.jpg",
        "captions_srt": "{task}/captions/v{name}.srt",
        "captions_vtt": "{task}/captions/v{name}.vtt",
    }
    sdir = scene_dir(task_id, scene) if scene is not None else ""
    return validate_key(layout[what].format(task=task_id, scene=sdir, name=name))
