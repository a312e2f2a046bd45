"""Call reports, the monthly digest of shared activities, and announcements from the Slack form
(issue 6), through signed Slack requests and the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.deps import Deps
from bot.region import Region
from bot.services import calls as call_service
from bot.services import digests
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import outbox
from bot.zoom.events import CallJoin
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.slack_helpers import running_slack_bot, slack_headers

START = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
ZOOM = "85218486288"
SETTINGS = dict(
    outbound_smtp_host="127.0.0.1",
    announce_address="list@example.org",
    announce_channel="C0ANNOUNCE",
)


async def payload_to(
    conn: aiosqlite.Connection, recipient: str, kind_prefix: str
) -> dict[str, str]:
    async with conn.execute(
        "SELECT payload FROM outbox WHERE recipient = ? AND dedup_key LIKE ?",
        (recipient, kind_prefix + "%"),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None, f"nothing queued for {recipient}"
    return json.loads(row[0])


async def test_call_report_after_the_call(store: aiosqlite.Connection, region: Region) -> None:
    await roster_service.import_roster(
        store, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    for month in (9, 10):  # JM misses September and October; the November report warns about it
        await meeting_service.add_meeting(
            store, "monthly", START.replace(month=month), 90, ZOOM, None, START, "t"
        )
    await meeting_service.add_meeting(store, "monthly", START, 90, ZOOM, None, START, "t")
    joins = [
        CallJoin(ZOOM, "x", e, START + timedelta(minutes=3))
        for e in ("maria.perez@example.org", "joao.araujo@example.org", "jb.etienne@example.org")
    ]
    joins += [
        CallJoin(
            ZOOM, "x", "keisha.brown@example.org", START.replace(month=8) + timedelta(minutes=3)
        )
    ]
    await call_service.record_joins(store, joins, START)
    settings = Settings(**SETTINGS, slack_bot_token="xoxb")  # type: ignore[arg-type]
    during = await digests.call_reports(store, region, settings, START + timedelta(minutes=30))
    assert during == 0  # not before the call's window has closed
    after = START + timedelta(hours=3)
    assert await digests.call_reports(store, region, settings, after) > 0
    assert (
        await digests.call_reports(store, region, settings, after + timedelta(hours=1)) == 0
    )  # once
    report = await payload_to(store, "secretary@example.org", "report:")
    assert "3 ALSs took part:" in report["text"]
    assert (
        "- Southern Cone: Asociación Ficticia de Usuarios de Internet, Instituto Exemplo de Cidadania Digital"
        in report["text"]
    )
    assert "- Caribbean Islands: Association Fictive des Internautes" in report["text"]
    assert "Participaron 3 ALS" in report["text"]
    assert (await payload_to(store, "C0ANNOUNCE", "report:"))["text"] == report["text"]


async def test_shares_make_the_monthly_digest_once(tmp_path: Path) -> None:
    async with running_slack_bot(tmp_path, **SETTINGS) as bot:
        _, text = await bot.command(
            "U0000001", "compartir Taller de Aceptación Universal en Rosario"
        )
        assert text.startswith("Gracias")
        _, empty = await bot.command("U0000003", "compartilhar")
        assert "O que você quer compartilhar" in empty
        now = datetime.now(UTC)
        first_of_next = (now.replace(day=28) + timedelta(days=4)).replace(day=1, hour=6)
        assert (
            await digests.monthly_digest(
                bot.deps.store, bot.deps.region, bot.deps.settings, first_of_next
            )
            == 2
        )
        assert (
            await digests.monthly_digest(
                bot.deps.store, bot.deps.region, bot.deps.settings, first_of_next
            )
            == 0
        )
        digest = await payload_to(bot.deps.store, "list@example.org", "digest:")
    assert (
        "Asociación Ficticia de Usuarios de Internet: Taller de Aceptación Universal en Rosario"
        in digest["text"]
    )
    assert "What ALSs shared" in digest["text"] and "Lo que compartieron las ALS" in digest["text"]


async def test_announcement_from_the_slack_form(tmp_path: Path) -> None:
    async with running_slack_bot(tmp_path, **SETTINGS) as bot:
        status, _ = await bot.command("U0000009", "anunciar")  # the secretary
        assert status == 200
        [opened] = bot.slack.methods("views.open")
        view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
        assert view["callback_id"] == "announce" and [b["block_id"] for b in view["blocks"]] == [
            "en",
            "es",
            "pt",
            "fr",
        ]
        _, refused = await bot.command(
            "U0000001", "anunciar"
        )  # a representative, not the Secretariat
        assert "Solo la Secretaría" in refused

        submission = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": "U0000009"},
            "api_app_id": "A1",
            "trigger_id": "t",
            "view": {
                "id": "V1",
                "callback_id": "announce",
                "type": "modal",
                "state": {
                    "values": {
                        "en": {
                            "text": {
                                "type": "plain_text_input",
                                "value": "The General Assembly is on 3 March.",
                            }
                        },
                        "es": {
                            "text": {
                                "type": "plain_text_input",
                                "value": "La Asamblea General es el 3 de marzo.",
                            }
                        },
                        "pt": {"text": {"type": "plain_text_input", "value": None}},
                        "fr": {"text": {"type": "plain_text_input", "value": None}},
                    }
                },
            },
        }
        from urllib.parse import urlencode

        body = urlencode({"payload": json.dumps(submission)}).encode()
        async with bot.session.post(
            bot.url + "/slack/events",
            data=body,
            headers=slack_headers(body, "application/x-www-form-urlencoded"),
        ) as resp:
            assert resp.status == 200
        rows = [
            r
            for r in await outbox.listing(bot.deps.store)
            if r["subject"] and "General Assembly" in r["subject"]
        ]
        assert {r["recipient"] for r in rows} == {"list@example.org", "C0ANNOUNCE"}
        text = (await payload_to(bot.deps.store, "list@example.org", "announce:"))["text"]
        assert (
            "The General Assembly is on 3 March." in text
            and "La Asamblea General es el 3 de marzo." in text
        )


def test_month_bounds() -> None:
    start, end = digests.month_bounds(datetime(2027, 1, 1, 6, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


async def test_scheduler_runs_reports_and_digests(
    store: aiosqlite.Connection, region: Region
) -> None:
    from bot.scheduler import Scheduler

    deps = Deps(store=store, settings=Settings(), region=region, clock=lambda: START)  # type: ignore[call-arg]
    await Scheduler(deps, {}).tick()  # nothing configured: nothing queued, nothing fails
    assert await outbox.listing(store) == []
