"""A post to a mailing list: participation of its author's ALS.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): ALSs take part "in the mailing lists of the
different working groups"; a post counts for the ALS of the person who wrote it.
"""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.i18n import t
from bot.mail.post import ListPost
from bot.services.participation import Outcome, Recorded, record_list_post

log = logging.getLogger("lacralo_bot.list_post")


async def handle(deps: Deps, post: ListPost) -> Recorded:
    """Record the post; returns once the event is committed to the database."""
    recorded = await record_list_post(deps.store, deps.region, post, deps.clock())
    # Unmatched senders are news for the Secretariat; the rest is routine, kept to DEBUG so a busy
    # list does not fill the log (and the text is only built when it will be written).
    level = logging.INFO if recorded.outcome is Outcome.UNMATCHED else logging.DEBUG
    if log.isEnabledFor(level):
        key = f"mail.log.{recorded.outcome.value}"
        text = t(
            key, deps.settings.language, address=recorded.author.address, list_id=recorded.list_id
        )
        log.log(level, text)
    return recorded
