"""The command line (PRODUCT.md, "Interface"): parse, call a service, print.

Exit status: 0 success; 1 the command ran but rejected some input (and said which); 2 bad usage or a
configuration that cannot work. Messages go to stderr in LACRALO_LANGUAGE; listings to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from bot import __version__, status_view
from bot.calls import CallJoin, normalise_meeting_id
from bot.calls_report import parse_report
from bot.deps import iso, utc_now
from bot.domain import activity as activity_rules
from bot.domain import roster as roster_rules
from bot.domain.reasons import Reason
from bot.errors import BadInput, BotError, RuleViolation
from bot.i18n import format_value, language_or_default, render, t
from bot.mail.mbox import messages, open_archive
from bot.output import (
    FORMATS,
    message,
    print_csv,
    print_json,
    print_table,
    print_title,
    progress_bar,
)
from bot.region import Region, RegionError, load_region
from bot.services import als_activity as activity_service
from bot.services import attendance as attendance_service
from bot.services import audit as audit_service
from bot.services import calendar as calendar_service
from bot.services import calls as call_service
from bot.services import elections as election_service
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.services import status as status_service
from bot.services.backfill import BackfillReport, backfill_archive
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreError, open_store
from bot.store import elections as election_store
from bot.store import nominations as nomination_store
from bot.store import outbox as outbox_store
from bot.store import participation as participation_store

OK, REJECTED, USAGE = 0, 1, 2
SETTING_PROBLEMS = {
    "int_parsing": "cli.setting_problem.not_a_number",
    "greater_than_equal": "cli.setting_problem.too_small",
    "less_than_equal": "cli.setting_problem.too_big",
    "string_pattern_mismatch": "cli.setting_problem.not_a_language",
}

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: list[str] | None = None) -> int:
    lang = language_or_default(os.environ.get("LACRALO_LANGUAGE"), "en")
    args = build_parser(lang).parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        problem = (
            t(SETTING_PROBLEMS[exc.kind], lang) if exc.kind in SETTING_PROBLEMS else exc.problem
        )
        message(
            t("cli.error.setting", lang, variable=exc.variable, value=exc.value, problem=problem),
            style="red",
        )
        return USAGE
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(
        level=settings.log_level.upper()
        if settings.log_level.upper() in logging._nameToLevel
        else "INFO",
        handlers=[handler],
    )
    command: Command = args.command
    try:
        return command(args, settings)
    except StoreError as exc:
        reason = (
            t("cli.error.no_directory", settings.language)
            if exc.reason == "no_directory"
            else exc.reason
        )
        message(
            t("cli.error.database", settings.language, path=str(exc.path), reason=reason),
            style="red",
        )
    except RegionError as exc:
        message(t("cli.error.region", settings.language, error=str(exc)), style="red")
    except BotError as exc:
        message(render(exc.reason, settings.language), style="red")
        return REJECTED if isinstance(exc, BadInput) else USAGE
    return USAGE


class OneLineFormatter(logging.Formatter):
    """One event, one line: line breaks and other control characters in what a sender wrote (a
    Zoom display name, a mail header) are escaped, so nobody can forge a line of the log
    (PRODUCT.md, "Clear errors"). A traceback, added after the message, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return LINE_BREAKS.sub(
            lambda m: m.group().encode("unicode_escape").decode("ascii"),
            super().formatMessage(record),
        )


LINE_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def build_parser(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lacralo-bot", description=t("cli.help.description", lang)
    )
    parser.add_argument("--version", action="version", version=f"lacralo-bot {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help=t("cli.help.run", lang))
    run.set_defaults(command=cmd_run)

    roster = sub.add_parser("roster", help=t("cli.help.roster", lang))
    roster_sub = roster.add_subparsers(required=True, metavar="ACTION")
    imp = roster_sub.add_parser("import", help=t("cli.help.roster_import", lang))
    imp.add_argument("file", type=Path, help=t("cli.help.roster_file", lang))
    imp.set_defaults(command=cmd_roster_import)
    _listing_parser(roster_sub, "export", "roster_export", cmd_roster_export, lang)

    meetings = sub.add_parser("meetings", help=t("cli.help.meetings", lang))
    meetings_sub = meetings.add_subparsers(required=True, metavar="ACTION")
    add = meetings_sub.add_parser("add", help=t("cli.help.meetings_add", lang))
    add.add_argument("--kind", required=True, choices=meeting_service.KINDS)
    add.add_argument(
        "--start", required=True, metavar="ISO8601", help=t("meetings.help.start", lang)
    )
    add.add_argument(
        "--duration", type=int, default=60, metavar="MIN", help=t("cli.help.duration", lang)
    )
    add.add_argument("--zoom-id", metavar="ID", help=t("cli.help.zoom_id", lang))
    add.add_argument("--title", metavar="T", help=t("cli.help.title", lang))
    add.set_defaults(command=cmd_meetings_add)
    _listing_parser(meetings_sub, "list", "meetings_list", cmd_meetings_list, lang)
    _calendar_parsers(meetings_sub, lang)

    status = _listing_parser(sub, "status", "status", cmd_status, lang)
    status.add_argument("--as-of", metavar="DATE", help=t("cli.help.as_of", lang))
    status.add_argument("--record", action="store_true", help=t("cli.help.record", lang))
    status.add_argument("--history", metavar="ALS", help=t("status.help.history", lang))

    election = sub.add_parser("election", help=t("cli.help.election", lang))
    election_sub = election.add_subparsers(required=True, metavar="ACTION")
    eroll = _listing_parser(election_sub, "roll", "election_roll", cmd_election_roll, lang)
    eroll.add_argument("--as-of", metavar="DATE", help=t("cli.help.as_of", lang))
    etally = _listing_parser(election_sub, "tally", "election_tally", cmd_election_tally, lang)
    etally.add_argument("ballots", type=Path, help=t("cli.help.ballots", lang))
    etally.add_argument("--as-of", metavar="DATE", help=t("cli.help.vote_at", lang))
    etally.add_argument("--candidates", metavar="A,B", help=t("cli.help.candidates", lang))
    etally.add_argument("--second-ballot", action="store_true", help=t("cli.help.second", lang))
    etally.add_argument("--seed", metavar="S", help=t("cli.help.seed", lang))
    etally.add_argument("--publish", metavar="TITLE", help=t("cli.help.publish", lang))

    _listing_parser(sub, "nominations", "nominations", cmd_nominations, lang)

    proxies = _listing_parser(sub, "proxies", "proxies", cmd_proxies, lang)
    proxies_sub = proxies.add_subparsers(metavar="ACTION")
    padd = proxies_sub.add_parser("add", help=t("cli.help.proxies_add", lang))
    padd.add_argument("--from", dest="giver", required=True, metavar="ALS")
    padd.add_argument("--to", dest="holder", required=True, metavar="ALS")
    padd.add_argument("--vote-at", metavar="ISO8601", help=t("cli.help.vote_at", lang))
    padd.set_defaults(command=cmd_proxies_add)
    prev = proxies_sub.add_parser("revoke", help=t("cli.help.proxies_revoke", lang))
    prev.add_argument("--from", dest="giver", required=True, metavar="ALS")
    prev.set_defaults(command=cmd_proxies_revoke)

    _listing_parser(sub, "outbox", "outbox", cmd_outbox, lang)

    part = _listing_parser(sub, "participation", "participation", cmd_participation, lang)
    part.add_argument("--als", metavar="ID", help=t("cli.help.als_filter", lang))
    part.add_argument("--unmatched", action="store_true", help=t("cli.help.unmatched", lang))
    _participation_actions(part, lang)

    _listing_parser(sub, "lists", "lists", cmd_lists, lang)

    backfill = sub.add_parser("backfill", help=t("cli.help.backfill", lang))
    backfill_sub = backfill.add_subparsers(required=True, metavar="SOURCE")
    mbox = backfill_sub.add_parser("mbox", help=t("cli.help.backfill_mbox", lang))
    mbox.add_argument("file", type=Path, help=t("cli.help.mbox_file", lang))
    mbox.add_argument("--list-id", help=t("cli.help.list_id", lang))
    mbox.set_defaults(command=cmd_backfill_mbox)
    report = backfill_sub.add_parser("zoom-report", help=t("cli.help.backfill_zoom", lang))
    report.add_argument("file", type=Path, help=t("cli.help.report_file", lang))
    report.add_argument("--zoom-id", required=True, metavar="ID", help=t("cli.help.zoom_id", lang))
    report.add_argument("--tz", default="UTC", metavar="ZONE", help=t("cli.help.tz", lang))
    report.set_defaults(command=cmd_backfill_zoom)

    audit = sub.add_parser("audit", help=t("cli.help.audit", lang))
    audit_sub = audit.add_subparsers(required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help=t("cli.help.audit_verify", lang))
    verify.set_defaults(command=cmd_audit_verify)
    alist = _listing_parser(audit_sub, "list", "audit_list", cmd_audit_list, lang)
    alist.add_argument("--kind", metavar="K", help=t("audit.help.kind", lang))
    alist.add_argument("--since", metavar="DATE", help=t("audit.help.since", lang))
    return parser


def _calendar_parsers(meetings_sub: Any, lang: str) -> None:
    """Calendar corrections (issue 13): cancel, move, and the record of who attended."""
    cancel = meetings_sub.add_parser("cancel", help=t("meetings.help.cancel", lang))
    cancel.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    cancel.set_defaults(command=cmd_meetings_cancel)
    move = meetings_sub.add_parser("move", help=t("meetings.help.move", lang))
    move.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    move.add_argument(
        "--start", required=True, metavar="ISO8601", help=t("meetings.help.start", lang)
    )
    move.set_defaults(command=cmd_meetings_move)
    held = meetings_sub.add_parser("held", help=t("meetings.help.held", lang))
    held.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    who = held.add_mutually_exclusive_group(required=True)
    who.add_argument("--attended", metavar="ALS,...", help=t("meetings.help.attended", lang))
    who.add_argument(
        "--from", dest="from_file", type=Path, metavar="FILE", help=t("meetings.help.from", lang)
    )
    held.set_defaults(command=cmd_meetings_held)
    show = meetings_sub.add_parser("show", help=t("meetings.help.show", lang))
    _format_option(show, lang)
    show.set_defaults(command=cmd_meetings_show)
    show.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))


def _participation_actions(part: argparse.ArgumentParser, lang: str) -> None:
    """`participation add` / `participation remove`: what the bot cannot see (issue 13)."""
    actions = part.add_subparsers(metavar="ACTION")
    add = actions.add_parser("add", help=t("participation.help.add", lang))
    add.add_argument("--als", required=True, metavar="ID", help=t("participation.help.als", lang))
    add.add_argument(
        "--kind", required=True, metavar="KIND", help=t("participation.help.kind", lang)
    )
    add.add_argument("--on", required=True, metavar="DATE", help=t("participation.help.on", lang))
    add.add_argument(
        "--note", required=True, metavar="TEXT", help=t("participation.help.note", lang)
    )
    add.set_defaults(command=cmd_participation_add)
    remove = actions.add_parser("remove", help=t("participation.help.remove", lang))
    remove.add_argument(
        "activity_id", type=int, metavar="ID", help=t("participation.help.activity_id", lang)
    )
    remove.set_defaults(command=cmd_participation_remove)


def _listing_parser(
    parent: Any, name: str, help_key: str, command: Command, lang: str
) -> argparse.ArgumentParser:
    """A command that prints a listing: its help, `--format` and what it runs."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=t(f"cli.help.{help_key}", lang))
    _format_option(parser, lang)
    parser.set_defaults(command=command)
    return parser


def _format_option(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help=t("cli.help.format", lang)
    )


@asynccontextmanager
async def _store(settings: Settings) -> AsyncIterator[tuple[aiosqlite.Connection, Region]]:
    region = load_region(settings.region_file)
    conn = await open_store(settings.db_path, settings.db_busy_timeout_ms)
    try:
        yield conn, region
    finally:
        await conn.close()


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import serve  # the server's imports are only needed here

    asyncio.run(serve(settings))
    return OK


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        message(
            t("cli.error.file", lang, path=str(args.file), reason=exc.strerror or str(exc)),
            style="red",
        )
        return USAGE

    async def go() -> roster_service.ImportReport:
        async with _store(settings) as (conn, region):
            return await roster_service.import_roster(conn, region, data, iso(utc_now()), _actor())

    report = asyncio.run(go())
    for rejection in report.rejected:
        why = "; ".join(render(r, lang) for r in rejection.reasons)
        message(
            t("roster.report.rejected_line", lang, line=rejection.line, reasons=why), style="yellow"
        )
    message(
        t(
            "roster.report.summary",
            lang,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
    )
    return REJECTED if report.rejected else OK


def cmd_roster_export(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await roster_service.export_roster(conn)

    exported = asyncio.run(go())
    if args.format == "json":
        print_json(exported)
        return OK
    columns = list(roster_rules.COLUMNS)
    in_table = [c for c in columns if c not in ("slack_id", "nationality")]
    rows = roster_service.roster_csv_rows(exported)
    return _listing(args, settings, rows, columns, "roster", table_columns=in_table)


def _listing(
    args: argparse.Namespace,
    settings: Settings,
    rows: list[dict[str, Any]],
    columns: list[str],
    topic: str,
    table_columns: list[str] | None = None,
) -> int:
    """Print `rows` in the asked format; table headers and title come from `<topic>.column.*`."""
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        print_csv(rows, columns)
    else:
        lang = settings.language
        shown = table_columns or columns
        headers = [t(f"{topic}.column.{c}", lang) for c in shown]
        print_table(rows, shown, headers, t(f"{topic}.title", lang, count=len(rows)))
    return OK


def _meeting_args(args: argparse.Namespace, lang: str) -> tuple[datetime, str | None] | None:
    """The start time (with its zone) and the Zoom number, or None after saying what is wrong."""
    start = _start_arg(args.start, lang)
    if start is None:
        return None
    zoom_id = normalise_meeting_id(args.zoom_id) if args.zoom_id else None
    if args.zoom_id and not (zoom_id and 9 <= len(zoom_id) <= 12):
        message(t("meetings.error.bad_zoom_id", lang, value=args.zoom_id), style="red")
        return None
    if not 1 <= args.duration <= 24 * 60:
        message(t("meetings.error.bad_duration", lang, value=args.duration), style="red")
        return None
    return start, zoom_id


def _start_arg(text: str, lang: str) -> datetime | None:
    """ISO 8601 with an offset ('2026-12-15T15:00-05:00'), or a local time and an IANA zone
    ('2026-12-15T15:00 America/Bogota'); None after saying what is wrong."""
    when, _, zone_name = text.strip().partition(" ")
    try:
        start = datetime.fromisoformat(when)
    except ValueError:
        message(t("meetings.error.bad_start", lang, value=text), style="red")
        return None
    if not zone_name:
        if start.tzinfo is None:
            message(t("meetings.error.no_zone", lang, value=text), style="red")
            return None
        local = start
    else:
        if start.tzinfo is not None:
            message(t("meetings.error.offset_and_zone", lang, value=text), style="red")
            return None
        try:
            zone = ZoneInfo(zone_name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            message(t("meetings.error.bad_zone", lang, zone=zone_name.strip()), style="red")
            return None
        local = start.replace(tzinfo=zone)
    if not _in_utc(local):
        message(t("meetings.error.bad_start", lang, value=text), style="red")
        return None
    if zone_name and local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != start:
        # A time the clocks skip when daylight saving time begins does not exist there.
        message(t("meetings.error.no_such_time", lang, value=when, zone=zone.key), style="red")
        return None
    return local


def _in_utc(moment: datetime) -> bool:
    """Whether the moment can be written in UTC, as the database keeps times (year 1 east of
    Greenwich and 9999 west of it cannot)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def cmd_meetings_add(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    parsed = _meeting_args(args, lang)
    if parsed is None:
        return USAGE
    start, zoom_id = parsed
    now = utc_now()

    async def go() -> tuple[int, meeting_service.Change]:
        async with _store(settings) as (conn, _region):
            return await meeting_service.add_meeting(
                conn, args.kind, start, args.duration, zoom_id, args.title, now, _actor()
            )

    meeting_id, change = asyncio.run(go())
    message(
        t(
            f"meetings.{change.value}",
            lang,
            id=meeting_id,
            kind=args.kind,
            start=iso(start),
            zoom=zoom_id or "-",
        ),
        style="green",
    )
    if start < now:
        message(t("meetings.in_the_past", lang), style="yellow")
    return OK


def cmd_meetings_list(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await meeting_service.list_meetings(conn, utc_now())

    columns = [
        "meeting_id",
        "kind",
        "title",
        "start_at",
        "duration_min",
        "zoom_id",
        "joins",
        "als_present",
        "attendance_recorded",
        "cancelled",
    ]
    rows = asyncio.run(go())
    if args.format == "table":  # "yes" in the reader's language; JSON and CSV keep booleans
        answer = {True: t("meetings.answer_yes", settings.language), False: ""}
        rows = [
            r | {c: answer[bool(r[c])] for c in ("attendance_recorded", "cancelled")} for r in rows
        ]
    return _listing(args, settings, rows, columns, "meetings")


def cmd_meetings_cancel(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language

    async def go() -> calendar_service.Cancelled:
        async with _store(settings) as (conn, region):
            return await calendar_service.cancel_meeting(
                conn, region, settings, args.meeting_id, utc_now(), _actor()
            )

    try:
        done = asyncio.run(go())
    except BotError as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    facts = _meeting_facts(done.meeting)
    if done.already:
        when = calendar_service.when(done.meeting["cancelled_at"])
        message(t("meetings.cancel.already", lang, cancelled=when, **facts))
        return OK
    message(t("meetings.cancel.done", lang, **facts), style="green")
    message(t("meetings.cancel.outbox", lang, withdrawn=done.withdrawn, notices=done.notices))
    return OK


def cmd_meetings_move(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    start = _start_arg(args.start, lang)
    if start is None:
        return USAGE

    async def go() -> calendar_service.Moved:
        async with _store(settings) as (conn, region):
            return await calendar_service.move_meeting(
                conn, region, settings, args.meeting_id, start, utc_now(), _actor()
            )

    try:
        done = asyncio.run(go())
    except BotError as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    facts = _meeting_facts(done.meeting)
    if done.old_start_at == done.meeting["start_at"]:
        message(t("meetings.move.unchanged", lang, **facts))
        return OK
    old = calendar_service.when(done.old_start_at)
    message(
        t("meetings.move.done", lang, old=old, sequence=done.meeting["sequence"], **facts),
        style="green",
    )
    message(t("meetings.move.outbox", lang, withdrawn=done.withdrawn, notices=done.notices))
    return OK


def cmd_meetings_held(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    if args.from_file is None:
        als_ids = [a.strip() for a in args.attended.split(",") if a.strip()]
    else:
        try:
            als_ids = attendance_service.read_attendance_csv(args.from_file.read_bytes())
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message(t("cli.error.file", lang, path=str(args.from_file), reason=reason), style="red")
            return USAGE
        except BadInput as exc:
            message(render(exc.reason, lang), style="red")
            return USAGE

    async def go() -> attendance_service.Held:
        async with _store(settings) as (conn, _region):
            return await attendance_service.record_held(
                conn, args.meeting_id, als_ids, utc_now(), _actor()
            )

    try:
        done = asyncio.run(go())
    except BotError as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    facts = _meeting_facts(done.meeting) | {"count": len(done.present)}
    present = ", ".join(done.present) or "-"
    if not done.changed:
        message(t("meetings.held.unchanged", lang, present=present, **facts))
    elif not done.first:
        message(t("meetings.held.added", lang, added=", ".join(done.added), **facts), style="green")
    elif done.present:
        message(t("meetings.held.recorded", lang, present=present, **facts), style="green")
    else:
        message(t("meetings.held.nobody", lang, **facts), style="green")
    return OK


def cmd_meetings_show(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language

    async def go() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with _store(settings) as (conn, _region):
            return await attendance_service.present(conn, args.meeting_id, utc_now())

    try:
        meeting, rows = asyncio.run(go())
    except BotError as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    columns = ["als_id", "als_name", "sources", "people", "minutes"]
    if args.format == "json":
        return _listing(args, settings, rows, columns, "meetings.show")
    if args.format == "table":
        message(t("meetings.show.about", lang, **_meeting_facts(meeting)))
        if meeting["cancelled_at"]:
            when = calendar_service.when(meeting["cancelled_at"])
            message(t("meetings.show.cancelled", lang, cancelled=when), style="yellow")
        elif not meeting["attendance_recorded"]:
            message(t("meetings.show.unrecorded", lang), style="yellow")
    words = {s: t(f"meetings.show.source.{s}", lang) for s in ("joins", "secretariat")}
    shown = [
        r | {"sources": "; ".join(words[s] if args.format == "table" else s for s in r["sources"])}
        for r in rows
    ]
    return _listing(args, settings, shown, columns, "meetings.show")


def _meeting_facts(meeting: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": meeting["meeting_id"],
        "kind": meeting["kind"],
        "start": calendar_service.when(meeting["start_at"]),
    }


def cmd_backfill_zoom(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    meeting_id = normalise_meeting_id(args.zoom_id)
    if not 9 <= len(meeting_id) <= 12:
        message(t("meetings.error.bad_zoom_id", lang, value=args.zoom_id), style="red")
        return USAGE
    try:
        zone = ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        message(t("zoomreport.bad_zone", lang, value=args.tz), style="red")
        return USAGE
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        message(
            t("cli.error.file", lang, path=str(args.file), reason=exc.strerror or str(exc)),
            style="red",
        )
        return USAGE
    report = parse_report(data, meeting_id, zone)

    async def go() -> call_service.ReportImport:
        async with _store(settings) as (conn, _region):
            return await call_service.import_report(conn, meeting_id, report.joins, utc_now())

    imported = asyncio.run(go()) if report.joins else call_service.ReportImport([], [], [])
    rejected = list(report.rejected)
    for index in imported.outside:
        moment = iso(report.joins[index].joined_at)
        reason = Reason("zoomreport.outside", {"time": moment, "zoom": meeting_id})
        rejected.append((report.lines[index], reason))
    for line, reason in sorted(rejected, key=lambda item: item[0]):
        message(
            t("roster.report.rejected_line", lang, line=line, reasons=render(reason, lang)),
            style="yellow",
        )
    if imported.refused:
        message(_report_refusal(imported, report.joins, meeting_id, lang), style="red")
        return REJECTED
    counts = Counter(r.outcome.value for r in imported.recorded)
    message(
        t(
            "zoomreport.summary",
            lang,
            read=len(report.joins) + len(report.rejected),
            matched=counts["matched"],
            unmatched=counts["unmatched"] + counts["ambiguous"],
            duplicates=counts["duplicate"],
            unreadable=len(report.rejected),
            outside=len(imported.outside),
        )
    )
    return REJECTED if rejected else OK


def _report_refusal(
    imported: call_service.ReportImport, joins: list[CallJoin], zoom_id: str, lang: str
) -> str:
    """Why no join of a report was stored: the meetings known for its number, or none."""
    times = sorted(iso(j.joined_at) for j in joins)
    if not imported.meetings:
        return t("zoomreport.refused_unregistered", lang, zoom=zoom_id, first=times[0])
    known = ", ".join(
        t("zoomreport.meeting_item", lang, id=m.meeting_id, start=m.start_at)
        for m in imported.meetings
    )
    return t(
        "zoomreport.refused_no_match",
        lang,
        zoom=zoom_id,
        first=times[0],
        last=times[-1],
        meetings=known,
    )


def parse_as_of(text: str | None) -> datetime | None:
    """A date means the end of that day (its calls count); a full ISO time is taken as given."""
    if text is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    # The rule looks a year past the date (grace, recovery): 9999 is past the calendar, and year 1
    # east of Greenwich cannot be written in UTC.
    return moment if _in_utc(moment) and moment.astimezone(UTC).year < 9999 else None


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
    now = utc_now()
    if args.record and as_of > now:
        # A record is history: it cannot be written for a day whose facts are not in yet.
        message(t("status.future_record", lang, value=args.as_of), style="red")
        return USAGE

    async def go() -> tuple[list[status_service.AlsStatus], Region, datetime | None] | datetime:
        async with _store(settings) as (conn, region):
            if args.record:
                done = await status_service.refresh(conn, region, settings, as_of, _actor())
                if done.behind is not None:
                    return done.behind
            items = await status_service.statuses(conn, region, as_of)
            return items, region, await status_service.records_start(conn, region)

    found = asyncio.run(go())
    if isinstance(found, datetime):
        last = format_value(found.date(), lang)
        message(t("status.record_behind", lang, value=args.as_of, last=last), style="red")
        return USAGE
    items, region, start = found
    rows = [status_view.status_row(i, region, lang) for i in items]
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        print_csv(
            [
                r
                | {
                    "reasons": " | ".join(r["reasons"]),
                    "unrecorded_calls": " ".join(r["unrecorded_calls"]),
                }
                for r in rows
            ],
            list(rows[0]) if rows else [],
        )
    else:
        _status_tables(items, region, lang, as_of)
    _what_it_rests_on(items, start, as_of, lang)
    return OK


def _what_it_rests_on(
    items: list[status_service.AlsStatus], start: datetime | None, as_of: datetime, lang: str
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
    missing = status_view.unrecorded_calls(items)
    if missing:
        message(t("status.unrecorded_summary", lang, count=missing), style="yellow")


def cmd_status_history(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language

    async def go() -> list[dict[str, Any]] | None:
        async with _store(settings) as (conn, _region):
            return await status_service.history_rows(conn, args.history)

    found = asyncio.run(go())
    if found is None:
        message(t("status.history.unknown", lang, als=args.history), style="red")
        return REJECTED
    rows = [r | {"reasons": [render(x, lang) for x in r["reasons"]]} for r in found]
    if args.format == "json":
        print_json(rows)
        return OK
    shown = [
        r
        | {
            "kind": t(f"status.history.kind.{r['kind']}", lang),
            "state": status_view.state_word(r["state"], lang),
            "reasons": "\n".join(r["reasons"]),
        }
        for r in rows
    ]
    columns = ["recorded_at", "kind", "state", "effective_on", "reasons"]
    if args.format == "csv":
        print_csv([r | {"reasons": r["reasons"].replace("\n", " | ")} for r in shown], columns)
        return OK
    headers = [t(f"status.history.column.{c}", lang) for c in columns]
    print_table(shown, columns, headers, t("status.history.title", lang, als=args.history))
    return OK


def _status_tables(
    items: list[status_service.AlsStatus], region: Region, lang: str, as_of: datetime
) -> None:
    columns = [
        "als_id",
        "als_name",
        "country",
        "state",
        "since",
        "missed_consecutive_calls",
        "last_participation",
        "eligible_for_office",
        "reasons",
    ]
    headers = [t(f"status.column.{c}", lang) for c in columns]
    print_title(t("status.title", lang, date=as_of.date().isoformat()))
    for code, group in status_view.by_subregion(items, region):
        rows = []
        for item in group:
            row = status_view.status_row(item, region, lang)
            row["state"] = (
                status_view.state_word(row["state"], lang),
                status_view.STYLES[item.status.state],
            )
            row["eligible_for_office"] = t(
                "status.answer_yes" if row["eligible_for_office"] else "status.answer_no", lang
            )
            row["reasons"] = "\n".join(row["reasons"][:-1])  # the reading goes once, below
            rows.append(row)
        print_table(
            rows,
            columns,
            headers,
            t("status.subregion", lang, code=code, name=region.subregions[code].name(lang)),
        )
    c = status_view.counts(items)
    message(t("status.counts", lang, **c))
    policy = status_service.policy_of(region)
    message(render(Reason("status.reason.reading", policy.reading()), lang))


def _as_of_or_usage(args: argparse.Namespace, lang: str) -> datetime | None:
    moment = parse_as_of(args.as_of)
    if moment is None:
        message(t("status.bad_date", lang, value=args.as_of), style="red")
    return moment


def cmd_election_roll(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    as_of = _as_of_or_usage(args, lang)
    if as_of is None:
        return USAGE

    async def go() -> election_service.Roll:
        async with _store(settings) as (conn, region):
            return await election_service.voter_roll(conn, region, as_of)

    roll = asyncio.run(go()).as_json()
    if args.format == "json":
        print_json(roll)
        return OK
    if args.format == "csv":
        print_csv(roll["voters"], ["als_id", "als_name", "country", "weight", "weight_exact"])
        return OK
    rows = [
        c
        | {
            "weight_each": f"{c['weight_each']:.4f}",
            "country_total": f"{c['country_total']:.4f}",
            "share": f"{c['share']:.2%}",
            "capped": t("status.answer_yes" if c["capped"] else "status.answer_no", lang),
        }
        for c in roll["countries"]
    ]
    columns = ["country", "als_count", "capped", "weight_each", "country_total", "share"]
    print_table(
        rows,
        columns,
        [t(f"election.column.{c}", lang) for c in columns],
        t("election.roll_title", lang, date=roll["as_of"][:10]),
    )
    message(
        t(
            "election.roll_summary",
            lang,
            voters=len(roll["voters"]),
            covered=roll["countries_covered"],
            max=f"{roll['max_percentage']:g}",
            total=f"{roll['total_weight']:.4f}",
        )
    )
    if roll["equal_countries"]:
        message(t("election.equal_countries", lang), style="yellow")
    return OK


def cmd_election_tally(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    vote_at = _as_of_or_usage(args, lang)
    if vote_at is None:
        return USAGE
    if args.second_ballot and not args.seed:
        message(t("election.need_seed", lang), style="red")
        return USAGE
    try:
        ballots = election_service.read_ballots(args.ballots.read_bytes())
    except OSError as exc:
        message(
            t("cli.error.file", lang, path=str(args.ballots), reason=exc.strerror or str(exc)),
            style="red",
        )
        return USAGE
    candidates = [c.strip() for c in args.candidates.split(",")] if args.candidates else None

    async def go() -> dict[str, Any]:
        async with _store(settings) as (conn, region):
            _roll, result = await election_service.tally(
                conn, region, ballots, vote_at, candidates, args.second_ballot, args.seed
            )
            if args.publish:
                await election_service.publish(
                    conn, region, settings, args.publish, vote_at, result, utc_now(), _actor()
                )
            return election_service.tally_json(result)

    result = asyncio.run(go())
    for refusal in result["refused"]:
        why = render(Reason(refusal["reason"], refusal["params"]), lang)
        message(
            t("roster.report.rejected_line", lang, line=refusal["line"], reasons=why),
            style="yellow",
        )
    if args.format == "json":
        print_json(result)
    else:
        _print_tally(result, lang, args.format)
    return REJECTED if result["refused"] else OK


def _print_tally(result: dict[str, Any], lang: str, fmt: str) -> None:
    rows = [r | {"weighted_votes": f"{r['weighted_votes']:.4f}"} for r in result["results"]]
    columns = ["choice", "votes", "weighted_votes"]
    if fmt == "csv":
        print_csv(result["results"], columns)
        return
    print_table(
        rows,
        columns,
        [t(f"election.column.{c}", lang) for c in columns],
        t("election.tally_title", lang),
    )
    q = result["quorum"]
    message(
        t(
            "election.quorum_met" if q["met"] else "election.quorum_missed",
            lang,
            present=q["present"],
            required=q["required"],
        )
    )
    message(t("election.abstentions", lang, count=result["abstentions"]))
    if result["winner"] and result.get("draw"):
        d = result["draw"]
        message(
            t(
                "election.drawn",
                lang,
                name=d["drawn"],
                seed=d["seed"],
                digest=d["sha256"],
                order=" | ".join(d["order"]),
                index=d["index"],
            ),
            style="bold",
        )
    elif result["winner"]:
        message(t("election.winner", lang, name=result["winner"]), style="bold green")
    elif result["tied"]:
        message(t("election.tied", lang, names=", ".join(result["tied"])), style="bold yellow")


def cmd_nominations(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await nomination_store.listing(conn)

    columns = [
        "nomination_id",
        "position",
        "year",
        "candidate",
        "als_id",
        "nominator",
        "state",
        "soi_url",
        "updated_at",
    ]
    return _listing(args, settings, asyncio.run(go()), columns, "nominations.list")


def cmd_proxies(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await election_store.proxy_listing(conn)

    columns = ["proxy_id", "giver_als", "holder_als", "state", "given_at", "vote_at", "revoked_at"]
    return _listing(args, settings, asyncio.run(go()), columns, "proxies")


def cmd_proxies_add(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    vote_at = parse_as_of(args.vote_at) if args.vote_at else None
    if args.vote_at and vote_at is None:
        message(t("status.bad_date", lang, value=args.vote_at), style="red")
        return USAGE

    async def go() -> int:
        async with _store(settings) as (conn, region):
            return await election_service.record_proxy(
                conn, region, args.giver, args.holder, utc_now(), vote_at, _actor()
            )

    try:
        proxy_id = asyncio.run(go())
    except RuleViolation as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    message(
        t("proxies.recorded", lang, id=proxy_id, giver=args.giver, holder=args.holder),
        style="green",
    )
    return OK


def cmd_proxies_revoke(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> int:
        async with _store(settings) as (conn, _region):
            return await election_service.revoke_proxy(conn, args.giver, utc_now(), _actor())

    revoked = asyncio.run(go())
    key = "proxies.revoked" if revoked else "proxies.none_to_revoke"
    message(t(key, settings.language, giver=args.giver))
    return OK if revoked else REJECTED


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await outbox_store.listing(conn)

    columns = [
        "outbox_id",
        "channel",
        "recipient",
        "subject",
        "state",
        "attempts",
        "due_at",
        "sent_at",
        "last_error",
    ]
    return _listing(args, settings, asyncio.run(go()), columns, "outbox")


def cmd_participation(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            if args.unmatched:
                return await participation_store.unmatched(conn)
            return await participation_store.events(conn, args.als)

    rows = asyncio.run(go())
    if args.unmatched:
        columns = ["address", "name", "kind", "source", "occurred_at"]
        return _listing(args, settings, rows, columns, "participation.unmatched")
    columns = ["als_id", "person", "kind", "source", "occurred_at", "activity_id", "note"]
    return _listing(args, settings, rows, columns, "participation.log")


def cmd_participation_add(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    now = utc_now()
    region = load_region(settings.region_file)
    kinds = region.participation_kinds
    checked = activity_rules.check_activity(args.kind, args.on, args.note, kinds, now.date())
    if isinstance(checked, list):
        for reason in checked:
            message(render(reason, lang), style="red")
        return USAGE
    als_id = args.als.strip()

    async def go() -> activity_service.Added:
        async with _store(settings) as (conn, _region):
            return await activity_service.add(conn, als_id, checked, now, _actor())

    try:
        added = asyncio.run(go())
    except RuleViolation as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    what = {"id": added.activity_id, "als": als_id, "date": checked.on}
    what["kind"] = kinds[checked.kind].name(lang)
    key = "participation.added" if added.new else "participation.already"
    message(render(Reason(key, what), lang), style="green" if added.new else "yellow")
    print(added.activity_id)  # the id alone on stdout, for scripts
    return OK


def cmd_participation_remove(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language

    async def go() -> tuple[dict[str, Any], Region]:
        async with _store(settings) as (conn, region):
            row = await activity_service.remove(conn, args.activity_id, utc_now(), _actor())
            return row, region

    try:
        row, region = asyncio.run(go())
    except RuleViolation as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    known = region.participation_kinds.get(row["kind"])
    kind = known.name(lang) if known else row["kind"]
    on = datetime.fromisoformat(row["occurred_at"])
    what = {"id": args.activity_id, "als": row["als_id"], "kind": kind, "date": on}
    message(render(Reason("participation.removed", what), lang), style="green")
    return OK


def cmd_lists(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await participation_store.lists(conn)

    columns = ["list_id", "name", "kind", "known", "posts", "first_seen"]
    return _listing(args, settings, asyncio.run(go()), columns, "participation.lists")


def cmd_backfill_mbox(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    try:
        stream, underlying = open_archive(args.file)
    except OSError as exc:
        message(
            t("cli.error.file", lang, path=str(args.file), reason=exc.strerror or str(exc)),
            style="red",
        )
        return USAGE
    total = args.file.stat().st_size

    async def go() -> BackfillReport:
        async with _store(settings) as (conn, region):
            with stream, progress_bar(t("participation.backfill.progress", lang), total) as bar:
                return await backfill_archive(
                    conn,
                    region,
                    messages(stream),
                    args.list_id,
                    utc_now(),
                    progress=lambda: bar(underlying.tell()),
                )

    try:
        report = asyncio.run(go())
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error mid-way
        message(t("cli.error.file", lang, path=str(args.file), reason=str(exc)), style="red")
        return REJECTED
    for key, count in sorted(report.why_unreadable.items()):
        message(
            t("participation.backfill.unreadable_reason", lang, count=count, why=t(key, lang)),
            style="yellow",
        )
    message(
        t(
            "participation.backfill.summary",
            lang,
            read=report.read,
            matched=report.matched,
            unmatched=report.unmatched,
            duplicates=report.duplicates,
            unreadable=report.unreadable,
        )
    )
    return REJECTED if report.unreadable else OK


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> int:
        async with _store(settings) as (conn, _region):
            count, broken = await audit_service.verify(conn)
        lang = settings.language
        if broken is None:
            message(t("audit.intact", lang, count=count), style="green")
            return OK
        message(
            t("audit.broken", lang, seq=broken.seq, why=t(f"audit.break.{broken.why}", lang)),
            style="red",
        )
        return REJECTED

    return asyncio.run(go())


def cmd_audit_list(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    since = None
    if args.since:
        since = parse_as_of(args.since)
        if since is None:
            message(t("status.bad_date", lang, value=args.since), style="red")
            return USAGE
        if len(args.since) == 10:
            since = since.replace(hour=0, minute=0, second=0)

    async def go() -> list[dict[str, Any]]:
        async with _store(settings) as (conn, _region):
            return await audit_service.listing(conn, args.kind, since)

    rows = asyncio.run(go())
    if args.format != "json":
        rows = [r | {"data": json.dumps(r["data"], ensure_ascii=False)} for r in rows]
    columns = ["seq", "at", "actor", "action", "subject", "data"]
    return _listing(args, settings, rows, columns, "audit.listing")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
