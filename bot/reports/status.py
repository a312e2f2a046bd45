"""The status report: each ALS's status as a row, grouped by sub-region, and the counts under it.

ALS-level facts only (PRODUCT.md: public pages never show addresses or messages). The CLI listing,
the public page and its CSV all read their rows and counts here.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.reasons import Reason
from bot.domain.status import AlsStatus, State
from bot.domain.status_policy import StatusPolicy, add_years, start_of
from bot.domain.status_reasons import unrecorded
from bot.domain.tally import quorum_fraction, required_quorum
from bot.i18n import format_value, render, t
from bot.region import Region
from bot.reports import attendance_chart, yes_no

PUBLIC_COLUMNS = ["als_id", "als_name", "country", "subregion", "state", "since"]
# Said once on the public page, not in every ALS's reasons: the reading of the rule applied, where
# the records start, and which calls have no attendance recorded (the same calls for every ALS
# judged by then; each ALS's chart shows them too).
ONCE = (
    "status.reason.reading",
    "status.reason.records_since",
    "status.reason.unrecorded",
    "status.reason.unrecorded_many",
)
TABLE_COLUMNS = [
    "als_id",
    "als_name",
    "country",
    "state",
    "since",
    "missed_consecutive_calls",
    "last_participation",
    "eligible_for_office",
    "reasons",
]


def status_row(item: AlsStatus, region: Region, lang: str) -> dict[str, Any]:
    """The PRODUCT.md JSON shape of one ALS's status (plus `since`), reasons in `lang`."""
    als, status = item.als, item.status
    return {
        "als_id": als.als_id,
        "als_name": als.name,
        "country": als.country,
        "subregion": als.subregion,
        "state": status.state.value,
        "since": status.since.isoformat() if status.since else None,
        "reasons": [render(r, lang) for r in status.reasons],
        "last_participation": status.last_participation.date().isoformat()
        if status.last_participation
        else None,
        "missed_consecutive_calls": status.missed_consecutive_calls,
        "can_vote": status.can_vote,
        "counts_for_quorum": status.counts_for_quorum,
        "eligible_for_office": status.eligible_for_office,
        "unrecorded_calls": [d.isoformat() for d in status.unrecorded_calls],
    }


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """A status row with its lists on one CSV cell each."""
    return row | {
        "reasons": " | ".join(row["reasons"]),
        "unrecorded_calls": " ".join(row["unrecorded_calls"]),
    }


def table_row(item: AlsStatus, region: Region, lang: str) -> dict[str, Any]:
    """A row for people: the state and yes/no in words; the policy's reading (the same for every
    ALS) is left out, as the report says it once below the tables. Every other reason stays: a
    new ALS's grace year, an observer's, are the reasons for their states."""
    row = status_row(item, region, lang)
    return row | {
        "state": state_word(row["state"], lang),
        "eligible_for_office": yes_no(row["eligible_for_office"], lang),
        "reasons": "\n".join(
            render(r, lang) for r in item.status.reasons if r.key != "status.reason.reading"
        ),
    }


def public_row(item: AlsStatus, region: Region, as_of: datetime, lang: str) -> dict[str, Any]:
    """A row of the public page: the ALS's id beside its name (commands name an ALS by its id),
    its country, its state since the day it began, every reason for it, and its monthly calls."""
    als, status = item.als, item.status
    country = region.countries.get(als.country)
    marks = attendance_chart.months(item.facts.calls, als.accredited_on, as_of)
    return {
        "als_id": als.als_id,
        "als_name": als.name,
        "country": country.name(lang) if country else als.country,
        "subregion": als.subregion,
        "state": status.state.value,
        "state_word": state_word(status.state.value, lang),
        "since": since_words(item, region, lang),
        "reasons": [render(r, lang) for r in status.reasons if r.key not in ONCE],
        "calls": attendance_chart.svg(marks, lang),
    }


def public_csv_row(item: AlsStatus, region: Region) -> dict[str, Any]:
    """A row of the public CSV: English, the public columns, empty cells for what is unknown (a
    state's start among them)."""
    row = status_row(item, region, "en")
    began = state_began(item, region)
    row["since"] = began.isoformat() if began else None
    return {k: "" if row[k] is None else row[k] for k in PUBLIC_COLUMNS}


def state_began(item: AlsStatus, region: Region) -> date | None:
    """The day the ALS's current state began; None when the records do not say.

    `Status.since` is the start of the evaluation for an ALS active ever since, and the start of
    the inactive spell for a decertification-eligible one. The evaluation starts at the end of the
    grace year -- a real change of state -- unless the records start later: then the ALS has been
    active for as long as there are records, and since when before that nobody can tell."""
    status, policy = item.status, StatusPolicy.from_mapping(region.status_policy)
    if status.since is None:
        return None
    if status.state is State.DECERTIFICATION_ELIGIBLE:
        # Seed 003: eligible once the year allowed to recover has run out.
        return add_years(start_of(status.since), policy.recovery_years).date()
    if status.state is State.ACTIVE and not status.spells and _active_before_records(item, policy):
        return None
    return status.since


def _active_before_records(item: AlsStatus, policy: StatusPolicy) -> bool:
    records, accredited = item.facts.records_since, item.als.accredited_on
    if records is None or accredited is None:
        return False
    return add_years(start_of(accredited), policy.grace_years) < records


def since_words(item: AlsStatus, region: Region, lang: str) -> str:
    """The state's start as the page says it: a date, or that it is not known and why."""
    began = state_began(item, region)
    if began is not None:
        return str(format_value(began, lang))
    records = item.facts.records_since
    if item.status.state is State.ACTIVE and records is not None:
        return t("pages.status.since_records", lang, date=format_value(records, lang))
    return t("pages.status.since_unknown", lang)


def name_key(name: str) -> tuple[str, str]:
    """Sort by name as a reader looks one up: accents folded and case ignored ("Ñandú" among the
    N's, "Éco" among the E's), the exact name breaking ties."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return folded.casefold(), name


def public_subregions(
    items: list[AlsStatus], region: Region, as_of: datetime, lang: str
) -> list[dict[str, Any]]:
    """The public page's tables: the region's sub-regions in order, ALSs by name within each."""
    return [
        {
            "code": code,
            "name": region.subregions[code].name(lang),
            "rows": [
                public_row(item, region, as_of, lang)
                for item in sorted(group, key=lambda i: name_key(i.als.name))
            ],
        }
        for code, group in by_subregion(items, region)
    ]


def public_page(
    items: list[AlsStatus], region: Region, as_of: datetime, next_call: str | None, lang: str
) -> dict[str, Any]:
    """Everything the public status page shows, in `lang`: ALS-level facts only, never people.
    `next_call`: when the next monthly call starts, as stored (ISO 8601), if one is planned."""
    return {
        "as_of": format_value(as_of.date(), lang),
        "ids": ids_line(lang),
        "next_call": next_call_line(next_call, lang),
        "records": records_line(items, lang),
        "unrecorded": unrecorded_line(items, lang),
        "reading": reading(region, lang),
        "legend": attendance_chart.legend(lang),
        "subregions": public_subregions(items, region, as_of, lang),
        "counts": counts_line(items, region, lang),
    }


def records_line(items: list[AlsStatus], lang: str) -> str | None:
    """Where the participation records start, said once (the same date for every ALS)."""
    records = items[0].facts.records_since if items else None
    if records is None:
        return None
    return render(Reason("status.reason.records_since", {"date": records}), lang)


def unrecorded_line(items: list[AlsStatus], lang: str) -> str | None:
    """The monthly calls with no attendance recorded, counted as neither attended nor missed."""
    days = sorted({d for i in items for d in i.status.unrecorded_calls})
    return render(unrecorded(days), lang) if days else None


def ids_line(lang: str) -> str:
    """Why the ids are shown: commands name an ALS by its id (e.g. `/lacralo proxy ALS-BR-01`)."""
    return t(
        "pages.status.ids", lang, example=f"/lacralo {t('commands.help.examples.proxy', lang)}"
    )


def next_call_line(stored: str | None, lang: str) -> str:
    """The next monthly call, its date and time in UTC (no link, no passcode: the page is
    public)."""
    if stored is None:
        return t("pages.status.next_call_none", lang)
    start = datetime.fromisoformat(stored).astimezone(UTC)
    return t("pages.status.next_call", lang, date=format_value(start, lang), time=f"{start:%H:%M}")


def unrecorded_calls(items: list[AlsStatus]) -> int:
    """How many past monthly calls (cancelled ones aside) have no attendance evidence at all."""
    return sum(1 for c in items[0].facts.calls if not c.recorded) if items else 0


def counts(items: list[AlsStatus], region: Region) -> dict[str, int]:
    """Accredited, active (new included), inactive, and the virtual-vote quorum threshold: the
    policy's fraction of the active ALSs (2021 elections rules, the voting process 4), counted by
    the same rule as the tally's."""
    active = sum(1 for i in items if i.status.counts_for_quorum)
    return {
        "accredited": sum(1 for i in items if i.status.state is not State.OBSERVER),
        "active": active,
        "inactive": sum(
            1 for i in items if i.status.state in (State.INACTIVE, State.DECERTIFICATION_ELIGIBLE)
        ),
        "quorum": required_quorum(active, quorum_fraction(region.election_policy)),
    }


def counts_line(items: list[AlsStatus], region: Region, lang: str) -> str:
    percent = f"{quorum_fraction(region.election_policy) * 100:g}"
    return t("status.counts", lang, percent=percent, **counts(items, region))


def reading(region: Region, lang: str) -> str:
    """How the policy reads the rules (said once under a report, not for every ALS)."""
    return render(
        Reason("status.reason.reading", StatusPolicy.from_mapping(region.status_policy).reading()),
        lang,
    )


def by_subregion(items: list[AlsStatus], region: Region) -> list[tuple[str, list[AlsStatus]]]:
    """The statuses grouped by sub-region, in the region's order of sub-regions."""
    grouped: dict[str, list[AlsStatus]] = {}
    for item in items:
        grouped.setdefault(item.als.subregion, []).append(item)
    return [(code, grouped[code]) for code in region.subregions if code in grouped]


def subregion_title(code: str, region: Region, lang: str) -> str:
    return t("status.subregion", lang, code=code, name=region.subregions[code].name(lang))


def state_word(state: str, lang: str) -> str:
    return t(f"status.state.{state}", lang)


def history_row(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A row of an ALS's recorded history for people: its kind, state and reasons in words."""
    return row | {
        "kind": t(f"status.history.kind.{row['kind']}", lang),
        "state": state_word(row["state"], lang),
        "reasons": "\n".join(row["reasons"]),
    }
