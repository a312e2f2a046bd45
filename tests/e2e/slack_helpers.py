"""Requests signed the way Slack signs them, to the bot's real aiohttp server, with a fake Slack
Web API on loopback (SLACK_API_URL points at it)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
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


@dataclass
class SocketSlack:
    """Slack for Socket Mode on loopback: the Web API (apps.connections.open answers with the
    ws:// address of the socket below; every other call goes to FakeSlack, which records it) and
    the socket itself, which greets the bot with `hello`, hands it envelopes and keeps what the
    bot sends back (its acknowledgements)."""

    api: FakeSlack
    ws_url: str = ""
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    sent_back: list[dict[str, Any]] = field(default_factory=list)
    closed: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def web_api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "apps.connections.open":
            response = await self.api.handle(request)
            await self._note(lambda: None)  # a call recorded: wake whoever waits for it
            return response
        auth = request.headers.get("Authorization", "")
        await self._note(lambda: self.api.calls.append(("apps.connections.open", {}, auth)))
        return web.json_response({"ok": True, "url": self.ws_url})

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # answers the client's pings, as Slack does
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": len(self.sockets) + 1})
        await self._note(lambda: self.sockets.append(ws))
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                await self._note(partial(self.sent_back.append, json.loads(frame.data)))
        await self._note(self._one_closed)
        return ws

    def _one_closed(self) -> None:
        self.closed += 1

    async def _note(self, change: Callable[[], None]) -> None:
        async with self.changed:
            change()
            self.changed.notify_all()

    async def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(condition), timeout)
            except TimeoutError:
                raise AssertionError(f"timed out waiting for {what}") from None

    async def connections(self, count: int) -> web.WebSocketResponse:
        """The bot's `count`-th connection, once it is open."""
        await self.wait_for(lambda: len(self.sockets) >= count, f"connection {count}")
        return self.sockets[count - 1]

    async def envelope(
        self, ws: web.WebSocketResponse, envelope_id: str, kind: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Hand the bot an envelope; its acknowledgement, once it comes back."""
        await ws.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "accepts_response_payload": kind == "slash_commands",
                "payload": payload,
            }
        )
        await self.wait_for(
            lambda: any(m.get("envelope_id") == envelope_id for m in self.sent_back),
            f"the acknowledgement of {envelope_id}",
        )
        return next(m for m in self.sent_back if m.get("envelope_id") == envelope_id)


@asynccontextmanager
async def socket_slack() -> AsyncIterator[SocketSlack]:
    fake = SocketSlack(api=FakeSlack())
    app = web.Application()
    app.router.add_post("/api/{method}", fake.web_api)
    app.router.add_get("/link", fake.socket)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    fake.api.url = f"http://127.0.0.1:{port}/api/"
    fake.ws_url = f"ws://127.0.0.1:{port}/link"
    try:
        yield fake
    finally:
        for ws in fake.sockets:
            await ws.close()
        await runner.cleanup()
