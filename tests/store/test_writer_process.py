"""The writer process (issue 20, part 9): a real worker process on a real SQLite file, killed,
signalled, locked out and closed, and what the bot's side makes of each."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.region import load_region
from bot.services import roster as roster_service
from bot.store import open_store, writer_process
from bot.store import participation as events
from bot.store.writer_process import WriterLost, WriterProcess
from tests.conftest import EXAMPLE_ROSTER, async_wait_until

BUSY_MS = 200


class Reports:
    """What the writer process tells the bot, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, what: str, **fields: Any) -> None:
        self.seen.append((what, fields))

    def kinds(self) -> list[str]:
        return [what for what, _ in self.seen]


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    store = await open_store(tmp_path / "bot.db", BUSY_MS)
    await roster_service.import_roster(
        store, load_region(), EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "test"
    )
    yield store
    await store.close()


@pytest.fixture
async def writer(
    conn: aiosqlite.Connection, tmp_path: Path
) -> AsyncIterator[tuple[WriterProcess, Reports]]:
    reports = Reports()
    process = await writer_process.attach(conn, tmp_path / "bot.db", BUSY_MS, reports)
    yield process, reports
    await process.close()


def post(n: int, address: str = "maria.perez@example.org") -> events.NewEvent:
    return events.NewEvent(
        source_key=f"mid:w{n}@x",
        kind="list_post",
        source="lac-discuss-es.atlarge-lists.icann.org",
        occurred_at="2026-11-02T10:00:00Z",
        identity_kind="email",
        identity=address,
        shown_as=None,
        person_id=None,
        received_at="2026-11-02T10:00:00Z",
    )


def stored_keys(db: Path) -> set[str]:
    """Read through a connection of its own: only what is committed."""
    with sqlite3.connect(db) as reader:
        return {row[0] for row in reader.execute("SELECT source_key FROM participation")}


async def test_an_event_is_committed_and_attributed_when_it_returns(
    conn: aiosqlite.Connection, writer: tuple[WriterProcess, Reports], tmp_path: Path
) -> None:
    new, person = await events.store_event(conn, post(1))
    assert new and person is not None  # the roster's Maria Perez, found in the INSERT
    assert "mid:w1@x" in stored_keys(tmp_path / "bot.db")
    assert await events.store_event(conn, post(1)) == (False, None)  # a duplicate, once
    assert await events.store_event(conn, post(2, "nobody@example.net")) == (True, None)
    process, reports = writer
    assert sum(process.group_sizes.values()) == 3 and reports.seen == []


async def test_events_arriving_together_share_commits_and_a_bad_one_fails_alone(
    conn: aiosqlite.Connection, writer: tuple[WriterProcess, Reports], tmp_path: Path
) -> None:
    process, _ = writer
    bad = process.fetchall("INSERT INTO no_such_table VALUES (?)", [1])
    results = await asyncio.gather(
        *(events.store_event(conn, post(n)) for n in range(60)), bad, return_exceptions=True
    )
    assert all(r == (True, results[0][1]) for r in results[:60]), results  # type: ignore[index]
    assert isinstance(results[60], sqlite3.OperationalError)
    assert "no_such_table" in str(results[60])
    assert stored_keys(tmp_path / "bot.db") == {f"mid:w{n}@x" for n in range(60)}
    assert max(process.group_sizes) > 1, process.group_sizes


async def test_a_locked_database_fails_the_request_and_the_worker_stays(
    conn: aiosqlite.Connection, writer: tuple[WriterProcess, Reports], tmp_path: Path
) -> None:
    process, reports = writer
    pid = process.pid
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await events.store_event(conn, post(1))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (await events.store_event(conn, post(1)))[0]
    assert "mid:w1@x" in stored_keys(tmp_path / "bot.db")
    assert process.pid == pid and reports.seen == []


async def test_events_sent_together_while_locked_all_fail_and_all_go_through_after(
    conn: aiosqlite.Connection, writer: tuple[WriterProcess, Reports], tmp_path: Path
) -> None:
    """A group the worker cannot begin (the database locked past the busy timeout) is tried one
    by one, and each fails on its own: every sender is told to try again, none is told 250."""
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        results = await asyncio.gather(
            *(events.store_event(conn, post(n)) for n in range(4)), return_exceptions=True
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
    assert stored_keys(tmp_path / "bot.db") == set()
    again = await asyncio.gather(*(events.store_event(conn, post(n)) for n in range(4)))
    assert all(new for new, _ in again)
    assert stored_keys(tmp_path / "bot.db") == {f"mid:w{n}@x" for n in range(4)}


async def test_a_killed_worker_fails_what_it_held_then_the_bot_writes_itself(
    conn: aiosqlite.Connection,
    writer: tuple[WriterProcess, Reports],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    process, reports = writer
    pid = process.pid
    assert pid is not None
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # the worker waits on the lock with the request in hand
        held = asyncio.create_task(events.store_event(conn, post(1)))
        await asyncio.sleep(0)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WriterLost):
            await held
    finally:
        other.execute("ROLLBACK")
        other.close()
    await async_wait_until(_async(lambda: reports.kinds() == ["lost"]), 10, "the loss reported")
    assert reports.seen[0][1]["code"] == -signal.SIGKILL
    # Until a new worker is tried (a minute later), the bot's own connection stores the events.
    assert await events.store_event(conn, post(1)) == (True, events_person(tmp_path))
    assert process.pid is None and "mid:w1@x" in stored_keys(tmp_path / "bot.db")
    monkeypatch.setattr(writer_process, "RETRY_AFTER_S", 0.0)
    assert (await events.store_event(conn, post(2)))[0]
    assert reports.kinds() == ["lost", "started_again"]
    assert process.pid not in (None, pid)
    assert sum(process.group_sizes.values()) == 1  # post 2, by the new worker


async def test_the_worker_outlives_sigterm_and_sigint_and_ends_with_its_input(
    conn: aiosqlite.Connection, tmp_path: Path
) -> None:
    """systemd's stop and a terminal's Ctrl-C reach every process of the group; the bot drains
    its mail sessions through the worker before it closes the worker's input."""
    reports = Reports()
    process = await writer_process.attach(conn, tmp_path / "bot.db", BUSY_MS, reports)
    pid = process.pid
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    os.kill(pid, signal.SIGINT)
    assert (await events.store_event(conn, post(1)))[0]
    assert process.pid == pid and sum(process.group_sizes.values()) == 1
    await process.close()
    assert not Path(f"/proc/{pid}").exists()  # exited and reaped, not a zombie
    assert reports.seen == []
    assert (await events.store_event(conn, post(2)))[0]  # closed: the bot's own connection


async def test_a_worker_that_cannot_open_the_database_is_reported_and_not_used(
    conn: aiosqlite.Connection, tmp_path: Path
) -> None:
    reports = Reports()
    process = await writer_process.attach(conn, tmp_path / "missing" / "bot.db", BUSY_MS, reports)
    try:
        assert reports.kinds() == ["unavailable"]
        assert "unable to open" in str(reports.seen[0][1]["error"])
        assert process.pid is None
        assert (await events.store_event(conn, post(1)))[0]
        assert not (tmp_path / "missing").exists()  # never creates a database
    finally:
        await process.close()


def events_person(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        row = db.execute("SELECT person_id FROM person WHERE email = 'maria.perez@example.org'")
        return int(row.fetchone()[0])


def _async(check: Any) -> Any:
    async def condition() -> bool:
        return bool(check())

    return condition
