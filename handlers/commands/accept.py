"""`/lacralo accept position LINK none`: the candidate accepts with a link to their statement of
interest and, in the same message, declares none of the five conflicts of interest (Operating
Principles 7.1.a; the word for "none" in any language). Without that word the nomination stays
accepted with declarations pending, and the answer lists the five conflicts."""

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
def none_words() -> frozenset[str]:
    """Every word that declares none of the conflicts ("none", "ninguno", "nenhum", "aucun")."""
    return any_language("commands.answers.no_conflicts")


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if not args:
        return t("nominations.usage.accept", lang)
    named = await read_position(deps, args, lang)
    if isinstance(named, str):
        return named
    words = [w for w in named.rest if bare(w) not in none_words()]
    no_conflicts = len(words) < len(named.rest)
    link = words[0] if words else ""
    missing = await candidacies.accept(
        deps.store,
        deps.region,
        deps.settings,
        member,
        named.code,
        link,
        deps.clock(),
        no_conflicts=no_conflicts,
        by=member,
    )
    return progress(deps, missing, lang, named.code)


SPEC = CommandSpec(
    verb="accept",
    words_key="commands.words.accept",
    help_key="commands.help.does.accept",
    args_key="commands.help.args.accept",
    example_key="commands.help.examples.accept",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
