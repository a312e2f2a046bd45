"""Slack over Socket Mode (issue 19, part 6): `serve` with SLACK_APP_TOKEN asks the Web API fake
for a socket address (apps.connections.open), connects to a local websocket standing in for
Slack, acknowledges each envelope over the socket, answers through the Web API, reconnects when
Slack asks it to, and closes the socket when it stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import serve
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import open_store
from tests.conftest import EXAMPLE_ROSTER, free_port
from tests.e2e.slack_helpers import SIGNING_SECRET, SocketSlack, socket_slack

MARIA = "U0000001"
APP_TOKEN = "xapp-1-test"


def command(text: str) -> dict[str, Any]:
    return {
        "token": "x",
        "team_id": "T1",
        "api_app_id": "A1",
        "channel_id": "C1",
        "user_id": MARIA,
        "command": "/lacralo",
        "text": text,
        "response_url": "http://127.0.0.1:9/r",
        "trigger_id": "t",
    }


def event(event_id: str, inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": event_id,
        "event": {"user": MARIA, "ts": "1.1"} | inner,
    }


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SocketSlack]:
    """The bot (`serve`, as `lacralo-bot run` runs it) connected over Socket Mode."""
    db = tmp_path / "bot.db"
    conn = await open_store(db)
    await roster_service.import_roster(
        conn, load_region(), EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    await conn.close()
    async with socket_slack() as fake:
        settings = Settings(
            db_path=db,
            http_port=free_port(),
            smtp_port=free_port(),
            slack_bot_token="xoxb-test",
            slack_signing_secret=SIGNING_SECRET,  # type: ignore[call-arg]
            slack_app_token=APP_TOKEN,
            slack_api_url=fake.api.url,
            scheduler_tick_s=3600,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        try:
            await fake.connections(1)
            yield fake
        finally:
            stop.set()
            await asyncio.wait_for(running, 15)  # and any error in `serve` fails the test
        # Stopping closed the socket: the fake saw every connection end.
        assert fake.closed == len(fake.sockets)


async def test_the_socket_address_comes_from_apps_connections_open(slack: SocketSlack) -> None:
    [(_, _, auth)] = [c for c in slack.api.calls if c[0] == "apps.connections.open"]
    assert auth == f"Bearer {APP_TOKEN}"  # the app-level token, not the bot token


async def test_a_slash_command_is_answered_in_its_acknowledgement(slack: SocketSlack) -> None:
    ack = await slack.envelope(slack.sockets[0], "env-cmd", "slash_commands", command("ayuda"))
    assert ack["payload"]["text"].startswith("Lo que puede pedir")


async def test_a_direct_message_is_acknowledged_then_answered(slack: SocketSlack) -> None:
    dm = event("Ev1", {"type": "message", "channel_type": "im", "channel": "D1", "text": "estado"})
    ack = await slack.envelope(slack.sockets[0], "env-dm", "events_api", dm)
    assert ack == {"envelope_id": "env-dm"}
    await slack.wait_for(lambda: bool(posted(slack, "D1")), "the answer in the DM")
    [answer] = posted(slack, "D1")
    assert "está activa" in answer["text"]
    # Slack sends it again (a retry, a new envelope): acknowledged, not answered twice.
    await slack.envelope(slack.sockets[0], "env-dm-again", "events_api", dm)
    assert len(posted(slack, "D1")) == 1


async def test_a_mention_in_a_channel_is_answered_there(slack: SocketSlack) -> None:
    mention = event("Ev2", {"type": "app_mention", "channel": "C42", "text": "<@UBOT> status"})
    await slack.envelope(slack.sockets[0], "env-mention", "events_api", mention)
    await slack.wait_for(lambda: bool(posted(slack, "C42")), "the answer in the channel")
    assert "is active" in posted(slack, "C42")[0]["text"]


async def test_it_reconnects_when_slack_asks_it_to(slack: SocketSlack) -> None:
    await slack.sockets[0].send_json({"type": "disconnect", "reason": "refresh_requested"})
    second = await slack.connections(2)
    assert len(slack.api.methods("apps.connections.open")) == 2
    ack = await slack.envelope(second, "env-after", "slash_commands", command("aide"))
    assert "/lacralo procuration" in ack["payload"]["text"]


async def test_a_malformed_envelope_does_not_stop_the_bot(slack: SocketSlack) -> None:
    await slack.sockets[0].send_str("{not json")
    await slack.sockets[0].send_json({"type": "events_api", "payload": None})
    ack = await slack.envelope(slack.sockets[0], "env-ok", "slash_commands", command("help"))
    assert "/lacralo" in ack["payload"]["text"]


def posted(slack: SocketSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in slack.api.methods("chat.postMessage") if m.get("channel") == channel]
