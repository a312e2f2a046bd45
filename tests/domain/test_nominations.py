"""Nomination rules as a table of cases from seed 002 (2021 elections rules) and seed 004."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.nominations import (
    Outcome,
    PersonFacts,
    Seat,
    check_acceptance,
    check_nomination,
    close_period,
    rotation_subregion,
)

MEMBER_C = PersonFacts("member", "ALS-HT-01", "C", "HT", True)
REP_C = PersonFacts("representative", "ALS-JM-01", "C", "JM", True)
REP_D = PersonFacts("representative", "ALS-AR-01", "D", "AR", True)
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
        True,
        [],
    ),
    ("the period is closed", REP_D, MEMBER_C, SEAT_C, False, True, ["closed"]),
    (
        "observers cannot nominate (process 1)",
        OBSERVER,
        MEMBER_C,
        SEAT_C,
        True,
        True,
        ["nominator_observer"],
    ),
    (
        "observers cannot be nominated (process 1)",
        REP_D,
        OBSERVER,
        SEAT_C,
        True,
        True,
        ["candidate_not_member"],
    ),
    (
        "a candidate from another sub-region is refused (process 1)",
        REP_C,
        REP_D,
        SEAT_C,
        True,
        True,
        ["wrong_subregion"],
    ),
    (
        "no candidate from the sub-region: its ALSs may nominate from any ALS (process 2)",
        REP_C,
        REP_D,
        SEAT_C,
        True,
        False,
        [],
    ),
    (
        "...but not an ALS from elsewhere (process 2)",
        REP_D,
        REP_D,
        SEAT_C,
        True,
        False,
        ["wrong_subregion"],
    ),
    (
        "the candidate's ALS was inactive this year or last (RoP aux. rule to Rule 1)",
        REP_D,
        replace(MEMBER_C, als_eligible_for_office=False),
        SEAT_C,
        True,
        True,
        ["als_inactive"],
    ),
    (
        "ALAC: not from the sitting member's ALS (art. 8)",
        REP_D,
        REP_C,
        ALAC_C,
        True,
        True,
        ["alac_same_als", "alac_same_nationality"],
    ),
    (
        "ALAC: not of the sitting member's nationality (art. 8)",
        REP_D,
        replace(MEMBER_C, nationality="JM"),
        ALAC_C,
        True,
        True,
        ["alac_same_nationality"],
    ),
    ("ALAC: another ALS and nationality is fine", REP_D, MEMBER_C, ALAC_C, True, True, []),
]


@pytest.mark.parametrize(
    ("case", "nominator", "candidate", "seat", "open_", "has", "expected"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_nomination_rules(
    case: str,
    nominator: PersonFacts,
    candidate: PersonFacts,
    seat: Seat,
    open_: bool,
    has: bool,
    expected: list[str],
) -> None:
    assert keys(check_nomination(nominator, candidate, seat, open_, has)) == expected


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
    ("count", "alac", "outcome"),
    [
        (0, False, Outcome.VACANT),
        (1, False, Outcome.ACCLAMATION),
        (1, True, Outcome.SINGLE_CANDIDATE_POLL),
        (2, False, Outcome.ELECTION),
        (3, True, Outcome.ELECTION),
    ],
)
def test_closing_a_period(count: int, alac: bool, outcome: Outcome) -> None:
    assert close_period(count, alac) is outcome


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
        for _, nominator, candidate, seat, open_, has, _ in CASES
        for r in check_nomination(nominator, candidate, seat, open_, has)
    ]
    reasons += check_acceptance("x", {3: True})
    assert {r.key for r in reasons} >= {
        "nominations.refused.wrong_subregion",
        "nominations.acceptance.conflict",
    }
    for reason in reasons:
        text = render(reason, lang)
        assert text and "%{" not in text and not text.startswith("nominations."), (lang, reason.key)
