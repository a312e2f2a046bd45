"""Zoom webhooks over real HTTP on loopback: handshake, signatures, replays, matching (issue 4);
the 2021 event form, meeting.started/ended and leaves in any order (issue 19, part 3)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.request
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.deps import iso
from bot.services import calendar as calendar_service
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.services.status import reading as status_reading
from bot.store import participation as events
from tests.conftest import wait_until
from tests.e2e.bot_process import BotProcess
from tests.e2e.zoom_helpers import (
    MEETING,
    SECRET,
    ZoomBot,
    meeting_event,
    participant_event,
    running_zoom_bot,
    signed_headers,
)


@pytest.fixture
async def zoom(tmp_path: Path) -> AsyncIterator[ZoomBot]:
    async with running_zoom_bot(tmp_path) as bot:
        yield bot


async def test_url_validation_handshake(zoom: ZoomBot) -> None:
    body = json.dumps(
        {
            "event": "endpoint.url_validation",
            "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
            "event_ts": 1654503849680,
        }
    ).encode()
    status, answer = await zoom.post(body)
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert status == 200 and answer == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": expected,
    }


async def test_signed_join_is_stored_for_the_als(zoom: ZoomBot) -> None:
    status, _ = await zoom.post(
        participant_event("joined", "Keisha B.", "Keisha.Brown@example.org")
    )
    assert status == 200
    log = await events.events(zoom.deps.store)
    assert log == [
        {
            "als_id": "ALS-JM-01",
            "person": "Keisha Brown",
            "kind": "call_join",
            "source": MEETING,
            "occurred_at": "2026-11-17T15:02:10+00:00",
            "activity_id": None,
            "note": None,
            "duration_min": None,
        }
    ]


@pytest.mark.parametrize(
    "forgery", ["unsigned", "tampered", "wrong_secret", "stale", "future", "garbage_ts"]
)
async def test_forged_requests_are_refused_and_nothing_is_stored(
    zoom: ZoomBot, forgery: str
) -> None:
    body = participant_event("joined", "Keisha Brown", "keisha.brown@example.org")
    headers = {
        "unsigned": {"content-type": "application/json"},
        "tampered": signed_headers(body.replace(b"Keisha", b"Mallory")),
        "wrong_secret": signed_headers(body, secret="not-the-secret"),
        "stale": signed_headers(body, timestamp=int(time.time()) - 301),
        "future": signed_headers(body, timestamp=int(time.time()) + 400),
        "garbage_ts": {**signed_headers(body), "x-zm-request-timestamp": "yesterday"},
    }[forgery]
    status, answer = await zoom.post(body, headers)
    assert status == 401, answer
    assert await zoom.count() == 0


async def test_retries_and_replays_count_once(zoom: ZoomBot) -> None:
    body = participant_event("joined", "Keisha Brown", "keisha.brown@example.org")
    for _ in range(3):  # Zoom retries with a fresh signature; a replay reuses the old one
        assert (await zoom.post(body))[0] == 200
    headers = signed_headers(body)
    assert (await zoom.post(body, headers))[0] == 200
    assert (await zoom.post(body, headers))[0] == 200
    assert await zoom.count() == 1


async def test_signed_nonsense_is_a_400_and_the_server_keeps_serving(zoom: ZoomBot) -> None:
    for body in (
        b"{not json",
        b"[]",
        json.dumps({"event": "meeting.participant_joined", "payload": {}}).encode(),
        "\udcff".encode("utf-8", "surrogatepass"),
    ):
        assert (await zoom.post(body))[0] == 400
    assert (await zoom.post(b"x" * 300_000))[0] == 413
    other = json.dumps({"event": "meeting.sharing_started", "payload": {"object": {}}}).encode()
    assert (await zoom.post(other)) == (200, {"status": "ignored"})
    started = json.dumps({"event": "meeting.started", "payload": {"object": {}}}).encode()
    assert (await zoom.post(started)) == (400, {"error": "bad_payload"})
    assert (
        await zoom.post(participant_event("joined", "Keisha Brown", "keisha.brown@example.org"))
    )[0] == 200


async def test_join_to_unregistered_meeting_attaches_when_registered(zoom: ZoomBot) -> None:
    await zoom.post(participant_event("joined", "Keisha Brown", "keisha.brown@example.org"))
    assert await meeting_service.list_meetings(zoom.deps.store, zoom.deps.clock()) == []
    await meeting_service.add_meeting(
        zoom.deps.store,
        "monthly",
        datetime(2026, 11, 17, 15, 0, tzinfo=UTC),
        90,
        MEETING,
        "LACRALO Monthly",
        datetime.now(UTC),
        "t",
    )
    # The same Zoom number a month later is a different meeting: the join stays with November's.
    await meeting_service.add_meeting(
        zoom.deps.store,
        "monthly",
        datetime(2026, 12, 15, 15, 0, tzinfo=UTC),
        90,
        MEETING,
        "LACRALO Monthly",
        datetime.now(UTC),
        "t",
    )
    [november, december] = await meeting_service.list_meetings(zoom.deps.store, zoom.deps.clock())
    assert (november["joins"], november["als_present"]) == (1, 1)
    assert (december["joins"], december["als_present"]) == (0, 0)


NAMES = [
    ("María Pérez - AFUI", "ALS-AR-01"),  # a roster alias
    ("Maria Perez (Nodo TAU)", "ALS-AR-01"),  # name with the organisation in brackets
    ("JOAQUIN  nunez", "ALS-AR-01"),  # case, accents, spaces
    ("Andrés Gómez - Fundación Ejemplo Digital", "ALS-CO-01"),
]


@pytest.mark.parametrize(("display", "als_id"), NAMES, ids=[n for n, _ in NAMES])
async def test_display_names_match_the_roster(zoom: ZoomBot, display: str, als_id: str) -> None:
    assert (await zoom.post(participant_event("joined", display)))[0] == 200
    assert [e["als_id"] for e in await events.events(zoom.deps.store)] == [als_id]


async def test_ambiguous_and_unknown_names_wait_unmatched(zoom: ZoomBot) -> None:
    header = "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
    rows = (
        "ALS-BR-01,Instituto Exemplo de Cidadania Digital,BR,2018-06-01,pt,member,Ana Silva,ana.silva@example.org,,BR,\n"
        "ALS-MX-01,Colectivo Ejemplo por el Acceso,MX,2016-09-05,es,member,Ana Silva,ana.silva2@example.org,,MX,\n"
    )
    await roster_service.import_roster(
        zoom.deps.store,
        zoom.deps.region,
        (header + rows).encode(),
        "2026-01-02T00:00:00+00:00",
        "t",
    )
    await zoom.post(participant_event("joined", "Ana Silva"))
    await zoom.post(participant_event("joined", "Zé Ninguém", at="2026-11-17T15:05:00Z"))
    assert await events.events(zoom.deps.store) == []
    queue = await events.unmatched(zoom.deps.store)
    assert [(q["address"], q["name"], q["source"]) for q in queue] == [
        ("ana silva", "Ana Silva", MEETING),
        ("ze ninguem", "Zé Ninguém", MEETING),
    ]


async def test_leave_gives_the_join_its_duration(zoom: ZoomBot) -> None:
    await zoom.post(
        participant_event(
            "joined", "Keisha Brown", "keisha.brown@example.org", at="2026-11-17T15:00:00Z"
        )
    )
    await zoom.post(
        participant_event(
            "left", "Keisha Brown", "keisha.brown@example.org", at="2026-11-17T15:47:30Z"
        )
    )
    await zoom.post(
        participant_event(
            "left", "Keisha Brown", "keisha.brown@example.org", at="2026-11-17T15:47:30Z"
        )
    )
    assert await zoom.count("SELECT duration_s FROM participation") == 47 * 60 + 30


async def test_without_a_secret_the_endpoint_says_so(tmp_path: Path) -> None:
    async with running_zoom_bot(tmp_path, secret=None) as bot:
        status, answer = await bot.post(participant_event("joined", "Keisha Brown"))
        assert status == 503 and "not configured" in answer["error"]


async def _add_monthly(zoom: ZoomBot, start: datetime) -> int:
    meeting_id, _ = await meeting_service.add_meeting(
        zoom.deps.store, "monthly", start, 90, MEETING, "LACRALO Monthly", datetime.now(UTC), "t"
    )
    return meeting_id


async def _ended_at(zoom: ZoomBot) -> dict[int, str | None]:
    async with zoom.deps.store.execute("SELECT meeting_id, ended_at FROM meeting") as cur:
        return {int(row[0]): row[1] async for row in cur}


async def _audited_ends(zoom: ZoomBot) -> list[tuple[str, str]]:
    sql = "SELECT subject, data FROM audit_log WHERE action = 'meeting.ended' ORDER BY seq"
    async with zoom.deps.store.execute(sql) as cur:
        return [(row[0], row[1]) async for row in cur]


async def test_meeting_ended_sets_the_end_of_the_occurrence_it_belongs_to(zoom: ZoomBot) -> None:
    november = await _add_monthly(zoom, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))
    december = await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    body = meeting_event("ended", "2026-12-15T15:00:12Z", "2026-12-15T16:02:40Z")
    forged = await zoom.post(body, signed_headers(body, secret="not-the-secret"))
    assert forged[0] == 401
    assert await _ended_at(zoom) == {november: None, december: None}

    assert await zoom.post(body) == (200, {"status": "recorded"})
    assert await _ended_at(zoom) == {november: None, december: "2026-12-15T16:02:40+00:00"}
    assert await zoom.post(body) == (200, {"status": "duplicate"})  # Zoom's retry
    [(subject, data)] = await _audited_ends(zoom)
    assert subject == str(december) and '"ended_at":"2026-12-15T16:02:40+00:00"' in data
    # Issue 13: Zoom saying the call ended makes its attendance known, joins or not.
    listed = await meeting_service.list_meetings(zoom.deps.store, datetime(2027, 1, 1, tzinfo=UTC))
    assert [m["attendance_recorded"] for m in listed] == [False, True]


async def test_meeting_ended_that_fits_no_registered_meeting_is_logged_and_answered_200(
    zoom: ZoomBot, caplog: pytest.LogCaptureFixture
) -> None:
    november = await _add_monthly(zoom, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))
    caplog.set_level(logging.INFO, logger="lacralo_bot.call_ended")
    # Same recurring number, a month later than the one meeting registered with it.
    body = meeting_event("ended", "2026-12-15T15:00:12Z", "2026-12-15T16:02:40Z")
    assert await zoom.post(body) == (200, {"status": "no_meeting"})
    other = meeting_event(
        "ended", "2026-11-17T15:00:12Z", "2026-11-17T16:00:00Z", meeting="999888777"
    )
    assert await zoom.post(other) == (200, {"status": "no_meeting"})
    assert await _ended_at(zoom) == {november: None}
    assert await _audited_ends(zoom) == []
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(logged) == 2 and all("no registered meeting" in m for m in logged)
    assert f"Zoom meeting {MEETING}, started at 2026-12-15T15:00:12+00:00" in logged[0]


async def test_meeting_ended_without_times_or_ending_before_it_started_is_a_400(
    zoom: ZoomBot,
) -> None:
    await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    backwards = meeting_event("ended", "2026-12-15T16:00:00Z", "2026-12-15T15:00:00Z")
    no_end = json.dumps(
        {"event": "meeting.ended", "payload": {"object": {"id": MEETING, "start_time": "x"}}}
    ).encode()
    for body in (backwards, no_end):
        assert (await zoom.post(body))[0] == 400
    assert set((await _ended_at(zoom)).values()) == {None}


def _ended_of(meeting_id: object, start: str = "2026-12-15T15:00:12Z", end: str = "") -> bytes:
    body = {"id": meeting_id, "start_time": start, "end_time": end or "2026-12-15T16:02:40Z"}
    return json.dumps({"event": "meeting.ended", "payload": {"object": body}}).encode()


async def test_signed_payloads_it_cannot_read_are_a_400_not_a_500(zoom: ZoomBot) -> None:
    """Times that cannot be written in UTC, JSON nested past Python's recursion limit, and ids that
    are neither a string nor a number are nonsense (400, Zoom does not retry), not a crash (500,
    retried for ever); nothing is stored and the server keeps serving."""
    await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    deep = b'{"event": "meeting.ended", "payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    bodies = [
        _ended_of(MEETING, start="0001-01-01T00:00:00+01:00"),
        _ended_of(MEETING, end="9999-12-31T23:59:59-01:00"),
        participant_event("joined", "Keisha Brown", at="0001-01-01T00:00:00+05:00"),
        deep,
        _ended_of({"id": MEETING}),
        _ended_of([852, 18486288]),
        _ended_of(float(MEETING)),
        _ended_of(True),
    ]
    for body in bodies:
        assert await zoom.post(body) == (400, {"error": "bad_payload"}), body[:100]
    assert set((await _ended_at(zoom)).values()) == {None}
    assert await zoom.count() == 0
    assert await zoom.post(_ended_of(MEETING)) == (200, {"status": "recorded"})


async def test_meeting_ended_longer_than_any_zoom_call_is_refused_and_the_real_end_counts(
    zoom: ZoomBot,
) -> None:
    """A set end only moves later (Zoom's retries, a host ending twice), so one far-future end
    would keep the call's attendance unknown for good: an end more than Zoom's 30-hour limit after
    the start is nonsense."""
    meeting = await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    for end in ("9999-12-31T23:59:59Z", "2026-12-17T15:00:00Z"):
        body = meeting_event("ended", "2026-12-15T15:00:12Z", end)
        assert await zoom.post(body) == (400, {"error": "bad_payload"}), end
    assert await zoom.post(
        meeting_event("ended", "2026-12-15T15:00:12Z", "2026-12-15T16:02:40Z")
    ) == (
        200,
        {"status": "recorded"},
    )
    assert await _ended_at(zoom) == {meeting: "2026-12-15T16:02:40+00:00"}


def test_a_display_name_cannot_forge_a_log_line(tmp_path: Path) -> None:
    """The running bot logs who joined unmatched; a newline in the display name Zoom relays stays
    inside that one line, escaped, so nobody can write a line of their own into the log."""
    bot = BotProcess(tmp_path, ZOOM_WEBHOOK_SECRET_TOKEN=SECRET).start()
    try:
        name = "Mallory\n2026-11-30 07:00:00,000 ERROR forged\u2028line"
        body = participant_event("joined", name)
        request = urllib.request.Request(
            bot.base_url + "/zoom/events", data=body, headers=signed_headers(body)
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        wait_until(lambda: "Mallory" in bot.log(), what="the unmatched join in the log")
    finally:
        bot.stop()
    [line] = [line for line in bot.log().splitlines() if "Mallory" in line]
    assert "ERROR forged" in line and not any(
        line.startswith("2026-11-30 07:00:00") for line in bot.log().splitlines()
    )


async def test_meeting_ended_goes_to_the_call_held_not_the_cancelled_one_beside_it(
    zoom: ZoomBot,
) -> None:
    """The 15:00 call was cancelled and a 16:00 one registered with the same recurring number; a
    call that started at 15:20 is the one held, though the cancelled start is nearer."""
    cancelled = await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    await calendar_service.cancel_meeting(
        zoom.deps.store, zoom.deps.region, zoom.deps.settings, cancelled, datetime.now(UTC), "t"
    )
    held = await _add_monthly(zoom, datetime(2026, 12, 15, 16, 0, tzinfo=UTC))
    body = meeting_event("ended", "2026-12-15T15:20:00Z", "2026-12-15T17:00:00Z")
    assert await zoom.post(body) == (200, {"status": "recorded"})
    assert await _ended_at(zoom) == {cancelled: None, held: "2026-12-15T17:00:00+00:00"}


# Issue 19, part 3: Zoom events as they really arrive.
KEISHA = ("Keisha Brown", "keisha.brown@example.org")


async def _durations(zoom: ZoomBot) -> list[tuple[str, int | None]]:
    sql = "SELECT occurred_at, duration_s FROM participation ORDER BY occurred_at"
    async with zoom.deps.store.execute(sql) as cur:
        return [(row[0], row[1]) async for row in cur]


async def test_the_2021_form_with_date_time_is_read_like_join_time(zoom: ZoomBot) -> None:
    joined = participant_event("joined", *KEISHA, at="2026-11-17T15:00:00Z", time_field="date_time")
    left = participant_event("left", *KEISHA, at="2026-11-17T15:30:00Z", time_field="date_time")
    assert await zoom.post(joined) == (200, {"status": "recorded"})
    assert await zoom.post(left) == (200, {"status": "recorded"})
    assert await _durations(zoom) == [("2026-11-17T15:00:00+00:00", 30 * 60)]
    neither = participant_event("joined", *KEISHA, time_field="when")
    assert await zoom.post(neither) == (400, {"error": "bad_payload"})


async def test_meeting_started_is_logged_and_marks_nothing(
    zoom: ZoomBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 13: a call that started may still end with nobody's attendance known; only its end
    (or the Secretariat's record) makes the attendance known."""
    caplog.set_level(logging.INFO, logger="lacralo_bot.call_started")
    meeting = await _add_monthly(zoom, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    started = meeting_event("started", "2026-12-15T15:00:12Z")
    assert await zoom.post(started) == (200, {"status": "started"})
    other = meeting_event("started", "2026-12-15T15:00:12Z", meeting="999888777")
    assert await zoom.post(other) == (200, {"status": "started"})
    assert await _ended_at(zoom) == {meeting: None}
    later = datetime(2027, 1, 1, tzinfo=UTC)
    [listed] = await meeting_service.list_meetings(zoom.deps.store, later)
    assert listed["attendance_recorded"] is False
    logged = [r.getMessage() for r in caplog.records if r.name == "lacralo_bot.call_started"]
    assert f"Meeting {meeting} (Zoom {MEETING}) started at 2026-12-15T15:00:12+00:00" in logged[0]
    assert "no registered meeting" in logged[1] and "999888777" in logged[1]


async def _missed(zoom: ZoomBot, als_id: str, as_of: datetime) -> tuple[int, int]:
    """(calls missed in a row, calls whose attendance is unknown) for one ALS."""
    found = await status_reading.statuses(zoom.deps.store, zoom.deps.region, as_of)
    [status] = [s.status for s in found if s.als.als_id == als_id]
    return status.missed_consecutive_calls, len(status.unrecorded_calls)


async def test_meeting_ended_is_the_evidence_the_status_rules_count_started_is_not(
    zoom: ZoomBot,
) -> None:
    """Rules of Procedure, auxiliary rule to Rule 1 (seed 003): three consecutive monthly calls
    missed. Calls Zoom only said started are not counted as missed (their attendance is unknown,
    issue 13); once Zoom says they ended, an ALS nobody of which joined missed them."""
    starts = [datetime(2026, month, 15, 15, 0, tzinfo=UTC) for month in (9, 10, 11)]
    for start in starts:
        await _add_monthly(zoom, start)
        assert await zoom.post(meeting_event("started", iso(start))) == (200, {"status": "started"})
    december = datetime(2026, 12, 1, tzinfo=UTC)
    assert await _missed(zoom, "ALS-JM-01", december) == (0, 3)
    for start in starts:
        end = meeting_event("ended", iso(start), iso(start + timedelta(minutes=80)))
        assert await zoom.post(end) == (200, {"status": "recorded"})
    assert await _missed(zoom, "ALS-JM-01", december) == (3, 0)


async def test_a_leave_before_its_join_still_gives_the_duration(zoom: ZoomBot) -> None:
    """Zoom does not promise order: the leave is kept and the join gets it when it arrives."""
    left = participant_event("left", *KEISHA, at="2026-11-17T15:47:30Z")
    assert await zoom.post(left) == (200, {"status": "recorded"})
    assert await zoom.count() == 0  # a leave is no participation
    assert await zoom.post(participant_event("joined", *KEISHA, at="2026-11-17T15:00:00Z"))
    assert await _durations(zoom) == [("2026-11-17T15:00:00+00:00", 47 * 60 + 30)]


async def test_leaves_after_meeting_ended_and_in_any_order_give_each_join_its_duration(
    zoom: ZoomBot,
) -> None:
    """Keisha joined, dropped, came back; Zoom delivered the events scrambled, the last leave
    after meeting.ended. Each join lasts until the first leave before the next join."""
    meeting = await _add_monthly(zoom, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))
    events_in_arrival_order = [
        participant_event("left", *KEISHA, at="2026-11-17T15:20:00Z"),
        participant_event("joined", *KEISHA, at="2026-11-17T15:25:00Z"),
        participant_event("joined", *KEISHA, at="2026-11-17T15:00:00Z"),
        meeting_event("ended", "2026-11-17T15:00:00Z", "2026-11-17T16:30:00Z"),
        participant_event("left", *KEISHA, at="2026-11-17T16:30:00Z"),
        participant_event("left", *KEISHA, at="2026-11-17T16:30:00Z"),  # Zoom's retry
        participant_event("joined", "Persona Desconocida", at="2026-11-17T15:10:00Z"),
        participant_event("left", "Persona Desconocida", at="2026-11-17T15:40:00Z"),
    ]
    for body in events_in_arrival_order:
        assert (await zoom.post(body))[0] == 200
    assert await _durations(zoom) == [
        ("2026-11-17T15:00:00+00:00", 20 * 60),
        ("2026-11-17T15:10:00+00:00", 30 * 60),
        ("2026-11-17T15:25:00+00:00", 65 * 60),
    ]
    people = await call_service.attendees(zoom.deps.store, meeting)
    assert [(p["person"], p["als_id"], p["joins"], p["seconds"]) for p in people] == [
        ("Keisha Brown", "ALS-JM-01", 2, 85 * 60),
        ("Persona Desconocida", None, 1, 30 * 60),
    ]


async def test_a_connection_that_drops_and_comes_back_in_the_same_second_keeps_both_durations(
    zoom: ZoomBot,
) -> None:
    """Zoom sends the leave and the new join in one second when a connection drops; the first
    join used to get no duration and the second 0 s (meetings show: 0 minutes)."""
    meeting = await _add_monthly(zoom, datetime(2026, 11, 17, 15, 0, tzinfo=UTC))
    for body in [
        participant_event("joined", *KEISHA, at="2026-11-17T15:00:00Z"),
        participant_event("joined", *KEISHA, at="2026-11-17T15:20:00Z"),
        participant_event("left", *KEISHA, at="2026-11-17T15:20:00Z"),
        participant_event("left", *KEISHA, at="2026-11-17T16:00:00Z"),
    ]:
        assert (await zoom.post(body))[0] == 200
    assert await _durations(zoom) == [
        ("2026-11-17T15:00:00+00:00", 20 * 60),
        ("2026-11-17T15:20:00+00:00", 40 * 60),
    ]
    [keisha] = await call_service.attendees(zoom.deps.store, meeting)
    assert (keisha["joins"], keisha["seconds"]) == (2, 60 * 60)
