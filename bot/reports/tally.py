"""The tally of a vote (2021 elections rules): its lines, quorum, abstentions and outcome, for the
CLI, the public results page and the announcement. Reads the JSON shape of `tally_json`, the one
also stored for a published result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.reports import weight

COLUMNS = ["choice", "votes", "weighted_votes"]


def result_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each choice with its ballots and its weighted votes to four decimals."""
    return [r | {"weighted_votes": weight(r["weighted_votes"])} for r in result["results"]]


def quorum_line(result: Mapping[str, Any], lang: str) -> str:
    q = result["quorum"]
    key = "election.quorum_met" if q["met"] else "election.quorum_missed"
    return t(key, lang, present=q["present"], required=q["required"])


def abstentions_line(result: Mapping[str, Any], lang: str) -> str:
    """Abstentions do not count in the plurality but are reported (2021 rules)."""
    return t("election.abstentions", lang, count=result["abstentions"])


def outcome_line(result: Mapping[str, Any], lang: str) -> str:
    """The winner, or the tied candidates (a second ballot follows), or nothing."""
    if result.get("winner"):
        return t("election.winner", lang, name=result["winner"])
    if result.get("tied"):
        return t("election.tied", lang, names=", ".join(result["tied"]))
    return ""


def drawn_line(result: Mapping[str, Any], lang: str) -> str | None:
    """When a draw decided the winner: what anyone needs to redo it (seed, digest, order)."""
    d = result.get("draw")
    if not (result.get("winner") and d):
        return None
    return t(
        "election.drawn",
        lang,
        name=d["drawn"],
        seed=d["seed"],
        digest=d["sha256"],
        order=" | ".join(d["order"]),
        index=d["index"],
    )


def refusal_lines(result: Mapping[str, Any], lang: str) -> list[str]:
    """Each refused ballot by its line in the file, with the rule that refused it."""
    return [
        t(
            "roster.report.rejected_line",
            lang,
            line=r["line"],
            reasons=render(Reason(r["reason"], r["params"]), lang),
        )
        for r in result["refused"]
    ]
