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


# Issue 20, point 6: what a member shares is shown as text, on Slack and in mail, and a member
# shares at most a few activities a day; the service keeps answering through both attacks.

ATTACK = (
    "<!channel> <!here> taller con <@U0000003> en <#C0ANNOUNCE|general>:"
    " <https://evil.example/login|https://icann.org/informe> &lt;b&gt;"
)


async def test_a_share_with_mentions_and_a_disguised_link_reaches_slack_and_mail_as_text(
    tmp_path: Path,
) -> None:
    from bot.services.outbox import deliver_due
    from bot.store import audit_log
    from bot.transports.mail_out import email_sender
    from bot.transports.slack_out import slack_sender
    from tests.fakes import smtp_sink

    async with smtp_sink() as sink:
        async with running_slack_bot(tmp_path, **SETTINGS, outbound_smtp_port=sink.port) as bot:
            status, text = await bot.command("U0000001", f"share {ATTACK}")
            assert status == 200 and text.startswith("Thank you")
            now = datetime.now(UTC)
            first_of_next = (now.replace(day=28) + timedelta(days=4)).replace(day=1, hour=6)
            deps = bot.deps
            assert await digests.monthly_digest(
                deps.store, deps.region, deps.settings, first_of_next
            )
            head = str(await audit_log.head(deps.store))
            senders = {
                "email": email_sender(deps.settings, lambda: first_of_next),
                "slack": slack_sender(deps.settings),
            }
            delivered = await deliver_due(deps.store, senders, first_of_next)
            assert delivered.sent == 2 and delivered.failed == 0
            [posted] = [
                m for m in bot.slack.methods("chat.postMessage") if m["channel"] == "C0ANNOUNCE"
            ]
            # The service keeps answering after it.
            status, again = await bot.command("U0000001", "help")
            assert status == 200 and again
        [mail] = await sink.wait_for(1)
    slack_text = posted["text"]
    assert "<!" not in slack_text and "<@" not in slack_text and "<#" not in slack_text
    assert "<http" not in slack_text and "|" not in slack_text
    assert (
        "@channel @here taller con @U0000003 en #general:"
        " https://icann.org/informe (https://evil.example/login) &lt;b&gt;" in slack_text
    )
    body = mail.get_content()
    assert mail.get_content_type() == "text/plain"
    assert (
        "@channel @here taller con @U0000003 en #general:"
        " https://icann.org/informe (https://evil.example/login) <b>" in body
    )
    assert head in body and head in slack_text  # issue 20, point 7: the head in every digest


async def test_a_member_shares_at_most_a_few_a_day_and_is_told_when_again(
    tmp_path: Path,
) -> None:
    from bot.domain.share_limit import SHARES_PER_DAY

    moment = [datetime(2026, 11, 30, 12, 0, tzinfo=UTC)]
    async with running_slack_bot(tmp_path, clock=lambda: moment[0], **SETTINGS) as bot:
        for n in range(SHARES_PER_DAY):
            moment[0] += timedelta(minutes=10)
            _, text = await bot.command("U0000001", f"share taller {n}")
            assert text.startswith("Thank you"), text
        first = datetime(2026, 11, 30, 12, 10, tzinfo=UTC)
        moment[0] += timedelta(minutes=1)
        _, refused = await bot.command("U0000001", "share one more")
        assert f"{SHARES_PER_DAY} activities in the last 24 hours" in refused
        assert "30 Nov 2026" not in refused and "1 Dec 2026 at 12:10 UTC" in refused
        _, spanish = await bot.command("U0000001", "compartir uno más")
        assert "Podrá volver a compartir el 1 dic 2026 a las 12:10 UTC" in spanish
        # Another member is not held back by it.
        _, other = await bot.command("U0000003", "share our own workshop")
        assert other.startswith("Thank you") or other.startswith("Obrigado")
        moment[0] = first + timedelta(days=1)
        _, later = await bot.command("U0000001", "share the next day")
        assert later.startswith("Thank you")
        async with bot.deps.store.execute(
            "SELECT count(*) FROM share s JOIN person p USING (person_id) WHERE p.slack_id = ?",
            ("U0000001",),
        ) as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == SHARES_PER_DAY + 1
