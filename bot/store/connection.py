"""Opening the SQLite file the way every part of the bot needs it: WAL, foreign keys, migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from bot.store.migrate import migrate


class StoreError(Exception):
    """The database cannot be opened or written; `path` and `reason` say which and why.

    `reason` is either a short key the CLI translates (`no_directory`) or SQLite's own words.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


async def open_store(path: Path, busy_timeout_ms: int = 5000) -> aiosqlite.Connection:
    """Open (creating if needed) and migrate the database at `path`.

    WAL lets the public pages read while a message is being written; `synchronous=FULL` because
    an acknowledged message must survive a power cut (PRODUCT.md, "Nothing lost"). A file written
    by a newer lacralo-bot raises SchemaTooNew (bot/store/migrate.py) before any migration runs.
    """
    if path.parent and not path.parent.exists():
        raise StoreError(path, "no_directory")
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(path, str(exc)) from None
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await migrate(conn, name=str(path))
    except sqlite3.Error as exc:
        await conn.close()
        raise StoreError(path, str(exc)) from None
    except BaseException:  # a file from a newer lacralo-bot (SchemaTooNew), a cancelled start
        await conn.close()
        raise
    return conn
