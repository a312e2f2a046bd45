"""`/lacralo declare position 1-5 no|yes`: the candidate declares, one by one, whether they have
each of the five conflicts of interest (Operating Principles 7.1.a). "yes" means "I have it"; the
words for yes and no are in the locales, and any language's are understood."""

from __future__ import annotations

from functools import cache

from bot.deps import Deps
from bot.domain.commands import Audience, bare
from bot.i18n import t
from bot.services import candidacies
from handlers.commands.candidacy import progress
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position
from handlers.commands.registry import any_language
from handlers.commands.spec import CommandSpec


@cache
def answers() -> dict[str, bool]:
    """Every word for yes (True) or no (False), in the four languages."""
    no = dict.fromkeys(any_language("commands.answers.negative"), False)
    return no | dict.fromkeys(any_language("commands.answers.affirmative"), True)


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    named = await read_position(deps, args, lang) if args else t("nominations.usage.declare", lang)
    if isinstance(named, str):
        return named
    rest = named.rest
    if len(rest) < 2 or not rest[0].isdigit() or bare(rest[1]) not in answers():
        return t("nominations.usage.declare", lang)
    number, has_conflict = int(rest[0]), answers()[bare(rest[1])]
    missing = await candidacies.declare(
        deps.store,
        deps.region,
        deps.settings,
        member,
        named.code,
        number,
        has_conflict,
        deps.clock(),
        by=member,
    )
    return progress(deps, missing, lang, named.code)


SPEC = CommandSpec(
    verb="declare",
    words_key="commands.words.declare",
    help_key="commands.help.does.declare",
    args_key="commands.help.args.declare",
    example_key="commands.help.examples.declare",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
