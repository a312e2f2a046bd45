"""Rule 12.9 (seed 004) in its two readings, with figures computed by hand: the Country
Coefficients LACRALO publishes (the default) and the literal cap (a named alternative)."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.tally import Ballot, count
from bot.domain.weights import (
    DEFAULT_READING,
    Reading,
    literal_cap,
    max_percentage,
    reading_of,
    weigh,
)
from bot.region import DEFAULT_REGION_FILE, RegionError, load_region
from bot.reports.roll import coefficient

MEMBERSHIP_20 = [f"C{i:02d}" for i in range(20)]  # 20 countries covered: Maximum Percentage 20


def countries(**n: int) -> list[str]:
    return [c for c, k in n.items() for _ in range(k)]


# --- the default: Country Weight CW = 100 / countries on the roll, CC = CW / the country's ALSs


@pytest.mark.parametrize(
    ("voters", "cw", "cc"),
    [
        # The sheet: 16 countries, one of them with 8 ALSs: CW 6.25, its CC 0.78 shown.
        (countries(AR=8) + MEMBERSHIP_20[:15], F(25, 4), {"AR": F(25, 32), "C00": F(25, 4)}),
        (countries(AR=3), F(100), {"AR": F(100, 3)}),  # one country holds everything
        (countries(AR=2, BR=2, CL=2), F(100, 3), {"AR": F(50, 3), "CL": F(50, 3)}),  # equal
        (countries(AR=3, BR=1), F(50), {"AR": F(50, 3), "BR": F(50)}),
    ],
)
def test_country_coefficients(voters: list[str], cw: F, cc: dict[str, F]) -> None:
    sheet = weigh(voters, MEMBERSHIP_20)
    assert sheet.reading is Reading.COUNTRY_COEFFICIENTS and not sheet.equal_countries
    assert sheet.max_percentage == cw and sheet.total == 100
    assert all(row.total == cw for row in sheet.countries)  # every country weighs the same
    assert {c: sheet.weight_of(c) for c in cc} == cc


def test_the_sheet_shows_two_decimals_and_keeps_the_exact_value() -> None:
    sheet = weigh(countries(AR=8) + MEMBERSHIP_20[:15], MEMBERSHIP_20)
    assert sheet.weight_of("AR") == F(78125, 100000)
    assert (
        coefficient(float(sheet.max_percentage)),
        coefficient(float(sheet.weight_of("AR"))),
    ) == (
        "6.25",
        "0.78",
    )


def test_countries_without_a_voter_do_not_share_the_country_weight() -> None:
    # Rule 12.9 a) counts the membership; the published method counts the countries on the roll.
    sheet = weigh(countries(AR=1, BR=1), ["AR", "BR", "CL", "PE"])
    assert sheet.countries_covered == 4 and sheet.max_percentage == 50


def test_an_empty_roll_has_no_weights() -> None:
    sheet = weigh([], MEMBERSHIP_20)
    assert sheet.countries == () and sheet.total == 0


@given(st.lists(st.sampled_from([f"K{i}" for i in range(25)]), min_size=1, max_size=60))
def test_every_country_holds_its_country_weight(voters: list[str]) -> None:
    sheet = weigh(voters, [])
    assert sheet.total == 100
    assert {row.total for row in sheet.countries} == {F(100, len(set(voters)))}


def test_a_weighted_plurality_on_the_coefficient_scale() -> None:
    # AR's 4 ALSs hold 100/3 together; BR and CL one each, 100/3 apiece. A head count of 4 to 2
    # becomes 33.33 to 66.67; the quorum still counts ALSs (6 on the roll, 3 needed), not weight.
    sheet = weigh(countries(AR=4, BR=1, CL=1), [])
    ids = {f"AR-{i}": "AR" for i in range(4)} | {"BR-1": "BR", "CL-1": "CL"}
    weights = {als: sheet.weight_of(c) for als, c in ids.items()}
    ballots = [
        Ballot(i + 2, als, "A" if c == "AR" else "B") for i, (als, c) in enumerate(ids.items())
    ]
    tally = count(ballots, weights, [], datetime(2026, 12, 1, tzinfo=UTC))
    assert [(r.choice, r.votes, r.weighted_votes) for r in tally.results] == [
        ("B", 2, F(200, 3)),
        ("A", 4, F(100, 3)),
    ]
    assert tally.winner == "B" and tally.quorum_met


# --- the named alternative: Rule 12.9 read literally (the figures of the reading before issue 17)


def test_rule_12_9_maximum_percentage_is_countries_over_100_times_100() -> None:
    assert max_percentage(20) == 20 and max_percentage(33) == 33


@pytest.mark.parametrize(
    ("voters", "membership", "expected", "total"),
    [
        # 10 voters, 10 countries: 10% each <= 20%, no cap needed.
        (MEMBERSHIP_20[:10], MEMBERSHIP_20, {"C00": F(1)}, 10),
        # AR has 4 of 12 voters (33%) > 20%: the others stay at 1 (total 8), so T = 8 / 0.8 = 10
        # and AR holds 20% of 10 = 2, i.e. 0.5 for each of its 4 ALSs.
        (
            countries(AR=4) + MEMBERSHIP_20[:8],
            ["AR", *MEMBERSHIP_20[:19]],
            {"AR": F(1, 2), "C00": F(1)},
            10,
        ),
        # AR 5 and BR 4 of 15 (33%, 27%) > 20%: others 6, T = 6 / 0.6 = 10; AR and BR hold 2 each.
        (
            countries(AR=5, BR=4) + MEMBERSHIP_20[:6],
            ["AR", "BR", *MEMBERSHIP_20[:18]],
            {"AR": F(2, 5), "BR": F(1, 2)},
            10,
        ),
        # 30 countries: cap 30%. AR 6 of 12 (50%) capped first: T = 6 / 0.7 = 60/7, and BR's 3
        # become 35% > 30%; capped too: T = 3 / 0.4 = 7.5, AR and BR hold 2.25 each.
        (
            countries(AR=6, BR=3, X00=1, X01=1, X02=1),
            ["AR", "BR", *[f"X{i:02d}" for i in range(28)]],
            {"AR": F(9, 24), "BR": F(3, 4)},
            F(15, 2),
        ),
    ],
)
def test_literal_cap(
    voters: list[str], membership: list[str], expected: dict[str, F], total: F
) -> None:
    sheet = weigh(voters, membership, Reading.LITERAL_CAP)
    assert sheet == literal_cap(voters, membership)
    assert sheet.reading is Reading.LITERAL_CAP and not sheet.equal_countries
    assert {c: sheet.weight_of(c) for c in expected} == expected and sheet.total == total


def test_a_cap_that_cannot_be_met_gives_every_country_the_same_weight() -> None:
    # 3 countries: cap 3%, and three countries at 3% cannot make 100%.
    sheet = literal_cap(countries(AR=2, BR=1, CL=1), ["AR", "BR", "CL"])
    assert sheet.equal_countries
    assert (sheet.weight_of("AR"), sheet.weight_of("BR"), sheet.weight_of("CL")) == (F(1, 2), 1, 1)


@given(st.lists(st.sampled_from([f"K{i}" for i in range(25)]), min_size=1, max_size=60))
def test_no_country_exceeds_the_cap_unless_equalised(voters: list[str]) -> None:
    sheet = literal_cap(voters, [f"K{i}" for i in range(25)])
    for row in sheet.countries:
        if not sheet.equal_countries:
            assert row.total / sheet.total <= sheet.max_percentage / 100


# --- the setting: `election_policy.weights` in the region file


@pytest.mark.parametrize(
    ("policy", "reading"),
    [
        ({}, Reading.COUNTRY_COEFFICIENTS),
        ({"max_percentage": "covered-countries"}, Reading.COUNTRY_COEFFICIENTS),
        ({"weights": "literal-cap", "max_percentage": "covered-countries"}, Reading.LITERAL_CAP),
        ({"weights": "country-coefficients"}, Reading.COUNTRY_COEFFICIENTS),
    ],
)
def test_the_reading_is_a_region_setting(policy: dict[str, str], reading: Reading) -> None:
    assert reading_of(policy) is reading


def test_lacralo_ships_the_country_coefficients() -> None:
    assert DEFAULT_READING is Reading.COUNTRY_COEFFICIENTS
    assert reading_of(load_region().election_policy) is Reading.COUNTRY_COEFFICIENTS


def test_an_unknown_reading_is_refused_by_name(tmp_path: Path) -> None:
    text = DEFAULT_REGION_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("weights: country-coefficients", "weights: by-population"), "utf-8")
    with pytest.raises(RegionError, match=r"election_policy\.weights.*by-population"):
        load_region(bad)
