"""How long each join of one person in one call lasted, from the leaves Zoom sent.

Zoom sends `meeting.participant_joined` and `meeting.participant_left` separately, retries those
it could not deliver, and does not promise their order: a leave can arrive before its join, or
after `meeting.ended`. So the pairing is made from everything known so far, each time either side
arrives: a join lasted until the first leave at or after it that comes before the person's next
join. A join with no such leave has no duration yet (still in the call, or the leave is to come).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime

from bot.zoom.events import LONGEST_CALL


def pair(joins: Sequence[datetime], leaves: Sequence[datetime]) -> list[int | None]:
    """For each join (in the order given), its duration in whole seconds, or None."""
    ordered_joins = sorted(joins)
    ordered_leaves = sorted(leaves)
    durations: list[int | None] = []
    for joined in joins:
        at = bisect_left(ordered_leaves, joined)
        if at == len(ordered_leaves):
            durations.append(None)
            continue
        left = ordered_leaves[at]
        rejoined = ordered_joins[bisect_left(ordered_joins, joined) + 1 :]
        if rejoined and rejoined[0] <= left or left - joined > LONGEST_CALL:
            # That leave belongs to a later join; this one's leave never came. A stay longer than
            # Zoom's longest call is another call's leave under the same recurring number.
            durations.append(None)
        else:
            durations.append(round((left - joined).total_seconds()))
    return durations
