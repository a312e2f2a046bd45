"""Requests signed the way Zoom signs them, sent to the bot's real aiohttp server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import build_web_app
from bot.deps import Deps
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import open_store
from tests.conftest import EXAMPLE_ROSTER, free_port

SECRET = "zoom-test-secret-token"
MEETING = "85218486288"


def signed_headers(
    body: bytes, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "x-zm-request-timestamp": ts,
        "x-zm-signature": f"v0={digest}",
        "content-type": "application/json",
    }


def participant_event(
    kind: str,
    name: str,
    email: str | None = None,
    at: str = "2026-11-17T15:02:10Z",
    meeting: str = MEETING,
    time_field: str | None = None,
) -> bytes:
    """Zoom's participant_joined/left; `time_field="date_time"` is the 2021 form of the event."""
    person: dict[str, Any] = {
        "user_id": "16778240",
        "user_name": name,
        "id": "abc",
        "participant_uuid": "p-uuid",
    }
    if email is not None:
        person["email"] = email
    person[time_field or ("join_time" if kind == "joined" else "leave_time")] = at
    payload = {
        "event": f"meeting.participant_{kind}",
        "event_ts": 1700000000000,
        "payload": {
            "account_id": "acct",
            "object": {
                "id": int(meeting),
                "uuid": "m-uuid==",
                "host_id": "h",
                "topic": "LACRALO Monthly",
                "type": 8,
                "start_time": "2026-11-17T15:00:00Z",
                "timezone": "UTC",
                "participant": person,
            },
        },
    }
    return json.dumps(payload).encode()


def meeting_event(kind: str, start: str, end: str | None = None, meeting: str = MEETING) -> bytes:
    """Zoom's meeting.started (no end) or meeting.ended, as its documentation shows them."""
    body: dict[str, Any] = {
        "id": meeting,
        "uuid": "4444AAAiAAAAAiAiAiiAii==",
        "host_id": "h",
        "topic": "LACRALO Monthly",
        "type": 8,
        "start_time": start,
        "duration": 90,
        "timezone": "America/Bogota",
    }
    if end is not None:
        body["end_time"] = end
    payload = {
        "event": f"meeting.{kind}",
        "event_ts": 1765814562000,
        "payload": {"account_id": "acct", "object": body},
    }
    return json.dumps(payload).encode()


@dataclass
class ZoomBot:
    deps: Deps
    url: str
    session: aiohttp.ClientSession

    async def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with self.session.post(
            self.url + "/zoom/events",
            data=body,
            headers=signed_headers(body) if headers is None else headers,
        ) as resp:
            return resp.status, await resp.json(content_type=None)

    async def count(self, sql: str = "SELECT count(*) FROM participation") -> int:
        async with self.deps.store.execute(sql) as cur:
            row = await cur.fetchone()
        return int(row[0])


@asynccontextmanager
async def running_zoom_bot(tmp_path: Path, secret: str | None = SECRET) -> AsyncIterator[ZoomBot]:
    conn = await open_store(tmp_path / "zoom.db")
    region = load_region()
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    deps = Deps(store=conn, settings=Settings(zoom_webhook_secret_token=secret), region=region)  # type: ignore[call-arg]
    runner = web.AppRunner(build_web_app(deps))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            yield ZoomBot(deps, f"http://127.0.0.1:{port}", session)
    finally:
        await runner.cleanup()
        await conn.close()


def past_calls(count: int) -> list[datetime]:
    """The monthly calls of the last `count` months (the 15th, 15:00 UTC), oldest first."""
    today = datetime.now(UTC)
    year, month = today.year, today.month
    if today.day <= 16:  # this month's call may not be over yet
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    found = []
    for _ in range(count):
        found.append(datetime(year, month, 15, 15, 0, tzinfo=UTC))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]
