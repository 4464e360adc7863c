"""Content hashes and atomic file writes, shared by every layer that caches or publishes files.

One hash for everything that is cached by its inputs (the pipeline's assets, the composer's
pieces and soundtracks): SHA-256, written as its first `HASH_CHARS` (16) hex characters, i.e.
64 bits. Each cache lives in one task (a task's assets, its composition cache), which holds at
most thousands of entries, so an accidental collision has odds of about 1e-12; a deliberate one
(about 2**32 tries) could only confuse its author's own task. 16 is also the length the
pipeline has always recorded as `Asset.inputs_hash`, so assets recorded before this helper
existed still match and are not made (and paid for) again. Short keys keep storage file names
and the TaskContext JSON readable.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HASH_CHARS = 16
"""Length of every content hash, in hex characters (64 bits; see the module docstring)."""


def content_hash(value: Any) -> str:
    """The hash (`HASH_CHARS` hex characters) of a JSON-able `value`: keys are sorted, so equal
    dicts hash alike; values JSON cannot encode are hashed by `str` (e.g. a `Path`)."""
    blob = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:HASH_CHARS]


def file_hash(path: Path) -> str:
    """The hash (`HASH_CHARS` hex characters) of the bytes of the file at `path`.

    Raises:
        OSError: the file cannot be read.
    """
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:HASH_CHARS]


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """A temporary path beside `dest` to write `dest`'s content to, renamed onto `dest` when
    the block ends without an exception (and removed if it raises), so `dest` is always either
    complete or as it was. The temporary name is hidden (a leading dot), unique per call, and
    keeps `dest`'s suffix, for writers that pick the format from it (Pillow, ffmpeg).

        with atomic_path(out) as part:
            part.write_bytes(data)
    """
    part = dest.with_name(f".{dest.stem}.{uuid.uuid4().hex[:8]}.part{dest.suffix}")
    try:
        yield part
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
