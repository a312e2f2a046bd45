"""Nomination rounds from the command line (issue 16): `nominations open|vacancy|close` on a real
SQLite file, positions named in any language, and `nominations --format json` with the outcome."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.deps import utc_now
from bot.region import DEFAULT_REGION_FILE, load_region
from bot.services import candidacies
from bot.settings import Settings
from bot.store import open_store
from bot.store import roster as roster_store
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER


def region_with_this_year(tmp_path: Path) -> dict[str, str]:
    """The shipped region with a rotation row for the year the test runs in, so it does not
    depend on the date; the environment that points the CLI at it."""
    raw = yaml.safe_load(DEFAULT_REGION_FILE.read_text(encoding="utf-8"))
    raw["rotation"][utc_now().year] = {"nomcom-delegate": "A", "alac-member-even": "C"}
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    return {"LACRALO_REGION_FILE": str(path)}


def test_a_round_opened_and_closed_from_the_command_line(tmp_path: Path) -> None:
    env = region_with_this_year(tmp_path)
    opened = run_cli(
        tmp_path, "nominations", "open", "--position", "delegado nomcom", "--closes", "20", **env
    )
    assert opened.returncode == 0, opened.stderr
    assert "ALAC Delegate to the NomCom" in opened.stderr and "sub-region A" in opened.stderr
    spanish = run_cli(
        tmp_path,
        "nominations",
        "open",
        "--position",
        "membre de l'ALAC",
        "--closes",
        "20",
        LACRALO_LANGUAGE="es",
        **env,
    )
    assert spanish.returncode == 1 and "puede ser" in spanish.stderr  # both ALAC seats
    assert "alac-member-even" in spanish.stderr and "alac-member-odd" in spanish.stderr
    bad = run_cli(
        tmp_path, "nominations", "open", "--position", "nomcom", "--closes", "ayer", **env
    )
    assert bad.returncode == 2 and "ayer" in bad.stderr
    unknown = run_cli(
        tmp_path, "nominations", "open", "--position", "president", "--closes", "9", **env
    )
    assert unknown.returncode == 1 and "Chair-Elect" in unknown.stderr

    asyncio.run(_nominate_and_accept(tmp_path, env["LACRALO_REGION_FILE"]))
    closed = run_cli(tmp_path, "nominations", "close", "--position", "nomcom delegate", **env)
    assert closed.returncode == 0, closed.stderr
    assert "Guadalupe Hernández, elected by acclamation" in closed.stderr
    [row] = json.loads(run_cli(tmp_path, "nominations", "--format", "json", **env).stdout)
    assert (row["position"], row["state"], row["outcome"]) == (
        "nomcom-delegate",
        "valid",
        "acclamation",
    )
    again = run_cli(tmp_path, "nominations", "close", "--position", "nomcom delegate", **env)
    assert again.returncode == 1 and "not open" in again.stderr
    table = run_cli(tmp_path, "nominations", **env)
    assert "acclamation" in table.stdout


def test_a_vacancy_from_the_command_line(tmp_path: Path) -> None:
    env = region_with_this_year(tmp_path)
    done = run_cli(
        tmp_path, "nominations", "vacancy", "--position", "vice-secretary", "--closes", "9", **env
    )
    assert done.returncode == 0, done.stderr
    assert "Secretary-Elect" in done.stderr and "sub-region B" in done.stderr  # 2025's


async def _nominate_and_accept(tmp_path: Path, region_file: str) -> None:
    """Nominations come by chat or e-mail; here the same services, on the same file."""
    conn = await open_store(tmp_path / "lacralo.db")
    try:
        region = load_region(Path(region_file))
        settings = Settings()
        maria = await roster_store.member_by(conn, "email", "maria.perez@example.org")
        lupe = await roster_store.member_by(conn, "email", "lupe.hernandez@example.org")
        assert maria and lupe
        now = datetime.now(UTC)
        await candidacies.nominate(conn, region, settings, maria, lupe, "nomcom-delegate", now)
        missing = await candidacies.accept(
            conn,
            region,
            settings,
            lupe,
            "nomcom-delegate",
            "https://x.org/soi",
            now,
            no_conflicts=True,
        )
        assert missing == []
    finally:
        await conn.close()


def test_a_position_vote_from_the_command_line(tmp_path: Path) -> None:
    """Issue 17 end to end at the command line: the round closes with two candidates, the roll is
    published for the position, the tally is bound to the valid candidacies and published, and
    each candidate's outcome is recorded."""
    env = region_with_this_year(tmp_path)
    opened = run_cli(
        tmp_path, "nominations", "open", "--position", "alac member even", "--closes", "20", **env
    )
    assert opened.returncode == 0, opened.stderr
    asyncio.run(_two_candidates(tmp_path, env["LACRALO_REGION_FILE"]))
    early = run_cli(
        tmp_path, "election", "roll", "--publish", "--position", "alac member even", **env
    )
    assert early.returncode == 1 and "still open" in early.stderr
    closed = run_cli(tmp_path, "nominations", "close", "--position", "alac member even", **env)
    assert closed.returncode == 0 and "election" in closed.stderr
    published = run_cli(
        tmp_path, "election", "roll", "--publish", "--position", "alac member even", **env
    )
    assert published.returncode == 0, published.stderr
    assert "SHA-256" in published.stderr and "6 ALSs" in published.stderr
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(
        "als_id,choice\nALS-AR-01,keisha brown\nALS-BR-01,Jean Baptiste Etienne\n"
        "ALS-HT-01,JEAN-BAPTISTE ÉTIENNE\nALS-JM-01,abstención\nALS-CO-01,Rosa Quispe\n",
        encoding="utf-8",
    )
    done = run_cli(
        tmp_path,
        *("election", "tally", str(ballots), "--position", "alac member even"),
        *("--publish", "--format", "json"),
        **env,
    )
    assert done.returncode == 1  # line 6 is invalid, and said so
    assert "Line 6 rejected" in done.stderr and "Rosa Quispe" in done.stderr
    result = json.loads(done.stdout)
    assert result["winner"] == "Jean-Baptiste Étienne" and result["roll"]["published"] is True
    assert [i["line"] for i in result["invalid"]] == [6]
    rows = json.loads(run_cli(tmp_path, "nominations", "--format", "json", **env).stdout)
    assert {r["candidate"]: r["outcome"] for r in rows} == {
        "Jean-Baptiste Étienne": "elected",
        "Keisha Brown": "not-elected",
    }


async def _two_candidates(tmp_path: Path, region_file: str) -> None:
    conn = await open_store(tmp_path / "lacralo.db")
    try:
        region = load_region(Path(region_file))
        settings = Settings()
        now = datetime.now(UTC)
        for nominator, candidate in (
            ("maria.perez@example.org", "keisha.brown@example.org"),
            ("joao.araujo@example.org", "jb.etienne@example.org"),
        ):
            by = await roster_store.member_by(conn, "email", nominator)
            who = await roster_store.member_by(conn, "email", candidate)
            assert by and who
            await candidacies.nominate(conn, region, settings, by, who, "alac-member-even", now)
            assert not await candidacies.accept(
                conn,
                region,
                settings,
                who,
                "alac-member-even",
                "https://x.org/soi",
                now,
                no_conflicts=True,
            )
    finally:
        await conn.close()


def test_a_draw_re_check_reads_the_names_as_the_tally_did(tmp_path: Path) -> None:
    """Found in review (issue 17.4): `election draw --seed S --among ... --position P` maps names
    typed without accents or by alias to the vote's candidates, so the re-check hashes what the
    tally hashed."""
    env = region_with_this_year(tmp_path)
    run_cli(
        tmp_path, "nominations", "open", "--position", "alac member even", "--closes", "20", **env
    )
    asyncio.run(_two_candidates(tmp_path, env["LACRALO_REGION_FILE"]))
    base = ("election", "draw", "--seed", "seed-0", "--format", "json")
    exact = run_cli(tmp_path, *base, "--among", "Keisha Brown,Jean-Baptiste Étienne", **env)
    typed = run_cli(
        tmp_path,
        *base,
        *("--among", "keisha brown,Jean Baptiste Etienne", "--position", "alac member even"),
        **env,
    )
    assert typed.returncode == 0, typed.stderr
    assert json.loads(typed.stdout)["digest"] == json.loads(exact.stdout)["digest"]
    assert json.loads(typed.stdout)["order"] == ["Jean-Baptiste Étienne", "Keisha Brown"]
