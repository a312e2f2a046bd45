"""`/lacralo proxy ALS-ID` and `/lacralo revoke`: proxy notices by message.

Rules of Procedure 1.5 (seed 003): an accredited ALS may vote by proxy through another accredited
ALS, the Secretariat notified before the vote; 1.6: one ALS receives at most one proxy. Only a
representative acts for an ALS (Rule 1.1). The notice is confirmed to both ALSs and the Secretariat.
"""

from __future__ import annotations

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.errors import RuleViolation
from bot.i18n import render, t
from bot.services import elections as election_service
from bot.services import proxy_notices
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
    try:
        await election_service.record_proxy(
            deps.store,
            deps.region,
            member.als_id,
            holder,
            now,
            None,
            f"{event.channel}:{member.email}",
        )
    except RuleViolation as exc:
        return t("commands.proxy.refused", lang, why=render(exc.reason, lang))
    await proxy_notices.confirm(deps, member.als_id, holder, "given", now)
    return t("commands.proxy.recorded", lang, giver=member.als_id, holder=holder)


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
