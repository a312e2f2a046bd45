"""Announcements by the Secretariat, to the announcement channel and list, in each language given
(English and Spanish at least)."""

from __future__ import annotations

import hashlib
from datetime import datetime

import aiosqlite

from bot.deps import iso
from bot.region import Region
from bot.services import roster as roster_service
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store.transaction import transaction

ORDER = ("en", "es", "pt", "fr")


async def announce(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    texts: dict[str, str],
    now: datetime,
    actor: str,
) -> int:
    """Queue the announcement once (the same texts give the same key); audited."""
    given = {lang: texts[lang].strip() for lang in ORDER if texts.get(lang, "").strip()}
    body = "\n\n-----\n\n".join(given.values())
    first_line = next(iter(given.values())).splitlines()[0][:120]
    payload = {
        "kind": "announcement",
        "subject": f"{region.ralo}: {first_line}",
        "text": body,
        "parts": given,  # a list of one language gets its own text (issue 18)
        "subjects": {
            lang: f"{region.ralo}: {text.splitlines()[0][:120]}" for lang, text in given.items()
        },
    }
    key = "announce:" + hashlib.sha256(body.encode()).hexdigest()[:20]
    async with transaction(conn):
        await audit_log.append(
            conn, iso(now), actor, "announcement", key, {"languages": list(given)}
        )
        return await queue_for(
            conn,
            settings,
            key,
            announcement_channels(settings),
            payload,
            now,
        )


async def languages(conn: aiosqlite.Connection, region: Region) -> list[str]:
    """The languages an announcement to everyone is written in (issue 18): the region's
    announcement languages, and every language the roster's people read (French when members in
    Haiti read French), in the region's order."""
    present = await roster_service.roster_languages(conn, region)
    wanted = set(region.announcement_languages) | set(present)
    return [lang for lang in region.languages if lang in wanted]
