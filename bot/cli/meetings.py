"""`lacralo-bot meetings add | list | cancel | move | held | show`: the meeting calendar, its
corrections and the record of who attended (issue 13)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    actor,
    attempt,
    format_option,
    in_store,
    listing,
    listing_parser,
    read_file,
)
from bot.cli.output import message
from bot.cli.times import start_arg
from bot.deps import iso, utc_now
from bot.domain.errors import BadInput
from bot.i18n import render, t
from bot.reports import attendance, utc_minute
from bot.services import attendance as attendance_service
from bot.services import calendar as calendar_service
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.settings import Settings
from bot.store.meetings import StoredMeeting
from bot.zoom.events import normalise_meeting_id

PEOPLE_COLUMNS = ["person", "als_id", "matched", "joins", "minutes"]
PEOPLE_TABLE = [c for c in PEOPLE_COLUMNS if c != "matched"]  # the ALS column says it
LIST_COLUMNS = [
    "meeting_id",
    "kind",
    "title",
    "start_at",
    "duration_min",
    "zoom_id",
    "url",
    "joins",
    "als_present",
    "attendance_recorded",
    "cancelled",
]
TABLE_COLUMNS = [c for c in LIST_COLUMNS if c != "url"]  # a link would squeeze the table


def register(sub: Subparsers, lang: str) -> None:
    meetings = sub.add_parser("meetings", help=t("cli.help.meetings", lang))
    actions = meetings.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help=t("cli.help.meetings_add", lang))
    add.add_argument("--kind", required=True, choices=meeting_service.KINDS)
    add.add_argument(
        "--start", required=True, metavar="ISO8601", help=t("meetings.help.start", lang)
    )
    add.add_argument(
        "--duration", type=int, default=60, metavar="MIN", help=t("cli.help.duration", lang)
    )
    add.add_argument("--zoom-id", metavar="ID", help=t("cli.help.zoom_id", lang))
    add.add_argument("--title", metavar="T", help=t("cli.help.title", lang))
    add.add_argument("--url", metavar="URL", help=t("meetings.help.url", lang))
    add.add_argument("--passcode", metavar="P", help=t("meetings.help.passcode", lang))
    add.set_defaults(command=cmd_meetings_add)
    listing_parser(actions, "list", "meetings_list", cmd_meetings_list, lang)
    _calendar_parsers(actions, lang)


def _calendar_parsers(actions: Subparsers, lang: str) -> None:
    """Calendar corrections (issue 13): cancel, move, and the record of who attended."""
    cancel = actions.add_parser("cancel", help=t("meetings.help.cancel", lang))
    cancel.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    cancel.set_defaults(command=cmd_meetings_cancel)
    move = actions.add_parser("move", help=t("meetings.help.move", lang))
    move.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    move.add_argument(
        "--start", required=True, metavar="ISO8601", help=t("meetings.help.start", lang)
    )
    move.set_defaults(command=cmd_meetings_move)
    held = actions.add_parser("held", help=t("meetings.help.held", lang))
    held.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    who = held.add_mutually_exclusive_group(required=True)
    who.add_argument("--attended", metavar="ALS,...", help=t("meetings.help.attended", lang))
    who.add_argument(
        "--from", dest="from_file", type=Path, metavar="FILE", help=t("meetings.help.from", lang)
    )
    held.set_defaults(command=cmd_meetings_held)
    show = actions.add_parser("show", help=t("meetings.help.show", lang))
    format_option(show, lang)
    show.set_defaults(command=cmd_meetings_show)
    show.add_argument("meeting_id", type=int, metavar="ID", help=t("meetings.help.id", lang))
    show.add_argument("--people", action="store_true", help=t("meetings.help.people", lang))


def _meeting_args(args: argparse.Namespace, lang: str) -> tuple[datetime, str | None] | None:
    """The start time (with its zone) and the Zoom number, or None after saying what is wrong."""
    start = start_arg(args.start, lang)
    if start is None:
        return None
    zoom_id = normalise_meeting_id(args.zoom_id) if args.zoom_id else None
    if args.zoom_id and not (zoom_id and 9 <= len(zoom_id) <= 12):
        message(t("meetings.error.bad_zoom_id", lang, value=args.zoom_id), style="red")
        return None
    if not 1 <= args.duration <= 24 * 60:
        message(t("meetings.error.bad_duration", lang, value=args.duration), style="red")
        return None
    problem = meeting_service.link_problem(args.url, args.passcode)
    if problem is not None:
        message(render(problem, lang), style="red")
        return None
    return start, zoom_id


def cmd_meetings_add(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    parsed = _meeting_args(args, lang)
    if parsed is None:
        return USAGE
    start, zoom_id = parsed
    now = utc_now()
    meeting_id, change = in_store(
        settings,
        lambda conn, _region: meeting_service.add_meeting(
            conn,
            args.kind,
            start,
            args.duration,
            zoom_id,
            args.title,
            now,
            actor(),
            url=args.url,
            passcode=args.passcode,
        ),
    )
    facts = {"id": meeting_id, "kind": args.kind, "start": iso(start), "zoom": zoom_id or "-"}
    message(t(f"meetings.{change.value}", lang, **facts), style="green")
    _say_link(args, zoom_id, lang)
    if start < now:
        message(t("meetings.in_the_past", lang), style="yellow")
    return OK


def _say_link(args: argparse.Namespace, zoom_id: str | None, lang: str) -> None:
    """What the reminders will carry: the link, or a word on where members will be sent."""
    if args.url:
        message(t("meetings.link.url", lang, url=args.url))
    elif not zoom_id:
        message(t("meetings.link.none", lang), style="yellow")
    if args.passcode:
        message(t("meetings.link.passcode", lang))


def cmd_meetings_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: meeting_service.list_meetings(conn, utc_now()))
    if args.format != "table":
        return listing(args, settings, rows, LIST_COLUMNS, "meetings")
    # "yes" in the reader's language; JSON and CSV keep the booleans.
    answer = {True: t("meetings.answer_yes", settings.language), False: ""}
    shown = [
        {**r, **{c: answer[bool(r[c])] for c in ("attendance_recorded", "cancelled")}} for r in rows
    ]
    return listing(args, settings, shown, LIST_COLUMNS, "meetings", TABLE_COLUMNS)


def cmd_meetings_cancel(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    done = attempt(
        settings,
        lambda conn, region: calendar_service.cancel_meeting(
            conn, region, settings, args.meeting_id, utc_now(), actor()
        ),
    )
    if done is None:
        return REJECTED
    facts = attendance.facts(done.meeting)
    if done.already:
        when = attendance.cancelled(done.meeting)
        message(t("meetings.cancel.already", lang, cancelled=when, **facts))
        return OK
    message(t("meetings.cancel.done", lang, **facts), style="green")
    message(t("meetings.cancel.outbox", lang, withdrawn=done.withdrawn, notices=done.notices))
    return OK


def cmd_meetings_move(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    start = start_arg(args.start, lang)
    if start is None:
        return USAGE
    done = attempt(
        settings,
        lambda conn, region: calendar_service.move_meeting(
            conn, region, settings, args.meeting_id, start, utc_now(), actor()
        ),
    )
    if done is None:
        return REJECTED
    facts = attendance.facts(done.meeting)
    if done.old_start_at == done.meeting["start_at"]:
        message(t("meetings.move.unchanged", lang, **facts))
        return OK
    old = utc_minute(done.old_start_at)
    sequence = done.meeting["sequence"]
    message(t("meetings.move.done", lang, old=old, sequence=sequence, **facts), style="green")
    message(t("meetings.move.outbox", lang, withdrawn=done.withdrawn, notices=done.notices))
    return OK


def _attended(args: argparse.Namespace, lang: str) -> list[str] | None:
    """The ALSs named on the command line or in the file, or None after saying why not."""
    if args.from_file is None:
        return [a.strip() for a in args.attended.split(",") if a.strip()]
    data = read_file(args.from_file, lang)
    if data is None:
        return None
    try:
        return attendance_service.read_attendance_csv(data)
    except BadInput as exc:
        message(render(exc.reason, lang), style="red")
        return None


def cmd_meetings_held(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    als_ids = _attended(args, lang)
    if als_ids is None:
        return USAGE
    done = attempt(
        settings,
        lambda conn, _region: attendance_service.record_held(
            conn, args.meeting_id, als_ids, utc_now(), actor()
        ),
    )
    if done is None:
        return REJECTED
    facts = attendance.facts(done.meeting) | {"count": len(done.present)}
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


async def _shown_meeting(
    conn: aiosqlite.Connection, meeting_id: int
) -> tuple[StoredMeeting, list[dict[str, Any]], list[dict[str, Any]]]:
    """The meeting, the ALSs present, and each person who joined with the minutes they stayed."""
    meeting, rows = await attendance_service.present(conn, meeting_id, utc_now())
    people = [
        {
            "person": a["person"],
            "als_id": a["als_id"],
            "matched": a["matched"],
            "joins": a["joins"],
            "minutes": None if a["seconds"] is None else round(a["seconds"] / 60),
        }
        for a in await call_service.attendees(conn, meeting_id)
    ]
    return meeting, rows, people


def cmd_meetings_show(args: argparse.Namespace, settings: Settings) -> int:
    """Who was present: the ALSs with their evidence (joins, the Secretariat's record), then each
    person who joined, unmatched names included, with how long they stayed. For scripts (JSON,
    CSV) one listing: the ALSs, or with `--people` the people."""
    lang = settings.language
    found = attempt(settings, lambda conn, _region: _shown_meeting(conn, args.meeting_id))
    if found is None:
        return REJECTED
    meeting, rows, people = found
    table = args.format == "table"
    if table:
        for line, caution in attendance.about(meeting, lang):
            message(line, style="yellow" if caution else None)
    if args.people:
        return _people_listing(args, settings, people)
    columns = attendance.SHOW_COLUMNS
    if args.format == "json":
        return listing(args, settings, rows, columns, "meetings.show")
    shown = attendance.present_rows(rows, lang if table else None)
    done = listing(args, settings, shown, columns, "meetings.show")
    return _people_listing(args, settings, people) if table else done


def _people_listing(
    args: argparse.Namespace, settings: Settings, people: list[dict[str, Any]]
) -> int:
    if args.format != "table":
        return listing(args, settings, people, PEOPLE_COLUMNS, "meetings.people")
    shown = [_person_row(p, settings.language) for p in people]
    return listing(args, settings, shown, PEOPLE_COLUMNS, "meetings.people", PEOPLE_TABLE)


def _person_row(person: dict[str, Any], lang: str) -> dict[str, Any]:
    """A person as the table shows them: an unmatched name says so in the ALS column."""
    if person["matched"]:
        return person
    return {**person, "als_id": (t("meetings.people.unmatched", lang), "yellow")}
