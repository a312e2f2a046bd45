"""Meeting reminders with a controllable clock, delivered to a real SMTP sink and a fake Slack Web
API; a restart in between; reminders missed while down (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite
from icalendar import Calendar

from bot.deps import Deps
from bot.region import Region
from bot.scheduler import Scheduler
from bot.services import meetings as meeting_service
from bot.settings import Settings
from bot.store import outbox
from bot.texts import meetings as meeting_text
from bot.transports.mail_out import email_sender
from bot.transports.slack_out import slack_sender
from tests.fakes import fake_slack, smtp_sink

START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
ZOOM = "85218486288"


def test_local_times_follow_daylight_saving(region: Region) -> None:
    # Santiago leaves daylight saving time on 5 April 2026: 15:00 UTC is 12:00 before, 11:00 after.
    before = meeting_text.local_times(datetime(2026, 4, 1, 15, 0, tzinfo=UTC), region)
    after = meeting_text.local_times(datetime(2026, 4, 10, 15, 0, tzinfo=UTC), region)
    assert "12:00 Chile" in before and "11:00 Chile" in after
    assert "09:00 Mexico" in before and "09:00 Mexico" in after  # no DST in Mexico since 2022
    assert "12:00 Brazil" in after and "12:00 Argentina" in after
    spanish = meeting_text.local_times(datetime(2026, 4, 1, 15, 0, tzinfo=UTC), region, "es")
    assert "09:00 México" in spanish


async def test_reminders_go_out_once_across_a_restart(
    store: aiosqlite.Connection, region: Region
) -> None:
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 90, ZOOM, None, START, "t"
    )
    async with smtp_sink() as sink, fake_slack() as slack:
        clock = {"now": START - timedelta(days=7)}
        settings = Settings(
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,  # type: ignore[call-arg]
            announce_address="lac-discuss-es@example.org",
            slack_bot_token="xoxb-t",
            slack_api_url=slack.url,
            announce_channel="C0ANNOUNCE",
            reminder_languages="en,es,pt,fr",
            from_address="bot@lacralo.example.org",
        )
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
    text = week.get_body(preferencelist=("plain",)).get_content()
    assert "The monthly LACRALO call is in one week." in text
    assert "La teleconferencia mensual de LACRALO es dentro de una semana." in text
    assert "A teleconferência mensal da LACRALO é daqui a uma semana." in text
    assert "L'appel mensuel du LACRALO a lieu dans une semaine." in text
    assert "15 Dec 2026 at 15:00 UTC" in text and "12:00 Argentina" in text
    assert f"https://zoom.us/j/{ZOOM}" in text
    [ics_part] = [p for p in week.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics_part.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting_id}@lacralo.example.org"
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == START + timedelta(
        minutes=90
    )
    assert "tomorrow" in day.get_body(preferencelist=("plain",)).get_content()
    post = slack.methods("chat.postMessage")[0]
    assert post["channel"] == "C0ANNOUNCE" and post["blocks"][0]["type"] == "header"


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
        assert "is tomorrow" in sink.messages[0].get_body(preferencelist=("plain",)).get_content()
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
