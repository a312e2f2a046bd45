"""The writer process itself (bot/store/writer_process.py starts it): a plain script, standard
library only, so it starts in a few milliseconds and needs nothing of the bot's but its database.

Reads one request a line on standard input, `[sql, params]` in JSON, runs it as one autocommit
statement on its own connection (`synchronous=FULL`: committed means on disk), and writes one
line back, `{"rows": [...]}` or `{"error": "..."}`. The first line it writes says whether it
could open the database (`{"ready": true}`). It never creates a database (`mode=rw`).

It ends at the end of its input: when the bot closes the pipe after its last batch, or dies.
SIGINT and SIGTERM are the bot's to act on (a Ctrl-C in a terminal or systemd's stop reach every
process of the group): the bot finishes the messages it has received, through this process, and
only then closes the pipe, so this process must outlive the signal.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import sys
from pathlib import Path
from typing import IO, Any


def _say(out: IO[bytes], reply: dict[str, Any]) -> None:
    out.write(json.dumps(reply).encode() + b"\n")
    out.flush()


def _answer(conn: sqlite3.Connection, line: bytes) -> dict[str, Any]:
    try:
        sql, params = json.loads(line)
        return {"rows": [list(row) for row in conn.execute(sql, params).fetchall()]}
    except Exception as exc:  # a bad request fails alone; the next is served
        return {"error": f"{type(exc).__name__}: {exc}"}


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
        for line in sys.stdin.buffer:
            _say(out, _answer(conn, line))
    except (BrokenPipeError, ConnectionResetError):  # the bot is gone: nobody to answer
        return 0
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
