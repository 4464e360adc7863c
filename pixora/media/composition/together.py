"""Awaiting several coroutines at once while failing as a sequence of them would."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def all_of(aws: Iterable[Awaitable[T]]) -> list[T]:
    """The results of `aws`, run at once, in the order given.

    Raises:
        BaseException: the exception of the first of `aws` (in the order given) that raised
            one, once every one of them has finished.
    """
    done = await asyncio.gather(*aws, return_exceptions=True)
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return done  # type: ignore[return-value]
