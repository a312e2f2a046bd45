"""Quorum, tally, ties and the draw, with numbers computed by hand (seeds 002 and 004); the
weights of Rule 12.9 are in test_weights.py."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from fractions import Fraction as F

import pytest

from bot.domain.draw import draw
from bot.domain.proxies import Proxy
from bot.domain.tally import Ballot, count, required_quorum

VOTE = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def roll(n: int) -> dict[str, F]:
    return {f"ALS-{i}": F(1) for i in range(n)}


def ballots(*pairs: tuple[str, str] | tuple[str, str, str]) -> list[Ballot]:
    return [Ballot(i + 2, *p) for i, p in enumerate(pairs)]


def test_quorum_is_half_of_the_active_als() -> None:
    assert required_quorum(7) == 4 and required_quorum(8) == 4 and required_quorum(0) == 0


def test_quorum_just_met_and_plurality() -> None:
    tally = count(
        ballots(("ALS-0", "A"), ("ALS-1", "A"), ("ALS-2", "B"), ("ALS-3", "abstain")),
        roll(7),
        [],
        VOTE,
    )
    assert (tally.required, tally.present, tally.quorum_met) == (4, 4, True)
    assert [(r.choice, r.votes) for r in tally.results] == [("A", 2), ("B", 1)]
    assert tally.abstentions == 1 and tally.winner == "A"
    assert tally.voted == ["ALS-0", "ALS-1", "ALS-2", "ALS-3"]


def test_quorum_just_missed() -> None:
    tally = count(ballots(("ALS-0", "A"), ("ALS-1", "A"), ("ALS-2", "B")), roll(7), [], VOTE)
    assert not tally.quorum_met and tally.winner is None


def test_abstentions_count_for_quorum_only() -> None:
    tally = count(ballots(*[(f"ALS-{i}", "Abstención") for i in range(4)]), roll(7), [], VOTE)
    assert (
        tally.quorum_met and tally.results == [] and tally.abstentions == 4 and tally.winner is None
    )


def test_weighted_plurality_can_differ_from_the_head_count() -> None:
    weights = {
        "AR-1": F(1, 2),
        "AR-2": F(1, 2),
        "AR-3": F(1, 2),
        "AR-4": F(1, 2),
        "X": F(1),
        "Y": F(1),
        "Z": F(1),
    }
    tally = count(
        ballots(
            ("AR-1", "A"),
            ("AR-2", "A"),
            ("AR-3", "A"),
            ("AR-4", "A"),
            ("X", "B"),
            ("Y", "B"),
            ("Z", "B"),
        ),
        weights,
        [],
        VOTE,
    )
    assert [(r.choice, r.votes, r.weighted_votes) for r in tally.results] == [
        ("B", 3, 3),
        ("A", 4, 2),
    ]
    assert tally.winner == "B"


def test_two_way_tie_calls_a_second_ballot() -> None:
    tally = count(
        ballots(("ALS-0", "A"), ("ALS-1", "B"), ("ALS-2", "A"), ("ALS-3", "B")), roll(7), [], VOTE
    )
    assert tally.winner is None and tally.tied == ["A", "B"]


def test_three_way_tie() -> None:
    tally = count(
        ballots(("ALS-0", "A"), ("ALS-1", "B"), ("ALS-2", "C"), ("ALS-3", "abstain")),
        roll(7),
        [],
        VOTE,
    )
    assert tally.winner is None and tally.tied == ["A", "B", "C"]


def test_tie_after_the_second_ballot_goes_to_the_published_draw() -> None:
    tally = count(
        ballots(
            ("ALS-0", "María Pérez"),
            ("ALS-1", "João Araújo"),
            ("ALS-2", "María Pérez"),
            ("ALS-3", "João Araújo"),
        ),
        roll(7),
        [],
        VOTE,
        candidates=["María Pérez", "João Araújo"],
        second_ballot=True,
        seed="LACRALO-2026-chair-elect",
    )
    assert tally.draw is not None and tally.winner == tally.draw.drawn == "João Araújo"


def test_the_draw_is_fixed_for_a_seed_and_rechecks_by_hand() -> None:
    result = draw("LACRALO-2026-chair-elect", ["María Pérez", "João Araújo", "Keisha Brown"])
    assert result.order == ("João Araújo", "Keisha Brown", "María Pérez")
    text = "LACRALO-2026-chair-elect\nJoão Araújo\nKeisha Brown\nMaría Pérez"
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert (
        result.digest
        == digest
        == "5ec8f8eaa5f7ef4480e6bbe55d5e766ebb4f36988343672ee8b894d9609b1be6"
    )
    assert result.index == int(digest, 16) % 3 == 1 and result.drawn == "Keisha Brown"
    assert (
        draw("LACRALO-2026-chair-elect", ["Keisha Brown", "María Pérez", "João Araújo"]) == result
    )


PROXY = Proxy("ALS-4", "ALS-0", datetime(2026, 11, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    ("proxies", "cast_by", "counted", "why"),
    [
        ([PROXY], "ALS-0", True, None),
        ([], "ALS-0", False, "no_proxy"),
        (
            [Proxy("ALS-4", "ALS-0", datetime(2026, 12, 2, tzinfo=UTC))],
            "ALS-0",
            False,
            "no_proxy",
        ),  # after the vote
        (
            [
                Proxy(
                    "ALS-4",
                    "ALS-0",
                    datetime(2026, 11, 1, tzinfo=UTC),
                    datetime(2026, 11, 20, tzinfo=UTC),
                )
            ],
            "ALS-0",
            False,
            "no_proxy",
        ),  # revoked before the vote
        ([PROXY], "ALS-1", False, "no_proxy"),  # a proxy to another ALS
    ],
    ids=[
        "notified before the vote",
        "no notice",
        "notice after the vote",
        "revoked",
        "wrong holder",
    ],
)
def test_rule_1_5_proxy_votes(
    proxies: list[Proxy], cast_by: str, counted: bool, why: str | None
) -> None:
    tally = count(ballots(("ALS-0", "A"), ("ALS-4", "A", cast_by)), roll(7), proxies, VOTE)
    assert ("ALS-4" in tally.voted) is counted
    if why:
        assert (
            tally.refused[0].reason.key == f"election.refused.{why}" and tally.refused[0].line == 3
        )


def test_rule_1_6_one_proxy_received_at_most() -> None:
    proxies = [PROXY, Proxy("ALS-5", "ALS-0", datetime(2026, 11, 29, tzinfo=UTC))]
    tally = count(ballots(("ALS-4", "A", "ALS-0"), ("ALS-5", "A", "ALS-0")), roll(7), proxies, VOTE)
    assert (
        tally.voted == ["ALS-4"] and tally.refused[0].reason.key == "election.refused.second_proxy"
    )


def test_ballots_from_outside_the_roll_and_duplicates_are_refused_by_line() -> None:
    tally = count(
        ballots(("ALS-0", "A"), ("INACTIVE-1", "A"), ("ALS-0", "B"), ("ALS-1", " ")),
        roll(7),
        [],
        VOTE,
    )
    assert [(r.line, r.reason.key.split(".")[-1]) for r in tally.refused] == [
        (3, "not_on_roll"),
        (4, "duplicate"),
        (5, "empty"),
    ]
