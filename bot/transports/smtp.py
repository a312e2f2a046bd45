"""The SMTP/LMTP receiver: aiosmtpd servers on the bot's own event loop.

Following Mailman's LMTP runner: parse, route, and answer with a status that tells the truth. A post
is acknowledged with 250 only once its event is committed; if the database cannot take it the
answer is 451 and the sending MTA retries (PRODUCT.md, "Nothing lost"). Unreadable mail gets a
permanent 5xx with the reason, and the server keeps serving.

No message, however large or malformed, holds up the event loop that also answers /healthz, Zoom
and Slack (issue 15): DATA is read in large pieces (`smtp_data.py`), a list post's header section
is capped, and a command mail is read in a worker thread, its text capped and its attachments
never decoded (`bot/mail/mime_text.py`).

No client holds a connection for ever, and no address holds many (issue 20): the idle and
transaction timeouts and the connection caps are in `smtp_session.py` and `peers.py`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import sqlite3
import time
from functools import partial
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot import metrics
from bot.deps import Deps
from bot.domain.identity import normalise_email, sub_address
from bot.i18n import render, t
from bot.logs import Summary
from bot.mail.command_mail import read_command_mail
from bot.mail.post import UnreadableMessage, parse_post
from bot.store.connection import StoreError
from bot.transports.peers import ConnectionCaps, connection_caps, ip_of, is_trusted_relay
from bot.transports.smtp_session import GuardedLMTP, GuardedSMTP
from handlers import email_command, list_post

log = logging.getLogger("lacralo_bot.smtp")

# SMTP replies are protocol text read by MTAs and postmasters: ASCII, English, with enhanced codes.
OK = "250 2.0.0 Recorded"
DUPLICATE = "250 2.0.0 Already recorded"
NOT_A_LIST_POST = "550 5.6.0 Not a mailing-list post (no List-Id header); nothing recorded"
UNREADABLE = "550 5.6.0 Message headers unreadable ({why}); nothing recorded"
COMMAND_OK = "250 2.0.0 Command received; the answer comes by e-mail"
TRY_LATER = "451 4.3.0 Cannot store the message right now; please try again later"
HELD_FULL = "452 4.3.1 Too many posts from unverified senders await review; try again later"
# For /metrics: a refused item's reason by its reply code (closed set of labels).
REFUSAL_REASONS = {
    "550": "unreadable_or_not_a_list_post",
    "451": "store_failed",
    "452": "review_queue_full",
}
# Command outcomes the handler has already logged, summarised (handlers/email_reply.py).
QUIET_OUTCOMES = frozenset({"silent", "suppressed"})


class ListPostHandler:
    """aiosmtpd's smallest interface: `handle_DATA` returns the status line (one per recipient
    under LMTP)."""

    def __init__(self, deps: Deps, lmtp: bool = False) -> None:
        self.deps = deps
        self.lmtp = lmtp
        self.quiet = Summary()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Route by recipient: the command address (in any `+detail` form) gets the command's
        status, any other the list post's. Under LMTP each recipient gets its own status, in RCPT
        order (RFC 2033 section 4.2), so an MTA retries only the recipients answered 451; SMTP has
        one reply for the whole mail, and there a command address wins, as it always has."""
        began = time.perf_counter()
        raw = _content(envelope)
        commanded = [self.is_command(r) for r in envelope.rcpt_tos]
        statuses: dict[bool, str] = {}
        if any(commanded):
            statuses[True] = await self.command(raw, envelope, session.peer)
        if not all(commanded) and (self.lmtp or not any(commanded)):
            statuses[False] = await self.status_for(raw, session.peer)
        door = "lmtp" if self.lmtp else "smtp"
        metrics.took(door, time.perf_counter() - began)  # issue 21: intake latency
        for status in statuses.values():
            if not status.startswith("250"):
                metrics.refused(door, REFUSAL_REASONS.get(status[:3], "other"))
        if not self.lmtp:
            return statuses[any(commanded)]
        return "\r\n".join(statuses[c] for c in commanded)

    def _unreadable(self, exc: UnreadableMessage, peer: Any) -> str:
        why = exc.reason.key.rsplit(".", 1)[-1]
        if self._say_refusal(peer, why):
            lang = self.deps.settings.language
            log.warning(
                t("mail.log.unreadable", lang, peer=str(peer), why=render(exc.reason, lang))
            )
        return UNREADABLE.format(why=why)

    def _say_refusal(self, peer: Any, kind: str) -> bool:
        """Issue 20: refused mail from one address is logged at most once a minute by kind; the
        next line that is let through says how many were kept quiet."""
        source = ip_of(peer) or "?"
        quiet = self.quiet.admit(source, kind)
        if quiet:
            lang = self.deps.settings.language
            log.warning(t("mail.log.kept_quiet", lang, count=quiet, peer=source))
        return quiet is not None

    def is_command(self, recipient: str) -> bool:
        return is_command_address(recipient, self.deps.settings.command_address)

    async def status_for(self, raw: bytes, peer: Any) -> str:
        lang = self.deps.settings.language
        try:
            post = parse_post(raw)
        except UnreadableMessage as exc:
            return self._unreadable(exc, peer)
        if post.list_id is None:
            if self._say_refusal(peer, "not_a_list_post"):
                log.info(t("mail.log.not_a_list_post", lang, peer=str(peer)))
            return NOT_A_LIST_POST
        try:
            # Issue 20.5: a post counts when a trusted relay delivered it, or with a valid DKIM
            # signature of its list (handlers/list_post.py); any other is held for review.
            ip = ip_of(peer)
            trusted = is_trusted_relay(ip, self.deps.settings.smtp_trusted_networks)
            recorded = await list_post.handle(self.deps, post, raw=raw, peer=ip, trusted=trusted)
        except (sqlite3.Error, StoreError, OSError) as exc:
            log.error(t("mail.log.store_failed", lang, error=str(exc), ident=post.message_key))
            return TRY_LATER
        if recorded.outcome.value == "held_full":
            if self._say_refusal(peer, "held_full"):
                log.warning(t("mail.log.held_full", lang, peer=str(peer)))
            return HELD_FULL
        return DUPLICATE if recorded.outcome.value == "duplicate" else OK

    async def command(self, raw: bytes, envelope: Envelope, peer: Any) -> str:
        """A command to the bot: answered (or confirmed) by e-mail through the outbox. The mail
        is read in a worker thread (issue 15): however big or malformed, it never holds up the
        event loop that answers /healthz, Zoom and Slack."""
        settings = self.deps.settings
        try:
            mail = await asyncio.to_thread(
                read_command_mail,
                raw,
                envelope_to=tuple(envelope.rcpt_tos),
                envelope_from=envelope.mail_from,
                max_text_bytes=settings.command_max_text_bytes,
            )
        except UnreadableMessage as exc:
            return self._unreadable(exc, peer)
        try:
            outcome = await email_command.handle(self.deps, mail)
        except (sqlite3.Error, StoreError, OSError) as exc:
            log.error(
                t("mail.log.store_failed", settings.language, error=str(exc), ident="command")
            )
            return TRY_LATER
        # Issue 20: an answer not sent is logged by the handler, summarised; mail with no sender
        # is summarised here like any refusal, so a flood of either is not a flood of log.
        if outcome not in QUIET_OUTCOMES and (
            outcome != "no_sender" or self._say_refusal(peer, outcome)
        ):
            log.info(t("mail.log.command", settings.language, outcome=outcome))
        return COMMAND_OK


def is_command_address(address: str, command_address: str) -> bool:
    """The command address itself, or `<local>+<anything>@<domain>` (the reply address that
    carries a confirmation token, issue 15), compared without regard to case."""
    ours = normalise_email(command_address)
    return "@" in ours and (normalise_email(address) == ours or sub_address(address)[0] == ours)


def _content(envelope: Envelope) -> bytes:
    content = envelope.content
    return content if isinstance(content, bytes) else (content or "").encode("utf-8", "replace")


@functools.cache
def _hostname() -> str:
    """The name in the greeting, looked up once: aiosmtpd would otherwise ask the resolver, on
    the event loop, for every connection (a flood of connections would be a flood of lookups)."""
    return socket.getfqdn()


async def start_server(
    deps: Deps, host: str, port: int, lmtp: bool = False, caps: ConnectionCaps | None = None
) -> asyncio.base_events.Server:
    """Listen for SMTP (or LMTP). `caps` counts connections across all of the process's
    receivers (app.py shares one); without it this server counts its own."""
    settings = deps.settings
    protocol: Any = GuardedLMTP if lmtp else GuardedSMTP
    factory = partial(
        protocol,
        ListPostHandler(deps, lmtp),
        caps=caps or connection_caps(settings),
        idle_timeout=settings.idle_timeout_s,
        transaction_timeout=settings.transaction_timeout_s,
        data_size_limit=settings.max_message_bytes,
        enable_SMTPUTF8=True,
        decode_data=False,
        ident="lacralo-bot",
        hostname=_hostname(),
    )
    loop = asyncio.get_running_loop()
    # A listen queue for as many connections as may be open (asyncio's default is 100): in a
    # flood, a relay's connection waits its turn rather than being dropped (and retried in 1 s).
    backlog = max(100, settings.max_connections)
    return await loop.create_server(factory, host=host, port=port, backlog=backlog)
