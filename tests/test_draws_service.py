"""Which seed a vote's draw takes (issue 17, point 4): the one committed for it in advance, a given
one said as not committed, or none; a used seed is not taken again without being given."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.domain.draw import draw, seed_hash
from bot.services import draws

COMMITTED = datetime(2026, 11, 1, 12, tzinfo=UTC)
USED = datetime(2026, 11, 20, 12, tzinfo=UTC)


async def test_a_committed_seed_is_taken_with_its_time_and_source(
    store: aiosqlite.Connection,
) -> None:
    hashed = await draws.commit_seed(
        store, "position", "chair-elect", "S1", "lacralo-es", COMMITTED, "cli:test"
    )
    assert hashed == seed_hash("S1")
    for given in (None, "S1"):
        use = await draws.seed_for(store, "position", "chair-elect", given, "ignored")
        assert use is not None and use.seed == "S1" and use.seed_hash == hashed
        assert use.committed_at == "2026-11-01T12:00:00+00:00" and use.source == "lacralo-es"
    assert await draws.seed_for(store, "position", "secretary-elect", None, None) is None


async def test_a_seed_given_without_a_commit_is_accepted_and_said(
    store: aiosqlite.Connection,
) -> None:
    await draws.commit_seed(store, "motion", "Budget  2027", "S1", None, COMMITTED, "cli:test")
    use = await draws.seed_for(store, "motion", "Budget 2027", "S2", "the call")
    assert use is not None and use.committed_at is None and use.seed_id is None
    assert use.seed == "S2" and use.source == "the call" and use.seed_hash == seed_hash("S2")
    assert await draws.seed_for(store, "free", "", None, None) is None


async def test_a_used_seed_is_found_again_only_when_given(store: aiosqlite.Connection) -> None:
    await draws.commit_seed(store, "free", "", "S1", None, COMMITTED, "cli:test")
    use = await draws.seed_for(store, "free", "", None, None)
    assert use is not None
    await draws.mark_used(store, use, USED)
    await store.commit()
    assert await draws.seed_for(store, "free", "", None, None) is None
    again = await draws.seed_for(store, "free", "", "S1", None)
    assert again is not None and again.committed_at == use.committed_at


async def test_the_audit_entry_holds_the_hash_not_the_seed(store: aiosqlite.Connection) -> None:
    await draws.commit_seed(store, "free", "", "secret seed", "x", COMMITTED, "cli:test")
    async with store.execute("SELECT action, data FROM audit_log") as cur:
        rows = list(await cur.fetchall())
    assert [r[0] for r in rows] == ["election.seed_commit"]
    assert seed_hash("secret seed") in rows[0][1] and "secret seed" not in rows[0][1]


def test_draw_json_has_what_redoes_the_draw() -> None:
    out = draws.draw_json(draw("S", ["B", "A"]))
    assert set(out) == {"seed", "algorithm", "order", "digest", "index", "drawn"}
    assert out["order"] == ["A", "B"] and out["drawn"] == out["order"][out["index"]]
