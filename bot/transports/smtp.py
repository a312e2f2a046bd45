"""The SMTP/LMTP receiver: aiosmtpd servers on the bot's own event loop.

Following Mailman's LMTP runner: parse, route, and answer with a status that tells the truth. A post
is acknowledged with 250 only once its event is committed; if the database cannot take it the
answer is 451 and the sending MTA retries (PRODUCT.md, "Nothing lost"). Unreadable mail gets a
permanent 5xx with the reason, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from functools import partial
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.deps import Deps
from bot.domain.identity import normalise_email
from bot.i18n import render, t
from bot.mail.command_mail import read_command_mail
from bot.mail.post import UnreadableMessage, parse_post
from bot.store.connection import StoreError
from handlers import email_command, list_post

log = logging.getLogger("lacralo_bot.smtp")

# SMTP replies are protocol text read by MTAs and postmasters: ASCII, English, with enhanced codes.
OK = "250 2.0.0 Recorded"
DUPLICATE = "250 2.0.0 Already recorded"
NOT_A_LIST_POST = "550 5.6.0 Not a mailing-list post (no List-Id header); nothing recorded"
UNREADABLE = "550 5.6.0 Message headers unreadable ({why}); nothing recorded"
COMMAND_OK = "250 2.0.0 Command received; the answer comes by e-mail"
TRY_LATER = "451 4.3.0 Cannot store the message right now; please try again later"


class ListPostHandler:
    """aiosmtpd's smallest interface: `handle_DATA` returns the status line."""

    def __init__(self, deps: Deps, lmtp: bool = False) -> None:
        self.deps = deps
        self.lmtp = lmtp

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        command_address = normalise_email(self.deps.settings.command_address)
        if any(normalise_email(r) == command_address for r in envelope.rcpt_tos):
            raw = envelope.content if isinstance(envelope.content, bytes) else b""
            return await self.command(raw)
        status = await self.status_for(
            envelope.content
            if isinstance(envelope.content, bytes)
            else (envelope.content or "").encode("utf-8", "replace"),
            session.peer,
        )
        # LMTP answers once per recipient (RFC 2033); the outcome is the same for each.
        return "\r\n".join([status] * max(1, len(envelope.rcpt_tos))) if self.lmtp else status

    async def status_for(self, raw: bytes, peer: Any) -> str:
        lang = self.deps.settings.language
        try:
            post = parse_post(raw)
        except UnreadableMessage as exc:
            log.warning(
                t("mail.log.unreadable", lang, peer=str(peer), why=render(exc.reason, lang))
            )
            return UNREADABLE.format(why=exc.reason.key.rsplit(".", 1)[-1])
        if post.list_id is None:
            log.info(t("mail.log.not_a_list_post", lang, peer=str(peer)))
            return NOT_A_LIST_POST
        try:
            recorded = await list_post.handle(self.deps, post)
        except (sqlite3.Error, StoreError, OSError) as exc:
            log.error(t("mail.log.store_failed", lang, error=str(exc), ident=post.message_key))
            return TRY_LATER
        return DUPLICATE if recorded.outcome.value == "duplicate" else OK

    async def command(self, raw: bytes) -> str:
        """A command to the bot: answered (or confirmed) by e-mail through the outbox."""
        try:
            outcome = await email_command.handle(self.deps, read_command_mail(raw))
        except (sqlite3.Error, StoreError, OSError) as exc:
            log.error(
                t(
                    "mail.log.store_failed",
                    self.deps.settings.language,
                    error=str(exc),
                    ident="command",
                )
            )
            return TRY_LATER
        log.info(t("mail.log.command", self.deps.settings.language, outcome=outcome))
        return COMMAND_OK


async def start_server(
    deps: Deps, host: str, port: int, lmtp: bool = False
) -> asyncio.base_events.Server:
    protocol: Any = LMTP if lmtp else SMTP
    factory = partial(
        protocol,
        ListPostHandler(deps, lmtp),
        data_size_limit=deps.settings.max_message_bytes,
        enable_SMTPUTF8=True,
        decode_data=False,
        ident="lacralo-bot",
    )
    loop = asyncio.get_running_loop()
    return await loop.create_server(factory, host=host, port=port)
