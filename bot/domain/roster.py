"""The roster: ALSs and people, their roles, and the checks that span rows and the database (one
address, Slack id or alias belongs to one person; two representatives per ALS).

Rule 1.1 (seed 003, Rules of Procedure): "The two (2) representatives of each accredited At Large
Structure" -- an ALS has at most two representatives. Rule 1.2: an ALS that applied but is not yet
accredited takes part as observer (empty `accredited_on`). A CSV row's own checks are in
bot/domain/roster_row.py.

The `language` column is the person's (PRODUCT.md, issue 18), so it is on `PersonRecord`; an
ALS's language is derived from its representatives' (bot/domain/languages.py), and two rows of
one ALS may name different languages.

Removal (issue 19, point 5): `roster remove` takes an ALS or a person off the roster from a day on,
keeping their history; `check_removal_day` says which days may be named, `skip_removed` keeps a
later import from bringing them back unasked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.identity import normalise_name
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


@dataclass(frozen=True, kw_only=True)
class AlsRecord:
    als_id: str
    name: str
    country: str
    subregion: str
    accredited_on: date | None
    # The ALS's language, derived from its representatives' (bot/domain/languages.py) when
    # stored; a parsed row leaves it empty, as the CSV's column is the person's.
    language: str = ""


@dataclass(frozen=True, kw_only=True)
class PersonRecord:
    email: str  # normalised
    name: str
    role: str
    slack_id: str | None
    nationality: str | None
    email_aliases: tuple[str, ...] = ()
    name_aliases: tuple[str, ...] = ()
    # The roster's `language` column for this person (None: empty, or not one of the region's).
    # Their own choice (`/lacralo language`) is kept apart, in the store.
    language: str | None = None


@dataclass(frozen=True)
class RosterRow:
    """One accepted CSV line: an ALS, a person, or both."""

    line: int
    als: AlsRecord | None
    person: PersonRecord | None
    # What was not taken as written, though the row is imported (a language not the region's).
    notes: tuple[Reason, ...] = ()
    # False when the file has no `language` column: the stored languages are left as they are.
    language_given: bool = True


@dataclass(frozen=True)
class Rejection:
    line: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Note:
    """An imported row with something not taken as written, and why."""

    line: int
    reasons: tuple[Reason, ...]


@dataclass
class KnownRoster:
    """What the database already holds, as plain data, for the checks that span rows."""

    person_als: dict[str, str | None] = field(default_factory=dict)  # email -> als_id
    person_role: dict[str, str] = field(default_factory=dict)
    slack_owner: dict[str, str] = field(default_factory=dict)  # slack_id -> email
    alias_owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, value) -> email
    removed_als: dict[str, date] = field(default_factory=dict)  # als_id -> removed on
    removed_person: dict[str, date] = field(default_factory=dict)  # email -> removed on


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
                reasons.append(
                    Reason("roster.reject.slack_taken", {"value": p.slack_id, "owner": owner})
                )
        for kind, value in _alias_keys(p):
            owner = self._owner(kind, value, known)
            if owner and owner != p.email:
                reasons.append(
                    Reason("roster.reject.alias_taken", {"value": value, "owner": owner})
                )
        owner = self._owner("email", p.email, known)
        if owner and owner != p.email:
            reasons.append(Reason("roster.reject.alias_taken", {"value": p.email, "owner": owner}))
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
    reps = _stored_representatives(accepted, known)
    kept: list[RosterRow] = []
    for row in accepted:
        if row.person and row.als and row.person.role == "representative":
            current = reps.setdefault(row.als.als_id, set())
            if row.person.email not in current and len(current) >= MAX_REPRESENTATIVES:
                facts = {"als_id": row.als.als_id, "present": ", ".join(sorted(current))}
                reason = Reason("roster.reject.third_representative", facts)
                rejected.append(Rejection(row.line, (reason,)))
                continue
            current.add(row.person.email)
        kept.append(row)
    rejected.sort(key=lambda r: r.line)
    return kept, rejected


def _stored_representatives(accepted: list[RosterRow], known: KnownRoster) -> dict[str, set[str]]:
    """ALS id -> the stored representatives this file leaves representing it (a row of the file
    may move one to another ALS or role, freeing the seat)."""
    in_file = {r.person.email: r for r in accepted if r.person}
    reps: dict[str, set[str]] = {}
    for email, role in known.person_role.items():
        als_id = known.person_als.get(email)
        if role != "representative" or als_id is None or email in known.removed_person:
            continue  # a removed representative holds no seat (issue 19, point 5)
        row = in_file.get(email)
        still_rep = row is None or (
            row.person is not None
            and row.person.role == "representative"
            and row.als is not None
            and row.als.als_id == als_id
        )
        if still_rep:
            reps.setdefault(als_id, set()).add(email)
    return reps


# --- Removal (issue 19, point 5) ---------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A row naming a removed ALS or person: not imported unless asked (`--include-removed`)."""

    line: int
    reasons: tuple[Reason, ...]


def skip_removed(
    rows: Iterable[RosterRow | Rejection], known: KnownRoster, include_removed: bool
) -> tuple[list[RosterRow | Rejection], list[Skipped]]:
    """Set aside the rows that would bring back a removed ALS or person: a roster file kept from
    before the removal must not undo it. With `include_removed` every row goes on (and the
    import restores them)."""
    kept: list[RosterRow | Rejection] = []
    skipped: list[Skipped] = []
    for row in rows:
        reasons = [] if include_removed or isinstance(row, Rejection) else _removed(row, known)
        if reasons:
            skipped.append(Skipped(row.line, tuple(reasons)))
        else:
            kept.append(row)
    return kept, skipped


def _removed(row: RosterRow, known: KnownRoster) -> list[Reason]:
    reasons: list[Reason] = []
    if row.als is not None and row.als.als_id in known.removed_als:
        on = known.removed_als[row.als.als_id]
        reasons.append(Reason("roster.skip.removed_als", {"als_id": row.als.als_id, "on": on}))
    if row.person is not None and row.person.email in known.removed_person:
        on = known.removed_person[row.person.email]
        reasons.append(Reason("roster.skip.removed_person", {"email": row.person.email, "on": on}))
    return reasons


# How far ahead a removal may be dated: not at all. A removal dated later would leave every
# reader that asks "a member now?" (commands, notices, matching of posts) needing the date; the
# Secretariat runs the command on the day instead.
MAX_DAYS_AHEAD = 0


def check_removal_day(on: date, today: date, accredited_on: date | None) -> Reason | None:
    """Why a removal cannot take effect on `on`, or None. It may be back-dated (a removal
    decided earlier), but not to before the ALS was accredited (Rule 1.2, seed 003: until then it
    was not a member to remove), and not into the future."""
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if on > latest:
        return Reason("roster.remove.future", {"on": on, "today": today})
    if accredited_on is not None and on < accredited_on:
        return Reason("roster.remove.before_accredited", {"on": on, "accredited_on": accredited_on})
    return None


def member_on(removed_on: date | None, day: date) -> bool:
    """Whether someone removed on `removed_on` (None: never) is still a member on `day`: the
    removal takes effect from its first day."""
    return removed_on is None or day < removed_on
