"""Why an ALS is active or inactive: the reasons the status judgement gives, as reason keys with
their facts (never finished text; bot/i18n.py renders them in the reader's language).

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): the reasons name the criterion that holds
-- calls missed in a row (A), or a period without participation (B) -- with the dates behind it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.reasons import Reason
from bot.domain.status_policy import StatusPolicy
from bot.domain.status_sweep import Sweep

UNRECORDED_SHOWN = 3


def unrecorded(days: list[date]) -> Reason:
    """Calls with no attendance evidence, named so nobody reads an absence into them (issue 13)."""
    key = (
        "status.reason.unrecorded"
        if len(days) <= UNRECORDED_SHOWN
        else "status.reason.unrecorded_many"
    )
    return Reason(key, {"count": len(days), "dates": days[-UNRECORDED_SHOWN:]})


def why_inactive(sweep: Sweep, policy: StatusPolicy, as_of: datetime) -> list[Reason]:
    """Each criterion that holds at `as_of`: the calls missed in a row (A), the empty period (B)."""
    found = []
    if sweep.criterion_a():
        found.append(missed(sweep.run, policy, "status.reason.missed_calls"))
    empty_from = sweep.empty_period_start(as_of)
    if empty_from is not None:
        key = "status.reason.no_participation_" + policy.window.split("-")[0]
        params: dict[str, Any] = {"year": empty_from.year, "from": empty_from.date()}
        if sweep.last_part is None:
            key += "_never"
        else:
            params["last"] = sweep.last_part.date()
        found.append(Reason(key, params))
    return found


def why_active(sweep: Sweep, policy: StatusPolicy) -> Reason:
    """Active: the calls missed so far (fewer than criterion A needs), or the last participation."""
    if sweep.run:
        return missed(sweep.run, policy, "status.reason.active_missed")
    if sweep.last_part is None:
        return Reason("status.reason.active_never")
    return Reason("status.reason.active", {"last": sweep.last_part.date()})


def missed(run: list[date], policy: StatusPolicy, key: str) -> Reason:
    """The calls missed in a row; a long run is told by its start and its last few dates."""
    limit = policy.consecutive_missed_calls
    params: dict[str, Any] = {"count": len(run), "dates": run[-limit:], "limit": limit}
    if len(run) > limit:
        key += "_long"
        params["first"] = run[0]
    return Reason(key, params)
