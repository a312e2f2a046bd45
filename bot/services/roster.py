"""Roster use cases: import (validate, upsert, audit) and export; each person's language.

Issue 18, point 1: the roster's `language` column is the person's; an ALS's is the one most of
its representatives share, else the region's default; a language that is not the region's falls
back (ALS's, then the region's default) with a log line. The rules are in
bot/domain/languages.py; `person_language`, `languages_by_email` and `roster_languages` are what
the senders use.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

import aiosqlite

from bot.domain import languages as lang_rules
from bot.domain import roster as rules
from bot.domain.errors import BadInput
from bot.domain.reasons import Reason
from bot.domain.roster_row import parse_row
from bot.i18n import render, t
from bot.region import Region
from bot.store import audit_log
from bot.store import participation as participation_store
from bot.store import roster as roster_store
from bot.store.transaction import transaction

MAX_ROSTER_BYTES = 20 * 1024 * 1024
log = logging.getLogger("lacralo_bot.roster")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[rules.Rejection] = field(default_factory=list)
    attributed: int = 0  # earlier unmatched events now given to a person
    noted: list[rules.Note] = field(default_factory=list)  # imported, not all as written


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
    parsed = [parse_row(line, row, countries, region.languages) for line, row in raw_rows]
    report = ImportReport()
    default = region_default_language(region)
    async with transaction(conn):
        known = await roster_store.known_roster(conn)
        accepted, report.rejected = rules.check_rows(parsed, known)
        for row in accepted:
            await _apply_row(conn, row, now, actor, report, default)
            if row.notes:
                report.noted.append(rules.Note(row.line, row.notes))
                why = "; ".join(render(r, "en") for r in row.notes)
                log.warning(t("roster.log.noted_line", "en", line=row.line, reasons=why))
        await refresh_als_languages(conn, region)
        # A new address or alias attributes that sender's earlier posts and joins (issue 3).
        report.attributed = await participation_store.attribute_unmatched(conn)
    return report


async def _apply_row(
    conn: aiosqlite.Connection,
    row: rules.RosterRow,
    now: str,
    actor: str,
    report: ImportReport,
    default_language: str,
) -> None:
    changed = created = False
    if row.als is not None:
        before = await roster_store.get_als(conn, row.als.als_id)
        # The ALS's language is not the row's: it is derived afterwards (refresh_als_languages).
        als = replace(row.als, language=before.language if before else default_language)
        if before != als:
            await roster_store.upsert_als(conn, als, now)
            data = {k: v for k, v in _plain(row.als).items() if k != "language"}
            await audit_log.append(conn, now, actor, "roster.als", row.als.als_id, data)
            changed, created = True, before is None
    if row.person is not None:
        als_id = row.als.als_id if row.als else None
        stored = await roster_store.get_person(conn, row.person.email)
        person = row.person
        if not row.language_given and stored is not None:
            person = replace(person, language=stored.record.language)  # no column: kept
        if stored is None or stored.record != person or stored.als_id != als_id:
            await roster_store.upsert_person(conn, person, als_id, now)
            data = _plain(person) | {"als_id": als_id}
            await audit_log.append(conn, now, actor, "roster.person", person.email, data)
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


# --- Languages (issue 18, point 1) ------------------------------------------------------------


class HasLanguages(Protocol):
    """A person as `person_language` needs them: `roster_store.Member` (who wrote to the bot)
    or `roster_store.PersonLanguages` (anyone in the roster)."""

    @property
    def email(self) -> str: ...

    @property
    def language(self) -> str | None: ...  # their own choice

    @property
    def roster_language(self) -> str | None: ...


def region_default_language(region: Region) -> str:
    """The region's default language: its first announcement language (LACRALO: English); see
    bot/domain/languages.py, `region_default`, for why not `Settings.language`."""
    return lang_rules.region_default(region.languages, region.announcement_languages)


def person_language(
    person: HasLanguages,
    als_language: str | None,
    default: str,
    allowed: Sequence[str] = rules.LANGUAGES,
) -> str:
    """The language to write to this person in: their own choice, else the roster's language for
    them, else their ALS's (`als_language`, e.g. `member.als_language`), else `default` (the
    region's, `region_default_language`). One that is not in `allowed` (pass the region's
    `languages`) is skipped, with a log line."""
    found = lang_rules.resolve(
        person.language, person.roster_language, als_language, default, allowed
    )
    if found.ignored:
        log.warning(
            t(
                "roster.log.language_fallback",
                "en",
                email=person.email,
                ignored=", ".join(found.ignored),
                used=found.language,
            )
        )
    return found.language


async def languages_by_email(conn: aiosqlite.Connection, region: Region) -> dict[str, str]:
    """Everyone's language (`person_language`), by e-mail address: for direct messages."""
    default = region_default_language(region)
    return {
        p.email: person_language(p, p.als_language, default, region.languages)
        for p in await roster_store.person_languages(conn)
    }


async def roster_languages(conn: aiosqlite.Connection, region: Region) -> list[str]:
    """The languages the people in the roster read, in the region's order (LACRALO's: en, es,
    pt, fr): what announcements go out in, French included once a French reader is listed."""
    present = (await languages_by_email(conn, region)).values()
    return lang_rules.in_region_order(present, region.languages)


async def refresh_als_languages(
    conn: aiosqlite.Connection, region: Region, als_ids: Collection[str] | None = None
) -> int:
    """Store each ALS's language (the one most of its representatives share, else the region's
    default; bot/domain/languages.py), for these ALSs or all; return how many changed."""
    default = region_default_language(region)
    people: dict[str, list[tuple[str, str | None]]] = {}
    for p in await roster_store.person_languages(conn):
        if p.als_id is not None:
            people.setdefault(p.als_id, []).append((p.role, p.language or p.roster_language))
    changed = 0
    for als in await roster_store.list_als(conn):
        if als_ids is not None and als.als_id not in als_ids:
            continue
        language = lang_rules.als_language(people.get(als.als_id, []), default, region.languages)
        changed += await roster_store.set_als_language(conn, als.als_id, language)
    return changed


def roster_csv_rows(exported: list[roster_store.ExportedAls]) -> list[dict[str, str]]:
    """The export flattened back into the import format, one row per person (round trip)."""
    rows: list[dict[str, str]] = []
    for als in exported:
        base = {
            "als_id": als["als_id"] or "",
            "als_name": als["als_name"] or "",
            "country": als["country"] or "",
            "accredited_on": als["accredited_on"] or "",
        }
        people: list[roster_store.ExportedPerson | None] = [*als["people"]] or [None]
        for p in people:
            rows.append(
                base
                | {
                    # The person's, as the roster had it: their own choice is not written back,
                    # so re-importing the export keeps it (issue 18).
                    "language": (p["language"] or "") if p else "",
                    "role": p["role"] if p else "",
                    "name": p["name"] if p else "",
                    "email": p["email"] if p else "",
                    "slack_id": (p["slack_id"] or "") if p else "",
                    "nationality": (p["nationality"] or "") if p else "",
                    "aliases": ";".join(p["aliases"]) if p else "",
                }
            )
    return rows
