"""The words of meeting reminders: times in UTC and in each sub-region's main time zones (daylight
saving from zoneinfo), the Zoom link, Slack Block Kit, and an .ics invitation (icalendar)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.i18n import format_value, t
from bot.region import Region


def zone_label(zone: str) -> str:
    """'America/Argentina/Buenos_Aires' -> 'Buenos Aires'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def place_name(zone: str, region: Region, lang: str) -> str:
    """The country a zone belongs to, in the reader's language ('México'); else its city."""
    for country in region.countries.values():
        if zone in country.zones:
            return country.name(lang)
    return zone_label(zone)


def local_times(start: datetime, region: Region, lang: str = "en") -> list[str]:
    """'09:00 Mexico' for each sub-region's main zones, in sub-region order, no repeats."""
    seen: list[str] = []
    for sub in region.subregions.values():
        for zone in sub.main_zones:
            local = start.astimezone(ZoneInfo(zone))
            entry = f"{local:%H:%M} {place_name(zone, region, lang)}"
            if local.date() != start.date():
                entry += f" ({local:%d/%m})"
            if entry not in seen:
                seen.append(entry)
    return seen


def zoom_link(zoom_id: str | None) -> str | None:
    return f"https://zoom.us/j/{zoom_id}" if zoom_id else None


def title_of(meeting: Mapping[str, Any], lang: str, ralo: str = "") -> str:
    return meeting["title"] or t(f"commands.meetings.kind.{meeting['kind']}", lang, ralo=ralo)


def reminder(
    meeting: Mapping[str, Any],
    region: Region,
    langs: list[str],
    offset_label: str,
    from_address: str,
    now: datetime,
) -> dict[str, Any]:
    """Subject, text, Slack blocks and the .ics for one reminder of one meeting."""
    start = datetime.fromisoformat(meeting["start_at"])
    parts = []
    for lang in langs:
        when = offset_label if offset_label in ("7d", "1d", "1h") else "other"
        lines = [
            t(f"reminders.when.{when}", lang, title=title_of(meeting, lang, region.ralo)),
            t("reminders.at", lang, date=format_value(start.date(), lang), utc=f"{start:%H:%M}"),
            *_where(meeting, region, lang, start),
        ]
        parts.append("\n".join(lines))
    subject = " / ".join(_subject(meeting, region, lang, start) for lang in langs[:2])
    return _payload("reminder", subject, parts, ics(meeting, region, langs, from_address, now))


def cancellation(
    meeting: Mapping[str, Any], region: Region, langs: list[str], from_address: str, now: datetime
) -> dict[str, Any]:
    """The notice that a meeting is cancelled, with an .ics that removes it from calendars."""
    start = datetime.fromisoformat(meeting["start_at"])
    parts = []
    for lang in langs:
        title = title_of(meeting, lang, region.ralo)
        date, utc = format_value(start.date(), lang), f"{start:%H:%M}"
        lines = [
            t("reminders.cancelled", lang, title=title, date=date, utc=utc),
            t("reminders.cancelled_rule", lang),
        ]
        parts.append("\n".join(lines))
    subject = " / ".join(
        t("reminders.subject_cancelled", lang, subject=_subject(meeting, region, lang, start))
        for lang in langs[:2]
    )
    attachment = ics(meeting, region, langs, from_address, now, cancelled=True)
    return _payload("meeting_cancelled", subject, parts, attachment)


def change(
    meeting: Mapping[str, Any],
    old_start_at: str,
    region: Region,
    langs: list[str],
    from_address: str,
    now: datetime,
) -> dict[str, Any]:
    """The notice that a meeting has a new time, with an .ics that updates the same event."""
    start, old = datetime.fromisoformat(meeting["start_at"]), datetime.fromisoformat(old_start_at)
    parts = []
    for lang in langs:
        moved = t(
            "reminders.moved",
            lang,
            title=title_of(meeting, lang, region.ralo),
            date=format_value(start.date(), lang),
            utc=f"{start:%H:%M}",
            old_date=format_value(old.date(), lang),
            old_utc=f"{old:%H:%M}",
        )
        parts.append("\n".join([moved, *_where(meeting, region, lang, start)]))
    subject = " / ".join(
        t("reminders.subject_moved", lang, subject=_subject(meeting, region, lang, start))
        for lang in langs[:2]
    )
    return _payload("meeting_moved", subject, parts, ics(meeting, region, langs, from_address, now))


def _where(meeting: Mapping[str, Any], region: Region, lang: str, start: datetime) -> list[str]:
    """The local times and the Zoom link, as lines."""
    lines = [t("reminders.local", lang, times=" · ".join(local_times(start, region, lang)))]
    link = zoom_link(meeting["zoom_id"])
    if link:
        lines.append(t("reminders.join", lang, link=link))
    return lines


def _payload(kind: str, subject: str, parts: list[str], calendar: str) -> dict[str, Any]:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": subject[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in parts]
    return {
        "kind": kind,
        "subject": subject,
        "text": "\n\n".join(parts),
        "blocks": blocks,
        "attachments": [
            {
                "filename": "meeting.ics",
                "maintype": "text",
                "subtype": "calendar",
                "data": calendar,
            }
        ],
    }


def ics(
    meeting: Mapping[str, Any],
    region: Region,
    langs: list[str],
    from_address: str,
    now: datetime,
    cancelled: bool = False,
) -> str:
    """One VEVENT with a UID stable per meeting, so a changed time updates the same event and a
    cancellation removes it; SEQUENCE is the meeting's version (RFC 5545: later supersedes)."""
    start = datetime.fromisoformat(meeting["start_at"])
    domain = from_address.rpartition("@")[2] or "localhost"
    cal = Calendar()
    cal.add("prodid", "-//lacralo-bot//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting['meeting_id']}@{domain}")
    event.add("dtstamp", now)
    event.add("sequence", int(meeting.get("sequence") or 0))
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=int(meeting["duration_min"])))
    event.add(
        "summary",
        f"{region.ralo}: " + " / ".join(title_of(meeting, lang, region.ralo) for lang in langs[:2]),
    )
    link = zoom_link(meeting["zoom_id"])
    if link:
        event.add("location", link)
        event.add("url", link)
    cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))


def _subject(meeting: Mapping[str, Any], region: Region, lang: str, start: datetime) -> str:
    """'The monthly LACRALO call — 15 Dec 2026 23:00 UTC'; a custom title gets the RALO's name."""
    title = title_of(meeting, lang, region.ralo)
    if meeting["title"]:
        title = f"{region.ralo}: {title}"
    return f"{title} — {format_value(start.date(), lang)} {start:%H:%M} UTC"
