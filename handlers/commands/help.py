"""`/lacralo help` (ayuda, ajuda, aide), and the answer to anything not understood: every command
the asker may run, with its words in the asker's language and an example, built from the specs."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience, bare
from bot.i18n import t
from bot.store.roster import Member
from handlers.commands.event import CommandEvent
from handlers.commands.registry import specs, word_list
from handlers.commands.spec import CommandSpec

# Commands for everyone come first; those of a role under a heading that names it.
SECTIONS = (
    ((Audience.EVERYONE, Audience.MEMBER), None),
    ((Audience.REPRESENTATIVE,), "commands.help.section.representative"),
    ((Audience.SECRETARIAT,), "commands.help.section.secretariat"),
)


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    lines = []
    command = event.command
    if not command.understood:
        # Never echo a stranger's words: a forged From: would make the bot carry them to
        # whoever it names (issue 15).
        if event.member is None:
            lines.append(t("commands.not_understood_unquoted", lang))
        else:
            lines.append(t("commands.not_understood", lang, said=command.said[:80]))
        if command.suggestion:
            lines.append(t("commands.did_you_mean", lang, verb=command.suggestion))
    lines.append(t("commands.help.intro", lang))
    for audiences, heading in SECTIONS:
        shown = [s for s in specs().values() if s.audience in audiences and _runs(s, event.member)]
        if shown and heading:
            lines.append(t(heading, lang))
        for spec in sorted(shown, key=lambda s: bare(word_list(s.words_key, lang)[0])):
            lines.append(_line(spec, lang))
    if event.member is None:  # the list is what they may run once in the roster: say so
        lines.append(t("commands.help.stranger", lang))
    return "\n".join(lines)


def _runs(spec: CommandSpec, member: Member | None) -> bool:
    """What the asker may run; a stranger is shown what a member may, once added to the roster."""
    if member is None:
        return spec.audience in (Audience.EVERYONE, Audience.MEMBER)
    return spec.allows(member)


def _line(spec: CommandSpec, lang: str) -> str:
    """The command's words, arguments and use; then an example, unless it is the bare word."""
    first, *others = word_list(spec.words_key, lang)
    line = f"• /lacralo {first} {t(spec.args_key, lang)}— {t(spec.help_key, lang)}"
    if others:
        line += " " + t("commands.help.also", lang, words=", ".join(others))
    example = t(spec.example_key, lang)
    if example == first:
        return line
    return line + "\n    " + t("commands.help.for_example", lang, example=example)


SPEC = CommandSpec(
    verb="help",
    words_key="commands.words.help",
    help_key="commands.help.does.help",
    args_key="commands.help.args.help",
    example_key="commands.help.examples.help",
    audience=Audience.EVERYONE,
    changes_state=False,
    handler=handle,
)
