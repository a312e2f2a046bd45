"""Nominations for LACRALO positions: the 2021 elections rules (seed 002) and the rules applicable
to votes (seed 004). Pure rules over plain facts; the flow is bot/services/nominations.py (periods)
and bot/services/candidacies.py, the commands handlers/commands/.

- Nomination process 1: "A candidate can be nominated by any member of LACRALO, but the nominated
  candidates must be members of the ALSs located in the corresponding subregion. Observers cannot
  nominate or be nominated."
- Nomination process 2: "In the event that there is no candidate available from the corresponding
  subregion, the ALSs of that subregion can nominate candidates from any other ALS." Reading: only
  nominators of that sub-region may use it; such a nomination is provisional and is judged at the
  close (whether the sub-region had a candidate is known only then): it becomes valid only if no
  candidate from the sub-region reached `valid`. The rotation table is not changed.
- Rules of Procedure, auxiliary rule to Rule 1: no candidate from an ALS inactive in the current or
  the preceding year (the status rule's `eligible_for_office`).
- Requirements (Operating Principles 7.1.a): a statement of interest and the declaration of none
  of the five conflicts of interest; only then is the candidacy valid.
- Operating Principles art. 8 (seed 004): the two ALAC members come from different ALSs and have
  distinct nationalities.
- Nomination process 3 (2021, the later text): a single candidate, in any position, is elected by
  acclamation. Seed 004 asks a single-candidate poll for an ALAC seat: a named reading
  (`election_policy.single_candidate: alac-poll`), acclamation the default.
- Rotation (Operating Principles, Title IV, art. 7.2.a): each position goes to the sub-region the
  region file's rotation table names for the year. Art. 19 (seed 002, the rules on resignation): "In
  the event of resignation or vacancy in any position, it will be filled by another representative
  from the same subregion through an election procedure."
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.domain.reasons import Reason

CONFLICTS = (1, 2, 3, 4, 5)  # the five conflicts of interest of the 2021 rules, by number
NOMINATING_ROLES = ("representative", "member", "chair", "secretary")
_DAYS = re.compile(r"^(?P<days>\d{1,6})(?: (?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d))?$")
_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class PersonFacts:
    role: str
    als_id: str | None
    subregion: str | None  # of the person's ALS
    nationality: str | None
    als_eligible_for_office: bool = False


@dataclass(frozen=True)
class Seat:
    """The position being filled, and where the rotation table puts it this year."""

    position: str
    rotation_subregion: str
    alac: bool = False
    sitting_alac_als: str | None = None  # the other ALAC member's ALS and nationality
    sitting_alac_nationality: str | None = None


def rotation_subregion(
    rotation: Mapping[int, Mapping[str, str]], position: str, year: int, vacancy: bool = False
) -> str | None:
    """The sub-region `position` is filled from in `year` (None: the table does not say).

    `rotation` is year -> position -> sub-region. A vacancy with no election of its own that year
    is filled from the sub-region of the position's last election up to then (art. 19)."""
    subregion = rotation.get(year, {}).get(position)
    if subregion is not None or not vacancy:
        return subregion
    past = [y for y, row in rotation.items() if y <= year and position in row]
    return rotation[max(past)][position] if past else None


def continue_rotation(
    rotation: Mapping[int, Mapping[str, str]], position: str, year: int, subregions: Sequence[str]
) -> str | None:
    """The sub-region that continues the table's cycle for `position` in a year it has no row for
    (a proposal: the Secretariat confirms it before the round is announced).

    The rotation visits every sub-region once before repeating (Operating Principles 7.2.a): while
    some sub-region has not had the seat, the first of them in the region's order; after that, the
    one that had it a full cycle ago. None when the table never names the position."""
    past = [row[position] for y, row in sorted(rotation.items()) if y < year and position in row]
    if not past:
        return None
    unvisited = [code for code in subregions if code not in past]
    if unvisited:
        return unvisited[0]
    return past[len(past) - len(subregions)]


def closing_moment(text: str, now: datetime) -> datetime | None:
    """When nominations close, as the Secretariat writes it: a number of days from today, or a
    date; either closes at 23:59 UTC of that day unless a time is given ("2026-12-15 18:00", UTC
    unless it carries an offset). None when it cannot be read."""
    text = text.strip()
    days = _DAYS.match(text)
    if days:
        if not 0 < int(days["days"]) <= 366:
            return None
        day = (now.astimezone(UTC) + timedelta(days=int(days["days"]))).date()
        at = time(int(days["h"]), int(days["m"])) if days["h"] else time(23, 59)
        return datetime.combine(day, at, UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_provisional(nominator: PersonFacts, candidate: PersonFacts, seat: Seat) -> bool:
    """Nomination process 2: a candidate from outside the seat's sub-region, nominated by someone
    of that sub-region's ALSs; judged at the close (`exception_refused`)."""
    return (
        candidate.subregion != seat.rotation_subregion
        and nominator.subregion == seat.rotation_subregion
    )


def exception_refused(states: Sequence[tuple[str, bool]]) -> bool:
    """At the close, whether the provisional nominations fall: (state, provisional) of every
    nomination; they fall when a candidate from the sub-region itself reached `valid`."""
    return any(state == "valid" and not provisional for state, provisional in states)


def check_nomination(
    nominator: PersonFacts,
    candidate: PersonFacts,
    seat: Seat,
    period_open: bool,
) -> list[Reason]:
    """Why this nomination is refused; empty when it may be recorded (pending acceptance)."""
    reasons: list[Reason] = []
    if not period_open:
        reasons.append(Reason("nominations.refused.closed", {"position": seat.position}))
    if nominator.role not in NOMINATING_ROLES:
        reasons.append(Reason("nominations.refused.nominator_observer"))
    if candidate.role == "observer" or candidate.als_id is None:
        reasons.append(Reason("nominations.refused.candidate_not_member"))
        return reasons
    if candidate.subregion != seat.rotation_subregion and not is_provisional(
        nominator, candidate, seat
    ):
        reasons.append(
            Reason("nominations.refused.wrong_subregion", {"subregion": seat.rotation_subregion})
        )
    if not candidate.als_eligible_for_office:
        reasons.append(Reason("nominations.refused.als_inactive", {"als": candidate.als_id}))
    if seat.alac:
        if seat.sitting_alac_als and candidate.als_id == seat.sitting_alac_als:
            reasons.append(Reason("nominations.refused.alac_same_als"))
        if (
            seat.sitting_alac_nationality
            and candidate.nationality
            and candidate.nationality == seat.sitting_alac_nationality
        ):
            reasons.append(
                Reason(
                    "nominations.refused.alac_same_nationality",
                    {"nationality": candidate.nationality},
                )
            )
    return reasons


def check_acceptance(soi_url: str | None, declarations: Mapping[int, bool]) -> list[Reason]:
    """A candidacy is valid once the candidate links a statement of interest and declares, one by
    one, none of the five conflicts (True in `declarations` means "I have this conflict")."""
    reasons: list[Reason] = []
    if not soi_url or not _URL.match(soi_url.strip()):
        reasons.append(Reason("nominations.acceptance.soi_missing"))
    missing = [n for n in CONFLICTS if n not in declarations]
    if missing:
        reasons.append(Reason("nominations.acceptance.declarations_missing", {"numbers": missing}))
    declared = [n for n in CONFLICTS if declarations.get(n)]
    if declared:
        reasons.append(Reason("nominations.acceptance.conflict", {"numbers": declared}))
    return reasons


class Outcome(enum.StrEnum):
    VACANT = "vacant"  # nobody: a new call for nominations
    ACCLAMATION = "acclamation"  # one candidate, elected without a vote
    SINGLE_CANDIDATE_POLL = "single-candidate-poll"  # one candidate for an ALAC seat (seed 004)
    ELECTION = "election"


SINGLE_CANDIDATE_READINGS = ("acclamation", "alac-poll")


def close_period(
    valid_candidates: int, alac: bool, single_candidate: str = "acclamation"
) -> Outcome:
    """Nomination process 3: one valid candidate is elected by acclamation; under the `alac-poll`
    reading (seed 004) an ALAC seat's single candidate goes to a poll instead."""
    if valid_candidates == 0:
        return Outcome.VACANT
    if valid_candidates == 1:
        poll = alac and single_candidate == "alac-poll"
        return Outcome.SINGLE_CANDIDATE_POLL if poll else Outcome.ACCLAMATION
    return Outcome.ELECTION
