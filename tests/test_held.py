"""Issue 20, point 5, below the receiver: which DKIM signer vouches for a list, held posts decided
once and audited, lists counted as the region file names them, Zoom evidence, back-fill unchanged.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest
import yaml

from bot.domain.errors import RuleViolation
from bot.domain.status import AlsStatus
from bot.mail import dkim_check
from bot.mail.post import parse_post
from bot.region import DEFAULT_REGION_FILE, Region, RegionError, load_region
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.services import participation as service
from bot.services import roster as roster_service
from bot.services.status.reading import statuses
from bot.store import audit_log, metrics
from bot.store import held as held_store
from bot.store import participation as events
from bot.zoom.events import CallJoin
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.dkim_helpers import make_signer

LIST_ID = "lac-discuss-es.atlarge-lists.icann.org"
UNKNOWN = "lac-secret.lists.example.net"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
ZOOM = "85218486288"
CALL = datetime(2026, 10, 15, 15, tzinfo=UTC)


def raw_post(mid: str = "<p1@example.org>", list_id: str = LIST_ID, day: int = 21) -> bytes:
    return (
        "From: María Pérez <maria.perez@example.org>\r\nSubject: Hola\r\n"
        f"Date: {day} Feb 2023 10:00:00 -0300\r\nList-Id: <{list_id}>\r\nMessage-ID: {mid}\r\n"
        "\r\nHola.\r\n"
    ).encode()


@pytest.fixture
async def roster(store: aiosqlite.Connection, region: Region) -> aiosqlite.Connection:
    await roster_service.import_roster(
        store, region, EXAMPLE_ROSTER.read_bytes(), "2025-01-01T00:00:00+00:00", "t"
    )
    return store


@pytest.mark.parametrize(
    ("signer", "list_id", "vouches"),
    [
        ("atlarge-lists.icann.org", LIST_ID, True),  # the list's own domain (RFC 2919)
        ("icann.org", LIST_ID, True),  # a parent: the organisation running the list server
        ("ICANN.ORG.", LIST_ID, True),  # DNS names compare without case or the root dot
        ("org", LIST_ID, False),  # a top-level domain vouches for nobody
        ("lac-discuss-es.atlarge-lists.icann.org", LIST_ID, False),  # the list name is no domain
        ("evil-icann.org", LIST_ID, False),  # a suffix that is not a parent
        ("example.org", LIST_ID, False),  # the sender's own domain
        ("", LIST_ID, False),
        ("icann.org", "nolist", False),  # a List-Id without a domain
    ],
)
def test_which_signer_vouches_for_a_list(signer: str, list_id: str, vouches: bool) -> None:
    assert dkim_check.signs_for(signer, list_id) is vouches


def test_dkim_verdicts_with_the_key_from_a_test_dns() -> None:
    keys = make_signer()
    signed = keys.sign(raw_post(), "atlarge-lists.icann.org")
    assert dkim_check.check(raw_post(), LIST_ID, keys.lookup) is dkim_check.Verdict.MISSING
    assert dkim_check.check(signed, LIST_ID, keys.lookup) is dkim_check.Verdict.VALID
    tampered = signed.replace(b"Hola.", b"Chau.")
    assert dkim_check.check(tampered, LIST_ID, keys.lookup) is dkim_check.Verdict.INVALID
    # Signed for the list's domain, but posted to another list: not that list's signature.
    other = keys.sign(raw_post(list_id="x.lists.example.net"), "atlarge-lists.icann.org")
    assert dkim_check.check(other, "x.lists.example.net", keys.lookup).value == "dkim_other_domain"
    garbage = b"DKIM-Signature: \x00\xff;;;\r\n" + raw_post()
    assert dkim_check.check(garbage, LIST_ID, keys.lookup) is not dkim_check.Verdict.VALID


async def _held(conn: aiosqlite.Connection, region: Region, mid: str) -> None:
    post = parse_post(raw_post(mid))
    recorded = await service.record_list_post(conn, region, post, NOW, "dkim_missing", "192.0.2.9")
    assert recorded.outcome is service.Outcome.HELD


async def test_approve_counts_from_the_posts_date_reject_never_each_once_and_audited(
    roster: aiosqlite.Connection, region: Region
) -> None:
    await _held(roster, region, "<a@x>")
    await _held(roster, region, "<b@x>")
    first, second = await service.held_posts(roster)
    assert (first.person, first.als_id, first.peer) == ("María Pérez", "ALS-AR-01", "192.0.2.9")
    snapshot = await metrics.snapshot(roster)
    assert snapshot.posts_counted[LIST_ID] == 0  # held posts are not counted by /metrics either

    await service.decide_held(roster, first.held_id, True, NOW, "cli:sec")
    await service.decide_held(roster, second.held_id, False, NOW, "cli:sec")
    with pytest.raises(RuleViolation) as refused:
        await service.decide_held(roster, second.held_id, True, NOW, "cli:sec")
    assert refused.value.reason.key == "participation.refused.already_decided"
    with pytest.raises(RuleViolation):
        await service.decide_held(roster, 99, True, NOW, "cli:sec")

    log = await events.events(roster, "ALS-AR-01")
    assert [(e["kind"], e["occurred_at"]) for e in log] == [
        ("list_post", "2023-02-21T13:00:00+00:00")
    ]
    assert await service.held_posts(roster) == []
    decided = await held_store.get(roster, second.held_id)
    assert decided is not None and decided.state == "rejected"
    assert (await metrics.snapshot(roster)).posts_counted[LIST_ID] == 1
    entries = [e async for e in audit_log.entries(roster) if e.action.startswith("participation.")]
    assert [(e.action, e.subject, e.data["held_id"]) for e in entries] == [
        ("participation.approved", "ALS-AR-01", first.held_id),
        ("participation.rejected", "ALS-AR-01", second.held_id),
    ]


async def test_backfill_counts_as_before(roster: aiosqlite.Connection, region: Region) -> None:
    """The operator's archive back-fill is not a relay: its posts count, none is held."""
    posts = [parse_post(raw_post(f"<m{i}@x>")) for i in range(3)]
    recorded = await service.record_many(roster, region, posts, NOW)
    assert [r.outcome for r in recorded] == [service.Outcome.MATCHED] * 3
    assert await service.held_posts(roster) == []
    assert (await metrics.snapshot(roster)).posts_counted[LIST_ID] == 3


def _region_with(tmp_path: Path, **changes: object) -> Path:
    raw = yaml.safe_load(DEFAULT_REGION_FILE.read_text("utf-8"))
    raw.update(changes)
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def test_a_list_counts_while_the_region_file_names_it(
    roster: aiosqlite.Connection, region: Region, tmp_path: Path
) -> None:
    await service.record_list_post(roster, region, parse_post(raw_post(list_id=UNKNOWN)), NOW)
    [line] = await events.counted_events(roster)
    assert line["counts"] is False
    assert (await metrics.snapshot(roster)).posts_counted[UNKNOWN] == 0
    # Seed 003, auxiliary rule to Rule 1: the same month's post to a known list is what counts.
    known = parse_post(raw_post("<k@x>", day=3))
    await service.record_list_post(roster, region, known, NOW)
    [found] = [s for s in await statuses(roster, region, NOW) if s.als.als_id == "ALS-AR-01"]
    assert found.status.last_participation == datetime(2023, 2, 3, 13, tzinfo=UTC)

    lists = [*yaml.safe_load(DEFAULT_REGION_FILE.read_text("utf-8"))["lists"]]
    named = load_region(
        _region_with(tmp_path, lists=[*lists, {"list_id": UNKNOWN, "name": "S", "kind": "wg"}])
    )
    assert await service.sync_lists(roster, named, NOW) == 1
    assert await service.sync_lists(roster, named, NOW) == 0  # nothing to write the second time
    assert [line["counts"] for line in await events.counted_events(roster)] == [True, True]
    assert (await metrics.snapshot(roster)).posts_counted[UNKNOWN] == 1
    [found] = [s for s in await statuses(roster, named, NOW) if s.als.als_id == "ALS-AR-01"]
    assert found.status.last_participation == datetime(2023, 2, 21, 13, tzinfo=UTC)

    assert await service.sync_lists(roster, region, NOW) == 1  # removed from the file again
    assert [line["counts"] for line in await events.counted_events(roster)] == [True, False]


async def test_zoom_evidence_email_counts_only_joins_attributed_by_email(
    roster: aiosqlite.Connection, region: Region
) -> None:
    await meeting_service.add_meeting(roster, "monthly", CALL, 90, ZOOM, None, CALL, "t")
    joined = CALL + timedelta(minutes=3)
    joins = [
        CallJoin(ZOOM, "Joao", "joao.araujo@example.org", joined),  # ALS-BR-01, by e-mail
        CallJoin(ZOOM, "María Pérez - AFUI", None, joined),  # ALS-AR-01, by name alone
        # ALS-AR-01's other person: an address the roster lacks, matched by the name typed.
        CallJoin(ZOOM, "Joaquín Núñez", "jn@elsewhere.example", joined),
    ]
    await call_service.record_joins(roster, joins, NOW)

    def attended(found: list[AlsStatus]) -> dict[str, bool]:
        """Whether each ALS attended the call, as the status rule (seed 003) sees it."""
        mine = ("ALS-AR-01", "ALS-BR-01")
        return {s.als.als_id: s.facts.calls[-1].attended for s in found if s.als.als_id in mine}

    by_name = region
    by_email = dataclasses.replace(region, zoom_evidence="email")
    assert attended(await statuses(roster, by_name, NOW)) == {"ALS-AR-01": True, "ALS-BR-01": True}
    assert attended(await statuses(roster, by_email, NOW)) == {
        "ALS-AR-01": False,
        "ALS-BR-01": True,
    }
    shown = {
        (e["person"], e["evidence"], e["counts"])
        for e in await events.counted_events(roster, zoom_evidence="email")
    }
    assert shown == {
        ("João Araújo", "email", True),
        ("María Pérez", "name", False),
        ("Joaquín Núñez", "name", False),
    }
    under_name = await events.counted_events(roster, zoom_evidence="name")
    assert all(e["counts"] for e in under_name)


@pytest.mark.parametrize("value", ["email", "name"])
def test_zoom_evidence_reads_from_the_region_file(tmp_path: Path, value: str) -> None:
    assert load_region(_region_with(tmp_path, zoom_evidence=value)).zoom_evidence == value


@pytest.mark.parametrize("value", ["Email", "verified", "", None, 1])
def test_another_zoom_evidence_is_refused_naming_the_setting(tmp_path: Path, value: object) -> None:
    with pytest.raises(RegionError, match="zoom_evidence"):
        load_region(_region_with(tmp_path, zoom_evidence=value))
