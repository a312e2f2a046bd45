"""Confirming proxy notices to both ALSs and the Secretariat (Rules of Procedure 1.5)."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps, iso
from bot.services.outbox import queue_for
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from bot.texts import notices


async def confirm(deps: Deps, giver: str, holder: str | None, what: str, now: datetime) -> int:
    """Queue the confirmation of a proxy given or revoked; returns how many messages were queued."""
    conn = deps.store
    people = await roster_store.people_by_als(conn)
    giver_als = await roster_store.get_als(conn, giver)
    langs = notices.languages_for(
        giver_als.language if giver_als else "es", deps.region.announcement_languages
    )
    payload = notices.proxy_notice(giver, holder, what, langs, deps.region.ralo, now)
    recipients: list[tuple[str | None, str | None]] = []
    for als in (giver, holder):
        recipients += roster_store.representatives(people, als)
    recipients += roster_store.secretariat(people)
    async with transaction(conn):
        return await queue_for(
            conn, deps.settings, f"proxy:{what}:{giver}:{iso(now)}", recipients, payload, now
        )
