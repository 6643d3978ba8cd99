"""Running blocking database work from asyncio without stalling the event loop.

Writes go to one dedicated thread, in submission order: SQLite admits one writer at a time
anyway, a single writer never waits on a lock held by another of ours, and commands from
one connection are committed in the order they arrived. Reads go to a small pool of their
own, so a slow report query never delays a dispatcher's move.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class DbRunner:
    """Executors for database work; one per backend process.

    Args:
        readers: Threads for reads (each holds at most one pooled connection).

    Use ``await runner.write(service.move, case_id, move, actor)``; close with
    :meth:`close` (or ``async with``) when the server stops.
    """

    def __init__(self, *, readers: int = 2) -> None:
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-write")
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="db-read")

    async def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on the writer thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, functools.partial(fn, *args, **kwargs))

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on a reader thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued work and stop the threads."""
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)

    async def __aenter__(self) -> DbRunner:
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Waiting for the threads blocks; do it off the loop as well.
        await asyncio.get_running_loop().run_in_executor(None, self.close)
