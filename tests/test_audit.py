"""The audit log's chain: intact after real changes, broken by any hand edit, named at the break."""

from __future__ import annotations

import aiosqlite

from bot.audit import GENESIS, AuditEntry, entry_hash, verify
from bot.region import Region
from bot.services import audit as audit_service
from bot.services import roster as roster_service
from tests.conftest import EXAMPLE_ROSTER


def chain(n: int) -> list[AuditEntry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        data = {"n": seq, "name": "Ñandú"}
        digest = entry_hash(prev, seq, "2026-01-01T00:00:00+00:00", "a", "x", f"s{seq}", data)
        out.append(
            AuditEntry(seq, "2026-01-01T00:00:00+00:00", "a", "x", f"s{seq}", data, prev, digest)
        )
        prev = digest
    return out


def test_intact_chain_verifies() -> None:
    assert verify(chain(5)) is None
    assert verify([]) is None


def test_edited_content_is_found_at_its_entry() -> None:
    entries = chain(5)
    e = entries[2]
    entries[2] = AuditEntry(
        e.seq, e.at, e.actor, e.action, e.subject, {"n": 99}, e.prev_hash, e.hash
    )
    broken = verify(entries)
    assert broken is not None and (broken.seq, broken.why) == (3, "content")


def test_deleted_entry_is_a_gap() -> None:
    entries = chain(5)
    del entries[1]
    broken = verify(entries)
    assert broken is not None and (broken.seq, broken.why) == (3, "gap")


def test_rehashed_entry_breaks_the_next_link() -> None:
    entries = chain(4)
    e = entries[1]
    new_hash = entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.action, e.subject, {"forged": 1})
    entries[1] = AuditEntry(
        e.seq, e.at, e.actor, e.action, e.subject, {"forged": 1}, e.prev_hash, new_hash
    )
    broken = verify(entries)
    assert broken is not None and (broken.seq, broken.why) == (3, "link")


async def test_roster_changes_are_audited_and_a_hand_edit_is_caught(
    store: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(
        store, region, EXAMPLE_ROSTER.read_bytes(), "2026-11-24T10:00:00+00:00", "t"
    )
    count, broken = await audit_service.verify(store)
    assert count > 10 and broken is None
    # A hand edit has to get past the append-only trigger first, as a tamperer would.
    await store.execute("DROP TRIGGER audit_log_no_update")
    await store.execute("UPDATE audit_log SET data = replace(data, 'María', 'Mario') WHERE seq = 2")
    count, broken = await audit_service.verify(store)
    assert broken is not None and broken.seq == 2 and broken.why == "content"
