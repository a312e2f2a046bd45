"""Zoom's participant report (the CSV from Reports > Usage > Participants), as call joins.

What real exports look like: UTF-8 with a BOM (UTF-16 when a spreadsheet saved it as "Unicode
text"); column names in the web portal's language (English, Spanish, Portuguese, French), old or
new (bot/zoom/report_headers.py); `,` between fields, or `;` when a spreadsheet in a
Spanish-, Portuguese- or French-speaking locale saved it again; sometimes a meeting summary block
(meeting ID, topic, start time...) above the participant table; one row per join, so a person who
dropped and came back has several rows; rows of time spent in the waiting room; times in the
account's time zone without an offset, in the interface's date order and a 12- or 24-hour clock
(bot/zoom/report_times.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.reasons import Reason
from bot.zoom import report_headers as headers
from bot.zoom import report_times as times
from bot.zoom.events import LONGEST_CALL, CallJoin, normalise_meeting_id

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 50  # the summary block above the table is a few lines long
WAITING = "zoomreport.waiting_room"


@dataclass
class Report:
    joins: list[CallJoin] = field(default_factory=list)
    rejected: list[tuple[int, Reason]] = field(default_factory=list)  # line 0: the whole file
    lines: list[int] = field(default_factory=list)  # the line each join was read from
    # Rows of time spent in the waiting room, by line: read, and not attendance. Not rejected:
    # every report of a call with a waiting room has them (the import still succeeds).
    waiting: list[tuple[int, Reason]] = field(default_factory=list)
    date_order: str | None = None  # how its dates were read: dmy, mdy or ymd


@dataclass(frozen=True)
class _Table:
    rows: list[list[str]]
    header_at: int
    columns: dict[str, int]


def parse_report(
    data: bytes, meeting_id: str, zone: ZoneInfo, date_order: str | None = None
) -> Report:
    """Every participant row as a join; rows that cannot be read are named with their line.
    `date_order` (dmy, mdy, ymd) overrides the order the report's dates are read in."""
    table = _table(_decode(data))
    if table is None:
        return Report(rejected=[(0, _no_header())])
    other = _summary_meeting(table)
    if other is not None and other != meeting_id:
        return Report(rejected=[(0, Reason("zoomreport.other_meeting", {"found": other}))])
    order = _date_order(table, date_order)
    if isinstance(order, Reason):
        return Report(rejected=[(0, order)])
    report = Report(date_order=order)
    for line, row in enumerate(table.rows[table.header_at + 1 :], start=table.header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        join = _row(row, table.columns, meeting_id, lambda text: _moment(text, order, zone))
        if isinstance(join, Reason):
            (report.waiting if join.key == WAITING else report.rejected).append((line, join))
        else:
            report.joins.append(join)
            report.lines.append(line)
    return report


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # an old spreadsheet's own encoding
        return data.decode("latin-1")


def _table(text: str) -> _Table | None:
    """The participant table, with the separator its header is written with."""
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:  # a field past the csv module's size limit: not a Zoom report
            continue
        for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = headers.find_columns(row)
            if columns is not None:
                return _Table(rows, at, columns)
    return None


def _summary_meeting(table: _Table) -> str | None:
    """The meeting number the summary block above the table gives, if it has one: a report is
    one meeting's, and joins imported under another number would count for the wrong call (a
    wrong attendance is worse than none; Rules of Procedure, auxiliary rule to Rule 1)."""
    above = table.rows[: table.header_at]
    for at, row in enumerate(above[:-1]):
        keys = [headers.key(cell) for cell in row]
        column = next((i for i, k in enumerate(keys) if k in headers.MEETING_ID), None)
        if column is not None and column < len(above[at + 1]):
            found = normalise_meeting_id(above[at + 1][column])
            return found or None
    return None


def _no_header() -> Reason:
    """Refusing a file without a participant table names every header that would be read."""
    return Reason(
        "zoomreport.no_header",
        {
            "names": headers.accepted("name"),
            "joins": headers.accepted("join"),
            "emails": headers.accepted("email"),
            "leaves": headers.accepted("leave"),
            "durations": headers.accepted("duration"),
        },
    )


def _date_order(table: _Table, given: str | None) -> str | Reason:
    """The order to read the dates in: as given; else as a date that reads only one way proves
    (unless dates prove both); else the interface language's; else refused, never guessed."""
    if given is not None:
        return given
    stamps = [
        (text, stamp)
        for row in table.rows[table.header_at + 1 :]
        for column in ("join", "leave")
        if (stamp := times.split(text := _cell(row, table.columns, column))) is not None
    ]
    proven = {times.proven_order(stamp) for _, stamp in stamps} - {None, headers.YMD}
    if len(proven) == 1:
        return str(proven.pop())
    hint = headers.date_order_hint(table.rows[table.header_at], table.columns)
    if hint is not None:
        return hint
    undecided = [text for text, stamp in stamps if not stamp.year_first]
    if not undecided:
        return headers.YMD
    return Reason("zoomreport.ambiguous_dates", {"example": undecided[0]})


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns[name]
    return row[index].strip() if 0 <= index < len(row) else ""


def _moment(text: str, order: str, zone: ZoneInfo) -> datetime | None:
    stamp = times.split(text)
    return None if stamp is None else times.to_datetime(stamp, order, zone)


def _row(
    row: list[str],
    columns: dict[str, int],
    meeting_id: str,
    moment: Callable[[str], datetime | None],
) -> CallJoin | Reason:
    name, email, joined = (_cell(row, columns, c) for c in ("name", "email", "join"))
    if not name and not email:
        return Reason("zoomreport.no_person")
    if headers.key(_cell(row, columns, "waiting")) in headers.YES:
        return Reason(WAITING, {"name": name or email})
    joined_at = moment(joined)
    if joined_at is None:
        return Reason("zoomreport.bad_time", {"value": joined})
    duration = _seconds(_cell(row, columns, "duration"))
    if duration is None:
        duration = _stayed(joined_at, moment(_cell(row, columns, "leave")))
    return CallJoin(meeting_id, name, email or None, joined_at, duration)


def _stayed(joined_at: datetime, left_at: datetime | None) -> int | None:
    """The seconds between join and leave, when the report has no duration column."""
    if left_at is None or not joined_at <= left_at <= joined_at + LONGEST_CALL:
        return None
    return int((left_at - joined_at).total_seconds())


def _seconds(minutes: str) -> int | None:
    """The row's duration in seconds; None (unknown) when it is no number of minutes or longer
    than any Zoom call."""
    try:
        seconds = float(minutes) * 60 if minutes.replace(".", "", 1).isdigit() else None
    except ValueError:  # digits that are no number: '²'
        return None
    if seconds is None or not seconds <= LONGEST_CALL.total_seconds():
        return None
    return int(seconds)
