"""Back-filling participation from list archives, idempotently and in batches.

Each post goes through the same parser and the same recording as live SMTP, so an archive and the
live list agree, and a post seen both ways counts once (its Message-ID).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.domain.reasons import Reason
from bot.mail.headers import Headers, line_text
from bot.mail.mbox import ArchivedMessage
from bot.mail.pipermail import PLACEHOLDER, separator_address
from bot.mail.post import ListPost, UnreadableMessage, header_section, parse_post
from bot.region import Region
from bot.services.participation import Outcome, record_many

# Posts per transaction: SQLite compiles much larger multi-row INSERTs disproportionately slowly.
BATCH = 100
# Unread messages named one by one; beyond, the counts by reason say the rest.
MAX_LISTED = 200


@dataclass
class BackfillReport:
    read: int = 0
    matched: int = 0
    unmatched: int = 0
    duplicates: int = 0
    unreadable: int = 0
    why_unreadable: Counter[str] = field(default_factory=Counter)
    # Issue 19: each message not read, by the line of its "From " separator, and why: the first
    # MAX_LISTED of them, so a back-fill of any size keeps its constant memory.
    rejected: list[tuple[int, Reason]] = field(default_factory=list)


async def backfill_archive(
    conn: aiosqlite.Connection,
    region: Region,
    archived: Iterable[ArchivedMessage],
    list_id: str | None,
    now: datetime,
    progress: Callable[[], None] = lambda: None,
) -> BackfillReport:
    """Record every readable post; `list_id` stands in for posts that carry no List-Id.

    A batch is handed to a task and written when the loop is next free, at the end of the next
    batch's parsing, so parsing and writing take turns (a batch is committed before the next
    starts writing). Letting them overlap was measured slower, 2.0 s against 1.6 s for 20,000
    posts: the database thread and the parser then wait for each other's interpreter lock
    (bench/RESULTS.md, "Archive back-fill").
    """
    report = BackfillReport()
    batch: list[ListPost] = []
    writing: asyncio.Task[None] | None = None
    for item in archived:
        report.read += 1
        post = _parse(item, list_id, report)
        if post is not None:
            batch.append(post)
        if len(batch) >= BATCH:
            if writing is not None:
                await writing
            writing = asyncio.create_task(_flush(conn, region, batch, now, report))
            batch = []
        progress()
    if writing is not None:
        await writing
    await _flush(conn, region, batch, now, report)
    return report


def _parse(item: ArchivedMessage, list_id: str | None, report: BackfillReport) -> ListPost | None:
    post: ListPost | None
    try:
        post = parse_post(item.headers, list_id=list_id)
    except UnreadableMessage as exc:
        post = _from_separator(item, list_id)
        if post is None:
            _unreadable(report, item, _why(item, exc.reason))
            return None
    if post.list_id is None:
        _unreadable(report, item, Reason("mail.unreadable.no_list"))
        return None
    if post.date is None and item.envelope_date is not None:
        post = dataclasses.replace(post, date=item.envelope_date)
    return post


def _from_separator(item: ArchivedMessage, list_id: str | None) -> ListPost | None:
    """A pipermail message whose From field is missing or garbled, read from its "From " line:
    pipermail writes the same obscured address on both (Mailman/Archiver/HyperArch.py,
    `as_text`). A plain envelope sender is not used: it may be a bounce address, not the author."""
    address = separator_address(line_text(item.separator).strip())
    if address is None:
        return None
    try:
        return parse_post(b"From: " + address.encode("utf-8") + b"\n" + item.headers, list_id)
    except UnreadableMessage:
        return None


def _why(item: ArchivedMessage, reason: Reason) -> Reason:
    """A missing author said more precisely: the From value that could not be read, or
    pipermail's placeholder for a message that had no address."""
    if reason.key != "mail.unreadable.no_author":
        return reason
    author = Headers.parse(header_section(item.headers)).get("From")
    if not author:
        return reason
    if PLACEHOLDER in author.lower():
        return Reason("mail.unreadable.placeholder", {"value": PLACEHOLDER})
    shown = author if len(author) <= 120 else author[:119] + "…"
    return Reason("mail.unreadable.author", {"value": shown})


def _unreadable(report: BackfillReport, item: ArchivedMessage, reason: Reason) -> None:
    report.unreadable += 1
    report.why_unreadable[reason.key] += 1
    if len(report.rejected) < MAX_LISTED:
        report.rejected.append((item.line, reason))


async def _flush(
    conn: aiosqlite.Connection,
    region: Region,
    batch: list[ListPost],
    now: datetime,
    report: BackfillReport,
) -> None:
    if not batch:
        return
    for recorded in await record_many(conn, region, batch, now):
        if recorded.outcome is Outcome.DUPLICATE:
            report.duplicates += 1
        elif recorded.outcome is Outcome.MATCHED:
            report.matched += 1
        else:
            report.unmatched += 1
