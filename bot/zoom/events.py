"""Call events as the handlers receive them, whatever the transport (webhook or report)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

# No Zoom call lasts longer than this (Zoom ends every meeting after 30 hours): a longer one, or a
# join that stayed longer, is nonsense in the data.
LONGEST_CALL = timedelta(hours=30)


@dataclass(frozen=True)
class CallJoin:
    meeting_id: str  # the Zoom meeting number, digits only
    name: str  # display name as shown in the call
    email: str | None
    joined_at: datetime  # UTC
    duration_s: int | None = None  # known when a report gives it


@dataclass(frozen=True)
class CallLeave:
    meeting_id: str
    name: str
    email: str | None
    left_at: datetime


@dataclass(frozen=True)
class CallStarted:
    """Zoom's `meeting.started`: a call with that number began (it does not say who attended)."""

    meeting_id: str
    started_at: datetime  # UTC


@dataclass(frozen=True)
class CallEnded:
    """Zoom's `meeting.ended`: one occurrence of a (perhaps recurring) meeting number is over."""

    meeting_id: str
    started_at: datetime  # UTC; finds the registered meeting among those sharing the number
    ended_at: datetime  # UTC


def normalise_meeting_id(value: object) -> str:
    """'852 1848 6288', '852-1848-6288', 85218486288 -> '85218486288'. Digits of any script are
    the ASCII digits they stand for ('８５２…' -> '852…'); anything but a string or a whole number
    (an object, a list, a float, a boolean) is no id: ''."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return "".join(str(unicodedata.decimal(ch)) for ch in str(value) if ch.isdecimal())
