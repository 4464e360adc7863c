"""Bounded JSON decoding of client input (WebSocket frames, REST bodies): size, nesting
depth, number and string length are checked so no input can make the decoder recurse, build a
huge integer, or hold a huge string.

Limits apply to the raw text before any Python object is built (depth) and while it is built
(numbers); strings are checked on the decoded value.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

MAX_FRAME_BYTES = 64 * 1024
"""Largest accepted client frame, in bytes (UTF-8)."""
MAX_DEPTH = 16
"""Deepest nesting of objects and arrays in a frame (the frame object is level 1). Below the
event stream's own limit, so a command's params always fit in its `tool_call` event."""
MAX_NUMBER_CHARS = 32
"""Longest number literal, in characters (an int64 has at most 20)."""
MAX_STRING_CHARS = 20_000
"""Longest string value or object key, in characters (the longest chat message)."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
"""A string literal; the closing quote is optional so an unterminated one ends the scan
(linear time whatever the frame holds)."""
_NOT_BRACKET = re.compile(r"[^\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class FrameError(ValueError):
    """A frame breaks a limit or is not JSON; `code` is `frame_too_large` or `bad_json`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _text(raw: str | bytes) -> str:
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_FRAME_BYTES:
        raise FrameError("frame_too_large",
                         f"frame is {size} bytes; the limit is {MAX_FRAME_BYTES}")
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FrameError("bad_json", f"frame is not UTF-8: {err}") from None


def depth(text: str) -> int:
    """Deepest bracket nesting of JSON `text`, brackets inside strings not counted."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0)


def _number(literal: str) -> str:
    if len(literal) > MAX_NUMBER_CHARS:
        raise FrameError("bad_json", f"a number has over {MAX_NUMBER_CHARS} characters")
    return literal


def _int(literal: str) -> int:
    return int(_number(literal))


def _float(literal: str) -> float:
    value = float(_number(literal))
    if not math.isfinite(value):  # 1e400: events carry plain JSON only
        raise FrameError("bad_json", f"{literal} is out of range")
    return value


def _constant(name: str) -> float:
    raise FrameError("bad_json", f"{name} is not JSON")


def _check_strings(value: Any) -> None:
    """Refuse long strings or keys (recursion is bounded by `MAX_DEPTH`)."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise FrameError("frame_too_large",
                             f"a string has {len(value)} characters; the limit is "
                             f"{MAX_STRING_CHARS}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def decode(raw: str | bytes) -> Any:
    """The JSON value of one frame.

    Raises:
        FrameError: `frame_too_large` (over `MAX_FRAME_BYTES` bytes, or a string over
            `MAX_STRING_CHARS`), `bad_json` (not UTF-8, not JSON, nested deeper than
            `MAX_DEPTH`, a number over `MAX_NUMBER_CHARS`, NaN, Infinity, or a number too
            large for a float such as 1e400).
    """
    text = _text(raw)
    if depth(text) > MAX_DEPTH:
        raise FrameError("bad_json", f"frame nests deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except FrameError:
        raise
    except ValueError as err:  # JSONDecodeError, and int()'s digit limit
        raise FrameError("bad_json", f"frame is not valid JSON: {err}") from None
    _check_strings(value)
    return value
