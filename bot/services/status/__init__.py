"""Status use cases (Rules of Procedure, auxiliary rule to Rule 1, seed 003): every ALS's status
on a date (reading.py), and the daily refresh (refresh.py) that records what changed -- today's
state, past changes found later, corrections of earlier judgements (record.py) -- and queues the
notices."""

from bot.domain.status import AlsStatus
from bot.services.status.reading import (
    history_rows,
    policy_of,
    recorded_until,
    records_start,
    statuses,
)
from bot.services.status.record import Correction
from bot.services.status.refresh import RefreshReport, refresh

__all__ = [
    "AlsStatus",
    "Correction",
    "RefreshReport",
    "history_rows",
    "policy_of",
    "recorded_until",
    "records_start",
    "refresh",
    "statuses",
]
