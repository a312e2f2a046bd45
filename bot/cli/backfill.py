"""`lacralo-bot backfill mbox | zoom-report`: participation read from archives the bot was not
running for (a list's mbox or pipermail archive; Zoom's participant report)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    file_error,
    in_store,
    read_file,
    why,
)
from bot.cli.output import message, progress_bar
from bot.deps import iso, utc_now
from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.mail.mbox import messages, open_archive
from bot.region import Region
from bot.services import calls as call_service
from bot.services.backfill import BackfillReport, backfill_archive
from bot.settings import Settings
from bot.zoom.events import normalise_meeting_id
from bot.zoom.report import Report, parse_report
from bot.zoom.report_headers import DATE_ORDERS

NO_LIST = "mail.unreadable.no_list"  # a message without List-Id, and no --list-id given
OTHER_MEETING = "zoomreport.other_meeting"  # a readable report, of another meeting: said as is


def register(sub: Subparsers, lang: str) -> None:
    backfill = sub.add_parser("backfill", help=t("cli.help.backfill", lang))
    sources = backfill.add_subparsers(required=True, metavar="SOURCE")
    mbox = sources.add_parser("mbox", help=t("cli.help.backfill_mbox", lang))
    mbox.add_argument("file", type=Path, help=t("mail.help.file", lang))
    mbox.add_argument("--list-id", metavar="LIST-ID", help=t("mail.help.list_id", lang))
    mbox.set_defaults(command=cmd_backfill_mbox)
    report = sources.add_parser("zoom-report", help=t("cli.help.backfill_zoom", lang))
    report.add_argument("file", type=Path, help=t("zoomreport.help.file", lang))
    report.add_argument(
        "--zoom-id", required=True, metavar="ID", help=t("zoomreport.help.zoom_id", lang)
    )
    report.add_argument("--tz", default="UTC", metavar="ZONE", help=t("zoomreport.help.tz", lang))
    report.add_argument(
        "--date-order", choices=DATE_ORDERS, help=t("zoomreport.help.date_order", lang)
    )
    report.set_defaults(command=cmd_backfill_zoom)


def cmd_backfill_mbox(args: argparse.Namespace, settings: Settings) -> int:
    """Read the archive with a progress bar; exit 1 when some messages could not be read."""
    lang = settings.language
    try:
        stream, underlying = open_archive(args.file)
    except OSError as exc:
        file_error(args.file, why(exc), lang)
        return USAGE
    total = args.file.stat().st_size

    async def read(conn: aiosqlite.Connection, region: Region) -> BackfillReport:
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
        report = in_store(settings, read)
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error mid-way
        file_error(args.file, str(exc), lang)
        return REJECTED
    if report.read == 0:  # a wrong file (a pipermail HTML page, a CSV) must not look imported
        message(t("mail.backfill.no_messages", lang, path=str(args.file)), style="red")
        return REJECTED
    _mbox_summary(report, lang)
    return REJECTED if report.unreadable else OK


def _mbox_summary(report: BackfillReport, lang: str) -> None:
    """Each message not read, by the line of its "From " separator and why (issue 19: none is
    dropped silently), then how many were read, matched, and not read. Messages without a
    List-Id are said once, with what to do: a pipermail archive read without --list-id has
    none at all, and one line per message repeated the same thing hundreds of times."""
    no_list = report.why_unreadable[NO_LIST]
    listed = sorted((item for item in report.rejected if item[1].key != NO_LIST), key=_line)
    for line, reason in listed:
        message(
            t("mail.backfill.unreadable_line", lang, line=line, why=render(reason, lang)),
            style="yellow",
        )
    more = report.unreadable - no_list - len(listed)
    if more > 0:
        message(t("mail.backfill.more_unreadable", lang, count=more), style="yellow")
    if no_list:
        first = min((line for line, r in report.rejected if r.key == NO_LIST), default=0)
        message(t("mail.backfill.no_list", lang, count=no_list, line=first), style="yellow")
    message(
        t(
            "mail.backfill.summary",
            lang,
            found=report.read,
            read=report.read - report.unreadable,
            matched=report.matched,
            unmatched=report.unmatched,
            duplicates=report.duplicates,
            unreadable=report.unreadable,
        )
    )


def _line(item: tuple[int, Reason]) -> int:
    return item[0]


def _zoom_args(args: argparse.Namespace, lang: str) -> tuple[str, ZoneInfo] | None:
    """The meeting number and the report's time zone, or None after saying what is wrong."""
    meeting_id = normalise_meeting_id(args.zoom_id)
    if not 9 <= len(meeting_id) <= 12:
        message(t("meetings.error.bad_zoom_id", lang, value=args.zoom_id), style="red")
        return None
    try:
        return meeting_id, ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        message(t("zoomreport.bad_zone", lang, value=args.tz), style="red")
        return None


def cmd_backfill_zoom(args: argparse.Namespace, settings: Settings) -> int:
    """Store the report's joins; rows that cannot be read, or fall outside every meeting of that
    number, are named by their line (exit 1); none stored when no meeting matches."""
    lang = settings.language
    parsed = _zoom_args(args, lang)
    data = read_file(args.file, lang) if parsed else None
    if parsed is None or data is None:
        return USAGE
    meeting_id, zone = parsed
    report = parse_report(data, meeting_id, zone, args.date_order)
    imported = (
        in_store(
            settings,
            lambda conn, _region: call_service.import_report(
                conn, meeting_id, report.joins, utc_now()
            ),
        )
        if report.joins
        else call_service.ReportImport([], [], [])
    )
    rejected = _rejected_lines(report, imported, meeting_id)
    whole = [reason for line, reason in rejected if line == 0]
    if whole:  # the whole file: no participant table, dates that read two ways, another meeting
        for reason in whole:
            why = render(reason, lang)
            said = (
                why if reason.key == OTHER_MEETING else t("zoomreport.refused_file", lang, why=why)
            )
            message(said, style="red")
        return REJECTED  # no summary: it would count the file as one unreadable row
    for line, reason in rejected:
        message(
            t("roster.report.rejected_line", lang, line=line, reasons=render(reason, lang)),
            style="yellow",
        )
    if imported.refused:
        message(_report_refusal(imported, report, meeting_id, lang), style="red")
        return REJECTED
    for line, reason in report.waiting:
        message(t("zoomreport.waiting_line", lang, line=line, why=render(reason, lang)))
    _zoom_summary(report, imported, lang)
    return REJECTED if rejected else OK


def _rejected_lines(
    report: Report, imported: call_service.ReportImport, meeting_id: str
) -> list[tuple[int, Reason]]:
    """The rows not read, and those read but outside every meeting of that number, by line."""
    rejected = list(report.rejected)
    for index in imported.outside:
        moment = iso(report.joins[index].joined_at)
        reason = Reason("zoomreport.outside", {"time": moment, "zoom": meeting_id})
        rejected.append((report.lines[index], reason))
    return sorted(rejected, key=lambda item: item[0])


def _zoom_summary(report: Report, imported: call_service.ReportImport, lang: str) -> None:
    counts = Counter(r.outcome.value for r in imported.recorded)
    message(
        t(
            "zoomreport.summary",
            lang,
            read=len(report.joins) + len(report.rejected) + len(report.waiting),
            matched=counts["matched"],
            unmatched=counts["unmatched"] + counts["ambiguous"],
            duplicates=counts["duplicate"],
            unreadable=len(report.rejected),
            outside=len(imported.outside),
            waiting=len(report.waiting),
        )
    )


def _report_refusal(
    imported: call_service.ReportImport, report: Report, zoom_id: str, lang: str
) -> str:
    """Why no join of a report was stored: the meetings known for its number, or none; and the
    date order its dates were read in, which may be what is wrong."""
    times = sorted(iso(j.joined_at) for j in report.joins)
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
        order=report.date_order or "-",
    )
