"""The Secretariat's nomination commands: open a period (or one for a vacancy), close it, list the
nominations."""

from __future__ import annotations

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.domain.roster import SECRETARIAT
from bot.errors import RuleViolation
from bot.i18n import format_value, render, t
from bot.services import nominations as service
from bot.store import nominations as store

DEFAULT_DAYS = 14


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args, verb = event.member, event.command.args, event.command.verb
    if member is None or member.role not in SECRETARIAT:
        return t("nominations.secretariat_only", lang)
    if verb == "nominations":
        rows = await store.listing(deps.store)
        if not rows:
            return t("nominations.none", lang)
        return "\n".join(
            f"• {r['position']} {r['year']}: {r['candidate']} ({r['als_id']}) — "
            f"{t('nominations.state.' + r['state'], lang)}"
            for r in rows
        )
    if not args:
        return t(f"nominations.usage.{verb}", lang)
    position = args[0].lower()
    actor = f"{event.channel}:{member.email}"
    try:
        if verb in ("open", "vacancy"):
            days = int(args[1]) if len(args) > 1 and args[1].isdigit() else DEFAULT_DAYS
            until = await service.open_period(
                deps.store,
                deps.region,
                position,
                deps.clock(),
                days,
                actor,
                vacancy=verb == "vacancy",
            )
            return t("nominations.opened", lang, position=position, until=format_value(until, lang))
        outcome, names = await service.close_period(
            deps.store, deps.region, deps.settings, position, deps.clock(), actor
        )
        return t(
            f"nominations.outcome.{outcome.value}", lang, position=position, names=", ".join(names)
        )
    except RuleViolation as exc:
        return t("nominations.refused_prefix", lang, why=render(exc.reason, lang))
