"""The status report: each ALS's status as a row, grouped by sub-region, and the counts under it.

ALS-level facts only (PRODUCT.md: public pages never show addresses or messages). The CLI listing,
the public page and its CSV all read their rows and counts here.
"""

from __future__ import annotations

from typing import Any

from bot.domain.reasons import Reason
from bot.domain.status import AlsStatus, State
from bot.domain.status_policy import StatusPolicy
from bot.domain.tally import quorum_fraction, required_quorum
from bot.i18n import render, t
from bot.region import Region
from bot.reports import yes_no

PUBLIC_COLUMNS = ["als_id", "als_name", "country", "subregion", "state", "since"]
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
    """A row for people: the state and yes/no in words; the policy's reading (the last reason,
    the same for every ALS) is left out, as the report says it once below the tables."""
    row = status_row(item, region, lang)
    return row | {
        "state": state_word(row["state"], lang),
        "eligible_for_office": yes_no(row["eligible_for_office"], lang),
        "reasons": "\n".join(row["reasons"][:-1]),
    }


def public_row(item: AlsStatus, region: Region, lang: str) -> dict[str, Any]:
    """A row of the public page: the public columns, the country's name and the state's word."""
    row = status_row(item, region, lang)
    country = region.countries.get(row["country"])
    return {k: row[k] for k in PUBLIC_COLUMNS} | {
        "country": country.name(lang) if country else row["country"],
        "state_word": state_word(row["state"], lang),
    }


def public_csv_row(item: AlsStatus, region: Region) -> dict[str, Any]:
    """A row of the public CSV: English, the public columns, empty cells for what is unknown."""
    row = status_row(item, region, "en")
    return {k: "" if row[k] is None else row[k] for k in PUBLIC_COLUMNS}


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
