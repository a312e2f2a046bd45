"""What the candidate's commands share: the answer listing what the candidacy still lacks before
it is valid (accept, declare; Operating Principles 7.1.a), and stepping back from a nomination
(decline, withdraw; 2021 elections rules, seed 002). A helper: it declares no command."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.services import candidacies
from bot.texts.nominations import accept_example, conflicts, position_name
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position

STEPPED_BACK = {"decline": "declined", "withdraw": "withdrawn"}  # verb -> the nomination's state


def progress(deps: Deps, missing: list[Reason], lang: str, position: str) -> str:
    """Valid; or what is missing, with the five conflicts spelled out while they are undeclared,
    and what a declared conflict means for the candidate."""
    name = position_name(deps.region, position, lang)
    if not missing:
        return t("nominations.valid", lang, position=name)
    lines = [t("nominations.still_missing", lang)] + [f"• {render(r, lang)}" for r in missing]
    keys = {r.key for r in missing}
    if "nominations.acceptance.conflict" in keys:
        lines.append(t("nominations.conflict_means", lang))
    elif "nominations.acceptance.declarations_missing" in keys:
        lines += ["", *conflicts(lang), "", accept_example(deps.region, position, lang)]
    return "\n".join(lines)


async def step_back(deps: Deps, event: CommandEvent, verb: str) -> str:
    """The candidate declines (before accepting) or withdraws (after); only the candidate."""
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if not args:
        return t(f"nominations.usage.{verb}", lang)
    named = await read_position(deps, args, lang)
    if isinstance(named, str):
        return named
    state = STEPPED_BACK[verb]
    await candidacies.step_back(
        deps.store, deps.region, deps.settings, member, named.code, state, deps.clock(), by=member
    )
    return t(f"nominations.{state}", lang, position=position_name(deps.region, named.code, lang))
