"""Roster rows: which are acceptable, and why the others are not.

Rule 1.1 (seed 003, Rules of Procedure): "The two (2) representatives of each accredited At Large
Structure" -- an ALS has at most two representatives. Rule 1.2: an ALS that applied but is not yet
accredited takes part as observer (empty `accredited_on`). Countries and sub-regions come from the
region file (seed 002's four sub-regions for LACRALO).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.domain.identity import is_valid_email, normalise_email, normalise_name
from bot.domain.reasons import Reason

COLUMNS = (
    "als_id",
    "als_name",
    "country",
    "accredited_on",
    "language",
    "role",
    "name",
    "email",
    "slack_id",
    "nationality",
    "aliases",
)
REQUIRED_COLUMNS = ("als_id", "als_name", "country", "role", "name", "email")
ROLES = ("representative", "member", "observer", "chair", "secretary", "staff")
# Who runs the administrative commands and gets the digests (PRODUCT.md: Chair, Secretary, staff).
SECRETARIAT = ("chair", "secretary", "staff")
LANGUAGES = ("en", "es", "pt", "fr")
MAX_REPRESENTATIVES = 2  # Rule 1.1 (seed 003)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class AlsRecord:
    als_id: str
    name: str
    country: str
    subregion: str
    accredited_on: date | None
    language: str


@dataclass(frozen=True)
class PersonRecord:
    email: str  # normalised
    name: str
    role: str
    slack_id: str | None
    nationality: str | None
    email_aliases: tuple[str, ...] = ()
    name_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterRow:
    """One accepted CSV line: an ALS, a person, or both."""

    line: int
    als: AlsRecord | None
    person: PersonRecord | None


@dataclass(frozen=True)
class Rejection:
    line: int
    reasons: tuple[Reason, ...]


@dataclass
class KnownRoster:
    """What the database already holds, as plain data, for the checks that span rows."""

    person_als: dict[str, str | None] = field(default_factory=dict)  # email -> als_id
    person_role: dict[str, str] = field(default_factory=dict)
    slack_owner: dict[str, str] = field(default_factory=dict)  # slack_id -> email
    alias_owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, value) -> email


def parse_row(
    line: int, raw: Mapping[str, str | None], countries: Mapping[str, str]
) -> RosterRow | Rejection:
    """Check one row on its own. `countries` maps ISO code -> sub-region code."""
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
    return RosterRow(line, als, person)


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
    language = cell["language"].lower() or "es"
    if language not in LANGUAGES:
        reasons.append(Reason("roster.reject.unknown_language", {"value": cell["language"]}))
    if reasons:
        return None
    return AlsRecord(
        cell["als_id"], cell["als_name"], country, countries[country], accredited, language
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
        normalise_email(cell["email"]),
        cell["name"],
        role,
        cell["slack_id"] or None,
        nationality,
        email_aliases,
        name_aliases,
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


def check_rows(
    rows: Iterable[RosterRow | Rejection], known: KnownRoster
) -> tuple[list[RosterRow], list[Rejection]]:
    """Apply the checks that span rows and the database; keep the file order."""
    accepted: list[RosterRow] = []
    rejected: list[Rejection] = []
    seen = _FileState()
    for row in rows:
        if isinstance(row, Rejection):
            rejected.append(row)
            continue
        reasons = seen.conflicts(row, known)
        if reasons:
            rejected.append(Rejection(row.line, tuple(reasons)))
        else:
            seen.add(row)
            accepted.append(row)
    return _limit_representatives(accepted, known, rejected)


@dataclass
class _FileState:
    als: dict[str, AlsRecord] = field(default_factory=dict)
    als_line: dict[str, int] = field(default_factory=dict)
    person_als: dict[str, str | None] = field(default_factory=dict)
    person_line: dict[str, int] = field(default_factory=dict)
    slack_owner: dict[str, str] = field(default_factory=dict)
    alias_owner: dict[tuple[str, str], str] = field(default_factory=dict)

    def conflicts(self, row: RosterRow, known: KnownRoster) -> list[Reason]:
        reasons: list[Reason] = []
        if row.als and row.als.als_id in self.als and self.als[row.als.als_id] != row.als:
            reasons.append(
                Reason(
                    "roster.reject.als_conflict",
                    {"als_id": row.als.als_id, "line": self.als_line[row.als.als_id]},
                )
            )
        if row.person:
            reasons.extend(self._person_conflicts(row, known))
        return reasons

    def _person_conflicts(self, row: RosterRow, known: KnownRoster) -> list[Reason]:
        assert row.person is not None
        p, als_id = row.person, row.als.als_id if row.als else None
        reasons: list[Reason] = []
        if p.email in self.person_als:
            other = self.person_als[p.email]
            key = (
                "roster.reject.email_two_als" if other != als_id else "roster.reject.email_repeated"
            )
            reasons.append(
                Reason(
                    key,
                    {"email": p.email, "line": self.person_line[p.email], "als_id": other or "-"},
                )
            )
        if p.slack_id:
            owner = self.slack_owner.get(p.slack_id) or known.slack_owner.get(p.slack_id)
            if owner and owner != p.email:
                reasons.append(Reason("roster.reject.slack_taken", {"value": p.slack_id}))
        for kind, value in _alias_keys(p):
            owner = self._owner(kind, value, known)
            if owner and owner != p.email:
                reasons.append(Reason("roster.reject.alias_taken", {"value": value}))
        owner = self._owner("email", p.email, known)
        if owner and owner != p.email:
            reasons.append(Reason("roster.reject.alias_taken", {"value": p.email}))
        return reasons

    def _owner(self, kind: str, value: str, known: KnownRoster) -> str | None:
        if kind == "email" and (value in self.person_als or value in known.person_als):
            return value
        return self.alias_owner.get((kind, value)) or known.alias_owner.get((kind, value))

    def add(self, row: RosterRow) -> None:
        if row.als:
            self.als.setdefault(row.als.als_id, row.als)
            self.als_line.setdefault(row.als.als_id, row.line)
        if row.person:
            p = row.person
            self.person_als[p.email] = row.als.als_id if row.als else None
            self.person_line[p.email] = row.line
            if p.slack_id:
                self.slack_owner[p.slack_id] = p.email
            for key in _alias_keys(p):
                self.alias_owner[key] = p.email


def _alias_keys(p: PersonRecord) -> list[tuple[str, str]]:
    return [("email", e) for e in p.email_aliases] + [
        ("name", normalise_name(n)) for n in p.name_aliases
    ]


def _limit_representatives(
    accepted: list[RosterRow], known: KnownRoster, rejected: list[Rejection]
) -> tuple[list[RosterRow], list[Rejection]]:
    """Rule 1.1 (seed 003): at most two representatives per ALS, counting those already stored."""
    in_file = {r.person.email: r for r in accepted if r.person}
    reps: dict[str, set[str]] = {}
    for email, role in known.person_role.items():
        als_id = known.person_als.get(email)
        if role != "representative" or als_id is None:
            continue
        row = in_file.get(email)
        still_rep = row is None or (
            row.person is not None
            and row.person.role == "representative"
            and row.als is not None
            and row.als.als_id == als_id
        )
        if still_rep:
            reps.setdefault(als_id, set()).add(email)
    kept: list[RosterRow] = []
    for row in accepted:
        if row.person and row.als and row.person.role == "representative":
            current = reps.setdefault(row.als.als_id, set())
            if row.person.email not in current and len(current) >= MAX_REPRESENTATIVES:
                rejected.append(
                    Rejection(
                        row.line,
                        (
                            Reason(
                                "roster.reject.third_representative",
                                {"als_id": row.als.als_id, "present": ", ".join(sorted(current))},
                            ),
                        ),
                    )
                )
                continue
            current.add(row.person.email)
        kept.append(row)
    rejected.sort(key=lambda r: r.line)
    return kept, rejected
