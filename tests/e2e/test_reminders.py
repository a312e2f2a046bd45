"""Meeting reminders with a controllable clock, delivered to a real SMTP sink and a fake Slack Web
API; a restart in between; reminders missed while down (issue 6); the time actually left, every
zone of the region, the link, and the passcode in Slack only (issue 18, point 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite
import pytest
from icalendar import Calendar

from bot.deps import Deps
from bot.i18n import LANGUAGES
from bot.region import Region
from bot.scheduler import Scheduler
from bot.services import meetings as meeting_service
from bot.services.outbox import Sender, deliver_due
from bot.services.reminders import run_reminders
from bot.settings import Settings
from bot.store import outbox
from bot.texts import meetings as meeting_text
from bot.transports.mail_out import email_sender
from bot.transports.slack_out import slack_sender
from tests.fakes import SmtpSink, fake_slack, smtp_sink

START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
ZOOM = "85218486288"
URL = f"https://icann.zoom.us/j/{ZOOM}?pwd=Xy7Qa2"
PASSCODE = "472913"
FROM = "bot@lacralo.example.org"


def lines_at(moment: datetime, region: Region, lang: str = "en") -> dict[str, str]:
    return dict(meeting_text.local_times_by_subregion(moment, region, lang))


def groups(line: str) -> dict[str, list[str]]:
    """'10:00 Colombia, Peru; 11:00 Bolivia' -> {'10:00': ['Colombia', 'Peru'], ...}."""
    return {when: names.split(", ") for when, names in (g.split(" ", 1) for g in line.split("; "))}


def test_local_times_follow_daylight_saving(region: Region) -> None:
    # Santiago leaves daylight saving time on 5 April 2026: 15:00 UTC is 12:00 before, 11:00 after,
    # the same time as in Bolivia and Venezuela.
    before = lines_at(datetime(2026, 4, 1, 15, 0, tzinfo=UTC), region)
    after = lines_at(datetime(2026, 4, 10, 15, 0, tzinfo=UTC), region)
    assert groups(before["Andean"])["12:00"] == ["Chile (Santiago)"]
    assert groups(after["Andean"])["11:00"] == ["Bolivia", "Chile (Santiago)", "Venezuela"]
    # No daylight saving time in Mexico since 2022; Haiti keeps it (UTC-4 in April).
    assert "Mexico (Mexico City)" in groups(after["Central America and Mexico"])["09:00"]
    assert "Haiti" in groups(after["Caribbean Islands"])["11:00"]
    south = groups(after["Southern Cone"])["12:00"]
    assert south == ["Argentina", "Brazil (São Paulo)", "Paraguay", "Uruguay"]
    spanish = lines_at(datetime(2026, 4, 1, 15, 0, tzinfo=UTC), region, "es")
    assert "09:00 Belice, Costa Rica, El Salvador" in spanish["Centroamérica y México"]


def test_every_country_is_named_grouped_by_local_time(region: Region) -> None:
    # Issue 18: Haiti was missing; every zone of every country counts, grouped by the same time.
    for lang in LANGUAGES:
        text = " ".join(lines_at(START, region, lang).values())
        for country in region.countries.values():
            assert country.name(lang) in text, (lang, country.code)
    caribbean = lines_at(START, region, "fr")["Îles des Caraïbes"]
    assert caribbean.startswith("10:00 Bahamas, Cuba, Haïti, Jamaïque; 11:00 Antigua-et-Barbuda")
    andean = lines_at(START, region, "es")["Andina"]
    assert "11:00 Bolivia, Venezuela" in andean
    # A date other than the UTC date is written out: 00:30 UTC is still the 15th in the Andes.
    late = lines_at(datetime(2026, 12, 16, 0, 30, tzinfo=UTC), region)["Andean"]
    assert "15 Dec 2026 19:30 Chile (Easter Island), Colombia, Ecuador (Guayaquil)" in late


def reminder_settings(sink: SmtpSink, slack_url: str | None = None, **extra: Any) -> Settings:
    slack: dict[str, Any] = (
        {"slack_bot_token": "xoxb-t", "slack_api_url": slack_url, "announce_channel": "C0ANNOUNCE"}
        if slack_url
        else {}
    )
    return Settings(
        outbound_smtp_host="127.0.0.1",
        outbound_smtp_port=sink.port,
        announce_address="lac-discuss-es@example.org",
        reminder_languages="en,es,pt,fr",
        from_address=FROM,
        **slack,
        **extra,
    )


async def reminder_round(
    store: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> None:
    """Queue the reminders due at `now` and deliver them, by mail and (when set) Slack."""
    senders: dict[str, Sender] = {"email": email_sender(settings, lambda: now)}
    if settings.slack_bot_token:
        senders["slack"] = slack_sender(settings)
    await run_reminders(store, region, settings, now)
    await deliver_due(store, senders, now)


def text_of(message: Any) -> str:  # an EmailMessage from the sink
    return str(message.get_body(preferencelist=("plain",)).get_content())


def calendar_part(message: Any) -> Any:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part


async def test_reminders_go_out_once_across_a_restart(
    store: aiosqlite.Connection, region: Region
) -> None:
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 90, ZOOM, None, START, "t"
    )
    async with smtp_sink() as sink, fake_slack() as slack:
        clock = {"now": START - timedelta(days=7)}
        settings = reminder_settings(sink, slack.url)
        deps = Deps(store=store, settings=settings, region=region, clock=lambda: clock["now"])
        senders = {"email": email_sender(settings, deps.clock), "slack": slack_sender(settings)}
        await Scheduler(deps, senders).tick()
        clock["now"] += timedelta(minutes=1)
        await Scheduler(deps, senders).tick()  # a restart: nothing sent twice
        assert len(sink.messages) == 1 and len(slack.methods("chat.postMessage")) == 1
        clock["now"] = START - timedelta(days=1)
        await Scheduler(deps, senders).tick()
        assert len(sink.messages) == 2

    week, day = sink.messages
    assert week["To"] == "lac-discuss-es@example.org" and week["Auto-Submitted"] == "auto-generated"
    text = text_of(week)
    assert "The monthly LACRALO call is in 7 days." in text
    assert "La teleconferencia mensual de LACRALO es dentro de 7 días." in text
    assert "A teleconferência mensal da LACRALO é daqui a 7 dias." in text
    assert "L'appel mensuel du LACRALO a lieu dans 7 jours." in text
    assert "15 Dec 2026 at 15:00 UTC" in text and "12:00 Argentina" in text
    assert "10:00 Bahamas, Cuba, Haiti, Jamaica" in text and "Haïti" in text
    assert f"https://zoom.us/j/{ZOOM}" in text
    part = calendar_part(week)
    assert part.get_content_charset() == "utf-8"
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting_id}@lacralo.example.org"
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == START + timedelta(
        minutes=90
    )
    assert "tomorrow" in text_of(day)
    post = slack.methods("chat.postMessage")[0]
    assert post["channel"] == "C0ANNOUNCE" and post["blocks"][0]["type"] == "header"


async def test_a_weekly_reminder_sent_late_says_the_time_left(
    store: aiosqlite.Connection, region: Region
) -> None:
    # Issue 18: a meeting registered two days ahead gets the weekly reminder, which must not say
    # "in one week".
    now = START - timedelta(days=2, hours=1)
    await meeting_service.add_meeting(store, "monthly", START, 60, ZOOM, None, now, "t")
    async with smtp_sink() as sink:
        await reminder_round(store, region, reminder_settings(sink), now)
    [late] = sink.messages
    text = text_of(late)
    assert "The monthly LACRALO call is in 2 days." in text
    assert "L'appel mensuel du LACRALO a lieu dans 2 jours." in text
    assert "week" not in text and "semana" not in text


async def test_the_passcode_goes_to_slack_never_to_the_list(
    store: aiosqlite.Connection, region: Region
) -> None:
    await meeting_service.add_meeting(
        store, "monthly", START, 60, ZOOM, None, START, "t", url=URL, passcode=PASSCODE
    )
    async with smtp_sink() as sink, fake_slack() as slack:
        now = START - timedelta(hours=1)
        settings = reminder_settings(sink, slack.url, secretariat_contact="staff@example.org")
        await reminder_round(store, region, settings, now)

    [mail] = sink.messages
    raw = mail.as_string()
    assert PASSCODE not in raw and "Xy7Qa2" not in raw  # nor the link's pwd, nor in the .ics
    text = text_of(mail)
    assert f"Join: https://icann.zoom.us/j/{ZOOM}" in text.splitlines()
    ics = calendar_part(mail).get_content()
    assert PASSCODE not in ics and "Xy7Qa2" not in ics
    assert "it is in the LACRALO Slack channel, or ask the Secretariat (staff@example.org)." in text
    assert "il se trouve sur le canal Slack du LACRALO" in text
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["URL"]) == f"https://icann.zoom.us/j/{ZOOM}"
    description = str(event["DESCRIPTION"])
    assert "The monthly LACRALO call\nJoin: https://icann.zoom.us/j/" in description
    assert "L'appel mensuel du LACRALO" in description and PASSCODE not in description
    [post] = slack.methods("chat.postMessage")
    assert f"Passcode: {PASSCODE}" in post["text"] and f"Code secret : {PASSCODE}" in post["text"]
    assert URL in post["text"] and "not given here" not in post["text"]
    sections = [b["text"]["text"] for b in post["blocks"][1:]]
    assert all(PASSCODE in s for s in sections) and len(sections) == 4


async def test_without_a_link_the_reminder_says_whom_to_ask(
    store: aiosqlite.Connection, region: Region
) -> None:
    await meeting_service.add_meeting(store, "assembly", START, 120, None, None, START, "t")
    async with smtp_sink() as sink:
        now = START - timedelta(days=1)
        settings = reminder_settings(sink, secretariat_contact="staff@example.org")
        await reminder_round(store, region, settings, now)
    [mail] = sink.messages
    text = text_of(mail)
    assert "The LACRALO Assembly is tomorrow." in text
    assert "The link to join has not been published yet: ask the Secretariat (staff" in text
    assert "pídalo a la Secretaría (staff@example.org)." in text
    assert "Join:" not in text
    event = Calendar.from_ical(calendar_part(mail).get_content()).walk("VEVENT")[0]
    assert "URL" not in event and "ask the Secretariat" in str(event["DESCRIPTION"])


def test_a_custom_title_once_and_a_header_cut_at_a_word(region: Region) -> None:
    title = (
        "Working Group on Outreach and Engagement: planning the capacity-building webinars for"
        " the At-Large Structures of the Caribbean Islands and of Central America, second session"
    )
    meeting = {
        "meeting_id": 7,
        "kind": "wg",
        "title": title,
        "start_at": START.isoformat(),
        "duration_min": 60,
        "zoom_id": ZOOM,
        "url": None,
    }
    payload = meeting_text.reminder(
        meeting, region, ["en", "es", "pt", "fr"], FROM, START - timedelta(days=7)
    )
    subject = payload["subject"]
    assert subject == f"LACRALO: {title} — 15 Dec 2026 15:00 UTC"  # once, not once per language
    header = payload["blocks"][0]["text"]["text"]
    cut = header.removesuffix("…")
    assert len(header) <= 150 and cut != header and subject.startswith(cut)
    assert subject[len(cut)] == " "  # between two words
    assert title in payload["blocks"][1]["text"]["text"]  # the whole title right below
    event = Calendar.from_ical(payload["attachments"][0]["data"]).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"LACRALO: {title}"


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Short title", 150, "Short title"),
        ("The monthly call of the region", 20, "The monthly call…"),
        ("Unbreakablewordthatislong", 10, "Unbreakab…"),
    ],
)
def test_header_cuts_at_a_word(text: str, limit: int, shown: str) -> None:
    assert meeting_text.header(text, limit) == shown


async def test_reminders_missed_while_down(store: aiosqlite.Connection, region: Region) -> None:
    await meeting_service.add_meeting(
        store, "wg", START, 60, ZOOM, "WG on Communications", START, "t"
    )
    async with smtp_sink() as sink:
        clock = {"now": START - timedelta(hours=20)}  # the meeting was added the day before
        settings = Settings(
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,  # type: ignore[call-arg]
            announce_address="list@example.org",
        )
        deps = Deps(store=store, settings=settings, region=region, clock=lambda: clock["now"])
        senders = {"email": email_sender(settings, deps.clock)}
        await Scheduler(deps, senders).tick()
        assert [m["Subject"].split(" — ")[0] for m in sink.messages] == [
            "LACRALO: WG on Communications"
        ]
        assert "is tomorrow" in text_of(sink.messages[0])
        clock["now"] = START + timedelta(
            minutes=5
        )  # down over the hour mark: the meeting has started
        await Scheduler(deps, senders).tick()
        assert len(sink.messages) == 1
    rows = {r["state"]: r for r in await outbox.listing(store) if r["state"] == "suppressed"}
    dropped = [r for r in await outbox.listing(store) if r["state"] == "suppressed"]
    assert len(dropped) == 2 and rows["suppressed"]["last_error"]
    assert {r["last_error"] for r in dropped} == {
        "a later reminder is due",
        "meeting already started",
    }


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://icann.zoom.us/j/1?pwd=Xy7", "https://icann.zoom.us/j/1"),
        ("https://icann.zoom.us/j/1?pwd=Xy7&from=addon", "https://icann.zoom.us/j/1?from=addon"),
        ("https://icann.zoom.us/j/1?a=b%20c", "https://icann.zoom.us/j/1?a=b%20c"),  # untouched
    ],
)
def test_the_link_for_a_list_drops_the_encoded_passcode(url: str, public: str) -> None:
    assert meeting_text.public_url(url) == public
