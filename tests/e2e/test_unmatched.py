"""Issue 19, point 4, end to end: a representative joins three monthly calls from a phone that shows
"iPhone de Keisha" (real signed Zoom webhooks to the bot's HTTP server); her ALS is judged inactive
(three consecutive monthly calls missed: Rules of Procedure, auxiliary rule to Rule 1, seed 003).
The Secretariat finds the name in `lacralo-bot unmatched` with Keisha among the candidates,
assigns it, and the ALS is active; unassign, dismiss and undismiss undo and redo, all audited."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run_cli
from tests.e2e.zoom_helpers import (
    MEETING,
    ZoomBot,
    participant_event,
    past_calls,
    running_zoom_bot,
)

PHONE = "iPhone de Keisha"
KEY = "iphone de keisha"
KEISHA = "keisha.brown@example.org"


@pytest.fixture
async def zoom(tmp_path: Path) -> AsyncIterator[ZoomBot]:
    async with running_zoom_bot(tmp_path) as bot:
        yield bot


async def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line on the bot's own database, while the bot serves."""
    db = str(tmp_path / "zoom.db")
    return await asyncio.to_thread(run_cli, tmp_path, *args, LACRALO_DB_PATH=db)


async def cli_json(tmp_path: Path, *args: str) -> Any:
    done = await cli(tmp_path, *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def state_of(tmp_path: Path, als_id: str) -> str:
    rows = await cli_json(tmp_path, "status")
    return str(next(r for r in rows if r["als_id"] == als_id)["state"])


async def joined(zoom: ZoomBot, name: str, at: datetime, email: str | None = None) -> None:
    body = participant_event("joined", name, email, at=at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    status, _ = await zoom.post(body)
    assert status == 200


async def test_unmatched_assign_reattributes_and_the_status_follows(
    zoom: ZoomBot, tmp_path: Path
) -> None:
    calls = past_calls(3)
    for call in calls:
        added = await cli(
            tmp_path, "meetings", "add", "--kind", "monthly", "--start", call.isoformat(),
            "--duration", "90", "--zoom-id", MEETING,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        await joined(zoom, "María Pérez", call + timedelta(minutes=1), "maria.perez@example.org")
        await joined(zoom, PHONE, call + timedelta(minutes=3))
    assert await state_of(tmp_path, "ALS-JM-01") == "inactive"
    assert await state_of(tmp_path, "ALS-AR-01") == "active"

    # The queue: the name, its three joins, and Keisha among the candidates with her ALS.
    [entry] = await cli_json(tmp_path, "unmatched")
    assert (entry["key"], entry["count"]) == (KEY, 3)
    assert [(c["email"], c["als_id"]) for c in entry["candidates"]] == [(KEISHA, "ALS-JM-01")]
    assert await cli_json(tmp_path, "participation", "--unmatched") == [entry]  # the synonym
    table = await cli(tmp_path, "unmatched")
    assert "Example Internet Users Society" in table.stdout, table.stdout

    # Refusals: a key not listed (the closest is named), an address not in the roster.
    wrong = await cli(tmp_path, "unmatched", "assign", "iphone de keysha", "--to", KEISHA)
    assert wrong.returncode == 1 and KEY in wrong.stderr, wrong.stderr
    nobody = await cli(tmp_path, "unmatched", "assign", KEY, "--to", "nobody@example.org")
    assert nobody.returncode == 1 and "nobody@example.org" in nobody.stderr

    assigned = await cli(tmp_path, "unmatched", "assign", KEY, "--to", KEISHA)
    assert assigned.returncode == 0, assigned.stderr
    assert "3 events" in assigned.stderr
    assert await cli_json(tmp_path, "unmatched") == []
    assert await state_of(tmp_path, "ALS-JM-01") == "active"
    log = await cli_json(tmp_path, "participation", "--als", "ALS-JM-01")
    assert [e["person"] for e in log] == ["Keisha Brown"] * 3

    # From now on the alias decides a live join under that name.
    await joined(zoom, PHONE, calls[-1] + timedelta(minutes=20))
    assert len(await cli_json(tmp_path, "participation", "--als", "ALS-JM-01")) == 4

    undone = await cli(tmp_path, "unmatched", "unassign", KEY)
    assert undone.returncode == 0, undone.stderr
    assert await state_of(tmp_path, "ALS-JM-01") == "inactive"
    assert [(e["key"], e["count"]) for e in await cli_json(tmp_path, "unmatched")] == [(KEY, 4)]

    dismissed = await cli(tmp_path, "unmatched", "dismiss", KEY)
    assert dismissed.returncode == 0, dismissed.stderr
    await joined(zoom, PHONE, calls[-1] + timedelta(minutes=30))  # a later join under it
    assert await cli_json(tmp_path, "unmatched") == []
    [hidden] = await cli_json(tmp_path, "unmatched", "--dismissed")
    assert (hidden["key"], hidden["count"]) == (KEY, 5)
    # Run twice, a command says so and succeeds, as `meetings cancel` twice does; no audit entry.
    again = await cli(tmp_path, "unmatched", "dismiss", KEY)
    assert again.returncode == 0 and "already dismissed; nothing changed" in again.stderr
    assert (await cli(tmp_path, "unmatched", "undismiss", KEY)).returncode == 0
    assert [(e["key"], e["count"]) for e in await cli_json(tmp_path, "unmatched")] == [(KEY, 5)]

    audit = await cli_json(tmp_path, "audit", "list", "--kind", "unmatched")
    assert [(a["action"], a["subject"]) for a in audit] == [
        ("unmatched.assign", KEY),
        ("unmatched.unassign", KEY),
        ("unmatched.dismiss", KEY),
        ("unmatched.undismiss", KEY),
    ]
    assert audit[0]["data"]["person"] == KEISHA and audit[0]["data"]["events"] == 3
    assert all(a["actor"].startswith("cli") for a in audit)
    assert (await cli(tmp_path, "audit", "verify")).returncode == 0


async def test_the_als_in_brackets_decides_a_live_join(zoom: ZoomBot, tmp_path: Path) -> None:
    """The issue's own example: two people of one name, the ALS in brackets says which."""
    header = "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
    rows = (
        "ALS-AR-01,Asociación Ficticia de Usuarios de Internet,AR,2015-03-10,es,member,Juan Pérez,"
        "juan.perez@example.org,,AR,\n"
        "ALS-UY-01,Colectivo Dígito Libre,UY,2019-05-05,es,representative,Juan Pérez,"
        "juan.perez@digito.example,,UY,\n"
    )
    roster = tmp_path / "more.csv"
    roster.write_text(header + rows, encoding="utf-8")
    assert (await cli(tmp_path, "roster", "import", str(roster))).returncode == 0
    at = datetime(2026, 11, 17, 15, 2, tzinfo=UTC)
    await joined(zoom, "Juan Pérez (Colectivo Dígito Libre)", at)
    await joined(zoom, "Juan Pérez", at + timedelta(minutes=1))
    log = await cli_json(tmp_path, "participation", "--als", "ALS-UY-01")
    assert [e["person"] for e in log] == ["Juan Pérez"]
    [waiting] = await cli_json(tmp_path, "unmatched")
    assert waiting["key"] == "juan perez" and waiting["why"] == "ambiguous"
    assert sorted(c["als_id"] for c in waiting["candidates"]) == ["ALS-AR-01", "ALS-UY-01"]
