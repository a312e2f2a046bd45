"""Roster use cases: import (validate, upsert, audit) and export."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

import aiosqlite

from bot.domain import roster as rules
from bot.domain.errors import BadInput
from bot.domain.reasons import Reason
from bot.domain.roster_row import parse_row
from bot.region import Region
from bot.store import audit_log
from bot.store import participation as participation_store
from bot.store import roster as roster_store
from bot.store.transaction import transaction

MAX_ROSTER_BYTES = 20 * 1024 * 1024


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[rules.Rejection] = field(default_factory=list)
    attributed: int = 0  # earlier unmatched events now given to a person


def read_roster_csv(data: bytes) -> list[tuple[int, dict[str, str | None]]]:
    """Decode the CSV (UTF-8, with or without BOM) into (line number, row) pairs."""
    if len(data) > MAX_ROSTER_BYTES:
        raise BadInput(Reason("roster.file.too_big", {"limit_mb": MAX_ROSTER_BYTES // 2**20}))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(Reason("roster.file.not_utf8", {"offset": exc.start})) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in rules.REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BadInput(Reason("roster.file.missing_columns", {"columns": ", ".join(missing)}))
    reader.fieldnames = header
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise BadInput(
            Reason("roster.file.unreadable", {"line": reader.line_num, "error": str(exc)})
        ) from None


async def import_roster(
    conn: aiosqlite.Connection, region: Region, data: bytes, now: str, actor: str
) -> ImportReport:
    """Upsert every acceptable row, audit each change, and report the rejected rows by line."""
    raw_rows = read_roster_csv(data)
    countries = {code: c.subregion for code, c in region.countries.items()}
    parsed = [parse_row(line, row, countries) for line, row in raw_rows]
    report = ImportReport()
    async with transaction(conn):
        known = await roster_store.known_roster(conn)
        accepted, report.rejected = rules.check_rows(parsed, known)
        for row in accepted:
            await _apply_row(conn, row, now, actor, report)
        # A new address or alias attributes that sender's earlier posts and joins (issue 3).
        report.attributed = await participation_store.attribute_unmatched(conn)
    return report


async def _apply_row(
    conn: aiosqlite.Connection, row: rules.RosterRow, now: str, actor: str, report: ImportReport
) -> None:
    changed = created = False
    if row.als is not None:
        before = await roster_store.get_als(conn, row.als.als_id)
        if before != row.als:
            await roster_store.upsert_als(conn, row.als, now)
            await audit_log.append(conn, now, actor, "roster.als", row.als.als_id, _plain(row.als))
            changed, created = True, before is None
    if row.person is not None:
        als_id = row.als.als_id if row.als else None
        stored = await roster_store.get_person(conn, row.person.email)
        if stored is None or stored.record != row.person or stored.als_id != als_id:
            await roster_store.upsert_person(conn, row.person, als_id, now)
            data = _plain(row.person) | {"als_id": als_id}
            await audit_log.append(conn, now, actor, "roster.person", row.person.email, data)
            changed, created = True, created or stored is None
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _plain(record: rules.AlsRecord | rules.PersonRecord) -> dict[str, Any]:
    """The record as the audit log keeps it: plain JSON values, dates as ISO text."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(record).items()}


async def export_roster(conn: aiosqlite.Connection) -> list[roster_store.ExportedAls]:
    return await roster_store.export_rows(conn)


def roster_csv_rows(exported: list[roster_store.ExportedAls]) -> list[dict[str, str]]:
    """The export flattened back into the import format, one row per person (round trip)."""
    rows: list[dict[str, str]] = []
    for als in exported:
        base = {
            "als_id": als["als_id"] or "",
            "als_name": als["als_name"] or "",
            "country": als["country"] or "",
            "accredited_on": als["accredited_on"] or "",
            "language": als["language"] or "" if als["als_id"] else "",
        }
        people: list[roster_store.ExportedPerson | None] = [*als["people"]] or [None]
        for p in people:
            rows.append(
                base
                | {
                    "role": p["role"] if p else "",
                    "name": p["name"] if p else "",
                    "email": p["email"] if p else "",
                    "slack_id": (p["slack_id"] or "") if p else "",
                    "nationality": (p["nationality"] or "") if p else "",
                    "aliases": ";".join(p["aliases"]) if p else "",
                }
            )
    return rows
