"""Versioned schema: `migrations/NNNN_name.sql`, applied in order, each in its own transaction.

The version lives in SQLite's `user_version`, so a file at any earlier version moves forward and a
current one is left alone; a file written by a newer lacralo-bot is refused (issue 21), since this
code would misread what it does not know. The header's `application_id` says the file is a
lacralo-bot database, so a backup of another program's SQLite file is told apart before a restore.
This module and the .sql files are the one place that owns the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import aiosqlite

from bot import __version__
from bot.domain.errors import StartupError
from bot.domain.identity import normalise_name
from bot.domain.reasons import Reason

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# "LACR" in ASCII: the header field naming the program that owns the file (PRAGMA application_id).
APPLICATION_ID = 0x4C414352


class SchemaTooNew(StartupError):
    """The file was written by a newer lacralo-bot; opening it here could misread or damage it."""

    def __init__(self, path: str, found: int) -> None:
        super().__init__(
            Reason(
                "backup.upgrade.too_new",
                {
                    "path": path,
                    "found": found,
                    "supported": latest_version(),
                    "version": __version__,
                },
            )
        )
        self.found = found


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps: {versions}")
    return found


def latest_version() -> int:
    return len(migration_files())


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def fill_name_keys(conn: aiosqlite.Connection) -> None:
    """Version 3 added person.name_key; SQL cannot strip accents, so rows from before get it here.
    Idempotent: only rows still without a key are touched."""
    async with conn.execute("SELECT person_id, name FROM person WHERE name_key = ''") as cur:
        missing = [(normalise_name(name), person_id) async for person_id, name in cur]
    if missing:
        await conn.executemany("UPDATE person SET name_key = ? WHERE person_id = ?", missing)


async def application_id(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA application_id") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, target: int | None = None, name: str = "") -> int:
    """Apply every migration above the file's version (up to `target`); return the new version.

    A file at a version above the newest migration is refused with SchemaTooNew (named by `name`)
    before anything is written to it."""
    current = await schema_version(conn)
    if current > latest_version():
        raise SchemaTooNew(name, current)
    for version, path in migration_files():
        if version <= current or (target is not None and version > target):
            continue
        script = path.read_text(encoding="utf-8")
        # executescript would COMMIT first; wrap by hand so a failed step leaves the file as it was.
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        current = version
    if current >= 3:
        await fill_name_keys(conn)
    if current >= 1 and await application_id(conn) != APPLICATION_ID:
        await conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return current
