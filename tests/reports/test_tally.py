"""The tally and roll presenters (bot/reports/): one way to write each figure, read by the CLI,
the public pages and the announcement alike."""

from __future__ import annotations

from typing import Any

from bot.reports import roll, tally
from bot.texts import notices

RESULT: dict[str, Any] = {
    "quorum": {"required": 4, "present": 5, "met": True},
    "results": [
        {"choice": "María Pérez", "votes": 3, "weighted_votes": 7 / 3},
        {"choice": "João Araújo", "votes": 1, "weighted_votes": 1.0},
    ],
    "abstentions": 1,
    "winner": "María Pérez",
    "tied": None,
    "voted": ["ALS-AR-01", "ALS-BR-01"],
    "refused": [],
}


def test_weighted_votes_are_written_to_four_decimals() -> None:
    rows = tally.result_rows(RESULT)
    assert [r["weighted_votes"] for r in rows] == ["2.3333", "1.0000"]
    assert RESULT["results"][0]["weighted_votes"] == 7 / 3  # the result itself is left as it was


def test_the_announcement_shows_the_presenter_s_figures() -> None:
    text = notices.election_result("Chair-Elect", RESULT, ["en"], "LACRALO")["text"]
    assert "- María Pérez: 2.3333 (3)" in text
    assert tally.quorum_line(RESULT, "en") in text
    assert tally.outcome_line(RESULT, "en") in text


def test_2021_rules_a_tie_names_the_tied_and_no_winner() -> None:
    tied = RESULT | {"winner": None, "tied": ["A", "B"]}
    assert "A, B" in tally.outcome_line(tied, "en")
    assert tally.drawn_line(tied, "en") is None


def test_2021_rules_a_draw_says_what_anyone_needs_to_redo_it() -> None:
    draw = {"drawn": "B", "seed": "S1", "sha256": "abc", "order": ["B", "A"], "index": 0}
    drawn = tally.drawn_line(RESULT | {"winner": "B", "draw": draw}, "en")
    assert drawn is not None and "S1" in drawn and "abc" in drawn and "B | A" in drawn


def test_rule_12_9_the_roll_writes_shares_and_weights_once() -> None:
    sheet = {
        "as_of": "2026-11-20T23:59:59+00:00",
        "countries": [
            {
                "country": "AR",
                "als_count": 3,
                "capped": True,
                "weight_each": 1 / 3,
                "country_total": 1.0,
                "share": 1 / 6,
            }
        ],
    }
    (row,) = roll.country_rows(sheet, "en", {"AR": "Argentina"})
    assert row["name"] == "Argentina" and row["weight_each"] == "0.3333"
    assert (row["percent"], row["share"]) == ("16.67", "16.67%")
