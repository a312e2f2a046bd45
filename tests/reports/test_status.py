"""The status report's counts (bot/reports/status.py): the quorum threshold is the election
policy's, counted by the tally's own rule (2021 elections rules, the voting process 4)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from bot.domain.status import State
from bot.region import Region
from bot.reports import status as report


def items(*states: State) -> list[Any]:
    """Statuses as the counts read them: the state, and whether the ALS counts for quorum."""
    counting = (State.ACTIVE, State.NEW)
    return [
        SimpleNamespace(status=SimpleNamespace(state=s, counts_for_quorum=s in counting))
        for s in states
    ]


SEVEN_ACTIVE = items(*[State.ACTIVE] * 5, State.NEW, State.NEW, State.INACTIVE, State.OBSERVER)


@pytest.mark.parametrize(
    ("policy", "quorum"),
    [
        pytest.param({"quorum_fraction": 0.5}, 4, id="2021 rules: 50% of 7 active ALSs is 4"),
        pytest.param({}, 4, id="no fraction in the region file: the rule's 50%"),
        pytest.param({"quorum_fraction": 2 / 3}, 5, id="a region's two thirds of 7 is 5"),
    ],
)
def test_the_quorum_threshold_follows_the_election_policy(
    region: Region, policy: dict[str, Any], quorum: int
) -> None:
    counted = report.counts(SEVEN_ACTIVE, replace(region, election_policy=policy))
    assert counted == {"accredited": 8, "active": 7, "inactive": 1, "quorum": quorum}


def test_the_counts_line_says_the_threshold(region: Region) -> None:
    assert report.counts_line(SEVEN_ACTIVE, region, "en").endswith(": 4.")


def test_the_counts_line_names_the_policys_fraction(region: Region) -> None:
    """A region that asks 60% does not read "50%" beside its threshold."""
    sixty = replace(region, election_policy={"quorum_fraction": 0.6})
    line = report.counts_line(SEVEN_ACTIVE, sixty, "es")
    assert "umbral de quórum (60% de las ALS activas): 5." in line
