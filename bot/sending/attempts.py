"""Write "this row is being sent" before its call is made, for many rows in one statement.

What a crash leaves ``sending`` becomes "unknown" and is reported; what it leaves merely
claimed is sent again. So the mark must be durable before the call, and it is written for
all the rows that reached the front at about the same moment: each waits for the statement
that carries it (a group commit), never for one per row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

Write = Callable[[Sequence[int]], Awaitable[None]]


class Attempts:
    """Batches ``sending`` marks; :meth:`mark` returns once the row's mark is committed."""

    def __init__(self, write: Write) -> None:
        self._write = write
        self._waiting: list[int] = []
        self._batch: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None

    async def mark(self, row_id: int) -> None:
        """Mark one row; raises what the write raised (then the row was not marked)."""
        if self._batch is None:
            self._batch = asyncio.get_running_loop().create_future()
        batch = self._batch
        self._waiting.append(row_id)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._flush())
        await asyncio.shield(batch)

    async def _flush(self) -> None:
        """Write batches until nobody waits; rows arriving during a write join the next."""
        while self._waiting:
            ids, self._waiting = self._waiting, []
            batch, self._batch = self._batch, None
            assert batch is not None
            try:
                await self._write(ids)
            except Exception as exc:
                batch.set_exception(exc)
            else:
                batch.set_result(None)
