"""The weighted voter roll (Rule 12.9): the sheet shared before each election, for the CLI and
the public page. Reads the JSON shape of `Roll.as_json()`; JSON and CSV listings keep its raw
numbers, people read the figures written here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import t
from bot.reports import weight, yes_no

COUNTRY_COLUMNS = ["country", "als_count", "capped", "weight_each", "country_total", "share"]
VOTER_COLUMNS = ["als_id", "als_name", "country", "weight", "weight_exact"]


def country_rows(
    roll: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Each country's line of the sheet: `name` (the code when `names` lacks it), capped in
    words, weights to four decimals, `percent` its share of the total and `share` with the sign."""
    rows = []
    for c in roll["countries"]:
        percent = f"{c['share'] * 100:.2f}"
        rows.append(
            c
            | {
                "name": (names or {}).get(c["country"], c["country"]),
                "capped": yes_no(c["capped"], lang),
                "weight_each": weight(c["weight_each"]),
                "country_total": weight(c["country_total"]),
                "percent": percent,
                "share": f"{percent}%",
            }
        )
    return rows


def voter_rows(roll: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each voter with its country's name and its weight to four decimals."""
    return [
        v | {"country": names.get(v["country"], v["country"]), "weight": weight(v["weight"])}
        for v in roll["voters"]
    ]


def title(roll: Mapping[str, Any], lang: str) -> str:
    return t("election.roll_title", lang, date=roll["as_of"][:10])


def summary(roll: Mapping[str, Any], lang: str) -> str:
    """How many vote, the countries covered, the Maximum Percentage and the total weight."""
    return t(
        "election.roll_summary",
        lang,
        voters=len(roll["voters"]),
        covered=roll["countries_covered"],
        max=f"{roll['max_percentage']:g}",
        total=weight(roll["total_weight"]),
    )
