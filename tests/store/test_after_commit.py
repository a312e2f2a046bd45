"""What waits for a commit (the outbox's wake-up) runs once it is durable, never on a rollback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import open_store
from bot.store.transaction import after_commit, transaction


async def test_after_commit_runs_on_commit_only(tmp_path: Path) -> None:
    conn = await open_store(tmp_path / "t.db")
    ran: list[str] = []
    try:
        async with transaction(conn):
            after_commit(conn, lambda: ran.append("committed"))
            assert ran == []  # not before the COMMIT
        assert ran == ["committed"]
        with pytest.raises(RuntimeError):
            async with transaction(conn):
                after_commit(conn, lambda: ran.append("rolled back"))
                raise RuntimeError
        async with transaction(conn):
            pass  # a later transaction does not run the rolled-back one's callbacks
        after_commit(conn, lambda: ran.append("no transaction: at once"))
        assert ran == ["committed", "no transaction: at once"]
    finally:
        await conn.close()
