"""List posts through a real SMTP/LMTP server on loopback, into a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import roster as roster_service
from bot.store import participation as events
from tests.e2e.smtp_bot import SmtpBot, start_smtp_bot
from tests.e2e.smtp_bot import _send as smtp_send

LIST_ID = "lac-discuss-es.atlarge-lists.icann.org"


def post(
    sender: str = "María Pérez <maria.perez@example.org>",
    mid: str = "<p1@example.org>",
    list_id: str = LIST_ID,
    extra: str = "",
    body: str = "Hola.\r\n",
) -> bytes:
    head = f"From: {sender}\r\nTo: lac-discuss-es@atlarge-lists.icann.org\r\nSubject: Hola\r\n"
    head += f"Date: Tue, 21 Feb 2023 10:00:00 -0300\r\nList-Id: <{list_id}>\r\n"
    if mid:
        head += f"Message-ID: {mid}\r\n"
    return (head + extra + "\r\n" + body).encode("utf-8")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[SmtpBot]:
    running = await start_smtp_bot(tmp_path, db_busy_timeout_ms=100, max_message_bytes=64 * 1024)
    yield running
    await running.close()


async def test_plain_post_is_stored_for_the_senders_als(bot: SmtpBot) -> None:
    code, _ = await bot.send(post())
    assert code == 250
    log = await events.events(bot.conn, "ALS-AR-01")
    assert log == [
        {
            "als_id": "ALS-AR-01",
            "person": "María Pérez",
            "kind": "list_post",
            "source": LIST_ID,
            "occurred_at": "2023-02-21T13:00:00+00:00",
            "activity_id": None,
            "note": None,
            "duration_min": None,
        }
    ]


async def test_alias_address_counts_for_its_person(bot: SmtpBot) -> None:
    assert (await bot.send(post(sender="MPEREZ@example.net")))[0] == 250
    assert [e["person"] for e in await events.events(bot.conn)] == ["María Pérez"]


async def test_dmarc_rewritten_post_is_attributed_to_the_real_author(bot: SmtpBot) -> None:
    raw = post(
        sender="Joaquín Núñez via lac-discuss-es <lac-discuss-es@atlarge-lists.icann.org>",
        extra="Reply-To: joaquin.nunez@example.org\r\n",
    )
    assert (await bot.send(raw))[0] == 250
    assert [e["person"] for e in await events.events(bot.conn)] == ["Joaquín Núñez"]


async def test_duplicates_count_once(bot: SmtpBot) -> None:
    first = await bot.send(post())
    again = await bot.send(post())
    other_list = await bot.send(post(list_id="lacralo-governance.atlarge-lists.icann.org"))
    assert [first[0], again[0], other_list[0]] == [250, 250, 250]
    assert "Already recorded" in again[1]
    assert await bot.count() == 1


async def test_no_message_id_gets_a_stable_key(bot: SmtpBot) -> None:
    await bot.send(post(mid=""))
    await bot.send(post(mid="", list_id="lacralo-governance.atlarge-lists.icann.org"))
    assert await bot.count() == 1


async def test_unknown_list_is_recorded_and_shown(bot: SmtpBot) -> None:
    assert (await bot.send(post(list_id="new-wg.example.org")))[0] == 250
    lists = {row["list_id"]: row for row in await events.lists(bot.conn)}
    assert (
        lists["new-wg.example.org"]["known"] is False and lists["new-wg.example.org"]["posts"] == 1
    )


async def test_unknown_sender_is_queued_then_attributed_when_aliased(bot: SmtpBot) -> None:
    assert (await bot.send(post(sender="Lupe <lupita@personal.example.com>", mid="<u1@x>")))[
        0
    ] == 250
    assert await events.events(bot.conn) == []
    queue = await events.unmatched(bot.conn)
    assert [(q["address"], q["source"]) for q in queue] == [
        ("lupita@personal.example.com", LIST_ID)
    ]

    header = "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
    row = (
        "ALS-MX-01,Colectivo Ejemplo por el Acceso,MX,2016-09-05,es,representative,Guadalupe Hernández,"
        "lupe.hernandez@example.org,U0000006,MX,lupita@personal.example.com\n"
    )
    report = await roster_service.import_roster(
        bot.conn, bot.deps.region, (header + row).encode(), "2026-02-01T00:00:00+00:00", "t"
    )
    assert report.attributed == 1
    assert [e["als_id"] for e in await events.events(bot.conn)] == ["ALS-MX-01"]
    assert await events.unmatched(bot.conn) == []


async def test_huge_message_gets_552_and_the_server_keeps_serving(bot: SmtpBot) -> None:
    code, _ = await bot.send(post(body=("x" * 70 + "\r\n") * 1000))
    assert code == 552
    assert await bot.count() == 0
    assert (await bot.send(post()))[0] == 250


async def test_undecodable_bytes_and_garbage(bot: SmtpBot) -> None:
    latin1 = (
        b"From: Jo\xe3o Ara\xfajo <joao.araujo@example.org>\r\nList-Id: <"
        + LIST_ID.encode()
        + b">\r\nMessage-ID: <l1@x>\r\nSubject: \xff\xfe\r\n\r\n\xff\xfe body"
    )
    assert (await bot.send(latin1))[0] == 250
    assert [e["person"] for e in await events.events(bot.conn)] == ["João Araújo"]
    code, text = await bot.send(b"\x00\x01garbage that is not a message at all")
    assert code == 550 and "unreadable" in text
    code, text = await bot.send(b"Subject: nobody wrote this\r\nList-Id: <x.y>\r\n\r\nbody")
    assert code == 550 and "no_author" in text
    assert (await bot.send(post(mid="<after@x>")))[0] == 250


async def test_not_a_list_post_is_refused_with_its_reason(bot: SmtpBot) -> None:
    raw = b"From: maria.perez@example.org\r\nSubject: hi\r\nMessage-ID: <d@x>\r\n\r\nhello"
    code, text = await bot.send(raw)
    assert code == 550 and "List-Id" in text
    assert await bot.count() == 0


async def test_a_flood_of_refused_mail_is_summarised_in_the_log(
    bot: SmtpBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 20: each refused mail is answered 550, but one address's refusals of one kind are
    logged once a minute, not once each."""
    caplog.set_level(logging.INFO, logger="lacralo_bot")
    raw = b"From: maria.perez@example.org\r\nSubject: hi\r\n\r\nhello"
    for n in range(15):
        code, _ = await bot.send(raw.replace(b"hi", f"hi {n}".encode()))
        assert code == 550
    refusals = [r for r in caplog.records if "List-Id" in r.getMessage()]
    assert len(refusals) == 1
    assert (await bot.send(post(mid="<still@x>")))[0] == 250  # and the door stays open


async def test_locked_database_answers_451_never_a_lost_250(bot: SmtpBot) -> None:
    other = sqlite3.connect(bot.db_path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        code, text = await bot.send(post(mid="<during-lock@x>"))
        assert code == 451 and "try again" in text
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await bot.count() == 0
    # The sending MTA retries, and now it is stored.
    assert (await bot.send(post(mid="<during-lock@x>")))[0] == 250
    assert await bot.count() == 1


async def test_every_250_has_its_event_committed(bot: SmtpBot) -> None:
    for i in range(20):
        assert (await bot.send(post(mid=f"<seq{i}@x>")))[0] == 250
        # Read through a separate connection: the event must be committed, not just buffered.
        with sqlite3.connect(bot.db_path) as reader:
            stored = reader.execute(
                "SELECT count(*) FROM participation WHERE source_key = ?", (f"mid:seq{i}@x",)
            ).fetchone()[0]
        assert stored == 1


async def test_no_body_is_stored(bot: SmtpBot) -> None:
    await bot.send(post(body="CONFIDENTIAL-BODY-MARKER\r\n"))
    await bot.conn.execute("PRAGMA wal_checkpoint(FULL)")
    assert b"CONFIDENTIAL-BODY-MARKER" not in bot.db_path.read_bytes()
    wal = bot.db_path.with_name(bot.db_path.name + "-wal")
    assert not wal.exists() or b"CONFIDENTIAL-BODY-MARKER" not in wal.read_bytes()


async def test_lmtp_answers_per_recipient(tmp_path: Path) -> None:
    lmtp_bot = await start_smtp_bot(tmp_path, lmtp=True)
    try:
        code, _ = await lmtp_bot.send(post(), lmtp=True)
        assert code == 250
        assert await lmtp_bot.count() == 1
    finally:
        await lmtp_bot.close()


async def test_broken_mime_body_is_irrelevant(bot: SmtpBot) -> None:
    extra = 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n'
    body = (
        "--never-closed\r\nContent-Type: text/plain; charset=utf-99\r\n\r\n\xff broken\r\n--never"
    )
    assert (await bot.send(post(mid="<mime@x>", extra=extra, body=body)))[0] == 250
    assert await bot.count() == 1


async def test_a_date_in_the_future_is_not_believed(bot: SmtpBot) -> None:
    raw = post(mid="<future@x>").replace(b"Tue, 21 Feb 2023", b"Tue, 21 Feb 2090")
    assert (await bot.send(raw))[0] == 250
    [event] = await events.events(bot.conn)
    assert event["occurred_at"] < "2090"


async def test_concurrent_posts_share_commits_and_each_250_follows_its_commit(
    bot: SmtpBot,
) -> None:
    """Group commit (issue 20, part 9): posts arriving together are stored by one statement and
    one fsync, yet no sender hears 250 before its own row is committed (read back here through
    another connection the moment the 250 arrives)."""
    writer = events.writer(bot.conn)
    flush = writer._flush
    flushes: list[int] = []

    async def counted(batch: list[events.NewEvent]) -> list[events.Stored]:
        flushes.append(len(batch))
        return await flush(batch)

    writer._flush = counted
    senders, each = 8, 6

    def sender(n: int) -> list[bool]:
        seen = []
        for i in range(each):
            code, _ = smtp_send(
                bot.port, post(mid=f"<c{n}-{i}@x>"), "lacralo-bot@example.org", False, "l@x.org"
            )
            with sqlite3.connect(bot.db_path) as reader:
                key = f"mid:c{n}-{i}@x"
                row = reader.execute("SELECT 1 FROM participation WHERE source_key = ?", (key,))
                seen.append(code == 250 and row.fetchone() is not None)
        return seen

    try:
        results = await asyncio.gather(*(asyncio.to_thread(sender, n) for n in range(senders)))
    finally:
        writer._flush = flush
    assert all(all(seen) for seen in results), "a 250 came before its row was committed"
    assert await bot.count() == senders * each
    assert sum(flushes) == senders * each
    assert len(flushes) < senders * each, f"no two posts shared a commit: {flushes}"
