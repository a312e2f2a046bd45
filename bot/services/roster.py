"""Roster use cases: import (validate, upsert, audit) and export; each person's language.

Issue 18, point 1: the roster's `language` column is the person's; an ALS's is the one most of
its representatives share, else the region's default; a language that is not the region's falls
back (ALS's, then the region's default) with a log line. The rules are in
bot/domain/languages.py; `person_language`, `languages_by_email` and `roster_languages` are what
the senders use.

Removal (issue 19, point 5): `remove_als` and `remove_person` take an ALS or a person off the
roster from a day on (audited, history kept); an import skips rows naming them, unless
`include_removed`, which restores them (audited too).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Protocol

import aiosqlite

from bot.csv_cells import restored
from bot.domain import languages as lang_rules
from bot.domain import roster as rules
from bot.domain.errors import BadInput, RuleViolation
from bot.domain.identity import normalise_email, normalise_name
from bot.domain.reasons import Reason
from bot.domain.roster_row import parse_row
from bot.i18n import render, t
from bot.region import Region
from bot.store import audit_log
from bot.store import participation as participation_store
from bot.store import roster as roster_store
from bot.store import unmatched as unmatched_store
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
    skipped: list[rules.Skipped] = field(default_factory=list)  # removed ALSs and people
    restored: int = 0  # removed ALSs and people back on the roster (`include_removed`)


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
        # Issue 20.4: the apostrophe an export put before a formula-like cell comes off again.
        return [(reader.line_num, _restored(row)) for row in reader]
    except csv.Error as exc:
        raise BadInput(
            Reason("roster.file.unreadable", {"line": reader.line_num, "error": str(exc)})
        ) from None


def _restored(row: dict[str, str | None]) -> dict[str, str | None]:
    return {k: restored(v) if isinstance(v, str) else v for k, v in row.items()}


async def import_roster(
    conn: aiosqlite.Connection,
    region: Region,
    data: bytes,
    now: str,
    actor: str,
    include_removed: bool = False,
) -> ImportReport:
    """Upsert every acceptable row, audit each change, and report the rejected rows by line, and
    the rows naming a removed ALS or person, skipped unless `include_removed` (issue 19.5)."""
    raw_rows = read_roster_csv(data)
    countries = {code: c.subregion for code, c in region.countries.items()}
    parsed = [parse_row(line, row, countries, region.languages) for line, row in raw_rows]
    report = ImportReport()
    default = region_default_language(region)
    async with transaction(conn):
        known = await roster_store.known_roster(conn)
        kept, report.skipped = rules.skip_removed(parsed, known, include_removed)
        accepted, report.rejected = rules.check_rows(kept, known)
        for row in accepted:
            await _restore(conn, row, known, now, actor, report)
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
        if stored is None or stored.als_id != als_id or await _differs(conn, stored, person):
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


async def _differs(
    conn: aiosqlite.Connection, stored: roster_store.StoredPerson, person: rules.PersonRecord
) -> bool:
    """Whether the file's row changes this person. The aliases `unmatched assign` added are left
    out on both sides: the import keeps them whether the file lists them or not (issue 19.4), so
    an unchanged file is unchanged, and not audited again at every import."""
    if stored.record == person:
        return False
    assigned = await unmatched_store.assigned_to(conn, stored.person_id)
    return _without(stored.record, assigned) != _without(person, assigned)


def _without(record: rules.PersonRecord, assigned: set[tuple[str, str]]) -> rules.PersonRecord:
    return replace(
        record,
        email_aliases=tuple(
            e for e in record.email_aliases if ("email", normalise_email(e)) not in assigned
        ),
        name_aliases=tuple(
            n for n in record.name_aliases if ("name", normalise_name(n)) not in assigned
        ),
    )


async def _restore(
    conn: aiosqlite.Connection,
    row: rules.RosterRow,
    known: rules.KnownRoster,
    now: str,
    actor: str,
    report: ImportReport,
) -> None:
    """A row of `import --include-removed` naming a removed ALS or person makes them members
    again, with their history (their rows never went); audited as `roster.restore`."""
    found: list[tuple[str, str, date]] = []
    if row.als is not None and row.als.als_id in known.removed_als:
        found.append(("als", row.als.als_id, known.removed_als.pop(row.als.als_id)))
    if row.person is not None and row.person.email in known.removed_person:
        found.append(("person", row.person.email, known.removed_person.pop(row.person.email)))
    for table, key, removed_on in found:
        await roster_store.restore(conn, table, key, now)
        data = {"what": table, "removed_on": removed_on.isoformat()}
        await audit_log.append(conn, now, actor, "roster.restore", key, data)
        report.restored += 1


def _plain(record: rules.AlsRecord | rules.PersonRecord) -> dict[str, Any]:
    """The record as the audit log keeps it: plain JSON values, dates as ISO text."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(record).items()}


async def export_roster(
    conn: aiosqlite.Connection, include_removed: bool = False
) -> list[roster_store.ExportedAls]:
    """The roster as imported; removed ALSs and people only with `include_removed`."""
    return await roster_store.export_rows(conn, include_removed)


# --- Removal (issue 19, point 5) ----------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """What `roster remove` did: `already` set when it had been done before (on `on`)."""

    subject: str  # the ALS id or the e-mail address
    on: date
    already: bool = False
    people: tuple[str, ...] = ()  # removed with the ALS
    detached: int = 0  # posts and joins on or after `on` put back in the unmatched queue


async def remove_als(
    conn: aiosqlite.Connection,
    als_id: str,
    on: date,
    today: date,
    now: str,
    actor: str,
) -> Removal:
    """Take an ALS, and its people with it, off the roster from `on`: no longer a member from that
    day (status, roll, quorum, votes, proxies, nominations), its history kept. Idempotent."""
    async with transaction(conn):
        als = await roster_store.get_als(conn, als_id)
        if als is None:
            raise RuleViolation(Reason("roster.remove.unknown_als", {"als_id": als_id}))
        before = await roster_store.als_removed_on(conn, als_id)
        if before is not None:
            return Removal(als_id, before, already=True)
        refused = rules.check_removal_day(on, today, als.accredited_on)
        if refused is not None:
            raise RuleViolation(refused)
        people = await roster_store.remove_als(conn, als_id, on, now)
        detached = await roster_store.detach_participation(conn, people, on)
        data = {"on": on.isoformat(), "people": people, "detached": detached}
        await audit_log.append(conn, now, actor, "roster.remove", als_id, data)
    return Removal(als_id, on, people=tuple(people), detached=detached)


async def remove_person(
    conn: aiosqlite.Connection,
    region: Region,
    email: str,
    on: date,
    today: date,
    now: str,
    actor: str,
) -> Removal:
    """Take a person off the roster from `on`: from that day their posts and joins are unmatched
    and they hold no role (a representative's seat is free, Rule 1.1); history kept. Idempotent."""
    address = normalise_email(email)
    async with transaction(conn):
        person = await roster_store.get_person(conn, address)
        if person is None:
            # An e-mail alias names the person, but removing someone is said by their own
            # address, so the Secretariat sees whom the command would take off.
            owner = await roster_store.member_by_address(conn, address)
            if owner is not None:
                params = {"email": email, "person": owner.name, "address": owner.email}
                raise RuleViolation(Reason("roster.remove.alias_of", params))
            raise RuleViolation(Reason("roster.remove.unknown_person", {"email": email}))
        if person.removed_on is not None:
            return Removal(address, person.removed_on, already=True)
        als = await roster_store.get_als(conn, person.als_id) if person.als_id else None
        refused = rules.check_removal_day(on, today, als.accredited_on if als else None)
        if refused is not None:
            raise RuleViolation(refused)
        await roster_store.remove_person(conn, address, on, now)
        detached = await roster_store.detach_participation(conn, [address], on)
        data = {"on": on.isoformat(), "als_id": person.als_id, "detached": detached}
        await audit_log.append(conn, now, actor, "roster.remove", address, data)
        if person.als_id is not None:  # the ALS's language follows its representatives'
            await refresh_als_languages(conn, region, [person.als_id])
    return Removal(address, on, detached=detached)


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
    for als in await roster_store.list_als(conn, current=True):
        if als_ids is not None and als.als_id not in als_ids:
            continue
        language = lang_rules.als_language(people.get(als.als_id, []), default, region.languages)
        changed += await roster_store.set_als_language(conn, als.als_id, language)
    return changed


def roster_csv_rows(
    exported: list[roster_store.ExportedAls], with_removed: bool = False
) -> list[dict[str, str]]:
    """The export flattened back into the import format, one row per person (round trip); with
    `with_removed`, a last `removed_on` column (the person's, else the ALS's), which an import
    ignores."""
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
                | (
                    {"removed_on": (p["removed_on"] if p else None) or als["removed_on"] or ""}
                    if with_removed
                    else {}
                )
            )
    return rows
