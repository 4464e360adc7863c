"""Caption files: SubRip (.srt) and WebVTT (.vtt) from cues."""

from __future__ import annotations

from collections.abc import Sequence

from pixora.media.captions.cues import Cue


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _clean(line: str) -> str:
    return line.replace("-->", "→").strip()


def to_srt(cues: Sequence[Cue]) -> str:
    """SubRip text: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, blank-line separated."""
    blocks = []
    for n, c in enumerate(cues, start=1):
        text = "\n".join(_clean(x) for x in c.lines)
        blocks.append(f"{n}\n{_stamp(c.start_s, ',')} --> {_stamp(c.end_s, ',')}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text (`WEBVTT` header, `HH:MM:SS.mmm` times; & < > escaped)."""
    blocks = ["WEBVTT\n"]
    for n, c in enumerate(cues, start=1):
        text = "\n".join(_clean(x).replace("&", "&amp;").replace("<", "&lt;")
                         .replace(">", "&gt;") for x in c.lines)
        blocks.append(f"{n}\n{_stamp(c.start_s, '.')} --> {_stamp(c.end_s, '.')}\n{text}\n")
    return "\n".join(blocks)
