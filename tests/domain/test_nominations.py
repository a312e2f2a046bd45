"""Nomination rules as a table of cases from seed 002 (2021 elections rules) and seed 004."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.nominations import (
    Outcome,
    PersonFacts,
    Seat,
    check_acceptance,
    check_nomination,
    close_period,
    closing_moment,
    continue_rotation,
    exception_refused,
    is_provisional,
    rotation_subregion,
)

MEMBER_C = PersonFacts("member", "ALS-HT-01", "C", "HT", True)
REP_C = PersonFacts("representative", "ALS-JM-01", "C", "JM", True)
REP_D = PersonFacts("representative", "ALS-AR-01", "D", "AR", True)
INDIVIDUAL = PersonFacts("member", None, None, "BR")  # an individual member: no ALS
OBSERVER = PersonFacts("observer", "ALS-PE-01", "B", "PE", False)
SEAT_C = Seat("secretary-elect", "C")
ALAC_C = Seat(
    "alac-member-odd", "C", alac=True, sitting_alac_als="ALS-JM-01", sitting_alac_nationality="JM"
)


def keys(reasons: list) -> list[str]:  # type: ignore[type-arg]
    return [r.key.split(".")[-1] for r in reasons]


CASES = [
    (
        "any member nominates a candidate of the rotation's sub-region (process 1)",
        REP_D,
        MEMBER_C,
        SEAT_C,
        True,
        [],
    ),
    ("the period is closed", REP_D, MEMBER_C, SEAT_C, False, ["closed"]),
    (
        "observers cannot nominate (process 1)",
        OBSERVER,
        MEMBER_C,
        SEAT_C,
        True,
        ["nominator_observer"],
    ),
    (
        "observers cannot be nominated (process 1)",
        REP_D,
        OBSERVER,
        SEAT_C,
        True,
        ["candidate_not_member"],
    ),
    (
        "a candidate from another sub-region is refused (process 1)",
        INDIVIDUAL,
        REP_D,
        SEAT_C,
        True,
        ["wrong_subregion"],
    ),
    (
        "its ALSs may nominate from any ALS, provisionally (process 2)",
        REP_C,
        REP_D,
        SEAT_C,
        True,
        [],
    ),
    (
        "...but not an ALS from elsewhere (process 2)",
        REP_D,
        REP_D,
        SEAT_C,
        True,
        ["wrong_subregion"],
    ),
    (
        "the candidate's ALS was inactive this year or last (RoP aux. rule to Rule 1)",
        REP_D,
        replace(MEMBER_C, als_eligible_for_office=False),
        SEAT_C,
        True,
        ["als_inactive"],
    ),
    (
        "ALAC: not from the sitting member's ALS (art. 8)",
        REP_D,
        REP_C,
        ALAC_C,
        True,
        ["alac_same_als", "alac_same_nationality"],
    ),
    (
        "ALAC: not of the sitting member's nationality (art. 8)",
        REP_D,
        replace(MEMBER_C, nationality="JM"),
        ALAC_C,
        True,
        ["alac_same_nationality"],
    ),
    ("ALAC: another ALS and nationality is fine", REP_D, MEMBER_C, ALAC_C, True, []),
]


@pytest.mark.parametrize(
    ("case", "nominator", "candidate", "seat", "open_", "expected"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_nomination_rules(
    case: str,
    nominator: PersonFacts,
    candidate: PersonFacts,
    seat: Seat,
    open_: bool,
    expected: list[str],
) -> None:
    assert keys(check_nomination(nominator, candidate, seat, open_)) == expected


def test_acceptance_needs_a_statement_and_five_declarations() -> None:
    none = {n: False for n in range(1, 6)}
    assert check_acceptance("https://community.icann.org/soi/maria", none) == []
    assert keys(check_acceptance(None, none)) == ["soi_missing"]
    assert keys(check_acceptance("not a link", none)) == ["soi_missing"]
    assert keys(check_acceptance("https://x.org/soi", {1: False, 2: False})) == [
        "declarations_missing"
    ]
    assert keys(check_acceptance("https://x.org/soi", none | {3: True})) == ["conflict"]


@pytest.mark.parametrize(
    ("count", "alac", "reading", "outcome"),
    [
        (0, False, "acclamation", Outcome.VACANT),
        (1, False, "acclamation", Outcome.ACCLAMATION),
        # 2021 rules, process 3: "only one candidate, in any position" -> acclamation
        (1, True, "acclamation", Outcome.ACCLAMATION),
        # seed 004's single-candidate poll for an ALAC seat: the named reading
        (1, True, "alac-poll", Outcome.SINGLE_CANDIDATE_POLL),
        (1, False, "alac-poll", Outcome.ACCLAMATION),
        (2, False, "acclamation", Outcome.ELECTION),
        (3, True, "alac-poll", Outcome.ELECTION),
    ],
)
def test_closing_a_period(count: int, alac: bool, reading: str, outcome: Outcome) -> None:
    assert close_period(count, alac, reading) is outcome


def test_a_provisional_nomination_is_judged_at_the_close() -> None:
    """Process 2: the exception stands only if no candidate of the sub-region is valid."""
    assert is_provisional(REP_C, REP_D, SEAT_C)
    assert not is_provisional(REP_D, MEMBER_C, SEAT_C)
    assert not is_provisional(REP_D, REP_D, SEAT_C)  # refused outright, not provisional
    assert exception_refused([("valid", False), ("valid", True)])
    assert not exception_refused([("accepted", False), ("declined", False), ("valid", True)])
    assert not exception_refused([])


CONTINUE_CASES = [
    ("the unvisited sub-region comes next", {2021: "B", 2023: "D", 2025: "C"}, 2027, "A"),
    ("then the cycle repeats", {2021: "B", 2023: "D", 2025: "C", 2027: "A"}, 2029, "B"),
    ("two unvisited: the first in the region's order", {2022: "C", 2024: "A"}, 2026, "B"),
    ("only earlier years count", {2021: "B", 2023: "D", 2025: "C"}, 2024, "A"),
    ("never in the table: nothing to propose", {}, 2027, None),
]


@pytest.mark.parametrize(
    ("table", "year", "expected"),
    [c[1:] for c in CONTINUE_CASES],
    ids=[c[0] for c in CONTINUE_CASES],
)
def test_rotation_continues_its_cycle(table: dict[int, str], year: int, expected: str) -> None:
    rotation = {y: {"chair-elect": code} for y, code in table.items()}
    assert continue_rotation(rotation, "chair-elect", year, "ABCD") == expected


NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", datetime(2026, 12, 10, 23, 59, tzinfo=UTC)),
        ("2026-12-15", datetime(2026, 12, 15, 23, 59, tzinfo=UTC)),
        ("2026-12-15 18:00", datetime(2026, 12, 15, 18, 0, tzinfo=UTC)),
        ("2026-12-15T18:00-05:00", datetime(2026, 12, 15, 23, 0, tzinfo=UTC)),
        ("0", None),
        ("9999", None),
        ("15/12/2026", None),
        ("tomorrow", None),
    ],
)
def test_when_nominations_close(text: str, expected: datetime | None) -> None:
    assert closing_moment(text, NOW) == expected


ROTATION = {
    2021: {"chair-elect": "A", "secretary-elect": "C"},
    2023: {"secretary-elect": "B"},
    2025: {"chair-elect": "C"},
}
ROTATION_CASES = [
    ("the table names the year's sub-region (OP 7.2.a)", "chair-elect", 2025, False, "C"),
    ("no election this year: nothing to fill", "secretary-elect", 2025, False, None),
    (
        "art. 19: a vacancy goes to the last election's sub-region",
        "secretary-elect",
        2025,
        True,
        "B",
    ),
    (
        "art. 19: the last election up to that year, not a later one",
        "secretary-elect",
        2022,
        True,
        "C",
    ),
    ("a vacancy in an election year is that year's sub-region", "chair-elect", 2021, True, "A"),
    ("art. 19: never elected before, no sub-region to keep", "chair-elect", 2020, True, None),
    ("a position the table never names", "nomcom-delegate", 2025, True, None),
]


@pytest.mark.parametrize(
    ("position", "year", "vacancy", "expected"),
    [c[1:] for c in ROTATION_CASES],
    ids=[c[0] for c in ROTATION_CASES],
)
def test_rotation_and_vacancies(
    position: str, year: int, vacancy: bool, expected: str | None
) -> None:
    assert rotation_subregion(ROTATION, position, year, vacancy) == expected


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_every_refusal_reads_in_each_language(lang: str) -> None:
    from bot.i18n import render

    reasons = [
        r
        for _, nominator, candidate, seat, open_, _ in CASES
        for r in check_nomination(nominator, candidate, seat, open_)
    ]
    reasons += check_acceptance("x", {3: True})
    assert {r.key for r in reasons} >= {
        "nominations.refused.wrong_subregion",
        "nominations.acceptance.conflict",
    }
    for reason in reasons:
        text = render(reason, lang)
        assert text and "%{" not in text and not text.startswith("nominations."), (lang, reason.key)
