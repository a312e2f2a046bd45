"""Delivering the outbox: each due message to its channel's sender, then marked sent or retried.

A message is marked sent only after the relay or Slack accepted it, so a crash between the two
sends it again on restart (at least once), and nothing decided is ever silently dropped. Failures
back off and, after the last try, stay visible as `failed` (`lacralo-bot outbox`).

Queuing wakes the delivery: once the transaction that queued a message commits, `wakeup(conn)` is
set and the scheduler delivers at once instead of at its next tick (issue 15: an answer leaves
within seconds); the tick stays as the retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

import aiosqlite

from bot.deps import iso
from bot.i18n import LANGUAGES, t
from bot.settings import Settings
from bot.store import outbox as store
from bot.store.transaction import after_commit, transaction

log = logging.getLogger("lacralo_bot.outbox")
Sender = Callable[[str, dict[str, Any]], Awaitable[None]]
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)

_wakeups: WeakKeyDictionary[aiosqlite.Connection, asyncio.Event] = WeakKeyDictionary()


def wakeup(conn: aiosqlite.Connection) -> asyncio.Event:
    """Set when a message queued on this connection is committed; the scheduler waits on it."""
    return _wakeups.setdefault(conn, asyncio.Event())


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0


async def deliver_due(
    conn: aiosqlite.Connection, senders: Mapping[str, Sender], now: datetime, lang: str = "en"
) -> Delivery:
    """Send what is due; `lang` is the log's (LACRALO_LANGUAGE)."""
    result = Delivery()
    if not senders:
        return result
    for row in await store.due(conn, iso(now), tuple(senders)):
        try:
            await senders[row.channel](row.recipient, row.payload)
        except Exception as exc:  # any failure: count it, back off, keep the row
            # A refusal for good (a relay's 5xx: `permanent`) is not tried again.
            more = row.attempts < len(BACKOFF) and not getattr(exc, "permanent", False)
            retry = BACKOFF[row.attempts] if more else None
            async with transaction(conn):
                await store.mark_failed(
                    conn,
                    row.outbox_id,
                    f"{type(exc).__name__}: {exc}",
                    iso(now + retry) if retry else None,
                )
            if retry:
                result.retried += 1
            else:
                result.failed += 1
            log.warning(
                t(
                    "outbox.log.failed",
                    lang,
                    id=row.outbox_id,
                    to=row.recipient,
                    attempt=row.attempts + 1,
                    error=str(exc),
                )
            )
            continue
        async with transaction(conn):
            await store.mark_sent(conn, row.outbox_id, iso(now))
        result.sent += 1
    return result


Recipient = tuple[str | None, str | None] | tuple[str | None, str | None, str | None]


def announcement_channels(settings: Settings) -> list[Recipient]:
    """The announcement lists and the Slack channel, as recipients for queue_for (issue 18).

    `LACRALO_ANNOUNCE_ADDRESS` is a comma-separated list: `lang:address` gets that language's
    part of an announcement (a list per language, as LACRALO runs lac-discuss-en and
    lac-discuss-es), a plain address gets every language; the channel gets every language."""
    found: list[Recipient] = []
    for entry in (settings.announce_address or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        lang, sep, address = entry.partition(":")
        if sep and lang.strip().lower() in LANGUAGES and "@" not in lang:
            found.append((address.strip(), None, lang.strip().lower()))
        else:
            found.append((entry, None))
    if settings.announce_channel:
        found.append((None, settings.announce_channel))
    return found or [(None, None)]


def for_language(payload: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """The payload a recipient of one language gets: that language's part and subject when the
    payload carries them (`parts`, `subjects`: language -> text), else the whole."""
    parts = payload.get("parts") or {}
    if lang is None or lang not in parts:
        return payload
    subjects = payload.get("subjects") or {}
    return payload | {"text": parts[lang], "subject": subjects.get(lang, payload.get("subject"))}


def reachable(settings: Settings, recipients: Sequence[Recipient]) -> bool:
    """Whether `queue_for` would queue anything to these recipients by a configured channel."""
    return any(
        (settings.outbound_smtp_host and r[0]) or (settings.slack_bot_token and r[1])
        for r in recipients
    )


async def queue_for(
    conn: aiosqlite.Connection,
    settings: Settings,
    key: str,
    recipients: Sequence[Recipient],
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Queue a message to each (e-mail address, Slack id or channel[, language]), by each channel
    that is configured; the key makes a second decision to send it add nothing. Call in a
    transaction."""
    queued = 0
    for email, slack, *rest in recipients:
        sent = for_language(payload, rest[0] if rest else None)
        if settings.outbound_smtp_host and email:
            queued += await store.enqueue(
                conn, f"{key}:email:{email}", "email", email, sent, iso(now), iso(now)
            )
        if settings.slack_bot_token and slack:
            queued += await store.enqueue(
                conn, f"{key}:slack:{slack}", "slack", slack, sent, iso(now), iso(now)
            )
    if queued:
        after_commit(conn, wakeup(conn).set)
    return queued
