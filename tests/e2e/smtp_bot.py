"""The bot's SMTP receiver in-process on a free port, with a real SQLite file, fed by smtplib."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.deps import Deps
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import open_store
from bot.transports import smtp
from tests.conftest import EXAMPLE_ROSTER, free_port


@dataclass
class SmtpBot:
    deps: Deps
    server: asyncio.base_events.Server
    port: int
    db_path: Path

    @property
    def conn(self) -> aiosqlite.Connection:
        return self.deps.store

    async def send(
        self,
        raw: bytes,
        rcpt: str = "lacralo-bot@example.org",
        lmtp: bool = False,
        mail_from: str = "list-bounces@atlarge-lists.icann.org",
    ) -> tuple[int, str]:
        """Send over a real socket (smtplib in a thread); the server's reply code and text.
        `mail_from` is the envelope sender ("" for a bounce's null return path)."""
        return await asyncio.to_thread(_send, self.port, raw, rcpt, lmtp, mail_from)

    async def count(self, sql: str = "SELECT count(*) FROM participation", *args: object) -> int:
        async with self.conn.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()
        await self.conn.close()


def _send(port: int, raw: bytes, rcpt: str, lmtp: bool, mail_from: str) -> tuple[int, str]:
    client: smtplib.SMTP = (
        smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port, timeout=30)
    )
    try:
        client.ehlo_or_helo_if_needed() if not lmtp else client.ehlo()
        client.mail(mail_from)
        client.rcpt(rcpt)
        try:
            code, text = client.data(raw)
        except smtplib.SMTPDataError as exc:
            code, text = exc.smtp_code, exc.smtp_error
        return code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    finally:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            client.quit()


async def start_smtp_bot(tmp_path: Path, lmtp: bool = False, **settings: object) -> SmtpBot:
    db_path = tmp_path / "bot.db"
    config = Settings(db_path=db_path, **settings)  # type: ignore[arg-type]
    conn = await open_store(db_path, config.db_busy_timeout_ms)
    region = load_region()
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "test"
    )
    deps = Deps(store=conn, settings=config, region=region)
    port = free_port()
    server = await smtp.start_server(deps, "127.0.0.1", port, lmtp=lmtp)
    return SmtpBot(deps, server, port, db_path)
