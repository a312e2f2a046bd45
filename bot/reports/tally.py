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
# Locale keys of the answers (YAML reads a bare yes or no key as a boolean).
ANSWERS = {"abstain": "abstain", "yes": "in_favour", "no": "against"}


def result_rows(result: Mapping[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """Each choice with its ballots and its weighted votes to four decimals; yes and no in the
    reader's words."""
    return [
        r | {"choice": answer(r["choice"], lang), "weighted_votes": weight(r["weighted_votes"])}
        for r in result["results"]
    ]


def answer(choice: str, lang: str) -> str:
    """A candidate's name as it is; abstain, yes and no in the reader's words."""
    return t(f"election.choice.{ANSWERS[choice]}", lang) if choice in ANSWERS else choice


def quorum_line(result: Mapping[str, Any], lang: str) -> str:
    q = result["quorum"]
    key = "election.quorum_met" if q["met"] else "election.quorum_missed"
    return t(key, lang, count=q["present"], required=q["required"])


def abstentions_line(result: Mapping[str, Any], lang: str) -> str:
    """Abstentions do not count in the plurality but are reported (2021 rules)."""
    return t("election.abstentions", lang, count=result["abstentions"])


def outcome_line(result: Mapping[str, Any], lang: str) -> str:
    """The winner, or the tied candidates (a second ballot follows), or nothing. A winner drawn by
    lot was not elected by plurality: `drawn_line` says how it was decided."""
    if result.get("draw") and result.get("winner"):
        return ""
    if result.get("motion"):  # a motion or a poll: its own line (`notes`)
        return ""
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
    """Each refused or invalid ballot by its line in the file, with the rule that set it aside."""
    rows = sorted([*result["refused"], *result.get("invalid", [])], key=lambda r: r["line"])
    return [
        t(
            "roster.report.rejected_line",
            lang,
            line=r["line"],
            reasons=render(Reason(r["reason"], r["params"]), lang),
        )
        for r in rows
    ]


def notes(result: Mapping[str, Any], lang: str) -> list[str]:
    """What bound the vote and how it ended beyond the plurality (issue 17): the roll it used
    (published, with its hash), a motion's or a poll's outcome, where a draw's seed came from,
    and whether the ballot was secret."""
    lines = []
    if result.get("second_ballot_among"):
        names = ", ".join(result["second_ballot_among"])
        lines.append(t("election.second_among", lang, names=names))
    roll = result.get("roll") or {}
    if roll.get("published"):
        lines.append(
            t(
                "election.roll_used",
                lang,
                published=result["vote"]["opens_at"][:16].replace("T", " "),
                hash=roll["sha256"],
            )
        )
    elif "vote" in result:
        lines.append(t("election.roll_not_published", lang, date=result["vote"]["opens_at"][:10]))
    motion = result.get("motion")
    if motion and motion.get("poll"):
        key = "election.poll_restart" if motion["restart"] else "election.poll_confirmed"
        if motion["restart"] or motion["confirmed"]:
            lines.append(t(key, lang, reading=motion["reading"]))
    elif motion and result["quorum"]["met"]:
        key = "election.motion_passed" if motion["passed"] else "election.motion_failed"
        lines.append(
            t(key, lang, title=motion["title"], yes=weight(motion["yes"]), no=weight(motion["no"]))
        )
    draw = result.get("draw")
    if draw and "committed" in draw:
        if draw["committed"]:
            source = draw.get("source") or "—"
            at = (draw.get("committed_at") or "")[:16].replace("T", " ")
            lines.append(
                t("election.seed_committed", lang, at=at, hash=draw["seed_sha256"], source=source)
            )
        else:
            lines.append(t("election.seed_not_committed", lang))
    if result.get("secrecy") == "secret":
        lines.append(t("election.secret", lang))
    return lines


# The public results CSV: one row per ALS that voted; the draw's facts on each row of a vote it
# decided (issue 17.4); the ALS's choice and weight only when the vote is open (17.5).
CSV_COLUMNS = [
    "title",
    "vote_at",
    "als_id",
    "winner",
    "choice",
    "weight",
    "decided_by_draw",
    "draw_seed",
    "seed_committed_at",
    "seed_source",
]


def csv_rows(
    title: str, vote_at: str, result: Mapping[str, Any], voted: list[str]
) -> list[list[str]]:
    draw = result.get("draw") or {}
    by_als = {b["als_id"]: b for b in result.get("ballots") or []}
    rows = []
    for als_id in voted:
        ballot = by_als.get(als_id, {})
        rows.append(
            [
                title,
                vote_at,
                als_id,
                result.get("winner") or "",
                str(ballot.get("choice", "")),
                weight(ballot["weight"]) if "weight" in ballot else "",
                "yes" if draw and result.get("winner") else "",
                str(draw.get("seed", "")),
                str(draw.get("committed_at") or ""),
                str(draw.get("source") or ""),
            ]
        )
    return rows


def ballot_rows(result: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """Who voted for what, when the vote is open: abstain, yes and no in the reader's words."""
    return [
        {
            "als_id": b["als_id"],
            "choice": answer(b["choice"], lang),
            "weight": weight(b["weight"]),
        }
        for b in result.get("ballots") or []
    ]
