"""`/lacralo meetings`: the next meetings, in UTC and in the asker's country's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.deps import Deps, iso
from bot.domain.commands import Audience
from bot.i18n import format_value, t
from bot.services import meetings as meeting_service
from bot.store import roster as roster_store
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec

SHOWN = 5


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    moment = deps.clock()
    now = iso(moment)
    meetings = await meeting_service.list_meetings(deps.store, moment)
    upcoming = [m for m in meetings if m["start_at"] >= now and not m["cancelled"]]
    if not upcoming:
        return t("commands.meetings.none", lang)
    zone = await _zone(deps, event)
    lines = [t("commands.meetings.intro", lang)]
    for m in upcoming[:SHOWN]:
        start = datetime.fromisoformat(m["start_at"])
        local = start.astimezone(zone) if zone else None
        when = f"{format_value(start.date(), lang)} {start:%H:%M} UTC"
        if local is not None:
            when += f" ({local:%H:%M} {local.tzname()})"
        title = m["title"] or t(f"commands.meetings.kind.{m['kind']}", lang, ralo=deps.region.ralo)
        lines.append(f"• {when}: {title}" + (f" (Zoom {m['zoom_id']})" if m["zoom_id"] else ""))
    return "\n".join(lines)


async def _zone(deps: Deps, event: CommandEvent) -> ZoneInfo | None:
    if event.member is None or event.member.als_id is None:
        return None
    als = await roster_store.get_als(deps.store, event.member.als_id)
    country = deps.region.countries.get(als.country) if als else None
    return ZoneInfo(country.zones[0]) if country else None


SPEC = CommandSpec(
    verb="meetings",
    words_key="commands.words.meetings",
    help_key="commands.help.does.meetings",
    args_key="commands.help.args.meetings",
    example_key="commands.help.examples.meetings",
    audience=Audience.MEMBER,
    changes_state=False,
    handler=handle,
)
