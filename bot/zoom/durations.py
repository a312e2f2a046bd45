"""How long each join of one person in one call lasted, from the leaves Zoom sent.

Zoom sends `meeting.participant_joined` and `meeting.participant_left` separately, retries those
it could not deliver, and does not promise their order: a leave can arrive before its join, or
after `meeting.ended`. So the pairing is made from everything known so far, each time either side
arrives: a join lasted until the first leave at or after it, not paired with an earlier join, that
comes no later than the person's next join. A join with no such leave has no duration yet (still
in the call, or the leave is to come).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime

from bot.zoom.events import LONGEST_CALL


def pair(joins: Sequence[datetime], leaves: Sequence[datetime]) -> list[int | None]:
    """For each join (in the order given), its duration in whole seconds, or None.

    Joins are taken in time order, each with the first leave not used yet at or after it, so a
    leave pairs with one join only. A leave may fall in the very second of the next join: Zoom
    sends both when a connection drops and comes back at once; that leave is the earlier join's
    (it used to leave that join without a duration and give the next one none, 0 s)."""
    order = sorted(range(len(joins)), key=lambda i: joins[i])
    pool = sorted(set(leaves))  # Zoom retries a leave it could not deliver: one leave still
    durations: list[int | None] = [None] * len(joins)
    unused = 0  # leaves before this one are paired already
    for rank, index in enumerate(order):
        joined = joins[index]
        at = max(unused, bisect_left(pool, joined))
        if at == len(pool):
            continue
        left = pool[at]
        following = joins[order[rank + 1]] if rank + 1 < len(order) else None
        if following is not None and left > following or left - joined > LONGEST_CALL:
            # That leave belongs to a later join; this one's leave never came. A stay longer than
            # Zoom's longest call is another call's leave under the same recurring number.
            continue
        durations[index] = round((left - joined).total_seconds())
        unused = at + 1
    return durations
