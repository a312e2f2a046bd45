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
from collections import Counter, deque
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
    """The worker, its pipe, and the requests waiting for its answers."""

    def __init__(self, db_path: Path, busy_timeout_ms: int, report: Report) -> None:
        self.db_path = db_path
        self.busy_timeout_ms = busy_timeout_ms
        self._report = report
        self._proc: asyncio.subprocess.Process | None = None
        self._waiting: deque[asyncio.Future[dict[str, Any]]] = deque()
        self._reader: asyncio.Task[None] | None = None
        # How many requests were answered from a group commit of each size (for tests, benches).
        self.group_sizes: Counter[int] = Counter()
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
            assert self._proc is not None and self._proc.stdout is not None
            self._down_since = None
            self._reader = asyncio.create_task(self._read_answers(self._proc.stdout))
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
        """Run one statement in the worker; its rows once it has committed. Requests go out at
        once, whatever is still waiting for an answer: the worker commits together those that
        arrive while it writes (bot/store/writer_worker.py) and answers in order."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise WriterLost("the writer process is not running")
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.append(answer)
        proc.stdin.write(json.dumps([sql, list(params)]).encode() + b"\n")
        reply = await answer
        if "error" in reply:
            raise sqlite3.OperationalError(reply["error"])
        rows: list[list[Any]] = reply["rows"]
        return rows

    async def _read_answers(self, stdout: asyncio.StreamReader) -> None:
        """Hand each answer line to the request it answers (the oldest waiting); at the end of
        the worker's output, fail those still waiting."""
        while line := await stdout.readline():
            answer, reply = self._waiting.popleft(), json.loads(line)
            self.group_sizes[int(reply.get("group", 1))] += 1
            if not answer.done():  # a caller that went away: its row is stored all the same
                answer.set_result(reply)
        proc, self._proc = self._proc, None  # from here no request goes out to it
        lost, self._waiting = self._waiting, deque()
        for answer in lost:
            if not answer.done():
                answer.set_exception(WriterLost("the writer process stopped"))
        if self._closed or proc is None:
            return
        if proc.returncode is None:
            proc.kill()
        code = await proc.wait()
        self._down_since = time.monotonic()
        self._report("lost", code=code)

    async def _stop_worker(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.returncode is None:
            proc.kill()
        return await proc.wait()

    async def close(self) -> None:
        """After the last message: the worker answers what it has, reads the end of its input
        and exits."""
        self._closed = True
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), CLOSE_TIMEOUT_S)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if self._reader is not None:
            await self._reader


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
