"""The readings of the status rule (PRODUCT.md, "Rule readings"), each a setting of the region
file's `status_policy`, and the calendar arithmetic the rule needs. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bot.domain.reasons import Reason


class PolicyError(ValueError):
    """A reading in the region file that the rules do not allow."""


@dataclass(frozen=True)
class StatusPolicy:
    consecutive_missed_calls: int = 3
    criteria: str = "any"  # any | all
    window: str = "calendar-year"  # calendar-year | rolling-12-months
    grace_years: int = 1
    recovery_years: int = 1
    early_warning_missed_calls: int = 2
    min_call_minutes: int = 0  # applied where attendance is read; 0: any join counts
    records_since: datetime | None = None  # None: the earliest meeting or event on record

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> StatusPolicy:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown status_policy settings: {sorted(unknown)}")
        values = dict(data)
        if values.get("records_since") is not None:
            values["records_since"] = start_of(date.fromisoformat(str(values["records_since"])))
        policy = cls(**values)
        if policy.criteria not in ("any", "all"):
            raise PolicyError(f"criteria must be any or all, not {policy.criteria!r}")
        if policy.window not in ("calendar-year", "rolling-12-months"):
            raise PolicyError(
                f"window must be calendar-year or rolling-12-months, not {policy.window!r}"
            )
        if (
            policy.consecutive_missed_calls < 1
            or policy.grace_years < 0
            or policy.recovery_years < 0
        ):
            raise PolicyError("counts and years must not be negative")
        return policy

    def reading(self) -> dict[str, Any]:
        """The readings in force, as Reason parameters (nested Reasons are translated too)."""
        return {
            "criteria": Reason(f"status.criteria.{self.criteria}"),
            "window": Reason(f"status.window.{self.window}"),
            "calls": self.consecutive_missed_calls,
            "grace_years": self.grace_years,
            "recovery_years": self.recovery_years,
        }


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
