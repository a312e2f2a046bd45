"""Real servers on loopback standing in for the outside world: an SMTP relay and Slack's Web API."""

from __future__ import annotations

import asyncio
import email
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default
from functools import partial
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import free_port


@dataclass
class SmtpSink:
    """An SMTP relay that keeps every message it accepts."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    refuse_rcpt: str | None = None  # e.g. "550 5.1.1 No such user": a relay that says no

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(content, policy=default))
        self.recipients.append(list(envelope.rcpt_tos))
        async with self.arrived:
            self.arrived.notify_all()
        return "250 OK"

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Message]:
        """The messages, once at least `count` have arrived; TimeoutError after `timeout` s."""
        async with self.arrived:
            await asyncio.wait_for(
                self.arrived.wait_for(lambda: len(self.messages) >= count), timeout
            )
        return self.messages


@asynccontextmanager
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    server = await asyncio.get_running_loop().create_server(
        partial(SMTP, sink, enable_SMTPUTF8=True), host="127.0.0.1", port=sink.port
    )
    try:
        yield sink
    finally:
        server.close()
        await server.wait_closed()


@dataclass
class FakeSlack:
    """Slack's Web API as far as the bot uses it: records each call, answers ok."""

    url: str = ""
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # method, body, auth
    fail_with: str | None = None

    def methods(self, name: str) -> list[dict[str, Any]]:
        return [body for method, body, _ in self.calls if method == name]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        self.calls.append((method, body, request.headers.get("Authorization", "")))
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                    "team_id": "T1",
                    "user": "lacralo-bot",
                    "team": "LACRALO",
                    "url": "https://x.slack.com/",
                }
            )
        if self.fail_with:
            return web.json_response({"ok": False, "error": self.fail_with})
        return web.json_response({"ok": True, "channel": body.get("channel", "C1"), "ts": "1.1"})


@asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    app = web.Application()
    app.router.add_post("/api/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    fake.url = f"http://127.0.0.1:{port}/api/"
    try:
        yield fake
    finally:
        await runner.cleanup()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
