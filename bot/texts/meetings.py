"""The words of meeting reminders and calendar notices: the time actually left, the local time in
every time zone of the region's countries (daylight saving from zoneinfo), the link to join, Slack
Block Kit, and an .ics invitation (icalendar).

Where the passcode goes (issue 18, point 3): list archives are public, so the text mailed to a
list and the .ics never carry it, nor the link's `pwd` parameter (the passcode, encoded). Slack gets
it through `slack_text` and the blocks, which only the Slack sender reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.domain.time_left import time_left
from bot.i18n import format_value, t
from bot.region import Region

HEADER_MAX = 150  # Block Kit: a header's text is at most 150 characters
PLURAL_UNITS = ("minutes", "hours", "days")


@dataclass(frozen=True)
class Access:
    """What a reader needs to get in besides the link: the passcode (Slack and direct messages
    only), how to reach the Secretariat, and whether the reminder also goes to Slack (so a list
    reader can be told to find the passcode there)."""

    passcode: str | None = None
    contact: str | None = None
    on_slack: bool = False


def zone_label(zone: str) -> str:
    """'America/Argentina/Buenos_Aires' -> 'Buenos Aires'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_name(zone: str, lang: str) -> str:
    """The zone's city as the reader writes it ('Isla de Pascua' for Pacific/Easter), where the
    locale names it; else the IANA name ('Tijuana')."""
    label = zone_label(zone)
    key = label.lower().replace(" ", "_").replace("-", "_")
    return t(f"reminders.zone.{key}", lang, default=label)


def country_times(moment: datetime, region: Region, countries: Sequence[str], lang: str) -> str:
    """Every country of a sub-region by the local time `moment` falls at there, earliest first
    ("19:59 Bolivia, Venezuela; 20:59 Chile"); a country with zones at different times is named
    with the city ("México (Tijuana)"); the date is added where it is not the UTC date."""
    at: dict[datetime, list[str]] = {}
    for code in countries:
        country = region.countries.get(code)
        if country is None:
            continue
        locals_ = {zone: moment.astimezone(ZoneInfo(zone)) for zone in country.zones}
        split = len({(m.hour, m.minute, m.date()) for m in locals_.values()}) > 1
        for zone, local in locals_.items():
            name = country.name(lang) + (f" ({zone_name(zone, lang)})" if split else "")
            key = local.replace(tzinfo=None)
            if name not in at.setdefault(key, []):
                at[key].append(name)
    parts = []
    for local_moment in sorted(at):
        when = f"{local_moment:%H:%M}"
        if local_moment.date() != moment.date():
            when = f"{format_value(local_moment.date(), lang)} {when}"
        parts.append(f"{when} {', '.join(at[local_moment])}")
    return "; ".join(parts)


def local_times_by_subregion(moment: datetime, region: Region, lang: str) -> list[tuple[str, str]]:
    """(sub-region name, its countries' local times) for each sub-region, in the region's order:
    every zone of every country, so no one (Haiti, Easter Island, Acre) has to work it out."""
    found = []
    for sub in region.subregions.values():
        times = country_times(moment.astimezone(UTC), region, sub.countries, lang)
        if times:
            found.append((sub.name(lang), times))
    return found


def zoom_link(zoom_id: str | None) -> str | None:
    return f"https://zoom.us/j/{zoom_id}" if zoom_id else None


def join_url(meeting: Mapping[str, Any]) -> str | None:
    """The link given with `meetings add --url`, else the one the Zoom number makes."""
    return meeting.get("url") or zoom_link(meeting.get("zoom_id"))


def public_url(url: str) -> str:
    """The link without its `pwd` parameter: a Zoom link carries the passcode there, and what
    goes to a list is archived in public."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if all(k != "pwd" for k, _ in pairs):
        return url  # as given, byte for byte
    query = urlencode([(k, v) for k, v in pairs if k != "pwd"])
    return urlunsplit(parts._replace(query=query))


def title_of(meeting: Mapping[str, Any], lang: str, ralo: str = "") -> str:
    return meeting["title"] or t(f"commands.meetings.kind.{meeting['kind']}", lang, ralo=ralo)


def reminder(
    meeting: Mapping[str, Any],
    region: Region,
    langs: list[str],
    from_address: str,
    now: datetime,
    access: Access = Access(),
) -> dict[str, Any]:
    """Subject, text, Slack blocks and the .ics for one reminder of one meeting, saying the time
    left at `now`. The passcode goes only into the Slack version (`slack_text`, blocks)."""
    start = datetime.fromisoformat(meeting["start_at"])
    public, slack = [], []
    for lang in langs:
        head = [_when(meeting, region, lang, start, now), _at(lang, start)]
        public.append("\n".join(head + _where(meeting, region, lang, start, access)))
        where = _where(meeting, region, lang, start, access, private=True)
        slack.append("\n".join(head + where))
    subject = _subject(meeting, region, langs, start)
    calendar = ics(meeting, region, langs, from_address, now, access=access)
    return _payload("reminder", subject, public, calendar, slack, langs)


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
    subject = _subject(meeting, region, langs, start, "reminders.subject_cancelled")
    attachment = ics(meeting, region, langs, from_address, now, cancelled=True)
    return _payload("meeting_cancelled", subject, parts, attachment, None, langs)


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
        parts.append("\n".join([moved, *_where(meeting, region, lang, start, Access())]))
    subject = _subject(meeting, region, langs, start, "reminders.subject_moved")
    calendar = ics(meeting, region, langs, from_address, now)
    return _payload("meeting_moved", subject, parts, calendar, None, langs)


def _when(
    meeting: Mapping[str, Any], region: Region, lang: str, start: datetime, now: datetime
) -> str:
    """'The monthly LACRALO call is in 2 days.': the time left now, not the offset planned."""
    left = time_left(start, now)
    title = title_of(meeting, lang, region.ralo)
    if left.unit in PLURAL_UNITS:
        return t(f"reminders.when.{left.unit}", lang, title=title, count=left.count)
    return t(f"reminders.when.{left.unit}", lang, title=title)


def _at(lang: str, start: datetime) -> str:
    return t("reminders.at", lang, date=format_value(start.date(), lang), utc=f"{start:%H:%M}")


def _where(
    meeting: Mapping[str, Any],
    region: Region,
    lang: str,
    start: datetime,
    access: Access,
    private: bool = False,
) -> list[str]:
    """The local times, then the link and the passcode (`private`: Slack, direct messages) or,
    for a list, the link without it and where to find it."""
    lines = [t("reminders.local", lang)]
    for subregion, times in local_times_by_subregion(start, region, lang):
        lines.append(t("reminders.local_line", lang, subregion=subregion, times=times))
    return lines + _link_lines(meeting, region, lang, access, private)


def _link_lines(
    meeting: Mapping[str, Any], region: Region, lang: str, access: Access, private: bool
) -> list[str]:
    """How to join: the link (without its passcode unless `private`), the passcode where it may
    go, or where to find what is not here."""
    ask = f" ({access.contact})" if access.contact else ""
    url = join_url(meeting)
    if url is None:
        return [t("reminders.no_link", lang, contact=ask)]
    if private:
        lines = [t("reminders.join", lang, link=url)]
        if access.passcode:
            lines.append(t("reminders.passcode", lang, passcode=access.passcode))
        return lines
    shown = public_url(url)
    lines = [t("reminders.join", lang, link=shown)]
    if access.passcode or shown != url:
        where = "passcode_elsewhere" if access.on_slack else "passcode_ask"
        lines.append(t(f"reminders.{where}", lang, ralo=region.ralo, contact=ask))
    return lines


def _payload(
    kind: str,
    subject: str,
    parts: list[str],
    calendar: str,
    slack_parts: list[str] | None = None,
    langs: Sequence[str] = (),
) -> dict[str, Any]:
    """`text` is what mail carries; the blocks and `slack_text` (when Slack's words differ) are
    read by the Slack sender only; `parts` (language -> text) serve a list of one language."""
    slack_parts = slack_parts or parts
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": header(subject)}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": p}} for p in slack_parts]
    payload: dict[str, Any] = {
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
    if slack_parts != parts:
        payload["slack_text"] = "\n\n".join(slack_parts)
    if len(langs) == len(parts):
        payload["parts"] = dict(zip(langs, parts, strict=True))
    return payload


def header(text: str, limit: int = HEADER_MAX) -> str:
    """`text` as a Slack header: whole when it fits, else cut at a word with '…' (the sections
    below carry the full title)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" —/:,;") + "…"


def ics(
    meeting: Mapping[str, Any],
    region: Region,
    langs: list[str],
    from_address: str,
    now: datetime,
    cancelled: bool = False,
    access: Access = Access(),
) -> str:
    """One VEVENT with a UID stable per meeting, so a changed time updates the same event and a
    cancellation removes it; SEQUENCE is the meeting's version (RFC 5545: later supersedes). It
    goes to lists, so its URL and DESCRIPTION carry no passcode."""
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
    event.add("summary", " / ".join(_titles(meeting, region, langs)))
    event.add("description", _description(meeting, region, langs, access))
    url = join_url(meeting)
    if url:
        event.add("location", public_url(url))
        event.add("url", public_url(url))
    cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))


def _description(
    meeting: Mapping[str, Any], region: Region, langs: list[str], access: Access
) -> str:
    """Per language: the title and how to join, as a list may read it (no passcode)."""
    parts = []
    for lang in langs:
        lines = [title_of(meeting, lang, region.ralo)]
        lines += _link_lines(meeting, region, lang, access, private=False)
        parts.append("\n".join(lines))
    return "\n\n".join(dict.fromkeys(parts))


def _titled(meeting: Mapping[str, Any], region: Region, lang: str) -> str:
    """The title, with the RALO's name in front when it does not say it ('LACRALO: WG on …')."""
    title = title_of(meeting, lang, region.ralo)
    return title if region.ralo in title else f"{region.ralo}: {title}"


def _titles(meeting: Mapping[str, Any], region: Region, langs: Sequence[str]) -> list[str]:
    """The title in the first two languages, once when they are the same text (a custom title)."""
    return list(dict.fromkeys(_titled(meeting, region, lang) for lang in langs[:2]))


def _subject(
    meeting: Mapping[str, Any],
    region: Region,
    langs: list[str],
    start: datetime,
    label_key: str | None = None,
) -> str:
    """'The monthly LACRALO call / La teleconferencia mensual de LACRALO — 15 Dec 2026 15:00 UTC';
    a custom title once: 'Cancelled / Cancelación: LACRALO: WG on … — 15 Dec 2026 15:00 UTC'."""
    shown = langs[:2]
    labels = [t(label_key, lang) if label_key else "" for lang in shown]
    titles = _titles(meeting, region, shown)
    if len(titles) == 1:
        unique_labels = list(dict.fromkeys(labels))
        head = (" / ".join(unique_labels) + ": " if label_key else "") + titles[0]
    else:
        pairs = zip(labels, (_titled(meeting, region, lang) for lang in shown), strict=True)
        head = " / ".join(f"{label}: {title}" if label else title for label, title in pairs)
    return f"{head} — {format_value(start.date(), shown[0])} {start:%H:%M} UTC"
