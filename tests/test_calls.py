"""Zoom meeting numbers as the webhook, the reports and the command line give them; how long each
join lasted, from leaves that arrive in any order (issue 19, part 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.zoom import durations
from bot.zoom.events import normalise_meeting_id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("852 1848 6288", "85218486288"),
        ("852-1848-6288", "85218486288"),
        (85218486288, "85218486288"),
        # Digits of other scripts are the digits they stand for, so a number typed with a
        # full-width or Arabic-Indic keyboard still matches the joins Zoom sends.
        ("８５２ １８４８ ６２８８", "85218486288"),
        ("٨٥٢١٨٤٨٦٢٨٨", "85218486288"),
        # Not digits, and not a number: no id at all.
        ("²³⁴", ""),
        (85218486288.0, ""),
        (True, ""),
        ({"id": 85218486288}, ""),
        ([852, 18486288], ""),
        (None, ""),
    ],
)
def test_normalise_meeting_id(given: object, expected: str) -> None:
    assert normalise_meeting_id(given) == expected


T0 = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("joins", "leaves", "expected"),
    [
        pytest.param([0], [47.5], [2850], id="one join, its leave"),
        pytest.param([0], [], [None], id="still in the call: no duration yet"),
        pytest.param([0, 25], [20, 90], [1200, 3900], id="dropped and came back"),
        pytest.param([25, 0], [90, 20], [3900, 1200], id="any order of arrival"),
        pytest.param([0, 25], [90], [None, 3900], id="the first leave was lost: not guessed"),
        pytest.param([0], [-5, 30, 60], [1800], id="a leave before the join is another's"),
        pytest.param([0], [0], [0], id="left at once"),
        pytest.param([0], [31 * 60], [None], id="longer than any Zoom call: another occurrence"),
        # A dropped connection: Zoom sends the leave and the new join in the same second. The
        # first join used to get no duration and the second 0 s.
        pytest.param([0, 20], [20, 50], [1200, 1800], id="reconnected in the same second"),
        pytest.param([20, 0], [50, 20], [1800, 1200], id="reconnected, any order of arrival"),
        pytest.param([0, 0], [30], [None, 1800], id="two joins in one second: one leave, once"),
        pytest.param([0, 20], [20, 20, 50], [1200, 1800], id="a retried leave is one leave"),
        pytest.param([0, 10, 20], [10, 20, 30], [600, 600, 600], id="three quick reconnections"),
    ],
)
def test_each_join_lasts_until_the_first_leave_before_the_next_join(
    joins: list[float], leaves: list[float], expected: list[int | None]
) -> None:
    assert durations.pair([_at(j) for j in joins], [_at(x) for x in leaves]) == expected
