"""`/lacralo nominate @person position`: any member nominates a member of an ALS (2021 elections
rules, seed 002, nomination process 1; the rules are bot/domain/nominations.py)."""

from __future__ import annotations

import re

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import candidacies
from bot.store import roster as roster_store
from bot.texts.nominations import position_name
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position
from handlers.commands.spec import CommandSpec

MENTION = re.compile(r"^<@([A-Z0-9]+)(\|[^>]*)?>$")


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if len(args) < 2:
        return t("nominations.usage.nominate", lang)
    candidate = await _candidate(deps, args[0])
    if candidate is None:
        return t("nominations.unknown_candidate", lang, who=args[0])
    named = await read_position(deps, args[1:], lang)
    if isinstance(named, str):
        return named
    provisional = await candidacies.nominate(
        deps.store, deps.region, deps.settings, member, candidate, named.code, deps.clock()
    )
    position = position_name(deps.region, named.code, lang)
    answer = t("nominations.recorded", lang, name=candidate.name, position=position)
    return answer + ("\n" + t("nominations.provisional", lang) if provisional else "")


async def _candidate(deps: Deps, who: str) -> roster_store.Member | None:
    """A Slack mention (<@U123|name>) or an e-mail address, as the nominator wrote it."""
    mention = MENTION.match(who)
    if mention:
        return await roster_store.member_by(deps.store, "slack_id", mention.group(1))
    return await roster_store.member_by_address(deps.store, who.strip("<>").lower())


SPEC = CommandSpec(
    verb="nominate",
    words_key="commands.words.nominate",
    help_key="commands.help.does.nominate",
    args_key="commands.help.args.nominate",
    example_key="commands.help.examples.nominate",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
