"""The weighted voter roll as people read it (Rule 12.9): the columns of the Country Coefficients
sheet LACRALO publishes, two decimals shown, and a line naming the reading used."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.roster import AlsRecord
from bot.domain.weights import Reading, weigh
from bot.pages import render_page
from bot.reports import roll as report
from bot.services.elections import Roll

AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
# 16 countries on the roll, Argentina with 8 ALSs: the sheet (CW 6.25, CC 0.78).
COUNTRIES = ["AR"] * 8 + [f"C{i:02d}" for i in range(15)]


def sheet(reading: Reading) -> dict[str, Any]:
    voters = [
        AlsRecord(
            als_id=f"ALS-{i:02d}",
            name=f"ALS {i}",
            country=c,
            subregion="SA",
            accredited_on=AS_OF.date(),
            language="es",
        )
        for i, c in enumerate(COUNTRIES)
    ]
    return Roll(AS_OF, voters, weigh(COUNTRIES, COUNTRIES, reading)).as_json()


def test_the_sheet_columns_with_two_decimals() -> None:
    roll = sheet(Reading.COUNTRY_COEFFICIENTS)
    assert roll["weights_reading"] == "country-coefficients" and roll["countries_on_roll"] == 16
    rows = {r["country"]: r for r in report.country_rows(roll, "en", {"AR": "Argentina"})}
    ar = rows["AR"]
    assert (ar["name"], ar["country_weight"], ar["als_count"], ar["country_coefficient"]) == (
        "Argentina",
        "6.25",
        8,
        "0.78",
    )
    assert (ar["country_weight_exact"], ar["country_coefficient_exact"]) == ("25/4", "25/32")
    assert rows["C00"]["country_coefficient"] == "6.25"
    voters = report.voter_rows(roll, {})
    assert voters[0]["coefficient"] == "0.78" and voters[0]["weight_exact"] == "25/32"


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_the_summary_names_the_reading_and_cites_both(lang: str) -> None:
    figures, reading = report.summary(sheet(Reading.COUNTRY_COEFFICIENTS), lang).splitlines()
    assert "6.25" in figures and "16" in figures and "100.00" in figures
    assert "12.9" in reading and "2008" in reading and "literal-cap" in reading
    figures, reading = report.summary(sheet(Reading.LITERAL_CAP), lang).splitlines()
    assert re.search(r"16\s?%", figures)  # the Maximum Percentage: 16 countries covered
    assert "12.9" in reading and "2008" in reading and "country-coefficients" in reading


def test_a_roll_without_a_reading_was_weighed_literally() -> None:
    # Rolls recorded before the reading was a setting were weighed by the literal cap.
    roll = sheet(Reading.LITERAL_CAP)
    del roll["weights_reading"]
    assert "Maximum Percentage" in report.summary(roll, "en")


def test_the_public_page_shows_the_sheet_and_the_reading() -> None:
    roll = sheet(Reading.COUNTRY_COEFFICIENTS)
    html = render_page(
        "election_roll.html",
        "es",
        "/election/roll",
        ralo="LACRALO",
        summary=report.summary(roll, "es"),
        countries=report.country_rows(roll, "es", {"AR": "Argentina"}),
        voters=report.voter_rows(roll, {}),
        equal=roll["equal_countries"],
    )
    for column in ("Peso del país", "Número total de ALS", "Coeficiente del país"):
        assert f"<th>{column}</th>" in html
    assert "<td>Argentina</td><td>6.25</td><td>8</td><td>0.78</td>" in html
    assert "Coeficientes por país que publica LACRALO" in html
