"""The weighted voter roll (Rule 12.9): the sheet shared before each election, for the CLI and
the public page. Reads the JSON shape of `Roll.as_json()`; JSON and CSV listings keep its raw
numbers, people read the figures written here.

The columns are those of the "Country Coefficients" sheet LACRALO staff publish (Country, Country
Weight, Total Number of ALSes, Country Coefficient), two decimals shown as on the sheet; the exact
fractions stay in the JSON. Under either reading the Country Weight is what the country holds and
the Country Coefficient the weight of each of its ALSs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.weights import Reading
from bot.i18n import t
from bot.region import Region
from bot.reports import utc_minute, weight, yes_no
from bot.store.votes import PublishedVote

LITERAL_CAP = Reading.LITERAL_CAP.value

COUNTRY_COLUMNS = ["country", "country_weight", "als_count", "country_coefficient"]
VOTER_COLUMNS = ["als_id", "als_name", "country", "weight", "weight_exact"]


def country_rows(
    roll: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Each country's line of the sheet: `name` (the code when `names` lacks it), Country Weight
    and Country Coefficient to two decimals, capped in words, weights to four decimals, `percent`
    its share of the total and `share` with the sign."""
    rows = []
    for c in roll["countries"]:
        percent = f"{c['share'] * 100:.2f}"
        rows.append(
            c
            | {
                "name": (names or {}).get(c["country"], c["country"]),
                "country_weight": coefficient(c.get("country_weight", c["country_total"])),
                "country_coefficient": coefficient(c.get("country_coefficient", c["weight_each"])),
                "capped": yes_no(c["capped"], lang),
                "weight_each": weight(c["weight_each"]),
                "country_total": weight(c["country_total"]),
                "percent": percent,
                "share": f"{percent}%",
            }
        )
    return rows


def voter_rows(roll: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each voter with its country's name, its weight to four decimals and its coefficient (the
    same weight) to two, as on the sheet."""
    return [
        v
        | {
            "country": names.get(v["country"], v["country"]),
            "weight": weight(v["weight"]),
            "coefficient": coefficient(v["weight"]),
        }
        for v in roll["voters"]
    ]


def coefficient(value: float) -> str:
    """A Country Weight or Coefficient as the published sheet shows it: two decimals."""
    return f"{value:.2f}"


def title(roll: Mapping[str, Any], lang: str) -> str:
    return t("election.roll_title", lang, date=roll["as_of"][:10])


def summary(roll: Mapping[str, Any], lang: str) -> str:
    """Two lines: how many vote and the figures of the reading, then the reading used."""
    return f"{figures(roll, lang)}\n{reading_line(roll, lang)}"


def figures(roll: Mapping[str, Any], lang: str) -> str:
    """Under the Country Coefficients, the countries on the roll and the Country Weight; under the
    literal reading, the countries covered and the Maximum Percentage; and the total weight."""
    if roll.get("weights_reading", LITERAL_CAP) == LITERAL_CAP:
        return t(
            "election.roll_summary",
            lang,
            voters=len(roll["voters"]),
            covered=roll["countries_covered"],
            max=f"{roll['max_percentage']:g}",
            total=weight(roll["total_weight"]),
        )
    return t(
        "election.roll_summary_coefficients",
        lang,
        voters=len(roll["voters"]),
        countries=roll["countries_on_roll"],
        weight=coefficient(roll["max_percentage"]),
        total=coefficient(roll["total_weight"]),
    )


def reading_line(roll: Mapping[str, Any], lang: str) -> str:
    """Which reading of Rule 12.9 decided the weights, citing both (seed 004, the published
    method)."""
    if roll.get("weights_reading", LITERAL_CAP) == LITERAL_CAP:
        return t("election.reading.literal_cap", lang)
    return t("election.reading.country_coefficients", lang)


def published_line(published: PublishedVote | None, region: Region, lang: str) -> str | None:
    """The published roll's vote, opening and SHA-256 (issue 17.7); None when none is."""
    if published is None:
        return None
    subject = published.subject
    if published.kind == "position" and subject in region.positions:
        subject = region.positions[subject].name(lang)
    return t(
        "election.roll_published",
        lang,
        vote=subject or "—",
        count=len(published.roll["voters"]),
        opens=utc_minute(published.opens_at),
        hash=published.roll_hash,
    )
