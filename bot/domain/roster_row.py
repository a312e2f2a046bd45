"""One roster CSV row on its own: which cells are acceptable, and why the others are not.

Rule 1.2 (seed 003, Rules of Procedure): an ALS that applied but is not yet accredited takes part as
observer, so `accredited_on` may be empty. Countries and sub-regions come from the region file (seed
002's four sub-regions for LACRALO). The checks that span rows are in bot/domain/roster.py.

The `language` column is the person's (issue 18). One that is not among the region's languages
does not refuse the row: the person is imported without a roster language, so they get their
ALS's language, else the region's default, and the row carries a note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.domain.identity import is_valid_email, normalise_email, normalise_name
from bot.domain.languages import normalise_language
from bot.domain.reasons import Reason
from bot.domain.roster import (
    COLUMNS,
    LANGUAGES,
    ROLES,
    AlsRecord,
    PersonRecord,
    Rejection,
    RosterRow,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")


def parse_row(
    line: int,
    raw: Mapping[str, str | None],
    countries: Mapping[str, str],
    languages: Sequence[str] = LANGUAGES,
) -> RosterRow | Rejection:
    """Check one row on its own. `countries` maps ISO code -> sub-region code; `languages` are
    the region's (a person's language outside them is noted, not refused)."""
    cell = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    reasons: list[Reason] = []
    als = _parse_als(cell, countries, reasons)
    person = _parse_person(cell, reasons)
    if person is None and als is None and not reasons:
        reasons.append(Reason("roster.reject.empty_row"))
    if person is not None and person.role == "representative" and als is None and not reasons:
        reasons.append(Reason("roster.reject.representative_without_als"))
    if reasons:
        return Rejection(line, tuple(reasons))
    notes: tuple[Reason, ...] = ()
    if person is not None:
        language = normalise_language(cell["language"])
        if language and language not in languages:
            facts = {"value": cell["language"], "languages": ", ".join(languages)}
            notes = (Reason("roster.note.language_not_in_region", facts),)
        else:
            person = replace(person, language=language or None)
    return RosterRow(line, als, person, notes, language_given="language" in raw)


def _parse_als(
    cell: dict[str, str], countries: Mapping[str, str], reasons: list[Reason]
) -> AlsRecord | None:
    if not cell["als_id"]:
        return None
    if not _ALS_ID.match(cell["als_id"]):
        reasons.append(Reason("roster.reject.bad_als_id", {"value": cell["als_id"]}))
    if not cell["als_name"]:
        reasons.append(Reason("roster.reject.missing", {"column": "als_name"}))
    country = cell["country"].upper()
    if country not in countries:
        reasons.append(Reason("roster.reject.unknown_country", {"value": cell["country"]}))
    accredited = _parse_date(cell["accredited_on"], reasons)
    if reasons:
        return None
    return AlsRecord(
        als_id=cell["als_id"],
        name=cell["als_name"],
        country=country,
        subregion=countries[country],
        accredited_on=accredited,
    )


def _parse_date(text: str, reasons: list[Reason]) -> date | None:
    if not text:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        reasons.append(Reason("roster.reject.bad_date", {"value": text}))
        return None


def _parse_person(cell: dict[str, str], reasons: list[Reason]) -> PersonRecord | None:
    if not (cell["name"] or cell["email"] or cell["role"]):
        return None  # an ALS-only row
    for column in ("name", "email", "role"):
        if not cell[column]:
            reasons.append(Reason("roster.reject.missing", {"column": column}))
    if cell["email"] and not is_valid_email(cell["email"]):
        reasons.append(Reason("roster.reject.bad_email", {"value": cell["email"]}))
    role = cell["role"].lower()
    if role and role not in ROLES:
        reasons.append(Reason("roster.reject.unknown_role", {"value": cell["role"]}))
    nationality = cell["nationality"].upper() or None
    if nationality and not _ISO2.match(nationality):
        reasons.append(Reason("roster.reject.bad_nationality", {"value": cell["nationality"]}))
    email_aliases, name_aliases = _split_aliases(cell["aliases"], reasons)
    if reasons:
        return None
    return PersonRecord(
        email=normalise_email(cell["email"]),
        name=cell["name"],
        role=role,
        slack_id=cell["slack_id"] or None,
        nationality=nationality,
        email_aliases=email_aliases,
        name_aliases=name_aliases,
    )


def _split_aliases(text: str, reasons: list[Reason]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    emails: list[str] = []
    names: list[str] = []
    for alias in (a.strip() for a in text.split(";")):
        if not alias:
            continue
        if "@" in alias:
            if not is_valid_email(alias):
                reasons.append(Reason("roster.reject.bad_alias", {"value": alias}))
            emails.append(normalise_email(alias))
        elif normalise_name(alias):
            names.append(alias)
    return tuple(dict.fromkeys(emails)), tuple(dict.fromkeys(names))
