"""Group commit: many concurrent writers, one statement and one fsync for all of them.

Under load (a busy list, a Zoom assembly where hundreds join at once) each message waiting for its
own transaction would queue behind the others' round trips to the database thread. A Batcher lets
whoever arrives while a write is in flight join the next one. Every caller still gets its answer
only after the statement holding its row has committed: "acknowledged only once durably stored"
holds per message (PRODUCT.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """Collects items and hands them to `flush` in batches; `flush` returns one result per item."""

    def __init__(
        self, flush: Callable[[list[Item]], Awaitable[list[Result]]], max_batch: int = 100
    ) -> None:
        self._flush = flush
        self.max_batch = max_batch
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        # Let the loop run the other callbacks already ready (posts finishing on other
        # connections) so they join this batch: no timer, no added wait beyond one loop turn.
        await asyncio.sleep(0)
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            await self._write(batch)

    async def _write(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
        except Exception as exc:  # nothing of the batch was stored: every caller may retry
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # a caller that went away: its row is stored all the same
                future.set_result(result)
