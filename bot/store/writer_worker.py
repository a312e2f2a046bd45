"""The writer process itself (bot/store/writer_process.py starts it): a plain script, standard
library only, so it starts in a few milliseconds and needs nothing of the bot's but its database.

Reads one request a line on standard input, `[sql, params]` in JSON, and writes one line back
for each, in the same order: `{"rows": [...]}` or `{"error": "..."}`, with `"group"`, how many
were committed together. The first line it writes
says whether it could open the database (`{"ready": true}`). It never creates a database
(`mode=rw`).

Group commit: the requests that arrived while the last commit was on its way to the disk are
read together and run in one transaction, committed with one fsync (`synchronous=FULL`); their
answers are written only then. The bot sends its requests at once, never waiting for an earlier
answer, so no message waits for a batch to fill.

It ends at the end of its input: when the bot closes the pipe after its last batch, or dies.
SIGINT and SIGTERM are the bot's to act on (a Ctrl-C in a terminal or systemd's stop reach every
process of the group): the bot finishes the messages it has received, through this process, and
only then closes the pipe, so this process must outlive the signal.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

READ_SIZE = 1 << 20


def _say(out: IO[bytes], reply: dict[str, Any]) -> None:
    out.write(json.dumps(reply).encode() + b"\n")
    out.flush()


def _run(conn: sqlite3.Connection, line: bytes) -> dict[str, Any]:
    try:
        sql, params = json.loads(line)
        return {"rows": [list(row) for row in conn.execute(sql, params).fetchall()]}
    except Exception as exc:  # a bad request fails alone; the next is served
        return {"error": f"{type(exc).__name__}: {exc}"}


def _answers(conn: sqlite3.Connection, lines: list[bytes]) -> list[dict[str, Any]]:
    """Run the requests that are waiting: one alone in autocommit, several in one transaction.
    Should one of them fail, the group is undone and each runs again alone, so that it fails
    alone (a rare case: the bot's requests are INSERTs that skip duplicates)."""
    if len(lines) == 1:
        return [_run(conn, lines[0])]
    try:
        conn.execute("BEGIN IMMEDIATE")
        answers = [_run(conn, line) for line in lines]
        if all("error" not in answer for answer in answers):
            conn.execute("COMMIT")
            return answers
        conn.execute("ROLLBACK")
    except sqlite3.Error:  # busy past the timeout, disk full: tried again one by one
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
    return [_run(conn, line) for line in lines]


def _requests(fd: int) -> Iterator[list[bytes]]:
    """The complete request lines that have arrived, as they arrive, until the end of input."""
    pending = b""
    while chunk := os.read(fd, READ_SIZE):
        *lines, pending = (pending + chunk).split(b"\n")
        if lines:
            yield lines


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    path, busy_timeout_ms = Path(argv[0]).resolve(), int(argv[1])
    out = sys.stdout.buffer
    try:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=rw",
            uri=True,
            isolation_level=None,
            timeout=busy_timeout_ms / 1000,
        )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        _say(out, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    try:
        _say(out, {"ready": True})
        for lines in _requests(sys.stdin.fileno()):
            answers = _answers(conn, lines)
            group = len(answers)
            out.write(b"".join(json.dumps({**a, "group": group}).encode() + b"\n" for a in answers))
            out.flush()
    except (BrokenPipeError, ConnectionResetError):  # the bot is gone: nobody to answer
        return 0
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
