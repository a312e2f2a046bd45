"""Write transactions on the one shared connection.

Handlers run concurrently on one event loop and share one aiosqlite connection; a lock per
connection keeps one coroutine's BEGIN..COMMIT from swallowing another's statements. BEGIN IMMEDIATE
takes SQLite's write lock at once, so a locked database fails here, before anything is promised.
What must happen only once the data is durable (waking the outbox delivery) waits for the COMMIT:
`after_commit`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

import aiosqlite

_locks: WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = WeakKeyDictionary()
_after_commit: WeakKeyDictionary[aiosqlite.Connection, list[Callable[[], None]]] = (
    WeakKeyDictionary()
)


def write_lock(conn: aiosqlite.Connection) -> asyncio.Lock:
    """Held by every writer: a transaction, or one autocommit statement (bot/store/batching)."""
    return _locks.setdefault(conn, asyncio.Lock())


@asynccontextmanager
async def transaction(conn: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """Commit when the block ends, roll back when it raises; the COMMIT is durable on return."""
    async with write_lock(conn):
        await conn.execute("BEGIN IMMEDIATE")
        callbacks = _after_commit.setdefault(conn, [])
        callbacks.clear()
        try:
            yield conn
        except BaseException:
            callbacks.clear()
            await conn.execute("ROLLBACK")
            raise
        try:
            await conn.execute("COMMIT")
        except BaseException:
            callbacks.clear()
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        due, callbacks[:] = list(callbacks), []
        for callback in due:
            callback()


def after_commit(conn: aiosqlite.Connection, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction has committed (never if it rolls back); at
    once when no transaction is open, the statement having been committed on its own."""
    if conn.in_transaction:
        _after_commit.setdefault(conn, []).append(callback)
    else:
        callback()
