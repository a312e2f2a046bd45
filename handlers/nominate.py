"""Nominations by message: nominate, accept, declare, decline, withdraw (2021 elections rules,
seed 002; the rules are bot/domain/nominations.py, the flow bot/services/nominations.py)."""

from __future__ import annotations

import re

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.errors import RuleViolation
from bot.i18n import render, t
from bot.services import nominations as service
from bot.store import roster as roster_store

MENTION = re.compile(r"^<@([A-Z0-9]+)(\|[^>]*)?>$")
YES = {"yes", "si", "sí", "sim", "oui", "y"}
NO = {"no", "nao", "não", "non", "n"}


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args, verb = event.member, event.command.args, event.command.verb
    assert member is not None
    try:
        if verb == "nominate":
            if len(args) < 2:
                return t("nominations.usage.nominate", lang)
            candidate = await _candidate(deps, args[0])
            if candidate is None:
                return t("nominations.unknown_candidate", lang, who=args[0])
            await service.nominate(
                deps.store,
                deps.region,
                deps.settings,
                member,
                candidate,
                args[1].lower(),
                deps.clock(),
            )
            return t("nominations.recorded", lang, name=candidate.name, position=args[1].lower())
        if not args:
            return t(f"nominations.usage.{verb}", lang)
        position = args[0].lower()
        if verb == "accept":
            missing = await service.accept(
                deps.store, member, position, args[1] if len(args) > 1 else "", deps.clock()
            )
            return _progress(missing, lang, position)
        if verb == "declare":
            if len(args) < 3 or not args[1].isdigit() or args[2].lower() not in YES | NO:
                return t("nominations.usage.declare", lang)
            missing = await service.declare(
                deps.store, member, position, int(args[1]), args[2].lower() in YES, deps.clock()
            )
            return _progress(missing, lang, position)
        state = "declined" if verb == "decline" else "withdrawn"
        await service.step_back(deps.store, member, position, state, deps.clock())
        return t(f"nominations.{state}", lang, position=position)
    except RuleViolation as exc:
        return t("nominations.refused_prefix", lang, why=render(exc.reason, lang))


async def _candidate(deps: Deps, who: str) -> roster_store.Member | None:
    mention = MENTION.match(who)
    if mention:
        return await roster_store.member_by(deps.store, "slack_id", mention.group(1))
    return await roster_store.member_by_address(deps.store, who.strip("<>").lower())


def _progress(missing: list, lang: str, position: str) -> str:  # type: ignore[type-arg]
    if not missing:
        return t("nominations.valid", lang, position=position)
    return "\n".join(
        [t("nominations.still_missing", lang)] + [f"• {render(r, lang)}" for r in missing]
    )
