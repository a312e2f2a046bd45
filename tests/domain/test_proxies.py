"""Proxies under Rules of Procedure 1.4-1.6 (seed 003): who may give and receive one, when it must
reach the Secretariat, and how a vote cast by proxy is counted (issue 17, point 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.domain.proxies import (
    GiverVotes,
    Proxy,
    Standing,
    apply,
    check_new_proxy,
    giver_votes_reading,
    in_effect,
)
from bot.domain.reasons import Reason
from bot.domain.tally import Ballot
from bot.i18n import LANGUAGES, render

OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # when the vote opens
ROLL = frozenset({"AR", "BR", "CO", "HT", "JM", "MX"})  # accredited and entitled on that date
# PE is accredited but inactive (auxiliary rule to Rule 1); XX is an applicant (Rule 1.2).
STANDING = Standing(accredited=ROLL | {"PE"}, entitled=ROLL)
GIVER = GiverVotes.GIVER_STANDS
PROXY = GiverVotes.PROXY_STANDS


def at(day: int) -> datetime:
    """A day of November, before the vote."""
    return datetime(2026, 11, day, 12, tzinfo=UTC)


def p(
    giver: str, holder: str, given: datetime | None = None, revoked: datetime | None = None
) -> Proxy:
    return Proxy(giver, holder, given or at(20), revoked)


def rows(*cells: tuple[str, str] | tuple[str, str, str]) -> list[Ballot]:
    """Ballots as the CSV gives them: line 1 is the header."""
    return [Ballot(i + 2, *c) for i, c in enumerate(cells)]


# --- A new notice (check_new_proxy) ---------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    name: str
    giver: str
    holder: str
    existing: list[Proxy] = field(default_factory=list)
    now: datetime = at(25)
    refused: list[str] = field(default_factory=list)  # the keys after "proxies.refused."


NOTICES = [
    Notice("Rule 1.5: between two accredited ALSs entitled to vote, before the vote", "JM", "HT"),
    Notice("Rule 1.5: not to itself", "JM", "JM", refused=["self"]),
    Notice(
        "Rules 1.4, 1.5: an applicant gives no proxy (Rule 1.2)",
        "XX",
        "HT",
        refused=["not_accredited"],
    ),
    Notice("Rules 1.4, 1.5: nor receives one", "JM", "XX", refused=["not_accredited"]),
    Notice(
        "auxiliary rule to Rule 1: an inactive giver has no vote to give",
        "PE",
        "HT",
        refused=["inactive"],
    ),
    Notice(
        "auxiliary rule to Rule 1: an inactive receiver cannot cast one",
        "JM",
        "PE",
        refused=["inactive"],
    ),
    Notice("Rule 1.5: late, once the vote has opened", "JM", "HT", now=OPENS, refused=["late"]),
    Notice(
        "Rule 1.6: a receiver holding one proxy refuses a second",
        "MX",
        "HT",
        existing=[p("JM", "HT")],
        refused=["second_received"],
    ),
    Notice(
        "Rule 1.5: a giver gives one proxy at a time",
        "JM",
        "CO",
        existing=[p("JM", "HT")],
        refused=["already_given"],
    ),
    Notice(
        "chain: an ALS that gave its vote cannot receive one",
        "JM",
        "HT",
        existing=[p("HT", "CO")],
        refused=["chain_holder_gave"],
    ),
    Notice(
        "chain: an ALS holding a proxy cannot give its own",
        "HT",
        "CO",
        existing=[p("JM", "HT")],
        refused=["chain_giver_holds"],
    ),
    Notice(
        "Rule 1.6: a revoked proxy does not count against the receiver",
        "MX",
        "HT",
        existing=[p("JM", "HT", revoked=at(22))],
    ),
]


@pytest.mark.parametrize("case", NOTICES, ids=[c.name for c in NOTICES])
def test_a_new_notice(case: Notice) -> None:
    reasons = check_new_proxy(case.giver, case.holder, STANDING, case.existing, case.now, OPENS)
    assert [r.key.removeprefix("proxies.refused.") for r in reasons] == case.refused


# --- At the vote: which proxies carry a vote, and which rows count --------------------------


@dataclass(frozen=True)
class Vote:
    name: str
    proxies: list[Proxy]
    ballots: list[Ballot]
    counted: list[int]  # lines
    refused: dict[int, str] = field(default_factory=dict)  # line -> key without "proxies."
    reading: GiverVotes = GIVER
    decided: tuple[str, ...] = ()


VOTES = [
    Vote(
        "Rule 1.5: a proxy notified before the vote carries the giver's vote",
        [p("JM", "HT")],
        rows(("HT", "A"), ("JM", "A", "HT")),
        [2, 3],
    ),
    Vote(
        "cast_by without a proxy: refused (Rule 1.5)",
        [],
        rows(("JM", "A", "HT")),
        [],
        {2: "ballot.no_proxy"},
    ),
    Vote(
        "cast_by another ALS than the proxy names: refused (Rule 1.5)",
        [p("JM", "HT")],
        rows(("JM", "A", "CO")),
        [],
        {2: "ballot.no_proxy"},
    ),
    Vote("cast_by its own ALS is an ordinary ballot", [], rows(("JM", "A", "JM")), [2]),
    Vote(
        "auxiliary rule to Rule 1: an inactive giver's proxy carries nothing",
        [p("PE", "HT")],
        rows(("PE", "A", "HT")),
        [],
        {2: "void.not_entitled"},
    ),
    Vote(
        "auxiliary rule to Rule 1: nor a proxy to an inactive receiver",
        [p("JM", "PE")],
        rows(("JM", "A", "PE")),
        [],
        {2: "void.not_entitled"},
    ),
    Vote(
        "Rule 1.5: notified after the vote opened: late",
        [p("JM", "HT", OPENS.replace(minute=30))],
        rows(("JM", "A", "HT")),
        [],
        {2: "void.late"},
    ),
    Vote(
        "Rule 1.5: notified at the very minute the vote opens: late",
        [p("JM", "HT", OPENS)],
        rows(("JM", "A", "HT")),
        [],
        {2: "void.late"},
    ),
    Vote(
        "Rule 1.5: revoked before the vote: does not count",
        [p("JM", "HT", revoked=at(25))],
        rows(("JM", "A", "HT")),
        [],
        {2: "void.revoked"},
    ),
    Vote(
        "Rule 1.5: revoked once the vote had opened: still counts",
        [p("JM", "HT", revoked=OPENS.replace(hour=19))],
        rows(("JM", "A", "HT")),
        [2],
    ),
    Vote(
        "Rule 1.6: the second proxy received carries nothing, the first does",
        [p("JM", "HT", at(10)), p("MX", "HT", at(20))],
        rows(("JM", "A", "HT"), ("MX", "B", "HT")),
        [2],
        {3: "refused.second_received"},
    ),
    Vote(
        "chain A -> B, then B -> C: B cannot give its own away",
        [p("AR", "BR", at(10)), p("BR", "CO", at(20))],
        rows(("AR", "A", "BR"), ("BR", "A", "CO")),
        [2],
        {3: "refused.chain_giver_holds"},
    ),
    Vote(
        "chain B -> C, then A -> B: B cannot receive",
        [p("BR", "CO", at(10)), p("AR", "BR", at(20))],
        rows(("AR", "A", "BR"), ("BR", "A", "CO")),
        [3],
        {2: "refused.chain_holder_gave"},
    ),
    Vote(
        "a revoked proxy forms no chain",
        [p("BR", "CO", at(10), revoked=at(15)), p("AR", "BR", at(20))],
        rows(("AR", "A", "BR"), ("BR", "A")),
        [2, 3],
    ),
    Vote(
        "giver votes too, giver-stands (default): its own ballot, the proxy lapses",
        [p("JM", "HT")],
        rows(("JM", "A"), ("JM", "B", "HT")),
        [2],
        {3: "ballot.lapsed"},
        decided=("JM",),
    ),
    Vote(
        "giver votes too after its proxy, giver-stands: still its own ballot",
        [p("JM", "HT")],
        rows(("JM", "B", "HT"), ("JM", "A")),
        [3],
        {2: "ballot.lapsed"},
        decided=("JM",),
    ),
    Vote(
        "giver votes too, proxy-stands: the receiver's ballot, its own set aside",
        [p("JM", "HT")],
        rows(("JM", "A"), ("JM", "B", "HT")),
        [3],
        {2: "ballot.own_set_aside"},
        PROXY,
        ("JM",),
    ),
    Vote(
        "giver votes too, but no proxy behind the other row: no reading needed",
        [],
        rows(("JM", "A"), ("JM", "B", "HT")),
        [2],
        {3: "ballot.no_proxy"},
    ),
    Vote(
        "two own rows are left to the count (a duplicate)",
        [p("JM", "HT")],
        rows(("JM", "A"), ("JM", "B")),
        [2, 3],
    ),
]


@pytest.mark.parametrize("case", VOTES, ids=[c.name for c in VOTES])
def test_a_vote(case: Vote) -> None:
    done = apply(case.ballots, in_effect(case.proxies, OPENS, ROLL), case.reading)
    assert [b.line for b in done.counted] == case.counted
    assert {b.line: r.key.removeprefix("proxies.") for b, r in done.refused} == case.refused
    assert done.decided == case.decided and done.reading is case.reading


def test_the_reading_is_said_in_the_refusal() -> None:
    done = apply(
        rows(("JM", "A"), ("JM", "B", "HT")), in_effect([p("JM", "HT")], OPENS, ROLL), GIVER
    )
    [(_, why)] = done.refused
    assert why.params == {"giver": "JM", "holder": "HT", "reading": "giver-stands", "own_line": 2}
    assert "giver-stands" in render(why, "en") and "Rule 1.5" in render(why, "en")


def test_the_earlier_notice_wins_whatever_the_order_on_record() -> None:
    effect = in_effect([p("MX", "HT", at(20)), p("JM", "HT", at(10))], OPENS, ROLL)
    assert [(x.giver, x.holder) for x in effect.proxies] == [("JM", "HT")]
    assert [(x.giver, why.key) for x, why in effect.void] == [
        ("MX", "proxies.refused.second_received")
    ]


@pytest.mark.parametrize(
    ("policy", "reading"),
    [({}, GIVER), ({"proxy_when_giver_votes": "proxy-stands"}, PROXY)],
    ids=["default: giver-stands", "proxy-stands"],
)
def test_the_reading_from_the_region_file(policy: dict[str, str], reading: GiverVotes) -> None:
    assert giver_votes_reading(policy) is reading


def test_an_unknown_reading_is_named() -> None:
    with pytest.raises(ValueError, match="proxy_when_giver_votes"):
        giver_votes_reading({"proxy_when_giver_votes": "both"})


RULE_WORDS = {"en": "Rule", "es": "Regla", "pt": "Regra", "fr": "règle"}


def every_reason() -> list[Reason]:
    reasons = [
        r
        for c in NOTICES
        for r in check_new_proxy(c.giver, c.holder, STANDING, c.existing, c.now, OPENS)
    ]
    for case in VOTES:
        done = apply(case.ballots, in_effect(case.proxies, OPENS, ROLL), case.reading)
        reasons += [r for _, r in done.refused]
    return reasons


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_refusal_reads_in_four_languages_with_its_rule(lang: str) -> None:
    for reason in every_reason():
        text = render(reason, lang)
        assert not text.startswith("proxies."), f"{reason.key} missing in {lang}"
        assert "%{" not in text and RULE_WORDS[lang] in text, text
        assert "1.5" in text or "1.6" in text, text


FOR_VOTE = [
    ("a proxy naming this vote is for it", ("position", "chair-elect"), [], True),
    ("a proxy naming another vote is not", ("motion", "Budget 2027"), [], False),
    ("no vote named, none opened since: the next vote is this one", None, [], True),
    (
        "no vote named, another vote opened since it was given: that one was the next vote",
        None,
        [datetime(2026, 12, 2, tzinfo=UTC)],
        False,
    ),
    (
        "a vote that opened before the proxy was given does not count",
        None,
        [datetime(2026, 11, 1, tzinfo=UTC)],
        True,
    ),
]


@pytest.mark.parametrize(
    ("named", "others", "expected"),
    [c[1:] for c in FOR_VOTE],
    ids=[c[0] for c in FOR_VOTE],
)
def test_a_proxy_is_for_the_vote_it_names_or_the_next_one(
    named: tuple[str, str] | None, others: list[datetime], expected: bool
) -> None:
    """Issue 17.3: "a proxy names its vote (the position or motion, or the next vote)"."""
    from bot.domain.proxies import for_this_vote

    p = Proxy("ALS-AR-01", "ALS-BR-01", datetime(2026, 12, 1, tzinfo=UTC), vote=named)
    opens = datetime(2026, 12, 10, tzinfo=UTC)
    assert for_this_vote(p, ("position", "chair-elect"), others, opens) is expected
