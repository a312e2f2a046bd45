"""A second process that commits the live events, list posts and call joins (issue 20, part 9).

In one process, aiosqlite's thread needs the interpreter lock between every step of a statement,
and under load the event loop holds that lock most of the time: a commit that takes 0.25 ms alone
took 0.7 ms, and with four senders each waiting for its own post's commit the bot answered at
about 0.75 of a bare SMTP sink (bench/RESULTS.md). A second process has its own interpreter: the
loop hands it a statement (one JSON line on a pipe, bot/store/writer_worker.py), goes on serving
the other connections, and answers the senders when the commit's line comes back. The answers are
read in the pipe's data callback, which settles each waiting caller in the same turn of the loop
(a stream reader and a reading task took three more turns, each as long as the other
connections' work in it: under load, half the wait for a 250).

What does not change: `250` only after the commit (`synchronous=FULL`, in the worker); SQLite's
locks keep the worker's writes and the bot's own connection's apart (its transactions begin
IMMEDIATE, bot/store/transaction.py), as they do for the CLI's. If the worker stops with requests
in hand (killed, out of memory), they fail (their senders get "try later": a request may be
stored or not, and a retry of a stored post is a duplicate, so nothing acknowledged is lost or
counted twice), the events go through the bot's own connection as before, and a new worker is
tried a minute later.
"""

from __future__ import annotations

import asyncio
import functools
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
START_TIMEOUT_S = 30.0
CLOSE_TIMEOUT_S = 10.0
RETRY_AFTER_S = 60.0

# What the bot is told, to log: "unavailable" (error), "lost" (code), "started_again".
Report = Callable[..., None]
Rows = list[list[Any]]
# Called once with a request's outcome: the statement's rows once committed, or why it failed.
Answered = Callable[[Rows | BaseException], None]


class WriterLost(sqlite3.OperationalError):
    """The worker stopped while it held a request: that request may or may not be stored."""


class _Worker(asyncio.SubprocessProtocol):
    """One worker process seen from the loop: its answer lines, its end."""

    def __init__(self, owner: WriterProcess) -> None:
        loop = asyncio.get_running_loop()
        self.owner = owner
        self.transport: asyncio.SubprocessTransport | None = None
        self.ready: asyncio.Future[dict[str, Any]] = loop.create_future()
        self.exited: asyncio.Future[None] = loop.create_future()
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.SubprocessTransport)
        self.transport = transport

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\n")) >= 0:
            reply = json.loads(self._buffer[:end])
            del self._buffer[: end + 1]
            if self.ready.done():
                self.owner._answer(self, reply)
            else:  # the first line: whether it could open the database
                self.ready.set_result(reply)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1:  # its output is closed: nothing in hand will be answered
            self.owner._gone(self)

    def process_exited(self) -> None:
        if not self.ready.done():
            self.ready.set_result({"error": "exited"})
        self.owner._gone(self)
        self.exited.set_result(None)
        self.owner._exited(self)

    @property
    def code(self) -> int | None:
        return None if self.transport is None else self.transport.get_returncode()

    def write(self, line: bytes) -> None:
        assert self.transport is not None
        stdin = self.transport.get_pipe_transport(0)
        assert isinstance(stdin, asyncio.WriteTransport)
        stdin.write(line)

    async def end(self, wait_s: float) -> None:
        """Close its input and wait for it to exit; killed if it has not within `wait_s`. Never
        killed at once: asyncio's kill() polls the process first, and a poll that reaps it
        leaves asyncio's own watcher with no exit code to report."""
        assert self.transport is not None
        stdin = self.transport.get_pipe_transport(0)
        if stdin is not None:
            stdin.close()
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), wait_s)
        except TimeoutError:
            self.transport.kill()
            await self.exited
        self.transport.close()


class WriterProcess:
    """The worker, its pipe, and the requests waiting for its answers (in the order sent)."""

    def __init__(self, db_path: Path, busy_timeout_ms: int, report: Report) -> None:
        self.db_path = db_path
        self.busy_timeout_ms = busy_timeout_ms
        self._report = report
        self._worker: _Worker | None = None
        self._waiting: deque[Answered] = deque()
        # How many requests were answered from a group commit of each size (for tests, benches).
        self.group_sizes: Counter[int] = Counter()
        self._down_since: float | None = None  # monotonic time it stopped or failed to start
        self._closed = False

    @property
    def pid(self) -> int | None:
        worker = self._worker
        return None if worker is None or worker.transport is None else worker.transport.get_pid()

    @property
    def busy(self) -> bool:
        """Whether a request sent is still waiting for its answer."""
        return bool(self._waiting)

    async def start(self) -> bool:
        """Start the worker and wait for it to open the database; False (reported) if it can't."""
        loop = asyncio.get_running_loop()
        worker = _Worker(self)
        try:
            await loop.subprocess_exec(
                lambda: worker,
                sys.executable,
                str(WORKER),
                str(self.db_path),
                str(self.busy_timeout_ms),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=None,  # its rare complaint goes to the bot's log stream
            )
            ready = await asyncio.wait_for(asyncio.shield(worker.ready), START_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            ready = {"error": str(exc) or type(exc).__name__}
        if ready.get("ready") is True:
            self._worker, self._down_since = worker, None
            return True
        if worker.transport is not None:
            await worker.end(1.0)
        self._down_since = time.monotonic()
        self._report("unavailable", error=str(ready.get("error")))
        return False

    async def usable(self) -> bool:
        """Whether the next request can go to the worker; starts a new one a minute after a
        loss."""
        if self._closed:
            return False
        if self._worker is not None:
            return True
        if self._down_since is None or time.monotonic() - self._down_since < RETRY_AFTER_S:
            return False
        if await self.start():
            self._report("started_again")
            return True
        return False

    def send(self, sql: str, params: Sequence[object], answered: Answered) -> None:
        """Send one statement to the worker now; `answered` gets its rows once it has committed.
        Requests go out at once, whatever is still waiting for an answer: the worker commits
        together those that arrive while it writes (bot/store/writer_worker.py)."""
        worker = self._worker
        if worker is None:
            raise WriterLost("the writer process is not running")
        self._waiting.append(answered)
        worker.write(f"[{_sql_json(sql)},{json.dumps(list(params))}]\n".encode())

    async def fetchall(self, sql: str, params: Sequence[object]) -> Rows:
        """`send`, awaited."""
        answer: asyncio.Future[Rows] = asyncio.get_running_loop().create_future()

        def answered(outcome: Rows | BaseException) -> None:
            if answer.done():  # a caller that went away: its row is stored all the same
                return
            if isinstance(outcome, BaseException):
                answer.set_exception(outcome)
            else:
                answer.set_result(outcome)

        self.send(sql, params, answered)
        return await answer

    def _answer(self, worker: _Worker, reply: dict[str, Any]) -> None:
        if worker is not self._worker or not self._waiting:
            return
        self.group_sizes[int(reply.get("group", 1))] += 1
        answered = self._waiting.popleft()
        if "error" in reply:
            answered(sqlite3.OperationalError(reply["error"]))
        else:
            answered(reply["rows"])

    def _gone(self, worker: _Worker) -> None:
        """No more answers will come from `worker`: whatever waits for one fails."""
        if worker is not self._worker:
            return
        self._worker = None
        lost, self._waiting = self._waiting, deque()
        for answered in lost:
            answered(WriterLost("the writer process stopped"))

    def _exited(self, worker: _Worker) -> None:
        """A worker that was serving has exited: said once (one that never started is reported
        by `start`, one closed by `close` is expected to end)."""
        if self._closed or worker.ready.result().get("ready") is not True:
            return
        self._down_since = time.monotonic()
        self._report("lost", code=worker.code)
        assert worker.transport is not None
        worker.transport.close()

    async def close(self) -> None:
        """After the last message: the worker answers what it has, reads the end of its input
        and exits."""
        self._closed = True
        worker = self._worker
        if worker is not None:
            await worker.end(CLOSE_TIMEOUT_S)


@functools.lru_cache(maxsize=256)
def _sql_json(sql: str) -> str:
    """A statement as JSON, once: the same few statements go out thousands of times."""
    return json.dumps(sql)


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
