"""Statuses as rows for people and scripts: the CLI listing, the public page and its CSV.

ALS-level facts only (PRODUCT.md: public pages never show addresses or messages).
"""

from __future__ import annotations

import math
from typing import Any

from bot.domain.status import State
from bot.i18n import render, t
from bot.region import Region
from bot.services.status import AlsStatus

STYLES = {
    State.ACTIVE: "green",
    State.NEW: "cyan",
    State.INACTIVE: "red",
    State.DECERTIFICATION_ELIGIBLE: "bold magenta",
    State.OBSERVER: "dim",
}


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


def unrecorded_calls(items: list[AlsStatus]) -> int:
    """How many past monthly calls (cancelled ones aside) have no attendance evidence at all."""
    return sum(1 for c in items[0].facts.calls if not c.recorded) if items else 0


def counts(items: list[AlsStatus]) -> dict[str, int]:
    """Accredited, active (new included), inactive, and the virtual-vote quorum threshold: 50% of
    the active ALSs (2021 elections rules, the voting process 4)."""
    accredited = sum(1 for i in items if i.status.state is not State.OBSERVER)
    active = sum(1 for i in items if i.status.counts_for_quorum)
    inactive = sum(
        1 for i in items if i.status.state in (State.INACTIVE, State.DECERTIFICATION_ELIGIBLE)
    )
    return {
        "accredited": accredited,
        "active": active,
        "inactive": inactive,
        "quorum": math.ceil(active * 0.5),
    }


def by_subregion(items: list[AlsStatus], region: Region) -> list[tuple[str, list[AlsStatus]]]:
    grouped: dict[str, list[AlsStatus]] = {}
    for item in items:
        grouped.setdefault(item.als.subregion, []).append(item)
    return [(code, grouped[code]) for code in region.subregions if code in grouped]


def state_word(state: str, lang: str) -> str:
    return t(f"status.state.{state}", lang)
