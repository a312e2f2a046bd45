"""Confirming proxy notices to both ALSs and the Secretariat (Rules of Procedure 1.5), each
person in their own language (issue 18: every direct message in the person's language)."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps, iso
from bot.services.outbox import queue_for
from bot.services.roster import languages_by_email, region_default_language
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from bot.texts import notices


async def confirm(deps: Deps, giver: str, holder: str | None, what: str, now: datetime) -> int:
    """Queue the confirmation of a proxy given or revoked; returns how many messages were queued."""
    conn = deps.store
    people = await roster_store.people_by_als(conn)
    recipients: list[tuple[str | None, str | None]] = []
    for als in (giver, holder):
        recipients += roster_store.representatives(people, als)
    recipients += roster_store.secretariat(people)
    language_of = await languages_by_email(conn, deps.region)
    default = region_default_language(deps.region)
    by_language: dict[str, list[tuple[str | None, str | None]]] = {}
    for email, slack in dict.fromkeys(recipients):
        lang = language_of.get(email or "", default)
        by_language.setdefault(lang, []).append((email, slack))
    key = f"proxy:{what}:{giver}:{iso(now)}"  # queue_for adds each recipient to it
    queued = 0
    async with transaction(conn):
        for lang, group in by_language.items():
            payload = notices.proxy_notice(giver, holder, what, [lang], deps.region.ralo, now)
            queued += await queue_for(conn, deps.settings, key, group, payload, now)
    return queued
