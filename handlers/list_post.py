"""A post to a mailing list: participation of its author's ALS.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): ALSs take part "in the mailing lists of the
different working groups"; a post counts for the ALS of the person who wrote it.

Issue 20, point 5: only a post the list really sent counts: one a trusted relay delivered
(`LACRALO_SMTP_TRUSTED_NETWORKS`), or one with a valid DKIM signature of its list's domain. Any
other is held for the Secretariat's review (`participation held`), stored before it is answered.
"""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.i18n import t
from bot.mail import dkim_check
from bot.mail.post import ListPost
from bot.services.participation import Outcome, Recorded, record_list_post

log = logging.getLogger("lacralo_bot.list_post")


async def handle(
    deps: Deps, post: ListPost, *, raw: bytes, peer: str | None, trusted: bool
) -> Recorded:
    """Record the post (or hold it); returns once it is committed to the database."""
    hold = None
    if not trusted:
        verdict = await dkim_check.verify(raw, post.list_id or "")
        hold = None if verdict is dkim_check.Verdict.VALID else verdict.value
    recorded = await record_list_post(deps.store, deps.region, post, deps.clock(), hold, peer)
    # Unmatched senders are news for the Secretariat; the rest is routine, kept to DEBUG so a busy
    # list does not fill the log (and the text is only built when it is written). Held posts too:
    # anyone can send them, so a flood of forgeries must not become a flood of log lines (issue
    # 20, point 3); `participation held` and `lists` show them.
    level = logging.INFO if recorded.outcome is Outcome.UNMATCHED else logging.DEBUG
    if log.isEnabledFor(level):
        address, list_id = recorded.author.address, recorded.list_id
        lang = deps.settings.language
        if recorded.outcome is Outcome.HELD:
            why = t(f"participation.held.reason.{hold}", lang, peer=peer or "?")
            text = t("participation.held.log", lang, address=address, list_id=list_id, why=why)
        else:
            text = t(f"mail.log.{recorded.outcome.value}", lang, address=address, list_id=list_id)
        log.log(level, text)
    return recorded
