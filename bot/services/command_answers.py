"""Answers to e-mail commands, through the outbox, within the caps that keep the bot from being
an amplifier (issue 15).

Anyone can put any address in a From: line, so every answer goes to an address nobody proved is
theirs. At most `LACRALO_COMMAND_REPLIES_PER_SENDER_HOUR` answers go to one address in an hour
(the Secretariat is exempt: it runs the administrative commands, sometimes many in a row) and
`LACRALO_COMMAND_REPLIES_PER_HOUR` in all. Past either, the answer is kept in the outbox as
suppressed (not sent on purpose, with the reason) and nothing leaves. The count and the queuing
share one transaction, so answers decided at the same moment cannot overrun a cap together.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain.reasons import Reason
from bot.i18n import render
from bot.services.outbox import queue_for
from bot.settings import Settings
from bot.store import outbox as store
from bot.store.transaction import transaction

PREFIX = "mail:"  # the outbox key of every answer to an e-mail command
WINDOW = timedelta(hours=1)


class Queued(enum.StrEnum):
    QUEUED = "queued"
    SUPPRESSED = "suppressed"
    NO_CHANNEL = "no_channel"  # no outbound mail configured


async def queue_answer(
    conn: aiosqlite.Connection,
    settings: Settings,
    key: str,
    address: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    secretariat: bool = False,
) -> tuple[Queued, Reason | None]:
    """Queue the answer unless a cap is reached; then keep it as suppressed, and say why."""
    async with transaction(conn):
        why = await over_cap(conn, settings, address, now, secretariat)
        if why is not None:
            await store.record_suppressed(
                conn, f"{PREFIX}{key}:email:{address}", address, payload, render(why), iso(now)
            )
            return Queued.SUPPRESSED, why
        queued = await queue_for(conn, settings, f"{PREFIX}{key}", [(address, None)], payload, now)
    return (Queued.QUEUED if queued else Queued.NO_CHANNEL), None


async def over_cap(
    conn: aiosqlite.Connection,
    settings: Settings,
    address: str,
    now: datetime,
    secretariat: bool,
) -> Reason | None:
    """Which cap one more answer to `address` would pass, if any."""
    since = iso(now - WINDOW)
    per_sender = settings.command_replies_per_sender_hour
    if not secretariat and await store.count_decided_since(conn, PREFIX, since, address) >= (
        per_sender
    ):
        return Reason("commands.mail.suppressed.per_sender", {"limit": per_sender})
    total = settings.command_replies_per_hour
    if await store.count_decided_since(conn, PREFIX, since) >= total:
        return Reason("commands.mail.suppressed.total", {"limit": total})
    return None


async def record_unanswered(
    conn: aiosqlite.Connection, key: str, address: str, why: Reason, now: datetime
) -> None:
    """A mail that gets no answer at all (RFC 3834 manners): kept in the outbox as suppressed, so
    the decision is visible; it counts against no cap."""
    async with transaction(conn):
        await store.record_suppressed(
            conn, f"{PREFIX}{key}:email:{address}", address, {}, render(why), iso(now)
        )
