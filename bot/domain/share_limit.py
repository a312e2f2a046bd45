"""How often a member may share an activity for the monthly digest (issue 20, point 6).

Seed 001 (Communications WG plan) asks for a newsletter between ALSs with the activities they
share; the digest goes to every list and the channel, so one member must not be able to fill it.
A few shares a day is more than any ALS's real activities need: `SHARES_PER_DAY` in any 24 hours,
counted over a rolling window so a burst at midnight does not double the allowance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

SHARES_PER_DAY = 5
WINDOW = timedelta(hours=24)


def next_share_at(
    recent: Sequence[datetime], now: datetime, limit: int = SHARES_PER_DAY
) -> datetime | None:
    """None when the member may share now; else the moment they may again: when the oldest of
    the last `limit` shares in the window leaves it."""
    inside = sorted(t for t in recent if now - WINDOW < t <= now)
    if len(inside) < limit:
        return None
    return inside[len(inside) - limit] + WINDOW
