"""What the candidate's commands share: the answer listing what the candidacy still lacks before
it is valid (accept, declare; Operating Principles 7.1.a), and stepping back from a nomination
(decline, withdraw; 2021 elections rules, seed 002). A helper: it declares no command."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.services import candidacies
from handlers.commands.event import CommandEvent

STEPPED_BACK = {"decline": "declined", "withdraw": "withdrawn"}  # verb -> the nomination's state


def progress(missing: list[Reason], lang: str, position: str) -> str:
    if not missing:
        return t("nominations.valid", lang, position=position)
    return "\n".join(
        [t("nominations.still_missing", lang)] + [f"• {render(r, lang)}" for r in missing]
    )


async def step_back(deps: Deps, event: CommandEvent, verb: str) -> str:
    """The candidate declines (before accepting) or withdraws (after); only the candidate."""
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if not args:
        return t(f"nominations.usage.{verb}", lang)
    position, state = args[0].lower(), STEPPED_BACK[verb]
    await candidacies.step_back(deps.store, member, position, state, deps.clock(), by=member)
    return t(f"nominations.{state}", lang, position=position)
