"""The schema: applied at start, idempotent, and reachable from every earlier version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import StoreError, latest_version, migrate, open_store, schema_version

TABLES = {
    "als",
    "person",
    "person_alias",
    "audit_log",
    "mailing_list",
    "meeting",
    "participation",
    "status_change",
    "status_year",
    "nomination_period",
    "nomination",
    "election",
    "proxy",
    "confirmation",
    "outbox",
    "als_activity",
    "status_judgement",
    "status_told",
}


async def tables(conn: aiosqlite.Connection) -> set[str]:
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
        return {row[0] async for row in cur}


async def test_empty_file_gets_the_whole_schema_in_wal_mode(tmp_path: Path) -> None:
    conn = await open_store(tmp_path / "new.db")
    try:
        assert await schema_version(conn) == latest_version() >= 2
        assert await tables(conn) >= TABLES
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
    finally:
        await conn.close()


async def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    for _ in range(3):
        conn = await open_store(path)
        assert await schema_version(conn) == latest_version()
        await conn.close()


@pytest.mark.parametrize("start", range(0, latest_version()))
async def test_every_earlier_version_moves_forward_keeping_its_data(
    tmp_path: Path, start: int
) -> None:
    path = tmp_path / f"from-{start}.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    assert await migrate(conn, target=start) == start
    if start >= 1:
        await conn.execute(
            "INSERT INTO als (als_id, name, country, subregion, accredited_on, language,"
            " updated_at) VALUES ('ALS-1', 'Ñandú', 'AR', 'D', '2015-01-01', 'es', 'now')"
        )
    await conn.close()

    conn = await open_store(path)
    try:
        assert await schema_version(conn) == latest_version()
        assert await tables(conn) >= TABLES
        if start >= 1:
            async with conn.execute("SELECT name FROM als WHERE als_id = 'ALS-1'") as cur:
                assert (await cur.fetchone())[0] == "Ñandú"
    finally:
        await conn.close()


async def test_participation_source_key_is_unique(store: aiosqlite.Connection) -> None:
    insert = (
        "INSERT INTO participation (source_key, kind, source, occurred_at, identity_kind,"
        " identity, received_at) VALUES ('msg-1', 'list_post', 'l', 't', 'email', 'a@x', 't')"
    )
    await store.execute(insert)
    with pytest.raises(sqlite3.IntegrityError):
        await store.execute(insert)


async def test_audit_log_refuses_update_and_delete(store: aiosqlite.Connection) -> None:
    await store.execute("INSERT INTO audit_log VALUES (1, 't', 'a', 'x', 's', '{}', 'p', 'h')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await store.execute("UPDATE audit_log SET actor = 'b'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await store.execute("DELETE FROM audit_log")


async def test_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        await open_store(tmp_path / "nowhere" / "x.db")
    assert caught.value.reason == "no_directory"


async def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        await open_store(path)
