"""A second process that commits the live events, list posts and call joins (issue 20, part 9).

In one process, aiosqlite's thread needs the interpreter lock between every step of a statement,
and under load the event loop holds that lock most of the time: a commit that takes 0.25 ms alone
took 0.7 ms, and with four senders each waiting for its own post's commit the bot answered at
about 0.75 of a bare SMTP sink (bench/RESULTS.md). A second process has its own interpreter: the
loop hands it a batch (one JSON line on a pipe, bot/store/writer_worker.py), goes on serving the
other connections, and answers the batch's senders when the commit's line comes back.

What does not change: `250` only after the commit (`synchronous=FULL`, in the worker); one
statement a batch (bot/store/batching.py); SQLite's locks keep the worker's writes and the bot's
own connection's apart (its transactions begin IMMEDIATE, bot/store/transaction.py), as they do
for the CLI's. If the worker stops with a batch in hand (killed, out of memory), that batch fails
(its senders get "try later": it may be stored or not, and a retry of a stored post is a
duplicate, so nothing acknowledged is lost or counted twice), the events go through the bot's own
connection as before, and a new worker is tried a minute later.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import aiosqlite

WORKER = Path(__file__).with_name("writer_worker.py")
# A reply for a batch of a hundred events with long Message-IDs, with room to spare.
LINE_LIMIT = 16 * 1024 * 1024
START_TIMEOUT_S = 30.0
CLOSE_TIMEOUT_S = 10.0
RETRY_AFTER_S = 60.0

# What the bot is told, to log: "unavailable" (error), "lost" (code), "started_again".
Report = Callable[..., None]


class WriterLost(sqlite3.OperationalError):
    """The worker stopped while it held a batch: that batch may or may not have been stored."""


class WriterProcess:
    """The worker and its pipe; one request at a time (the Batcher sends one batch at a time)."""

    def __init__(self, db_path: Path, busy_timeout_ms: int, report: Report) -> None:
        self.db_path = db_path
        self.busy_timeout_ms = busy_timeout_ms
        self._report = report
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._down_since: float | None = None  # monotonic time it stopped or failed to start
        self._closed = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def start(self) -> bool:
        """Start the worker and wait for it to open the database; False (reported) if it can't."""
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(WORKER),
                str(self.db_path),
                str(self.busy_timeout_ms),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=LINE_LIMIT,
            )
            assert self._proc.stdout is not None
            line = await asyncio.wait_for(self._proc.stdout.readline(), START_TIMEOUT_S)
            ready = json.loads(line) if line else {"error": "no answer"}
        except (OSError, TimeoutError, ValueError) as exc:
            ready = {"error": str(exc) or type(exc).__name__}
        if ready.get("ready") is True:
            self._down_since = None
            return True
        await self._stop_worker()
        self._down_since = time.monotonic()
        self._report("unavailable", error=str(ready.get("error")))
        return False

    async def usable(self) -> bool:
        """Whether the next batch can go to the worker; starts a new one a minute after a loss."""
        if self._closed:
            return False
        if self._proc is not None and self._proc.returncode is None:
            return True
        if self._down_since is None or time.monotonic() - self._down_since < RETRY_AFTER_S:
            return False
        if await self.start():
            self._report("started_again")
            return True
        return False

    async def fetchall(self, sql: str, params: Sequence[object]) -> list[list[Any]]:
        """Run one statement in the worker; its rows once it has committed."""
        async with self._lock:
            proc = self._proc
            if proc is None or proc.stdin is None or proc.stdout is None:
                raise WriterLost("the writer process is not running")
            try:
                proc.stdin.write(json.dumps([sql, list(params)]).encode() + b"\n")
                line = await proc.stdout.readline()
            except BaseException:  # cancelled or broken mid-request: its reply can't be matched
                await self._lose()
                raise
            if not line:
                await self._lose()
                raise WriterLost("the writer process stopped")
        reply = json.loads(line)
        if "error" in reply:
            raise sqlite3.OperationalError(reply["error"])
        rows: list[list[Any]] = reply["rows"]
        return rows

    async def _lose(self) -> None:
        code = await self._stop_worker()
        self._down_since = time.monotonic()
        if not self._closed:
            self._report("lost", code=code)

    async def _stop_worker(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.returncode is None:
            proc.kill()
        return await proc.wait()

    async def close(self) -> None:
        """After the last batch: the worker reads the end of its input and exits."""
        self._closed = True
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), CLOSE_TIMEOUT_S)
        except TimeoutError:
            await self._stop_worker()
        self._proc = None


_attached: WeakKeyDictionary[aiosqlite.Connection, WriterProcess] = WeakKeyDictionary()


async def attach(
    conn: aiosqlite.Connection, db_path: Path, busy_timeout_ms: int, report: Report
) -> WriterProcess:
    """Start a worker for the database `conn` has open; `conn`'s live events go through it."""
    writer = WriterProcess(db_path, busy_timeout_ms, report)
    await writer.start()
    _attached[conn] = writer
    return writer


def attached(conn: aiosqlite.Connection) -> WriterProcess | None:
    return _attached.get(conn)
