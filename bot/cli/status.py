"""`lacralo-bot status [--as-of] [--record] [--history ALS]`: each ALS's status with its reasons,
recorded when asked, or one ALS's recorded history (issue 13). The rows and counts:
bot/reports/status.py."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

import aiosqlite

from bot.cli.common import OK, REJECTED, USAGE, Subparsers, actor, in_store, listing_parser
from bot.cli.output import message, print_csv, print_json, print_table, print_title
from bot.cli.times import parse_as_of
from bot.deps import utc_now
from bot.domain.status import State
from bot.i18n import format_value, render, t
from bot.region import Region
from bot.reports import status as report
from bot.services import status as status_service
from bot.services.status import AlsStatus
from bot.settings import Settings

STYLES = {
    State.ACTIVE: "green",
    State.NEW: "cyan",
    State.INACTIVE: "red",
    State.DECERTIFICATION_ELIGIBLE: "bold magenta",
    State.OBSERVER: "dim",
}
HISTORY_COLUMNS = ["recorded_at", "kind", "state", "effective_on", "reasons"]
Found = tuple[list[AlsStatus], Region, datetime | None]


def register(sub: Subparsers, lang: str) -> None:
    status = listing_parser(sub, "status", "status", cmd_status, lang)
    status.add_argument("--as-of", metavar="DATE", help=t("cli.help.as_of", lang))
    status.add_argument("--record", action="store_true", help=t("cli.help.record", lang))
    status.add_argument("--history", metavar="ALS", help=t("status.help.history", lang))


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    if args.history is not None:
        if args.record or args.as_of:
            message(t("status.history.alone", lang), style="red")
            return USAGE
        return cmd_status_history(args, settings)
    as_of = parse_as_of(args.as_of)
    if as_of is None:
        message(t("status.bad_date", lang, value=args.as_of), style="red")
        return USAGE
    if args.record and as_of > utc_now():
        # A record is history: it cannot be written for a day whose facts are not in yet.
        message(t("status.future_record", lang, value=args.as_of), style="red")
        return USAGE
    found = in_store(settings, lambda conn, region: _judge(conn, region, settings, args, as_of))
    if isinstance(found, datetime):
        last = format_value(found.date(), lang)
        message(t("status.record_behind", lang, value=args.as_of, last=last), style="red")
        return USAGE
    items, region, start = found
    _print_statuses(args.format, items, region, lang, as_of)
    _what_it_rests_on(items, start, as_of, lang)
    return OK


async def _judge(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    args: argparse.Namespace,
    as_of: datetime,
) -> Found | datetime:
    """The statuses at `as_of`, recorded first when asked; the last recorded day instead when
    the record would skip days (a record is written day after day)."""
    if args.record:
        done = await status_service.refresh(conn, region, settings, as_of, actor())
        if done.behind is not None:
            return done.behind
        items = done.statuses  # judged once: what was recorded is what is shown
    else:
        items = await status_service.statuses(conn, region, as_of)
    return items, region, await status_service.records_start(conn, region)


def _print_statuses(
    fmt: str, items: list[AlsStatus], region: Region, lang: str, as_of: datetime
) -> None:
    if fmt == "table":
        _status_tables(items, region, lang, as_of)
        return
    rows = [report.status_row(i, region, lang) for i in items]
    if fmt == "json":
        print_json(rows)
    else:
        print_csv([report.csv_row(r) for r in rows], list(rows[0]) if rows else [])


def _status_tables(items: list[AlsStatus], region: Region, lang: str, as_of: datetime) -> None:
    """One table per sub-region, states in colour; the counts and the policy's reading once."""
    columns = report.TABLE_COLUMNS
    headers = [t(f"status.column.{c}", lang) for c in columns]
    print_title(t("status.title", lang, date=as_of.date().isoformat()))
    for code, group in report.by_subregion(items, region):
        rows = []
        for item in group:
            row = report.table_row(item, region, lang)
            rows.append(row | {"state": (row["state"], STYLES[item.status.state])})
        print_table(rows, columns, headers, report.subregion_title(code, region, lang))
    message(report.counts_line(items, region, lang))
    message(report.reading(region, lang))


def _what_it_rests_on(
    items: list[AlsStatus], start: datetime | None, as_of: datetime, lang: str
) -> None:
    """Said once, on stderr: the data the statuses rest on (issue 13)."""
    if start is None:
        message(t("status.no_records", lang), style="yellow")
    elif as_of < start:
        message(
            t(
                "status.rests_on",
                lang,
                date=format_value(start.date(), lang),
                as_of=format_value(as_of.date(), lang),
            ),
            style="yellow",
        )
    missing = report.unrecorded_calls(items)
    if missing:
        message(t("status.unrecorded_summary", lang, count=missing), style="yellow")


def cmd_status_history(args: argparse.Namespace, settings: Settings) -> int:
    """One ALS's recorded statuses and corrections, oldest first."""
    lang = settings.language
    found = in_store(
        settings, lambda conn, _region: status_service.history_rows(conn, args.history)
    )
    if found is None:
        message(t("status.history.unknown", lang, als=args.history), style="red")
        return REJECTED
    rows: list[dict[str, Any]] = [
        r | {"reasons": [render(x, lang) for x in r["reasons"]]} for r in found
    ]
    if args.format == "json":
        print_json(rows)
        return OK
    shown = [report.history_row(r, lang) for r in rows]
    if args.format == "csv":
        flat = [r | {"reasons": r["reasons"].replace("\n", " | ")} for r in shown]
        print_csv(flat, HISTORY_COLUMNS)
        return OK
    headers = [t(f"status.history.column.{c}", lang) for c in HISTORY_COLUMNS]
    print_table(shown, HISTORY_COLUMNS, headers, t("status.history.title", lang, als=args.history))
    return OK
