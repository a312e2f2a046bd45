"""Answers to e-mail commands, through the outbox, within the caps that keep the bot from being
an amplifier (issue 15).

Anyone can put any address in a From: line, so every answer goes to an address nobody proved is
theirs. At most `LACRALO_COMMAND_REPLIES_PER_SENDER_HOUR` answers go to one address in an hour
(the Secretariat, which runs the administrative commands, sometimes many in a row, gets
`SECRETARIAT_FACTOR` times as many: not unlimited, since its addresses are public and a forged
flood in its name would otherwise mail it the whole hourly total) and
`LACRALO_COMMAND_REPLIES_PER_HOUR` in all, of which addresses not on the roster get at most half
(issue 20: a flood of commands from forged strangers' addresses must not use up the answers
members are waiting for). Past any of them, the answer is kept in the outbox as
suppressed (not sent on purpose, with the reason) and nothing leaves. The count and the queuing
share one transaction, so answers decided at the same moment cannot overrun a cap together.

The record of those decisions is bounded too (issue 20: unauthenticated mail must not grow the
database without end): an address over a cap leaves one suppressed row an hour, and the rows
kept as suppressed (over a cap, or mail that gets no answer) are at most
`LACRALO_COMMAND_REPLIES_PER_HOUR` an hour in all. Past that a decision is taken the same way but
not kept (`Queued.NOT_KEPT`); the caller logs it, summarised.
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
STRANGERS = f"{PREFIX}stranger:"  # ... and of every answer to an address not on the roster
WINDOW = timedelta(hours=1)
SECRETARIAT_FACTOR = 5  # the Secretariat's per-address cap, in per-sender caps (issue 20)


class Queued(enum.StrEnum):
    QUEUED = "queued"
    SUPPRESSED = "suppressed"
    NO_CHANNEL = "no_channel"  # no outbound mail configured
    NOT_KEPT = "not_kept"  # suppressed, and past the bound on the rows that record it


async def queue_answer(
    conn: aiosqlite.Connection,
    settings: Settings,
    key: str,
    address: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    secretariat: bool = False,
    stranger: bool = False,
) -> tuple[Queued, Reason | None]:
    """Queue the answer unless a cap is reached; then keep it as suppressed, and say why.
    `stranger`: the address is on no roster (its answers share the strangers' half)."""
    if stranger:
        key = f"stranger:{key}"
    async with transaction(conn):
        why = await over_cap(conn, settings, address, now, secretariat, stranger)
        if why is not None:
            if not await worth_keeping(conn, settings, now, address):
                return Queued.NOT_KEPT, why
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
    stranger: bool = False,
) -> Reason | None:
    """Which cap one more answer to `address` would pass, if any."""
    since = iso(now - WINDOW)
    per_sender = settings.command_replies_per_sender_hour * (
        SECRETARIAT_FACTOR if secretariat else 1
    )
    if await store.count_decided_since(conn, PREFIX, since, address) >= per_sender:
        return Reason("commands.mail.suppressed.per_sender", {"limit": per_sender})
    total = settings.command_replies_per_hour
    if await store.count_decided_since(conn, PREFIX, since) >= total:
        return Reason("commands.mail.suppressed.total", {"limit": total})
    strangers = (total + 1) // 2
    if stranger and await store.count_decided_since(conn, STRANGERS, since) >= strangers:
        return Reason("commands.mail.suppressed.strangers", {"limit": strangers})
    return None


async def worth_keeping(
    conn: aiosqlite.Connection, settings: Settings, now: datetime, address: str | None = None
) -> bool:
    """Whether one more suppressed row may be kept: none yet this hour for `address` (when
    given: one row says that an address is over a cap), and fewer than
    `command_replies_per_hour` this hour in all (issue 20: a flood of forged mail is bounded)."""
    since = iso(now - WINDOW)
    if address is not None and await store.count_suppressed_since(conn, PREFIX, since, address):
        return False
    return await store.count_suppressed_since(conn, PREFIX, since) < (
        settings.command_replies_per_hour
    )


async def record_unanswered(
    conn: aiosqlite.Connection,
    settings: Settings,
    key: str,
    address: str,
    why: Reason,
    now: datetime,
) -> bool:
    """A mail that gets no answer at all (RFC 3834 manners): kept in the outbox as suppressed, so
    the decision is visible, within the hourly bound on such rows; it counts against no cap.
    False when it was past the bound and not kept."""
    async with transaction(conn):
        if not await worth_keeping(conn, settings, now):
            return False
        await store.record_suppressed(
            conn, f"{PREFIX}{key}:email:{address}", address, {}, render(why), iso(now)
        )
    return True
