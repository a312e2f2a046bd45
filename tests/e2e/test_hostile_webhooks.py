"""Hostile bodies against the running bot's webhooks (issue 20, parts 2, 3 and 8).

`lacralo-bot run` as a subprocess, its log captured in a file, a fake Slack Web API on loopback:
forged and malformed requests get a short 4xx (never a 500, never a traceback), the signature is
checked before the body is parsed, a flood of forged posts leaves a few lines of log and no body,
and afterwards the bot still answers and stores what it acknowledges. A Slack command that meets a
locked database is told to try again, in the ack or through its response_url, never left silent.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, async_wait_until
from tests.e2e.bot_process import BotProcess
from tests.e2e.slack_helpers import SIGNING_SECRET, slack_headers
from tests.e2e.zoom_helpers import SECRET, participant_event, signed_headers
from tests.fakes import FakeSlack, fake_slack

MARIA = "U0000001"
MARKER = "BODY-MARKER-7f3a"  # written in every hostile body; must never reach the log
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEEP = b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b', "m": "' + MARKER.encode() + b'"}'


@asynccontextmanager
async def hostile_bot(tmp_path: Path, **env: str) -> AsyncIterator[tuple[BotProcess, FakeSlack]]:
    """The bot with Zoom and Slack configured, the example roster, logging at INFO."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    async with fake_slack() as slack:
        bot = BotProcess(
            tmp_path,
            ZOOM_WEBHOOK_SECRET_TOKEN=SECRET,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.url,
            LACRALO_LOG_LEVEL="INFO",
            **env,
        )
        await asyncio.to_thread(bot.start)  # the fake Slack keeps serving meanwhile
        try:
            yield bot, slack
        finally:
            await asyncio.to_thread(bot.stop)


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    async with session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


def ack_text(raw: str) -> str:
    """bolt acknowledges a command with its text as plain text, or as JSON with blocks."""
    try:
        return str(json.loads(raw).get("text", raw))
    except ValueError:
        return raw


def command(text: str, response_url: str = "http://127.0.0.1:9/r") -> bytes:
    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": MARIA,
            "command": "/lacralo",
            "text": text,
            "response_url": response_url,
            "trigger_id": "t",
        }
    ).encode()


def with_timestamp(headers: dict[str, str], name: str, value: str) -> dict[str, str]:
    return headers | {name: value}


SLACK_CASES: list[tuple[str, bytes, dict[str, str], int]] = [
    ("unsigned invalid JSON", b"{" + MARKER.encode(), {"Content-Type": JSON}, 401),
    ("forged invalid JSON", b"{" + MARKER.encode(), {**slack_headers(b"x", JSON)}, 401),
    ("signed invalid JSON", b"{" + MARKER.encode(), slack_headers(b"{" + MARKER.encode(), JSON), 400),
    ("signed deep JSON", DEEP, slack_headers(DEEP, JSON), 400),
    ("signed JSON list", b'["' + MARKER.encode() + b'"]', slack_headers(b'["' + MARKER.encode() + b'"]', JSON), 400),
    ("signed form with a bad payload", b"payload=%5B" + MARKER.encode(), slack_headers(b"payload=%5B" + MARKER.encode(), FORM), 400),
    ("signed bytes that are no UTF-8", b"\xff\xfe" + MARKER.encode(), slack_headers(b"\xff\xfe" + MARKER.encode(), FORM), 400),
]  # fmt: skip
ABSURD_TIMESTAMPS = [
    "1e99",
    "-1",
    "NaN",
    "9" * 400,
    "1" * 5000,
    "\u0661\u0667\u0660\u0660",
    "1_700_000_000",
]


async def test_hostile_bodies_get_a_clean_4xx_and_the_bot_keeps_serving(tmp_path: Path) -> None:
    async with hostile_bot(tmp_path) as (bot, slack), aiohttp.ClientSession() as session:
        slack_url, zoom_url = bot.base_url + "/slack/events", bot.base_url + "/zoom/events"
        answers: list[tuple[str, int, str]] = []
        for what, body, headers, expected in SLACK_CASES:
            status, text = await post(session, slack_url, body, headers)
            answers.append((what, status, text))
            assert status == expected, (what, status, text)
        body = b"{" + MARKER.encode()
        for stamp in ABSURD_TIMESTAMPS:
            forged = with_timestamp(slack_headers(body, JSON), "X-Slack-Request-Timestamp", stamp)
            status, text = await post(session, slack_url, body, forged)
            answers.append((f"slack timestamp {stamp[:10]}", status, text))
            assert status == 401 and json.loads(text) == {"error": "bad_timestamp"}, stamp[:10]
            zoom_forged = with_timestamp(signed_headers(body), "x-zm-request-timestamp", stamp)
            status, text = await post(session, zoom_url, body, zoom_forged)
            answers.append((f"zoom timestamp {stamp[:10]}", status, text))
            assert status == 401 and json.loads(text) == {"error": "bad_timestamp"}, stamp[:10]
        for what, sent, headers, expected in [
            ("zoom unsigned invalid JSON", body, {"content-type": JSON}, 401),
            ("zoom signed invalid JSON", body, signed_headers(body), 400),
            ("zoom signed deep JSON", DEEP, signed_headers(DEEP), 400),
        ]:
            status, text = await post(session, zoom_url, sent, headers)
            answers.append((what, status, text))
            assert status == expected, (what, status, text)
        for what, status, text in answers:
            assert status < 500 and "Traceback" not in text and MARKER not in text, what

        # A name with a line break stays on one line of the log.
        join = participant_event("joined", "Mallory\nERROR forged line")
        assert (await post(session, zoom_url, join, signed_headers(join)))[0] == 200
        # Still answering and storing: a real command and a real join.
        status, text = await post(
            session, slack_url, command("poder ALS-BR-01"), slack_headers(command("poder ALS-BR-01"), FORM)
        )  # fmt: skip
        assert status == 200 and "Poder registrado" in ack_text(text)
        keisha = participant_event("joined", "Keisha Brown", "keisha.brown@example.org")
        assert (await post(session, zoom_url, keisha, signed_headers(keisha)))[0] == 200
    log = bot.log()
    assert "Traceback" not in log and MARKER not in log
    assert [line for line in log.splitlines() if "Mallory" in line] == [
        next(line for line in log.splitlines() if "Mallory" in line)
    ]
    assert not any(line.startswith("ERROR forged") for line in log.splitlines())
    assert stored_joins(tmp_path) == 2 and stored_proxies(tmp_path) == 1


def stored_joins(workdir: Path) -> int:
    with sqlite3.connect(workdir / "lacralo.db") as db:
        return int(db.execute("SELECT count(*) FROM participation").fetchone()[0])


def stored_proxies(workdir: Path) -> int:
    with sqlite3.connect(workdir / "lacralo.db") as db:
        return int(db.execute("SELECT count(*) FROM proxy").fetchone()[0])


async def test_a_flood_of_forged_megabyte_posts_leaves_a_few_lines_of_log(tmp_path: Path) -> None:
    """50 unsigned 1 MB posts to each webhook: each refused (401), counted in /metrics, and the log
    says so in one line per door and reason, never quoting a body."""
    big = (MARKER + "x" * 1024) * 1000
    async with hostile_bot(tmp_path) as (bot, _slack), aiohttp.ClientSession() as session:
        before = bot.log_path.stat().st_size
        for url, headers in (
            (bot.base_url + "/slack/events", {"Content-Type": FORM}),
            (bot.base_url + "/zoom/events", {"content-type": JSON}),
        ):
            statuses = await asyncio.gather(
                *(post(session, url, big.encode(), headers) for _ in range(50))
            )
            assert {status for status, _ in statuses} == {401}
            assert all("Traceback" not in text for _, text in statuses)
        # No trusted proxy is set: a forwarded address is not believed, nor logged.
        spoofed = {"X-Forwarded-For": "203.0.113.9", "Content-Type": FORM}
        assert (await post(session, bot.base_url + "/slack/events", b"x", spoofed))[0] == 401
        metrics = (await asyncio.to_thread(bot.get, "/metrics"))[1]
        grown = bot.log_path.stat().st_size - before
    assert 'lacralo_refusals_total{door="slack",reason="unsigned"} 51.0' in metrics
    assert 'lacralo_refusals_total{door="zoom",reason="unsigned"} 50.0' in metrics
    log = bot.log()
    assert MARKER not in log and "203.0.113.9" not in log
    assert grown < 2048, log[-4096:]
    assert (
        sum("Slack request from 127.0.0.1 refused: unsigned" in line for line in log.splitlines())
        == 1
    )
    assert (
        sum("Zoom request from 127.0.0.1 refused: unsigned" in line for line in log.splitlines())
        == 1
    )


@pytest.mark.parametrize(
    ("busy_ms", "where"), [(100, "in the acknowledgement"), (2500, "through the response_url")]
)
async def test_a_command_meeting_a_locked_database_is_told_to_try_again(
    tmp_path: Path, busy_ms: int, where: str
) -> None:
    """Another process holds the database's write lock: the command is answered "try again in a
    minute" (in Spanish, the language it was written in) -- at once when the wait for the lock is
    short, through the response_url after "Working on it…" when it is long -- nothing is stored,
    and the same command goes through once the lock is gone."""
    async with hostile_bot(tmp_path, LACRALO_DB_BUSY_TIMEOUT_MS=str(busy_ms)) as (bot, slack):
        body = command("poder ALS-BR-01", response_url=slack.url + "response")
        url = bot.base_url + "/slack/events"
        holder = sqlite3.connect(tmp_path / "lacralo.db", isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            async with aiohttp.ClientSession() as session:
                started = time.monotonic()
                status, text = await post(session, url, body, slack_headers(body, FORM))
                assert status == 200 and time.monotonic() - started < 3  # Slack's limit
                acked = ack_text(text)
                if where == "in the acknowledgement":
                    assert acked.startswith("El bot está ocupado") and "un minuto" in acked
                else:
                    assert acked == "Working on it…"

                    async def responded() -> bool:
                        return bool(slack.methods("response"))

                    await async_wait_until(responded, 10, "the answer at the response_url")
                    [answer] = slack.methods("response")
                    assert answer["text"].startswith("El bot está ocupado")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert stored_proxies(tmp_path) == 0
        async with aiohttp.ClientSession() as session:
            status, text = await post(session, url, body, slack_headers(body, FORM))
        assert status == 200 and "Poder registrado" in ack_text(text)
    assert stored_proxies(tmp_path) == 1
    busy_lines = [line for line in bot.log().splitlines() if "the database is busy" in line]
    assert len(busy_lines) == 1 and "Traceback" not in bot.log()


async def test_refusals_are_logged_per_client_a_trusted_proxy_names(tmp_path: Path) -> None:
    """Behind a trusted reverse proxy, each forwarded client has its own refusal line, and only
    one a minute (the flood test shows a forwarded address from an untrusted peer ignored)."""
    trusting = hostile_bot(tmp_path, LACRALO_TRUSTED_PROXIES="127.0.0.1/32")
    async with trusting as (bot, _slack), aiohttp.ClientSession() as session:
        for client in ("203.0.113.7", "203.0.113.8", "203.0.113.7"):
            forwarded = {"X-Forwarded-For": f"198.51.100.1, {client}", "Content-Type": FORM}
            status, _ = await post(session, bot.base_url + "/slack/events", b"x", forwarded)
            assert status == 401
    lines = [line for line in bot.log().splitlines() if "Slack request from" in line]
    assert len(lines) == 2
    assert "from 203.0.113.7 refused: unsigned" in lines[0]
    assert "from 203.0.113.8 refused: unsigned" in lines[1]
