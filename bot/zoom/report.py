"""Zoom's participant report (the CSV from Reports > Usage > Participants), as call joins.

What real exports look like: UTF-8 with a BOM; English or Spanish column names; sometimes a
meeting summary block above the participant table; one row per join, so a person who dropped and
came back has several rows; times in the account's time zone, without an offset, written
month-first in English exports and day-first in Spanish ones.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.reasons import Reason
from bot.zoom.events import LONGEST_CALL, CallJoin

# Column names, compared without accents or case, in the languages Zoom exports.
NAME = (
    "name (original name)",
    "name",
    "nombre (nombre original)",
    "nombre",
    "nome (nome original)",
    "nome",
    "nom (nom d'origine)",
    "nom",
)
EMAIL = (
    "user email",
    "email",
    "correo electronico del usuario",
    "correo electronico",
    "e-mail do usuario",
    "email do usuario",
    "e-mail de l'utilisateur",
)
JOIN = (
    "join time",
    "hora de entrada",
    "hora de union",
    "horario de entrada",
    "heure d'arrivee",
    "heure de connexion",
)
DURATION = ("duration (minutes)", "duracion (minutos)", "duracao (minutos)", "duree (minutes)")
DAY_FIRST_WORDS = ("hora", "horario", "heure", "duracion", "duracao", "duree")
FORMATS_MONTH_FIRST = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
FORMATS_DAY_FIRST = ("%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
FORMATS_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass
class Report:
    joins: list[CallJoin] = field(default_factory=list)
    rejected: list[tuple[int, Reason]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each join was read from


def _key(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def parse_report(data: bytes, meeting_id: str, zone: ZoneInfo) -> Report:
    """Every participant row as a join; rows that cannot be read are named with their line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header_at, columns = _find_header(rows)
    if columns is None:
        return Report(rejected=[(0, Reason("zoomreport.no_header"))])
    report = Report()
    day_first = any(w in _key(rows[header_at][columns["join"]]) for w in DAY_FIRST_WORDS)
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        join = _row(row, columns, meeting_id, zone, day_first)
        if isinstance(join, Reason):
            report.rejected.append((offset, join))
        else:
            report.joins.append(join)
            report.lines.append(offset)
    return report


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int] | None]:
    for at, row in enumerate(rows[:50]):
        keys = [_key(cell) for cell in row]
        found = {
            name: next((i for i, k in enumerate(keys) if k in options), -1)
            for name, options in (
                ("name", NAME),
                ("email", EMAIL),
                ("join", JOIN),
                ("duration", DURATION),
            )
        }
        if found["name"] >= 0 and found["join"] >= 0:
            return at, found
    return 0, None


def _row(
    row: list[str], columns: dict[str, int], meeting_id: str, zone: ZoneInfo, day_first: bool
) -> CallJoin | Reason:
    def cell(name: str) -> str:
        index = columns[name]
        return row[index].strip() if 0 <= index < len(row) else ""

    name, email, joined = cell("name"), cell("email") or None, cell("join")
    if not name and not email:
        return Reason("zoomreport.no_person")
    moment = _time(joined, zone, day_first)
    if moment is None:
        return Reason("zoomreport.bad_time", {"value": joined})
    return CallJoin(meeting_id, name, email, moment, _seconds(cell("duration")))


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


def _time(text: str, zone: ZoneInfo, day_first: bool) -> datetime | None:
    formats = (FORMATS_DAY_FIRST if day_first else FORMATS_MONTH_FIRST) + FORMATS_ISO
    for fmt in formats:
        try:
            local = datetime.strptime(text, fmt)
        except ValueError:
            continue
        moment = local.replace(tzinfo=zone)
        try:
            moment.astimezone(UTC)  # year 1 east of Greenwich, 9999 west of it: not in UTC
        except OverflowError:
            return None
        return moment
    return None
