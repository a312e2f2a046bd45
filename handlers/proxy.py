"""`/lacralo proxy ALS-ID` and `/lacralo revoke`: proxy notices by message.

Rules of Procedure 1.5 (seed 003): an accredited ALS may vote by proxy through another accredited
ALS, the Secretariat notified before the vote; 1.6: one ALS receives at most one proxy. Only a
representative acts for an ALS (Rule 1.1). The notice is confirmed to both ALSs and the Secretariat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import meeting_text
from bot.command_event import CommandEvent
from bot.deps import Deps, iso
from bot.errors import RuleViolation
from bot.i18n import format_value, render, t
from bot.services import elections as election_service
from bot.services import proxy_notices
from bot.store import meetings as meeting_store
from bot.store.roster import Member


def _representative(event: CommandEvent) -> Member | None:
    """The member, if a representative of an ALS (Rule 1.1): only they act for it."""
    member = event.member
    if member is None or member.role != "representative" or member.als_id is None:
        return None
    return member


async def handle_proxy(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member = _representative(event)
    if member is None or member.als_id is None:
        return t("commands.proxy.not_representative", lang)
    if not event.command.args:
        return t("commands.proxy.which", lang)
    holder = event.command.args[0].upper()
    now = deps.clock()
    meeting = await _for_which_vote(deps, event.command.args[1:], now)
    vote_at = datetime.fromisoformat(meeting["start_at"]) if meeting else None
    try:
        await election_service.record_proxy(
            deps.store,
            deps.region,
            member.als_id,
            holder,
            now,
            vote_at,
            f"{event.channel}:{member.email}",
            meeting["meeting_id"] if meeting else None,
        )
    except RuleViolation as exc:
        return t("commands.proxy.refused", lang, why=render(exc.reason, lang))
    await proxy_notices.confirm(deps, member.als_id, holder, "given", now)
    answer = t("commands.proxy.recorded", lang, giver=member.als_id, holder=holder)
    if meeting:
        title = meeting_text.title_of(meeting, lang, deps.region.ralo)
        answer += " " + t(
            "commands.proxy.for_meeting", lang, title=title, date=format_value(vote_at, lang)
        )
    return answer


async def _for_which_vote(
    deps: Deps, args: tuple[str, ...], now: datetime
) -> dict[str, Any] | None:
    """The meeting named by its number, or else the next assembly scheduled (Rule 1.5: a proxy is
    for a vote or an assembly); None when none is scheduled (a proxy for the next vote)."""
    if args and args[0].isdigit():  # a named meeting, even one already started: then too late
        every = await meeting_store.since(deps.store, "")
        return next((m for m in every if m["meeting_id"] == int(args[0])), None)
    upcoming = await meeting_store.since(deps.store, iso(now))
    return next((m for m in upcoming if m["kind"] == "assembly"), None)


async def handle_revoke(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member = _representative(event)
    if member is None or member.als_id is None:
        return t("commands.proxy.not_representative", lang)
    now = deps.clock()
    revoked = await election_service.revoke_proxy(
        deps.store, member.als_id, now, f"{event.channel}:{member.email}"
    )
    if not revoked:
        return t("proxies.none_to_revoke", lang, giver=member.als_id)
    await proxy_notices.confirm(deps, member.als_id, None, "revoked", now)
    return t("proxies.revoked", lang, giver=member.als_id)
