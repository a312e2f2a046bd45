"""Requests signed the way Slack signs them, to the bot's real aiohttp server, with a fake Slack
Web API on loopback (SLACK_API_URL points at it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.app import build_web_app
from bot.deps import Deps
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import open_store
from bot.transports.slack import build_slack_app
from tests.conftest import EXAMPLE_ROSTER, free_port
from tests.fakes import FakeSlack, fake_slack

SIGNING_SECRET = "slack-test-signing-secret"


def slack_headers(
    body: bytes, content_type: str, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def command_body(user_id: str, text: str) -> bytes:
    return urlencode(
        {
            "token": "x",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": user_id,
            "command": "/lacralo",
            "text": text,
            "response_url": "http://127.0.0.1:9/r",
            "trigger_id": "t",
        }
    ).encode()


@dataclass
class SlackBot:
    deps: Deps
    url: str
    session: aiohttp.ClientSession
    slack: FakeSlack

    async def command(
        self, user_id: str, text: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        body = command_body(user_id, text)
        sent = headers or slack_headers(body, "application/x-www-form-urlencoded")
        async with self.session.post(self.url + "/slack/events", data=body, headers=sent) as resp:
            raw = await resp.text()
            try:
                return resp.status, json.loads(raw).get("text", raw)
            except ValueError:
                return resp.status, raw

    async def event(self, payload: dict[str, Any], retry: int | None = None) -> int:
        body = json.dumps(payload).encode()
        headers = slack_headers(body, "application/json")
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        async with self.session.post(
            self.url + "/slack/events", data=body, headers=headers
        ) as resp:
            return resp.status


@asynccontextmanager
async def running_slack_bot(
    tmp_path: Path, clock: Any = None, **extra: object
) -> AsyncIterator[SlackBot]:
    conn = await open_store(tmp_path / "slack.db")
    region = load_region()
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    async with fake_slack() as slack:
        settings = Settings(
            slack_bot_token="xoxb-test",
            slack_signing_secret=SIGNING_SECRET,  # type: ignore[call-arg]
            slack_api_url=slack.url,
            **extra,
        )
        deps = (
            Deps(store=conn, settings=settings, region=region)
            if clock is None
            else Deps(store=conn, settings=settings, region=region, clock=clock)
        )
        runner = web.AppRunner(build_web_app(deps, build_slack_app(deps)))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with aiohttp.ClientSession() as session:
                yield SlackBot(deps, f"http://127.0.0.1:{port}", session, slack)
        finally:
            await runner.cleanup()
            await conn.close()
