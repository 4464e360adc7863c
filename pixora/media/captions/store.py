"""Captions in a task's storage: the narration's word timings as recorded with its asset, and
the SRT/VTT files of each video version (`<task>/captions/vN.srt`, `.vtt`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from pixora.context.models import Asset
from pixora.media.captions.cues import Cue
from pixora.media.captions.files import to_srt, to_vtt
from pixora.media.captions.words import Word, estimate_file_words
from pixora.storage.base import Storage, key_for


async def narration_words(asset: Asset, text: str, path: Path) -> tuple[Word, ...]:
    """The words of narration `asset` (script `text`, audio at `path`): those recorded with the
    asset, or, for an asset made before word timings were recorded, estimated from its audio
    (`estimate_words`) without synthesizing it again."""
    if asset.words:
        return tuple(Word(t, a, b) for t, a, b in asset.words)
    return tuple(await asyncio.to_thread(estimate_file_words, text, path))


async def write_captions(
    storage: Storage, task_id: str, version: int, cues: Sequence[Cue]
) -> tuple[str | None, str | None]:
    """Store video `version`'s captions as SRT and WebVTT and return their storage keys
    (None, None without cues)."""
    if not cues:
        return None, None
    keys = (key_for(task_id, "captions_srt", name=str(version)),
            key_for(task_id, "captions_vtt", name=str(version)))
    for key, text in zip(keys, (to_srt(cues), to_vtt(cues)), strict=True):
        path = storage.local_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        await storage.publish(key)
    return keys
