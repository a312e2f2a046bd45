"""The status rule as a table of cases: Rules of Procedure, auxiliary rule to Rule 1 (seed 003).

Monthly LACRALO calls fall on the 15th of each month at 15:00 UTC from 2020 to 2025. `attended` names
the months ("2022-10") one of the ALS's people joined; every other call is missed. `posts` are list
posts (any other participation).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.status import AlsFacts, Call, State, Status, evaluate
from bot.domain.status_policy import StatusPolicy

CALL_MONTHS = [f"{y}-{m:02d}" for y in range(2020, 2026) for m in range(1, 13)]


def call_time(month: str) -> datetime:
    year, mon = map(int, month.split("-"))
    return datetime(year, mon, 15, 15, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def months(start: str, end: str) -> set[str]:
    return {m for m in CALL_MONTHS if start <= m <= end}


def facts(
    accredited: str | None = "2019-01-10",
    attended: set[str] | None = None,
    posts: tuple[str, ...] = (),
    calls: list[str] | None = None,
    unrecorded: set[str] | None = None,
) -> AlsFacts:
    """`unrecorded`: months whose call has no attendance evidence at all (issue 13)."""
    attended = set() if attended is None else attended
    unknown = set() if unrecorded is None else unrecorded
    held = CALL_MONTHS if calls is None else calls
    call_list = tuple(Call(call_time(m), m in attended, m not in unknown) for m in held)
    joins = tuple(call_time(m).replace(minute=3) for m in held if m in attended)
    return AlsFacts(
        accredited_on=date.fromisoformat(accredited) if accredited else None,
        calls=call_list,
        participation=joins + tuple(at(p) for p in posts),
    )


@dataclass
class Case:
    name: str
    facts: AlsFacts
    as_of: str
    state: State
    missed: int | None = None
    office: bool | None = None
    warning: bool | None = None
    reasons: list[str] = field(default_factory=list)  # reason keys that must be present
    policy: StatusPolicy = field(default_factory=StatusPolicy)
    since: str | None = None


ANY_ALL = StatusPolicy(criteria="all")
ROLLING = StatusPolicy(window="rolling-12-months")

CASES = [
    Case(
        "A: three consecutive monthly calls missed -> inactive",
        facts(attended=months("2020-01", "2022-09")),
        "2022-12-20",
        State.INACTIVE,
        missed=3,
        reasons=["missed_calls", "recover_by", "reading"],
        since="2022-12-15",
    ),
    Case(
        "A: two missed then a call attended -> active",
        facts(attended=months("2020-01", "2022-09") | {"2022-12"}),
        "2022-12-20",
        State.ACTIVE,
        missed=0,
        warning=False,
        reasons=["active"],
    ),
    Case(
        "A: two missed -> still active, early warning (one call short of the limit)",
        facts(attended=months("2020-01", "2022-09")),
        "2022-11-20",
        State.ACTIVE,
        missed=2,
        warning=True,
        reasons=["active_missed"],
    ),
    Case(
        "A: the third miss counts only once the call has been held",
        facts(attended=months("2020-01", "2022-09")),
        "2022-12-15T14:00:00",
        State.ACTIVE,
        missed=2,
    ),
    Case(
        "B calendar: a whole calendar year with nothing -> inactive",
        facts(calls=[], posts=("2021-06-01",)),
        "2023-03-01",
        State.INACTIVE,
        reasons=["no_participation_calendar"],
        since="2023-01-01",
    ),
    Case(
        "B calendar: the empty year ends with a post in January -> active",
        facts(calls=[], posts=("2021-06-01", "2023-01-10")),
        "2023-03-01",
        State.ACTIVE,
        reasons=["recovered"],
        office=False,
    ),
    Case(
        "B calendar: a calendar year only partly after the grace year is not judged",
        facts(calls=[]),
        "2021-02-01",
        State.ACTIVE,
        reasons=["active_never"],
    ),
    Case(
        "B calendar: nothing ever recorded, once a whole year has been evaluated -> inactive",
        facts(calls=[]),
        "2022-02-01",
        State.INACTIVE,
        reasons=["no_participation_calendar_never"],
        since="2022-01-01",
    ),
    Case(
        "criteria any: list posts but no calls in a year -> inactive (calls criterion)",
        facts(
            attended=months("2020-01", "2021-12"),
            posts=tuple(f"2022-{m:02d}-05" for m in range(1, 13)),
        ),
        "2022-12-20",
        State.INACTIVE,
        missed=12,
        reasons=["missed_calls_long"],
    ),
    Case(
        "criteria all: list posts but no calls in a year -> active (both must hold)",
        facts(
            attended=months("2020-01", "2021-12"),
            posts=tuple(f"2022-{m:02d}-05" for m in range(1, 13)),
        ),
        "2022-12-20",
        State.ACTIVE,
        missed=12,
        policy=ANY_ALL,
    ),
    Case(
        "criteria all: no calls and no participation at all for a calendar year -> inactive",
        facts(attended=months("2020-01", "2021-12")),
        "2023-01-20",
        State.INACTIVE,
        policy=ANY_ALL,
        reasons=["missed_calls_long", "no_participation_calendar"],
    ),
    Case(
        "a list post does not undo three missed calls",
        facts(attended=months("2020-01", "2022-09"), posts=("2022-12-18",)),
        "2022-12-20",
        State.INACTIVE,
        missed=3,
    ),
    Case(
        "new ALS: grace year, counts as active",
        facts(accredited="2022-06-01"),
        "2023-01-15",
        State.NEW,
        reasons=["grace"],
        office=True,
    ),
    Case(
        "new ALS: calls missed during the grace year do not count",
        facts(accredited="2022-06-01", attended={"2023-06"}),
        "2023-06-20",
        State.ACTIVE,
        missed=0,
    ),
    Case(
        "new ALS: after the grace year, three misses make it inactive",
        facts(accredited="2022-06-01"),
        "2023-08-20",
        State.INACTIVE,
        missed=3,
        since="2023-08-15",
    ),
    Case(
        "recovery within a year: attends a call again -> active, not eligible for office",
        facts(attended=months("2020-01", "2022-09") | months("2023-03", "2023-12")),
        "2023-04-01",
        State.ACTIVE,
        office=False,
        reasons=["recovered", "office"],
        since="2023-03-15",
    ),
    Case(
        "inactive for less than a year -> inactive, not decertification-eligible",
        facts(attended=months("2020-01", "2022-09")),
        "2023-11-20",
        State.INACTIVE,
        since="2022-12-15",
    ),
    Case(
        "no recovery for more than a year -> decertification-eligible",
        facts(attended=months("2020-01", "2022-09")),
        "2024-01-20",
        State.DECERTIFICATION_ELIGIBLE,
        reasons=["decertification"],
        office=False,
    ),
    Case(
        "recovery after more than a year (not yet de-certified) -> active again",
        facts(attended=months("2020-01", "2022-09") | {"2024-03"}),
        "2024-03-20",
        State.ACTIVE,
        office=False,
    ),
    Case(
        "office: inactive Dec 2021 to Jan 2022, asked in 2023 -> not eligible (2022 counts)",
        facts(attended=months("2020-01", "2021-09") | months("2022-01", "2025-12")),
        "2023-06-01",
        State.ACTIVE,
        office=False,
    ),
    Case(
        "office: inactive two years before -> eligible again",
        facts(attended=months("2020-01", "2021-09") | months("2022-01", "2025-12")),
        "2024-06-01",
        State.ACTIVE,
        office=True,
    ),
    Case(
        "office: inactive in the preceding year -> not eligible",
        facts(attended=months("2020-01", "2021-09") | months("2022-01", "2025-12")),
        "2022-06-01",
        State.ACTIVE,
        office=False,
        reasons=["office"],
    ),
    # --- calls without attendance evidence (issue 13): neither attended nor missed ---------------
    Case(
        "unrecorded: a call with no attendance data neither breaks nor extends a run of misses",
        facts(
            attended=months("2020-01", "2022-06"),
            calls=sorted(months("2020-01", "2022-10")),
            unrecorded={"2022-09"},
        ),
        "2022-10-20",
        State.INACTIVE,
        missed=3,  # July, August, October; September unknown
        since="2022-10-15",
        reasons=["missed_calls", "unrecorded"],
    ),
    Case(
        "unrecorded: two misses and an unrecorded call are not three misses",
        facts(
            attended=months("2020-01", "2022-08"),
            calls=sorted(months("2020-01", "2022-11")),
            unrecorded={"2022-11"},
        ),
        "2022-11-20",
        State.ACTIVE,
        missed=2,
        warning=True,
        reasons=["active_missed", "unrecorded"],
    ),
    Case(
        "unrecorded: a year of calls without data after attending -> active, eligible",
        facts(
            attended=months("2020-01", "2022-06"),
            calls=sorted(months("2020-01", "2023-03")),
            unrecorded=months("2022-07", "2023-03"),
        ),
        "2023-03-20",
        State.ACTIVE,
        missed=0,
        office=True,
        reasons=["unrecorded_many"],
    ),
    Case(
        "unrecorded: an unrecorded call does not end an inactive spell (recovery needs attending)",
        facts(
            attended=months("2020-01", "2022-12"),
            calls=sorted(months("2020-01", "2023-04")),
            unrecorded={"2023-04"},
        ),
        "2023-04-20",
        State.INACTIVE,
        missed=3,
        since="2023-03-15",
    ),
    Case(
        "unrecorded: recovery by attending the next call with data",
        facts(
            attended=months("2020-01", "2022-12") | {"2023-05"},
            calls=sorted(months("2020-01", "2023-05")),
            unrecorded={"2023-04"},
        ),
        "2023-05-20",
        State.ACTIVE,
        missed=0,
        office=False,  # inactive in March-May 2023
        reasons=["recovered", "office"],
    ),
    Case(
        "unrecorded: office across years -- misses that are only missing data disqualify nobody",
        facts(
            attended=months("2020-01", "2021-12") | months("2022-04", "2023-12"),
            unrecorded=months("2022-01", "2022-03"),
        ),
        "2023-05-01",
        State.ACTIVE,
        office=True,
    ),
    Case(
        "office: the same three calls, recorded as missed, disqualify for 2022 and 2023",
        facts(attended=months("2020-01", "2021-12") | months("2022-04", "2023-12")),
        "2023-05-01",
        State.ACTIVE,
        office=False,
    ),
    Case(
        "unrecorded: calls of the grace year are not evaluated, so not listed as unrecorded",
        facts(
            accredited="2022-03-01",
            attended=months("2023-03", "2023-12"),
            calls=sorted(months("2022-03", "2023-06")),
            unrecorded=months("2022-03", "2023-02"),
        ),
        "2023-06-20",
        State.ACTIVE,
        missed=0,
        office=True,
    ),
    Case(
        "applicant ALS (no accreditation date) -> observer, no vote, no office (Rule 1.2)",
        facts(accredited=None, attended=set(CALL_MONTHS)),
        "2023-05-01",
        State.OBSERVER,
        office=False,
        reasons=["observer", "observer_office"],
    ),
    Case(
        "accredited after the date asked -> observer on that date",
        facts(accredited="2024-01-01"),
        "2023-05-01",
        State.OBSERVER,
    ),
    Case(
        "year boundary, calendar-year: the last complete year had a post -> active",
        facts(calls=[], posts=("2021-12-20",)),
        "2022-12-30",
        State.ACTIVE,
    ),
    Case(
        "year boundary, rolling-12-months: nothing in the 12 months before -> inactive",
        facts(calls=[], posts=("2021-12-20",)),
        "2022-12-30",
        State.INACTIVE,
        policy=ROLLING,
        reasons=["no_participation_rolling"],
        since="2022-12-20",
    ),
    Case(
        "year boundary, calendar-year, two days later: 2022 was empty -> inactive",
        facts(calls=[], posts=("2021-12-20",)),
        "2023-01-02",
        State.INACTIVE,
        since="2023-01-01",
    ),
    Case(
        "participation before the evaluation started does not fill the first evaluated year",
        facts(accredited="2020-01-01", calls=[], posts=("2020-06-01",)),
        "2022-01-10",
        State.INACTIVE,
    ),
    Case(
        "before the participation record starts nothing is judged (no data is not no participation)",
        replace(facts(calls=[]), records_since=at("2023-06-01")),
        "2024-03-01",
        State.ACTIVE,
        reasons=["records_since"],
    ),
    Case(
        "once the record has run a whole calendar year, an empty one counts",
        replace(facts(calls=[]), records_since=at("2023-01-01")),
        "2024-03-01",
        State.INACTIVE,
    ),
    Case(
        "every call attended -> active with its last participation",
        facts(attended=set(CALL_MONTHS)),
        "2023-05-20",
        State.ACTIVE,
        missed=0,
        office=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_status_rule(case: Case) -> None:
    status = evaluate(case.facts, at(case.as_of), case.policy)
    assert status.state is case.state, [r.key for r in status.reasons]
    if case.missed is not None:
        assert status.missed_consecutive_calls == case.missed
    if case.office is not None:
        assert status.eligible_for_office is case.office
    if case.warning is not None:
        assert status.early_warning is case.warning
    if case.since is not None:
        assert status.since == date.fromisoformat(case.since)
    keys = [r.key.removeprefix("status.reason.") for r in status.reasons]
    for key in case.reasons:
        assert key in keys, keys
    voting = case.state in (State.NEW, State.ACTIVE)
    assert status.can_vote is voting and status.counts_for_quorum is voting


def test_the_reason_names_the_missed_calls() -> None:
    status = evaluate(
        facts(attended=months("2020-01", "2022-09")), at("2022-12-20"), StatusPolicy()
    )
    missed = next(r for r in status.reasons if r.key == "status.reason.missed_calls")
    assert missed.params["dates"] == [date(2022, 10, 15), date(2022, 11, 15), date(2022, 12, 15)]
    assert missed.params["limit"] == 3


def test_the_reading_used_is_always_stated() -> None:
    for policy in (StatusPolicy(), ANY_ALL, ROLLING):
        status = evaluate(facts(attended=set(CALL_MONTHS)), at("2023-05-20"), policy)
        reading = next(r for r in status.reasons if r.key == "status.reason.reading")
        assert reading.params["criteria"].key == f"status.criteria.{policy.criteria}"
        assert reading.params["window"].key == f"status.window.{policy.window}"


# --- properties -----------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2025, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
policies = st.builds(
    StatusPolicy,
    criteria=st.sampled_from(["any", "all"]),
    window=st.sampled_from(["calendar-year", "rolling-12-months"]),
)
random_facts = st.builds(
    lambda acc, attended, posts: facts(
        accredited=acc, attended=attended, posts=tuple(p.isoformat() for p in posts)
    ),
    st.sampled_from([None, "2019-01-10", "2020-07-01", "2021-02-28"]),
    st.sets(st.sampled_from(CALL_MONTHS), max_size=40),
    st.lists(
        st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2025, 12, 31)), max_size=15
    ),
)


def worse(a: Status, b: Status) -> bool:
    """True when `b` is worse than `a` on any count that matters to a member."""
    from bot.domain.status import SEVERITY

    return (
        SEVERITY[b.state] > SEVERITY[a.state]
        or (a.eligible_for_office and not b.eligible_for_office)
        or (a.can_vote and not b.can_vote)
    )


@settings(max_examples=300, deadline=None)
@given(random_facts, moments, moments, policies)
def test_adding_a_participation_never_makes_a_status_worse(
    f: AlsFacts, as_of: datetime, extra: datetime, policy: StatusPolicy
) -> None:
    before = evaluate(f, as_of, policy)
    after = evaluate(replace(f, participation=(*f.participation, extra)), as_of, policy)
    assert not worse(before, after)


@settings(max_examples=300, deadline=None)
@given(random_facts, moments, st.integers(min_value=0, max_value=len(CALL_MONTHS) - 1), policies)
def test_attending_a_missed_call_never_makes_a_status_worse(
    f: AlsFacts, as_of: datetime, index: int, policy: StatusPolicy
) -> None:
    call = f.calls[index]
    if call.attended:
        return
    calls = list(f.calls)
    calls[index] = Call(call.start, True)
    better = replace(f, calls=tuple(calls), participation=(*f.participation, call.start))
    assert not worse(evaluate(f, as_of, policy), evaluate(better, as_of, policy))


@settings(max_examples=200, deadline=None)
@given(random_facts, moments, policies, st.randoms(use_true_random=False))
def test_the_order_of_events_does_not_matter(
    f: AlsFacts, as_of: datetime, policy: StatusPolicy, rnd: random.Random
) -> None:
    calls, parts = list(f.calls), list(f.participation)
    rnd.shuffle(calls)
    rnd.shuffle(parts)
    shuffled = replace(f, calls=tuple(calls), participation=tuple(parts))
    assert evaluate(shuffled, as_of, policy) == evaluate(f, as_of, policy)


@settings(max_examples=300, deadline=None)
@given(random_facts, moments, st.integers(min_value=0, max_value=len(CALL_MONTHS) - 1), policies)
def test_losing_a_calls_attendance_data_never_makes_a_status_worse(
    f: AlsFacts, as_of: datetime, index: int, policy: StatusPolicy
) -> None:
    """Issue 13: a wrong "inactive" is worse than no answer -- a missed call whose data is lost
    can only count less against the ALS, never more."""
    call = f.calls[index]
    if call.attended:
        return
    calls = list(f.calls)
    calls[index] = Call(call.start, False, recorded=False)
    unknown = replace(f, calls=tuple(calls))
    assert not worse(evaluate(f, as_of, policy), evaluate(unknown, as_of, policy))


def test_unrecorded_calls_are_those_of_the_evaluation_only() -> None:
    grace = facts(
        accredited="2022-03-01",
        attended=months("2023-03", "2023-12") - {"2023-05"},
        calls=sorted(months("2022-03", "2023-06")),
        unrecorded=months("2022-03", "2023-02") | {"2023-05"},
    )
    status = evaluate(grace, at("2023-06-20"), StatusPolicy())
    assert status.unrecorded_calls == (date(2023, 5, 15),)
    reason = next(r for r in status.reasons if r.key == "status.reason.unrecorded")
    assert reason.params["dates"] == [date(2023, 5, 15)]


def test_the_judgement_of_the_past_is_derived_from_the_facts() -> None:
    """Office eligibility follows the evidence: the same ALS with the missing calls' attendance
    found later is eligible again (issue 13: history is derived, not frozen)."""
    missed = facts(attended=months("2020-01", "2021-12") | months("2022-04", "2023-12"))
    found = facts(attended=set(CALL_MONTHS))
    before = evaluate(missed, at("2023-05-01"), StatusPolicy())
    after = evaluate(found, at("2023-05-01"), StatusPolicy())
    assert before.inactive_years == {2022} and not before.eligible_for_office
    assert before.spells == ((call_time("2022-03"), call_time("2022-04")),)
    assert after.inactive_years == set() and after.eligible_for_office and after.spells == ()
