"""Write transactions on the one shared connection.

Handlers run concurrently on one event loop and share one aiosqlite connection; a lock per
connection keeps one coroutine's BEGIN..COMMIT from swallowing another's statements. BEGIN IMMEDIATE
takes SQLite's write lock at once, so a locked database fails here, before anything is promised.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

import aiosqlite

_locks: WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = WeakKeyDictionary()


def write_lock(conn: aiosqlite.Connection) -> asyncio.Lock:
    """Held by every writer: a transaction, or one autocommit statement (bot/store/batching)."""
    return _locks.setdefault(conn, asyncio.Lock())


@asynccontextmanager
async def transaction(conn: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """Commit when the block ends, roll back when it raises; the COMMIT is durable on return."""
    async with write_lock(conn):
        await conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        try:
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
