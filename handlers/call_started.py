"""Zoom said a call started: logged, so the Secretariat sees a call that fits no registered meeting
while it is on. It marks nothing: a call counts as held, with its attendance known, only once Zoom
says it ended or the Secretariat records who attended (Rules of Procedure, auxiliary rule to
Rule 1, seed 003; issue 13)."""

from __future__ import annotations

import logging

from bot.deps import Deps, iso
from bot.i18n import t
from bot.services.calls import started_meeting
from bot.zoom.events import CallStarted

log = logging.getLogger("lacralo_bot.call_started")


async def handle(deps: Deps, event: CallStarted) -> int | None:
    """The registered meeting it belongs to, if any."""
    meeting_id = await started_meeting(deps.store, event)
    outcome = "started" if meeting_id is not None else "started_no_meeting"
    text = t(
        f"zoom.log.{outcome}",
        deps.settings.language,
        id=meeting_id,
        meeting=event.meeting_id,
        started=iso(event.started_at),
    )
    log.info(text)
    return meeting_id
