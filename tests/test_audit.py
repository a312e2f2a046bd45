"""The audit log's chain: intact after real changes, broken by any hand edit, named at the break."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot import audit
from bot.audit import GENESIS, AuditEntry, entry_hash, verify
from bot.deps import Deps
from bot.region import Region
from bot.services import audit as audit_service
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import audit_log, open_store
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.page_helpers import page, served


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


# Issue 20, point 7: a history rewritten by whoever holds the file, every hash recomputed, is
# caught by a head published earlier, and by the HMAC tags when a key is set; an export is
# re-checked without the database.

KEY = "audit-test-key"


def keyed_chain(n: int, key: str = KEY) -> list[AuditEntry]:
    return [
        AuditEntry(e.seq, e.at, e.actor, e.action, e.subject, e.data, e.prev_hash, e.hash, tag)
        for e in chain(n)
        for tag in [audit.entry_tag(key, e.hash)]
    ]


def rewritten(entries: list[AuditEntry], seq: int, data: dict[str, Any]) -> list[AuditEntry]:
    """What a tamperer without the key does: change one entry, recompute every hash after it
    (tags copied as they were, since they cannot be recomputed)."""
    out, prev = [], GENESIS
    for e in entries:
        body = data if e.seq == seq else e.data
        digest = entry_hash(prev, e.seq, e.at, e.actor, e.action, e.subject, body)
        out.append(AuditEntry(e.seq, e.at, e.actor, e.action, e.subject, body, prev, digest, e.tag))
        prev = digest
    return out


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("5:" + "ab" * 32, audit.Head(5, "ab" * 32)),
        (" 12:" + "AB" * 32 + "\n", audit.Head(12, "ab" * 32)),  # as copied from a page or mail
        ("0:" + GENESIS, audit.EMPTY_HEAD),
        ("5:" + "ab" * 31, None),  # a shortened hash proves little
        ("5:" + "zz" * 32, None),
        ("ab" * 32, None),
        ("-1:" + "ab" * 32, None),
        ("", None),
    ],
)
def test_a_head_is_read_only_in_full(text: str, head: audit.Head | None) -> None:
    assert audit.parse_head(text) == head
    if head is not None:
        assert audit.parse_head(str(head)) == head


def test_a_rewritten_history_passes_the_chain_but_not_the_published_head() -> None:
    entries = chain(6)
    published = audit.Head(6, entries[-1].hash)
    forged = rewritten(entries, 2, {"n": 2, "name": "Someone else"})
    assert verify(forged) is None  # every hash recomputed: the chain alone cannot tell
    found = audit.check(forged, published)
    assert found.broken == audit.ChainBreak(6, "head_differs")
    # An older head is caught too, and the untouched history before the rewrite still passes.
    assert audit.check(forged, audit.Head(4, entries[3].hash)).broken == audit.ChainBreak(
        4, "head_differs"
    )
    assert audit.check(forged, audit.Head(1, entries[0].hash)).broken is None


def test_a_log_cut_before_the_published_head_is_caught() -> None:
    entries = chain(6)
    found = audit.check(entries[:4], audit.Head(6, entries[-1].hash))
    assert found.broken == audit.ChainBreak(6, "head_missing")
    assert audit.check(entries, audit.Head(6, entries[-1].hash)).head == audit.Head(
        6, entries[-1].hash
    )


def test_with_the_key_a_rewrite_without_it_is_caught_at_the_rewritten_entry() -> None:
    entries = keyed_chain(6)
    intact = audit.check(entries, key=KEY)
    assert intact.broken is None and (intact.tagged, intact.untagged) == (6, 0)
    forged = rewritten(entries, 3, {"n": 3, "name": "forged"})
    assert audit.check(forged).broken is None  # no key: nothing to tell it by
    assert audit.check(forged, key=KEY).broken == audit.ChainBreak(3, "tag")
    # Dropping the tags from the rewritten entry on does not help either.
    stripped = [
        e if e.seq < 3 else AuditEntry(*[getattr(e, f) for f in FIELDS[:-1]], None) for e in forged
    ]
    assert audit.check(stripped, key=KEY).broken == audit.ChainBreak(3, "untagged")
    # Another key is not the key.
    assert audit.check(entries, key="another").broken == audit.ChainBreak(1, "tag")


def test_entries_from_before_the_key_are_counted_not_refused() -> None:
    plain_part = chain(3)
    tagged = [
        AuditEntry(*[getattr(e, f) for f in FIELDS[:-1]], audit.entry_tag(KEY, e.hash))
        if e.seq > 3
        else e
        for e in chain(5)
    ]
    assert [e.hash for e in tagged[:3]] == [e.hash for e in plain_part]
    found = audit.check(tagged, key=KEY)
    assert found.broken is None and (found.tagged, found.untagged) == (2, 3)
    assert found.tags_checked and not audit.check(tagged).tags_checked


FIELDS = ["seq", "at", "actor", "action", "subject", "data", "prev_hash", "hash", "tag"]


def test_an_export_rechecks_offline_and_a_tampered_one_does_not() -> None:
    entries = keyed_chain(4)
    lines = [json.dumps(audit.export_record(e), ensure_ascii=False) for e in entries]
    record = json.loads(lines[1])
    assert set(record) == {*audit.EXPORT_FIELDS, "tag"}
    back = [audit.from_record(line) for line in lines]
    assert back == entries
    assert audit.check(back, audit.Head(4, entries[-1].hash), KEY).broken is None
    record["details"] = {"n": 2, "name": "edited"}
    edited = [*back[:1], audit.from_record(json.dumps(record)), *back[2:]]
    assert audit.check(edited).broken == audit.ChainBreak(2, "content")
    for bad in ("", "{}", "[1]", '{"seq": "1"}', lines[0].replace('"seq": 1', '"seq": true')):
        with pytest.raises(ValueError):
            audit.from_record(bad)


def tamper_in_file(path: Path, seq: int, field: str, value: str) -> None:
    """Rewrite one stored entry and recompute every hash after it, with the append-only triggers
    out of the way, as whoever holds the database file can (keeping any stored tag)."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        rows = db.execute(
            "SELECT seq, at, actor, action, subject, data FROM audit_log ORDER BY seq"
        ).fetchall()
        prev = GENESIS
        for number, at, actor, action, subject, data in rows:
            fields = {"actor": actor, "subject": subject}
            if number == seq:
                fields[field] = value
            stored = json.loads(data)
            plain = {k: v for k, v in stored.items() if k != "_tag"}
            digest = entry_hash(prev, number, at, fields["actor"], action, fields["subject"], plain)
            db.execute(
                "UPDATE audit_log SET actor = ?, subject = ?, prev_hash = ?, hash = ?"
                " WHERE seq = ?",
                (fields["actor"], fields["subject"], prev, digest, number),
            )
            prev = digest


async def test_a_keyed_store_tags_entries_and_catches_a_rewrite_in_the_file(
    tmp_path: Path, region: Region
) -> None:
    path = tmp_path / "keyed.db"
    conn = await open_store(path)
    audit_log.sign_with(conn, KEY)
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-11-24T10:00:00+00:00", "t"
    )
    published = await audit_log.head(conn)
    intact = await audit_service.check(conn, published, KEY)
    assert intact.broken is None and intact.tagged == intact.count > 10
    # What services and tests read back is the data as recorded, the tag kept beside it.
    first = [e async for e in audit_log.entries(conn)][0]
    assert "_tag" not in first.data and first.tag == audit.entry_tag(KEY, first.hash)
    with pytest.raises(ValueError):
        await audit_log.append(conn, "2026-11-24T10:00:00+00:00", "t", "x", "s", {"_tag": "x"})
    await conn.close()

    tamper_in_file(path, 3, "subject", "ALS-XX-99")
    conn = await open_store(path)
    try:
        assert (await audit_service.verify(conn))[1] is None  # every hash recomputed
        assert (await audit_service.check(conn, key=KEY)).broken == audit.ChainBreak(3, "tag")
        by_head = await audit_service.check(conn, published)
        assert by_head.broken == audit.ChainBreak(published.seq, "head_differs")
        # The service keeps answering: entries are still appended, and the head moves on.
        audit_log.sign_with(conn, KEY)
        await audit_log.append(conn, "2026-11-25T10:00:00+00:00", "t", "x", "s", {"n": 1})
        assert (await audit_log.head(conn)).seq == published.seq + 1
    finally:
        await conn.close()


async def test_the_status_page_publishes_the_head_even_over_a_tampered_log(
    tmp_path: Path, region: Region
) -> None:
    path = tmp_path / "page.db"
    conn = await open_store(path)
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-11-24T10:00:00+00:00", "t"
    )
    await conn.close()
    tamper_in_file(path, 2, "actor", "someone-else")
    conn = await open_store(path)
    head = await audit_log.head(conn)
    async with served(Deps(store=conn, settings=Settings(), region=region)) as client:  # type: ignore[call-arg]
        for lang in ("en", "es"):
            body = await page(client, f"/status?lang={lang}")
            assert f'data-head="{head}"' in body
            assert str(head) in body.split("<footer", 1)[1]
        assert "Referencia del registro de auditoría" in body


def test_cli_verify_export_and_offline_check(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    ok = run_cli(tmp_path, "audit", "verify")
    head = ok.stdout.strip()
    assert ok.returncode == 0 and audit.parse_head(head) is not None
    assert head in ok.stderr and "not checked" in ok.stderr  # no key: tags not checked, said
    assert run_cli(tmp_path, "audit", "verify", "--head", head).returncode == 0

    exported = run_cli(tmp_path, "audit", "export", "chain.jsonl")
    assert exported.returncode == 0 and head in exported.stderr
    lines = (tmp_path / "chain.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1))
    to_stdout = run_cli(tmp_path, "audit", "export")
    assert to_stdout.stdout.splitlines() == lines

    # Offline: no database opened, none created.
    away = tmp_path / "elsewhere"
    away.mkdir()
    (away / "chain.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    offline = run_cli(away, "audit", "verify", "--file", "chain.jsonl", "--head", head)
    assert offline.returncode == 0 and offline.stdout.strip() == head
    assert not (away / "lacralo.db").exists()

    record = json.loads(lines[2])
    record["details"]["name"] = "Edited"
    (away / "edited.jsonl").write_text(
        "\n".join([*lines[:2], json.dumps(record), *lines[3:]]) + "\n", "utf-8"
    )
    edited = run_cli(away, "audit", "verify", "--file", "edited.jsonl")
    assert edited.returncode == 1 and "broken at entry 3" in edited.stderr
    (away / "cut.jsonl").write_text("\n".join([*lines[:2], lines[2][:40]]) + "\n", "utf-8")
    cut = run_cli(away, "audit", "verify", "--file", "cut.jsonl")
    assert cut.returncode == 1 and "Line 3" in cut.stderr and "Traceback" not in cut.stderr
    missing = run_cli(away, "audit", "verify", "--file", "missing.jsonl")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_cli_verify_head_catches_a_history_rewritten_in_the_file(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    head = run_cli(tmp_path, "audit", "verify").stdout.strip()
    tamper_in_file(tmp_path / "lacralo.db", 2, "actor", "someone-else")
    assert run_cli(tmp_path, "audit", "verify").returncode == 0  # the chain alone cannot tell
    caught = run_cli(tmp_path, "audit", "verify", "--head", head)
    seq = head.split(":")[0]
    assert caught.returncode == 1 and f"broken at entry {seq}" in caught.stderr
    assert "rewritten" in caught.stderr and caught.stdout == ""
    spanish = run_cli(tmp_path, "audit", "verify", "--head", head, LACRALO_LANGUAGE="es")
    assert spanish.returncode == 1 and "reescrita" in spanish.stderr
    for bad in ("3:abc", "nonsense", seq):
        refused = run_cli(tmp_path, "audit", "verify", "--head", bad)
        assert refused.returncode == 2 and "SEQ:HASH" in refused.stderr


def test_cli_with_a_key_tags_entries_and_catches_a_rewrite_without_it(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER), LACRALO_AUDIT_KEY=KEY)
    ok = run_cli(tmp_path, "audit", "verify", LACRALO_AUDIT_KEY=KEY)
    assert ok.returncode == 0 and "HMAC tags checked" in ok.stderr
    exported = run_cli(tmp_path, "audit", "export", "chain.jsonl")
    assert all("tag" in json.loads(line) for line in (tmp_path / "chain.jsonl").open())
    assert exported.returncode == 0
    offline = run_cli(tmp_path, "audit", "verify", "--file", "chain.jsonl", LACRALO_AUDIT_KEY=KEY)
    assert offline.returncode == 0
    tamper_in_file(tmp_path / "lacralo.db", 4, "subject", "ALS-XX-99")
    caught = run_cli(tmp_path, "audit", "verify", LACRALO_AUDIT_KEY=KEY)
    assert caught.returncode == 1 and "broken at entry 4" in caught.stderr
    assert "LACRALO_AUDIT_KEY" in caught.stderr
    wrong = run_cli(tmp_path, "audit", "verify", "--file", "chain.jsonl", LACRALO_AUDIT_KEY="x")
    assert wrong.returncode == 1 and "broken at entry 1" in wrong.stderr


def test_cli_list_by_kind_and_date(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    every = json.loads(run_cli(tmp_path, "audit", "list", "--format", "json").stdout)
    als = json.loads(
        run_cli(tmp_path, "audit", "list", "--kind", "roster.als", "--format", "json").stdout
    )
    assert als and {e["action"] for e in als} == {"roster.als"} and len(als) < len(every)
    prefix = run_cli(tmp_path, "audit", "list", "--kind", "roster", "--format", "json")
    assert len(json.loads(prefix.stdout)) == len(every)
    assert all(len(e["hash"]) == 64 for e in every)
    later = run_cli(tmp_path, "audit", "list", "--since", "2999-01-01", "--format", "json")
    assert json.loads(later.stdout) == []
    today = every[0]["at"][:10]
    assert len(
        json.loads(run_cli(tmp_path, "audit", "list", "--since", today, "--format", "json").stdout)
    ) == len(every)
    csv_out = run_cli(tmp_path, "audit", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "seq,at,actor,action,subject,data" and len(csv_out) == len(every) + 1
    assert run_cli(tmp_path, "audit", "list", "--since", "yesterday").returncode == 2
