"""When reminders go out, from the issue's cases: due, late but before the start, several overdue,
too late (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.reminders import Decision, parse_offsets, plan

START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
WEEK, DAY, HOUR = timedelta(days=7), timedelta(days=1), timedelta(hours=1)
OFFSETS = [WEEK, DAY, HOUR]


@pytest.mark.parametrize(
    ("now", "recorded", "expected"),
    [
        (START - timedelta(days=8), set(), []),  # nothing due yet
        (START - WEEK, set(), [Decision(WEEK, True)]),  # the week-before reminder, on time
        (START - WEEK + timedelta(minutes=1), {WEEK}, []),  # already recorded: never twice
        (START - DAY, {WEEK}, [Decision(DAY, True)]),
        (
            START - timedelta(hours=20),
            set(),
            [Decision(WEEK, False), Decision(DAY, True)],
        ),  # added late
        (
            START - timedelta(minutes=30),
            set(),
            [Decision(WEEK, False), Decision(DAY, False), Decision(HOUR, True)],
        ),
        (
            START - timedelta(minutes=30),
            {WEEK, DAY},
            [Decision(HOUR, True)],
        ),  # down over the hour mark: late but in time
        (
            START + timedelta(minutes=5),
            {WEEK, DAY},
            [Decision(HOUR, False)],
        ),  # the meeting started: dropped
    ],
    ids=[
        "not yet",
        "on time",
        "already sent",
        "next one",
        "meeting added the day before",
        "three overdue",
        "late but before the start",
        "too late",
    ],
)
def test_plan(now: datetime, recorded: set[timedelta], expected: list[Decision]) -> None:
    assert plan(START, OFFSETS, recorded, now) == expected


def test_offsets_from_settings() -> None:
    assert parse_offsets("7d, 1d,1h") == [WEEK, DAY, HOUR]
    assert parse_offsets("30m") == [timedelta(minutes=30)]
    with pytest.raises(ValueError):
        parse_offsets("soon")
