"""Keep tokens out of the server's logs: uvicorn logs a WebSocket's path with its query
string, which may carry `?token=`."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"((?:access_|supabase_)?token=)[^&\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"(bearer[ .])[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
"""The loggers uvicorn writes to (request paths included)."""


def redact(text: str) -> str:
    """`text` with every `token=VALUE` query item and bearer credential replaced by
    `[redacted]`."""
    return _BEARER.sub(r"\1[redacted]", _TOKEN.sub(r"\1[redacted]", text))


class RedactTokens(logging.Filter):
    """Rewrites a record's message with `redact` (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install() -> None:
    """Add `RedactTokens` to uvicorn's loggers (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
