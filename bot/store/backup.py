"""Copying database files safely: SQLite's online backup, durable writes, and what a file holds.

`cp` of a live WAL database can catch a write half-done; SQLite's backup API copies a consistent
snapshot while the bot keeps writing (https://www.sqlite.org/backup.html). Each copy is written to a
temporary file in the target's own directory, flushed to disk, and only then renamed over the
target, so a reader never sees half a file and a failure leaves nothing behind (bot/services/
backup.py decides when to rename). The checks read the copy without migrating it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

# Pages copied per backup step (4 MiB at SQLite's default page size), between progress reports.
STEP_PAGES = 1024
# What SQLite may create beside a database file while it is open.
SIDE_FILES = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class Inspection:
    """What a database file is, read without changing it."""

    integrity: str  # "ok", or SQLite's first complaint
    version: int  # PRAGMA user_version: the schema version that wrote it
    application_id: int
    tables: frozenset[str]


def temporary_beside(target: Path) -> Path:
    """A new empty file (mode 0600: a backup holds people's addresses) in the target's directory,
    where a rename onto the target is atomic. OSError when the directory cannot be written."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    return Path(name)


def remove_with_side_files(path: Path) -> None:
    for each in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            each.unlink()


def _uri(path: Path, mode: str) -> str:
    return f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"


def copy_online(
    source: Path,
    target: Path,
    busy_timeout_ms: int,
    progress: Callable[[int, int], None] | None = None,
    step_pages: int = STEP_PAGES,
) -> int:
    """Copy the live database `source` into the empty file `target`: one consistent snapshot
    however busy the writers are. A read transaction held on the source for the whole copy pins
    that snapshot, so the step-by-step copy (which lets `progress(done, total)` bytes be shown)
    never restarts after a writer's commit, and under WAL the writers are not held up. The copy is
    switched to a rollback journal, so it is one self-contained file. Returns its size in bytes;
    sqlite3.Error when the source cannot be read (it is never created: `mode=rw`)."""
    src = sqlite3.connect(
        _uri(source, "rw"), uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None
    )
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        page_size = int(src.execute("PRAGMA page_size").fetchone()[0])
        dst = sqlite3.connect(target)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress((total - remaining) * page_size, total * page_size)

            src.backup(dst, pages=step_pages, progress=step)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        src.execute("ROLLBACK")
    finally:
        src.close()
    flush(target)
    return target.stat().st_size


def copy_file(source: Path, target: Path) -> None:
    """A byte copy of a file at rest (a backup to restore), flushed to disk."""
    shutil.copyfile(source, target)
    flush(target)


def flush(path: Path) -> None:
    """A file's bytes on disk; for a directory, its entries (a rename is durable once the
    directory holding it is flushed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(temporary: Path, target: Path) -> None:
    """Put the checked temporary file in place in one step, durably."""
    os.replace(temporary, target)
    flush(target.parent)


@contextlib.asynccontextmanager
async def opened(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """An existing file opened as it is: not created, not migrated."""
    conn = await aiosqlite.connect(_uri(path, "rw"), uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        await conn.close()


async def inspect(conn: aiosqlite.Connection) -> Inspection:
    """Integrity, schema version, owner and tables of an opened file. sqlite3.Error when the file
    is not a database at all (or is cut short where SQLite reads first)."""
    async with conn.execute("PRAGMA integrity_check(1)") as cur:
        row = await cur.fetchone()
    integrity = str(row[0]) if row else "?"
    values = []
    for pragma in ("user_version", "application_id"):
        async with conn.execute(f"PRAGMA {pragma}") as cur:
            row = await cur.fetchone()
        values.append(int(row[0]) if row else 0)
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
        tables = frozenset([str(r[0]) async for r in cur])
    return Inspection(integrity, values[0], values[1], tables)


def aside_name(db_path: Path, stamp: str) -> Path:
    return db_path.with_name(f"{db_path.name}.replaced-{stamp}")


def move_aside(db_path: Path, aside: Path) -> bool:
    """Rename the database and whatever SQLite keeps beside it (WAL, shared memory, journal) to
    `aside`, `aside-wal`… so SQLite still finds the WAL that belongs to it, and no stray WAL is
    left to be replayed into the file put in its place. False when there was nothing to move."""
    moved = False
    for side in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            os.replace(db_path.with_name(db_path.name + side), aside.with_name(aside.name + side))
            moved = True
    if moved:
        flush(db_path.parent)
    return moved
