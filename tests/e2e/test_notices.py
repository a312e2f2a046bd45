"""Notices leave through the outbox: a real SMTP relay and a fake Slack Web API on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.deps import Deps
from bot.region import Region
from bot.scheduler import Scheduler
from bot.services import outbox as outbox_service
from bot.settings import Settings
from bot.store import outbox
from bot.store.transaction import transaction
from bot.transports.mail_out import email_sender
from bot.transports.slack_out import slack_sender
from tests.conftest import free_port
from tests.fakes import fake_slack, smtp_sink
from tests.test_status_service import setup

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PAYLOAD = {
    "subject": "LACRALO: ALS Ñandú is now inactive",
    "text": "Faltó a 3 teleconferencias — ça va",
}


async def queue(conn: aiosqlite.Connection, key: str, channel: str, to: str) -> None:
    async with transaction(conn):
        await outbox.enqueue(conn, key, channel, to, PAYLOAD, NOW.isoformat(), NOW.isoformat())


async def test_email_is_sent_once_with_proper_headers(store: aiosqlite.Connection) -> None:
    async with smtp_sink() as sink:
        settings = Settings(
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,  # type: ignore[call-arg]
            from_address="lacralo-bot@lacralo.example.org",
        )
        send = {"email": email_sender(settings, lambda: NOW)}
        await queue(store, "k1", "email", "joao.araujo@example.org")
        first = await outbox_service.deliver_due(store, send, NOW)
        again = await outbox_service.deliver_due(store, send, NOW + timedelta(minutes=5))
    assert (first.sent, again.sent) == (1, 0)
    [msg] = sink.messages
    assert msg["Subject"] == PAYLOAD["subject"] and msg["To"] == "joao.araujo@example.org"
    assert msg["Auto-Submitted"] == "auto-generated" and msg["Message-ID"] and msg["Date"]
    assert msg.get_content().strip() == PAYLOAD["text"]
    [row] = await outbox.listing(store)
    assert row["state"] == "sent" and row["attempts"] == 1


async def test_failed_sends_back_off_then_stay_visible(store: aiosqlite.Connection) -> None:
    settings = Settings(outbound_smtp_host="127.0.0.1", outbound_smtp_port=free_port())  # type: ignore[call-arg]
    send = {"email": email_sender(settings, lambda: NOW)}
    await queue(store, "k1", "email", "someone@example.org")
    result = await outbox_service.deliver_due(store, send, NOW)
    assert result.retried == 1
    [row] = await outbox.listing(store)
    assert row["state"] == "queued" and row["attempts"] == 1 and row["last_error"]
    assert row["due_at"] == (NOW + timedelta(minutes=1)).isoformat()
    assert (
        await outbox_service.deliver_due(store, send, NOW + timedelta(seconds=30))
    ).retried == 0  # not yet due
    moment = NOW
    for _ in range(10):
        moment += timedelta(days=1)
        await outbox_service.deliver_due(store, send, moment)
    [row] = await outbox.listing(store)
    assert row["state"] == "failed" and row["attempts"] == 6


@pytest.mark.parametrize(
    ("reply", "state", "retried"),
    [("550 5.1.1 No such user", "failed", 0), ("450 4.2.1 Mailbox busy", "queued", 1)],
)
async def test_a_permanent_refusal_is_not_tried_again(
    store: aiosqlite.Connection, reply: str, state: str, retried: int
) -> None:
    """A relay's 5xx is final (RFC 5321 section 4.2.1): failed at once, visible; a 4xx backs off."""
    async with smtp_sink() as sink:
        sink.refuse_rcpt = reply
        settings = Settings(outbound_smtp_host="127.0.0.1", outbound_smtp_port=sink.port)  # type: ignore[call-arg]
        await queue(store, "k1", "email", "gone@example.org")
        result = await outbox_service.deliver_due(
            store, {"email": email_sender(settings, lambda: NOW)}, NOW
        )
    assert result.retried == retried
    [row] = await outbox.listing(store)
    assert row["state"] == state and reply[:3] in row["last_error"]


async def test_slack_dm_through_the_web_api(store: aiosqlite.Connection) -> None:
    async with fake_slack() as slack:
        settings = Settings(slack_bot_token="xoxb-test", slack_api_url=slack.url)  # type: ignore[call-arg]
        await queue(store, "k1", "slack", "U0000003")
        result = await outbox_service.deliver_due(store, {"slack": slack_sender(settings)}, NOW)
    assert result.sent == 1
    [call] = slack.methods("chat.postMessage")
    assert call["channel"] == "U0000003" and PAYLOAD["subject"] in call["text"]
    assert slack.calls[0][2] == "Bearer xoxb-test"


async def test_scheduler_refreshes_statuses_and_delivers_without_repeats(
    store: aiosqlite.Connection, region: Region, tmp_path: Path
) -> None:
    await setup(
        store,
        region,
        {
            "ALS-AR-01": list(range(1, 12)),
            "ALS-BR-01": list(range(1, 9)),
            "ALS-JM-01": list(range(1, 10)),
        },
    )
    async with smtp_sink() as sink, fake_slack() as slack:
        settings = Settings(
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,  # type: ignore[call-arg]
            slack_bot_token="xoxb-test",
            slack_api_url=slack.url,
        )
        deps = Deps(store=store, settings=settings, region=region, clock=lambda: NOW)
        senders = {"email": email_sender(settings, deps.clock), "slack": slack_sender(settings)}
        await Scheduler(deps, senders).tick()
        sent_first = len(sink.messages)
        # A restart: a new scheduler, the same database. Nothing is sent twice.
        await Scheduler(deps, senders).tick()
    assert sent_first == len(sink.messages) > 0
    subjects = [m["Subject"] for m in sink.messages]
    assert any("Instituto Exemplo de Cidadania Digital" in s and "inativa" in s for s in subjects)
    assert any(
        "Example Internet Users Society missed the last monthly calls" in s for s in subjects
    )
    assert any("status changes" in s for s in subjects)  # the Secretariat's digest
    assert [c["channel"] for c in slack.methods("chat.postMessage")].count("U0000003") == 1
