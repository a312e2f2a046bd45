"""`/lacralo revoke`: the ALS takes its proxy back, until its vote starts (Rules of Procedure 1.5,
seed 003). Both ALSs and the Secretariat are told."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import elections as election_service
from bot.services import proxy_notices
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member = event.member
    assert member is not None and member.als_id is not None  # a representative (the spec)
    now = deps.clock()
    revoked = await election_service.revoke_proxy(
        deps.store, member.als_id, now, event.actor, by=member
    )
    if not revoked:
        return t("proxies.none_to_revoke", lang, giver=member.als_id)
    await proxy_notices.confirm(deps, member.als_id, None, "revoked", now)
    return t("proxies.revoked", lang, giver=member.als_id)


SPEC = CommandSpec(
    verb="revoke",
    words_key="commands.words.revoke",
    help_key="commands.help.does.revoke",
    args_key="commands.help.args.revoke",
    example_key="commands.help.examples.revoke",
    audience=Audience.REPRESENTATIVE,
    changes_state=True,
    handler=handle,
    refused_key="commands.proxy.refused",
)
