"""The Slack app over real signed HTTP requests, with a fake Slack Web API (issue 9, first part)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import elections as election_store
from bot.store import outbox
from tests.conftest import async_wait_until
from tests.e2e.slack_helpers import SlackBot, command_body, running_slack_bot, slack_headers

MARIA, JOAO, JEAN, CHAIR = "U0000001", "U0000003", "U0000004", "U0000008"


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackBot]:
    async with running_slack_bot(tmp_path, outbound_smtp_host="127.0.0.1") as bot:
        yield bot


async def test_help_in_the_language_it_is_asked_in(slack: SlackBot) -> None:
    started = time.monotonic()
    status, text = await slack.command(MARIA, "ayuda")
    assert status == 200 and time.monotonic() - started < 3  # Slack's limit for the acknowledgement
    assert text.startswith("Lo que puede pedir") and "/lacralo poder" in text
    _, french = await slack.command(MARIA, "aide")
    assert "/lacralo procuration" in french


async def test_status_of_the_askers_als(slack: SlackBot) -> None:
    status, text = await slack.command(MARIA, "status")
    assert status == 200 and "Asociación Ficticia de Usuarios de Internet is active" in text
    assert "Reading used" in text


async def test_garbled_command_gets_help_and_the_closest_verb(slack: SlackBot) -> None:
    _, text = await slack.command(MARIA, "podre ALS-BR-01")
    assert "No entendí «podre ALS-BR-01»" in text and "¿Quiso decir «poder»?" in text


async def test_strangers_are_told_to_ask_the_secretariat(slack: SlackBot) -> None:
    _, text = await slack.command("UNKNOWN1", "estado")
    assert "pida a la Secretaría" in text


async def test_proxy_by_message_then_a_second_one_refused(slack: SlackBot) -> None:
    _, text = await slack.command(MARIA, "poder ALS-BR-01")
    assert "Poder registrado: ALS-AR-01 vota a través de ALS-BR-01" in text
    [proxy] = await election_store.proxies(slack.deps.store)
    assert (proxy.giver, proxy.holder) == ("ALS-AR-01", "ALS-BR-01")
    queued = {(r["channel"], r["recipient"]) for r in await outbox.listing(slack.deps.store)}
    assert {
        ("email", "maria.perez@example.org"),
        ("email", "joao.araujo@example.org"),
        ("email", "secretary@example.org"),
    } <= queued
    _, refused = await slack.command(JEAN, "procuration ALS-BR-01")  # Rule 1.6
    assert "Procuration refusée" in refused and "règle 1.6" in refused
    _, revoked = await slack.command(MARIA, "revocar")
    assert "revocado" in revoked


async def test_only_representatives_act_for_an_als(slack: SlackBot) -> None:
    _, text = await slack.command(CHAIR, "proxy ALS-BR-01")
    assert "Only a representative" in text and await election_store.proxies(slack.deps.store) == []


async def test_language_choice_is_kept(slack: SlackBot) -> None:
    _, text = await slack.command(JOAO, "language pt")
    assert text == "De agora em diante respondo a você em português."
    _, answer = await slack.command(JOAO, "status")  # an English verb, answered in Portuguese
    assert "Instituto Exemplo de Cidadania Digital está ativa" in answer


@pytest.mark.parametrize("forgery", ["wrong_secret", "stale", "unsigned"])
async def test_forged_requests_are_refused(slack: SlackBot, forgery: str) -> None:
    body = command_body(MARIA, "poder ALS-BR-01")
    kind = "application/x-www-form-urlencoded"
    headers = {
        "wrong_secret": slack_headers(body, kind, secret="nope"),
        "stale": slack_headers(body, kind, timestamp=int(time.time()) - 600),
        "unsigned": {"Content-Type": kind},
    }[forgery]
    status, _ = await slack.command(MARIA, "poder ALS-BR-01", headers)
    assert status == 401
    assert await election_store.proxies(slack.deps.store) == []


async def test_a_retried_event_is_answered_once(slack: SlackBot) -> None:
    event = {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": "Ev1",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": MARIA,
            "text": "estado",
            "ts": "1.1",
        },
    }
    assert await slack.event(event) == 200
    assert await slack.event(event, retry=1) == 200

    async def answered() -> bool:
        return len(slack.slack.methods("chat.postMessage")) >= 1

    await async_wait_until(answered, 5, "the answer to the direct message")
    assert len(slack.slack.methods("chat.postMessage")) == 1
    assert "está activa" in slack.slack.methods("chat.postMessage")[0]["text"]


async def test_a_proxy_is_for_the_next_assembly_and_revocable_until_it_starts(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.services import meetings as meeting_service

    moment = {"now": datetime(2027, 2, 1, 12, 0, tzinfo=UTC)}
    async with running_slack_bot(tmp_path, clock=lambda: moment["now"]) as bot:
        start = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)
        await meeting_service.add_meeting(
            bot.deps.store, "assembly", start, 120, None, "General Assembly", moment["now"], "t"
        )
        _, text = await bot.command(MARIA, "proxy ALS-BR-01")
        assert "for General Assembly on 3 Mar 2027" in text
        [row] = await election_store.proxy_listing(bot.deps.store)
        assert row["vote_at"] == "2027-03-03T15:00:00+00:00"
        moment["now"] = start + timedelta(minutes=5)  # the assembly has started
        _, text = await bot.command(MARIA, "revoke")
        assert "cannot be revoked once its vote has started" in text
        _, late = await bot.command(JEAN, "proxy ALS-JM-01 1")  # a proxy for it now comes too late
        assert "Proxy refused" in late or "Procuration refusée" in late


async def test_a_post_slack_refuses_keeps_slacks_reason(slack: SlackBot) -> None:
    """A channel the bot was not invited to (manifest.yml asks for chat:write, not
    chat:write.public): the outbox keeps Slack's code, which says what to do."""
    from bot.transports.slack_out import SlackRefused, slack_sender

    slack.slack.fail_with = "not_in_channel"
    send = slack_sender(slack.deps.settings)
    with pytest.raises(SlackRefused, match="^not_in_channel$"):
        await send("C0ANNOUNCE", {"subject": "Monthly call", "text": "Tomorrow"})
    [call] = slack.slack.methods("chat.postMessage")
    assert call["channel"] == "C0ANNOUNCE"
