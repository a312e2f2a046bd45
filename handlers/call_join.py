"""Someone joined or left a call: participation of their ALS (Rules of Procedure, auxiliary rule to
Rule 1, seed 003: missing three consecutive monthly calls makes an ALS inactive)."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.i18n import t
from bot.services.calls import JoinOutcome, JoinRecorded, record_join, record_leave
from bot.zoom.events import CallJoin, CallLeave

log = logging.getLogger("lacralo_bot.call_join")


async def handle(deps: Deps, event: CallJoin | CallLeave) -> JoinRecorded | bool:
    """Returns once the join (or the leave's duration) is committed."""
    if isinstance(event, CallLeave):
        return await record_leave(deps.store, event, deps.clock())
    recorded = await record_join(deps.store, event, deps.clock())
    # Who could not be matched is news for the Secretariat; the rest is routine.
    routine = recorded.outcome in (JoinOutcome.MATCHED, JoinOutcome.DUPLICATE)
    level = logging.DEBUG if routine else logging.INFO
    if log.isEnabledFor(level):
        text = t(
            f"zoom.log.{recorded.outcome.value}",
            deps.settings.language,
            name=event.name,
            meeting=event.meeting_id,
        )
        log.log(level, text)
    return recorded
