"""Issue 20, point 5: forged list posts, sent to the real SMTP receiver on loopback.

Each attack is a post as anyone could send it, with a chosen From and List-Id. A post counts only
when a trusted relay delivered it or it carries a valid DKIM signature of its list's domain; any
other is held for review (answered 250 only once stored: nothing acknowledged is lost), and the
receiver keeps answering. A post to a list the region file does not name is recorded, does not
count, and counts once the file names it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import smtplib
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.mail import dkim_check
from bot.region import DEFAULT_REGION_FILE, Region, load_region
from bot.services import participation as participation_service
from bot.services.status.reading import statuses
from bot.store import held as held_store
from bot.store import metrics as metrics_store
from bot.store import participation as events
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.bot_process import BotProcess
from tests.e2e.dkim_helpers import Signer, make_signer
from tests.e2e.smtp_bot import SmtpBot, start_smtp_bot

LIST_ID = "lac-discuss-es.atlarge-lists.icann.org"
LIST_DOMAIN = "atlarge-lists.icann.org"
UNKNOWN_LIST = "lac-secret.lists.example.net"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
POSTED = "2023-02-21T13:00:00+00:00"


def post(mid: str = "<p1@example.org>", list_id: str = LIST_ID, body: str = "Hola.\r\n") -> bytes:
    """A post by María Pérez (ALS-AR-01 in examples/roster.csv), as any sender could forge it."""
    head = (
        "From: María Pérez <maria.perez@example.org>\r\nTo: lac-discuss-es@atlarge-lists.icann.org"
        "\r\nSubject: Hola\r\nDate: Tue, 21 Feb 2023 10:00:00 -0300\r\n"
        f"List-Id: <{list_id}>\r\nMessage-ID: {mid}\r\n"
    )
    return (head + "\r\n" + body).encode("utf-8")


@pytest.fixture(scope="module")
def signer() -> Signer:
    return make_signer()


@pytest.fixture
def published(signer: Signer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Signer]:
    """The key answered for the domains the test signs for, instead of DNS."""
    signer.published.clear()
    monkeypatch.setattr(dkim_check, "lookup", signer.lookup)
    yield signer


@pytest.fixture
async def untrusted(tmp_path: Path) -> AsyncIterator[SmtpBot]:
    """The receiver trusting only 127.0.0.2: our client, on 127.0.0.1, is anyone."""
    running = await start_smtp_bot(tmp_path, smtp_trusted_networks="127.0.0.2/32")
    yield running
    await running.close()


@pytest.fixture
async def trusted(tmp_path: Path) -> AsyncIterator[SmtpBot]:
    """The receiver with the default trusted relays: loopback, where our client is."""
    running = await start_smtp_bot(tmp_path)
    yield running
    await running.close()


async def last_participation(bot: SmtpBot, region: Region | None = None) -> datetime | None:
    """What the status rule sees of ALS-AR-01's participation (seed 003, auxiliary rule to 1)."""
    found = await statuses(bot.conn, region or bot.deps.region, NOW)
    [als] = [s for s in found if s.als.als_id == "ALS-AR-01"]
    return als.status.last_participation


async def test_forged_post_from_an_untrusted_peer_is_held_not_counted(
    untrusted: SmtpBot, published: Signer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "lacralo_bot.list_post")  # held posts log at DEBUG only
    code, text = await untrusted.send(post())
    assert code == 250 and "Recorded" in text  # stored before it was answered
    assert await untrusted.count() == 0
    [held] = await held_store.waiting(untrusted.conn)
    assert (held.list_id, held.sender, held.person, held.als_id) == (
        LIST_ID,
        "maria.perez@example.org",
        "María Pérez",
        "ALS-AR-01",
    )
    assert (held.reason, held.peer, held.occurred_at) == ("dkim_missing", "127.0.0.1", POSTED)
    assert await last_participation(untrusted) is None  # the status rule does not see it
    [said] = [r.getMessage() for r in caplog.records if r.name == "lacralo_bot.list_post"]
    assert "held for review" in said and "127.0.0.1" in said and "no DKIM signature" in said
    again = await untrusted.send(post())  # a re-delivery stays one
    assert again[0] == 250 and "Already recorded" in again[1]
    assert len(await held_store.waiting(untrusted.conn)) == 1


async def test_valid_dkim_signature_of_the_lists_domain_counts(
    untrusted: SmtpBot, published: Signer
) -> None:
    assert (await untrusted.send(published.sign(post(), LIST_DOMAIN)))[0] == 250
    assert await held_store.waiting(untrusted.conn) == []
    assert [e["person"] for e in await events.events(untrusted.conn)] == ["María Pérez"]
    assert await last_participation(untrusted) == datetime.fromisoformat(POSTED)


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        ("signed by the sender's own domain", "dkim_other_domain"),
        ("body changed after signing", "dkim_invalid"),
        ("signed with a key the list's DNS does not publish", "dkim_invalid"),
        ("a signature that is not one", "dkim_invalid"),
    ],
)
async def test_dkim_of_another_domain_or_a_broken_signature_is_held(
    untrusted: SmtpBot, published: Signer, attack: str, reason: str
) -> None:
    if attack == "signed by the sender's own domain":
        raw = published.sign(post(), "example.org")
    elif attack == "body changed after signing":
        raw = published.sign(post(), LIST_DOMAIN).replace(b"Hola.", b"Adios")
    elif attack == "signed with a key the list's DNS does not publish":
        raw = make_signer().sign(post(), LIST_DOMAIN)
        published.published.add(LIST_DOMAIN)  # the list's real key, which did not sign this
    else:
        raw = f"DKIM-Signature: v=1; a=rsa-sha256; d={LIST_DOMAIN}; s=lists; b=AAAA\r\n".encode()
        raw += post()
    assert (await untrusted.send(raw))[0] == 250
    assert await untrusted.count() == 0
    assert [h.reason for h in await held_store.waiting(untrusted.conn)] == [reason]
    assert await last_participation(untrusted) is None


async def test_a_check_that_does_not_finish_in_time_holds_and_the_receiver_keeps_answering(
    untrusted: SmtpBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name server that never answers: the post is held (not lost, not counted), and the
    receiver answers other posts meanwhile."""
    never = threading.Event()

    def silent(name: bytes | str, timeout: float = 5) -> bytes | None:
        never.wait(30)
        return None

    monkeypatch.setattr(dkim_check, "lookup", silent)
    monkeypatch.setattr(dkim_check, "DEADLINE_S", 0.3)
    try:
        signed = make_signer().sign(post(), LIST_DOMAIN)
        answers = await asyncio.gather(
            untrusted.send(signed), untrusted.send(post(mid="<plain@example.org>"))
        )
        assert [code for code, _ in answers] == [250, 250]
    finally:
        never.set()
    reasons = sorted(h.reason for h in await held_store.waiting(untrusted.conn))
    assert reasons == ["dkim_missing", "dkim_unavailable"]
    assert await untrusted.count() == 0


async def test_a_flood_of_forged_posts_is_all_held_and_answered(
    untrusted: SmtpBot, published: Signer
) -> None:
    """Nothing acknowledged is lost: every 250 has its held row; a signed post among them counts."""
    forged = [untrusted.send(post(mid=f"<f{i}@example.org>")) for i in range(30)]
    genuine = untrusted.send(published.sign(post(mid="<real@example.org>"), LIST_DOMAIN))
    answers = await asyncio.gather(*forged, genuine)
    assert {code for code, _ in answers} == {250}
    assert len(await held_store.waiting(untrusted.conn)) == 30
    assert await untrusted.count() == 1
    # /metrics says so (issue 21): 30 held on the list, 1 counted.
    found = await metrics_store.snapshot(untrusted.conn)
    assert found.posts_held == {(LIST_ID, "held"): 30}
    assert found.posts_counted[LIST_ID] == 1


async def test_a_post_from_the_trusted_relay_counts_without_a_signature(trusted: SmtpBot) -> None:
    assert (await trusted.send(post()))[0] == 250
    assert await held_store.waiting(trusted.conn) == []
    assert await last_participation(trusted) == datetime.fromisoformat(POSTED)


def _region_naming(tmp_path: Path, list_id: str) -> Path:
    """The shipped region file with one more list."""
    raw = yaml.safe_load(DEFAULT_REGION_FILE.read_text("utf-8"))
    raw["lists"].append({"list_id": list_id, "name": "Secret list", "kind": "wg"})
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def test_unknown_list_is_seen_not_counted_then_counts_once_the_region_names_it(
    trusted: SmtpBot, tmp_path: Path
) -> None:
    assert (await trusted.send(post(list_id=UNKNOWN_LIST)))[0] == 250
    assert await held_store.waiting(trusted.conn) == []  # an unknown list is no reason to hold
    assert await last_participation(trusted) is None
    db = str(trusted.db_path)
    shown = run_cli(tmp_path, "participation", "--format", "json", LACRALO_DB_PATH=db)
    [line] = json.loads(shown.stdout)
    assert (line["source"], line["counts"], line["evidence"]) == (UNKNOWN_LIST, False, "email")
    lists = json.loads(run_cli(tmp_path, "lists", "--format", "json", LACRALO_DB_PATH=db).stdout)
    assert [(x["list_id"], x["known"], x["posts"]) for x in lists if not x["known"]] == [
        (UNKNOWN_LIST, False, 1)
    ]

    named = _region_naming(tmp_path, UNKNOWN_LIST)
    env = {"LACRALO_DB_PATH": db, "LACRALO_REGION_FILE": str(named)}
    [line] = json.loads(run_cli(tmp_path, "participation", "--format", "json", **env).stdout)
    assert line["counts"] is True
    region = load_region(named)
    # What `run` does at start-up (bot/app.py): the stored flags follow the region file.
    await participation_service.sync_lists(trusted.conn, region, NOW)
    assert await last_participation(trusted, region) == datetime.fromisoformat(POSTED)


async def test_held_posts_are_listed_approved_and_rejected_through_the_cli(
    untrusted: SmtpBot, tmp_path: Path
) -> None:
    for mid in ("<a@example.org>", "<b@example.org>"):
        assert (await untrusted.send(post(mid=mid)))[0] == 250
    env = {"LACRALO_DB_PATH": str(untrusted.db_path)}
    listed = run_cli(tmp_path, "participation", "held", "--format", "json", **env)
    held = json.loads(listed.stdout)
    assert [(h["held_id"], h["reason"], h["person"]) for h in held] == [
        (1, "dkim_missing", "María Pérez"),
        (2, "dkim_missing", "María Pérez"),
    ]
    assert "127.0.0.1" in held[0]["why"]
    table = run_cli(tmp_path, "participation", "held", **env)
    assert "maria.perez@example.org" in table.stdout

    approved = run_cli(tmp_path, "participation", "approve", "1", **env)
    assert approved.returncode == 0, approved.stderr
    assert "Held post 1 approved" in approved.stderr
    # It counts from its own date, not from the day it was approved.
    assert await last_participation(untrusted) == datetime.fromisoformat(POSTED)
    rejected = run_cli(tmp_path, "participation", "reject", "2", **env)
    assert rejected.returncode == 0 and "Held post 2 rejected" in rejected.stderr
    assert await untrusted.count() == 1
    assert (
        json.loads(run_cli(tmp_path, "participation", "held", "--format", "json", **env).stdout)
        == []
    )

    twice = run_cli(tmp_path, "participation", "approve", "2", **env)
    assert twice.returncode == 1 and "already rejected" in twice.stderr
    assert await untrusted.count() == 1  # a rejected post never counts
    missing = run_cli(tmp_path, "participation", "reject", "9", **env)
    assert missing.returncode == 1 and "no held post 9" in missing.stderr

    audit = json.loads(run_cli(tmp_path, "audit", "list", "--format", "json", **env).stdout)
    decided = [(a["action"], a["data"]["held_id"]) for a in audit if "held_id" in a["data"]]
    assert decided == [("participation.approved", 1), ("participation.rejected", 2)]
    again = await untrusted.send(post(mid="<a@example.org>"))  # the approved one, re-delivered
    assert again[0] == 250 and "Already recorded" in again[1]
    assert await untrusted.count() == 1


def test_the_running_bot_reads_its_region_files_lists_at_start_up(tmp_path: Path) -> None:
    """`lacralo-bot run` brings the stored lists in line with the region file when it starts, so
    posts recorded while their list was unknown count once a restart reads a file naming it."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0

    def known() -> list[tuple[str, int]]:
        with sqlite3.connect(tmp_path / "lacralo.db") as db:
            return db.execute("SELECT list_id, known FROM mailing_list").fetchall()

    first = BotProcess(tmp_path).start()
    try:
        with smtplib.SMTP("127.0.0.1", first.smtp_port, timeout=10) as client:
            client.sendmail(
                "bounces@lists.example.net", ["x@example.org"], post(list_id=UNKNOWN_LIST)
            )
    finally:
        first.stop(signal.SIGTERM)
    assert known() == [(UNKNOWN_LIST, 0)]

    named = _region_naming(tmp_path, UNKNOWN_LIST)
    second = BotProcess(tmp_path, LACRALO_REGION_FILE=str(named)).start()
    try:
        assert known() == [(UNKNOWN_LIST, 1)]
    finally:
        second.stop(signal.SIGTERM)


async def test_the_review_queue_is_bounded_and_a_refused_post_leaves_no_trace(
    untrusted: SmtpBot, published: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone can send held posts: past the bound the sender is told to try later (452, so a
    genuine post is delayed, not lost), nothing is stored, not even a new List-Id; a signed post
    still counts."""
    monkeypatch.setattr(participation_service, "MAX_HELD_PER_PEER", 3)
    answers = [await untrusted.send(post(mid=f"<q{i}@example.org>")) for i in range(3)]
    assert {code for code, _ in answers} == {250}
    code, text = await untrusted.send(post(mid="<q9@example.org>", list_id="flood.example.net"))
    assert code == 452 and "review" in text
    assert len(await held_store.waiting(untrusted.conn)) == 3
    assert (
        await untrusted.count(
            "SELECT count(*) FROM mailing_list WHERE list_id = ?", "flood.example.net"
        )
        == 0
    )
    # A re-delivery of a held post is still "already recorded", not refused.
    assert (await untrusted.send(post(mid="<q0@example.org>")))[0] == 250
    signed = published.sign(post(mid="<real2@example.org>"), LIST_DOMAIN)
    assert (await untrusted.send(signed))[0] == 250
    assert await untrusted.count() == 1
