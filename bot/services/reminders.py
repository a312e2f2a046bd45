"""Meeting reminders through the outbox: never twice, never silently missed (issue 6); each says
the time actually left, and carries the meeting's passcode to Slack only (issue 18)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.deps import iso
from bot.domain.reminders import offset_label, parse_offsets, plan
from bot.i18n import LANGUAGES, t
from bot.region import Region
from bot.services import announcements
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import meetings as meeting_store
from bot.store import outbox as outbox_store
from bot.store.transaction import transaction
from bot.texts import meetings as meeting_text

log = logging.getLogger("lacralo_bot.reminders")


@dataclass
class ReminderRound:
    queued: int = 0
    dropped: int = 0


def languages(settings: Settings) -> list[str]:
    chosen = [x.strip() for x in settings.reminder_languages.split(",") if x.strip() in LANGUAGES]
    return list(dict.fromkeys(["en", "es", *chosen]))  # English and Spanish at least


async def languages_for(
    conn: aiosqlite.Connection, region: Region, settings: Settings
) -> list[str]:
    """Reminders go in `LACRALO_REMINDER_LANGUAGES` (English and Spanish at least) and in every
    language the roster's people read (issue 18: French once a French reader is listed)."""
    wanted = set(languages(settings)) | set(await announcements.languages(conn, region))
    return [lang for lang in LANGUAGES if lang in wanted]


async def run_reminders(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> ReminderRound:
    """Queue the reminders due now; record the ones too late to send as dropped, with a log line."""
    done = ReminderRound()
    channels = announcement_channels(settings)
    if not (settings.outbound_smtp_host and settings.announce_address) and not (
        settings.slack_bot_token and settings.announce_channel
    ):
        return done  # nowhere to send: decide nothing, so nothing is dropped for want of a channel
    offsets = parse_offsets(settings.reminder_offsets)
    langs = await languages_for(conn, region, settings)
    recent = iso(now - timedelta(days=1))
    for meeting in await meeting_store.since(conn, recent):
        start = datetime.fromisoformat(meeting["start_at"])
        prefix = f"reminder:{meeting['meeting_id']}:{meeting['start_at']}:"
        keys = await outbox_store.keys_with_prefix(conn, prefix)  # one query per meeting
        recorded = {
            o for o in offsets for key in keys if key.startswith(prefix + offset_label(o) + ":")
        }
        for decision in plan(start, offsets, recorded, now):
            key = prefix + offset_label(decision.offset)
            async with transaction(conn):
                if decision.send:
                    access = await _access(conn, settings, meeting["meeting_id"])
                    payload = meeting_text.reminder(
                        meeting, region, langs, settings.from_address, now, access
                    )
                    done.queued += await queue_for(conn, settings, key, channels, payload, now)
                else:
                    why = "meeting already started" if now >= start else "a later reminder is due"
                    done.dropped += await outbox_store.record_dropped(
                        conn, key + ":dropped", why, iso(now)
                    )
                    log.info(t("reminders.dropped", settings.language, ident=key, why=why))
    return done


async def _access(
    conn: aiosqlite.Connection, settings: Settings, meeting_id: int
) -> meeting_text.Access:
    """The passcode (for Slack's words only), the Secretariat's contact, and whether the reminder
    goes to Slack, so list readers can be told where the passcode is."""
    return meeting_text.Access(
        passcode=await meeting_store.passcode(conn, meeting_id),
        contact=settings.secretariat_contact,
        on_slack=bool(settings.slack_bot_token and settings.announce_channel),
    )
