"""Zoom said a call ended: from then its attendance is known, so an ALS absent from it missed it
(Rules of Procedure, auxiliary rule to Rule 1, seed 003; issue 13: only known attendance counts)."""

from __future__ import annotations

import logging

from bot.deps import Deps, iso
from bot.i18n import t
from bot.services.calls import EndOutcome, EndRecorded, record_end
from bot.zoom.events import CallEnded

log = logging.getLogger("lacralo_bot.call_ended")


async def handle(deps: Deps, event: CallEnded) -> EndRecorded:
    """Returns once the end is committed (or found to be known already, or to fit no meeting)."""
    recorded = await record_end(deps.store, event, deps.clock())
    # A call that fits no registered meeting is news for the Secretariat; a retry is routine.
    level = logging.DEBUG if recorded.outcome is EndOutcome.DUPLICATE else logging.INFO
    if log.isEnabledFor(level):
        text = t(
            f"zoom.log.ended_{recorded.outcome.value}",
            deps.settings.language,
            id=recorded.meeting_id,
            meeting=event.meeting_id,
            started=iso(event.started_at),
            ended=iso(event.ended_at),
        )
        log.log(level, text)
    return recorded
