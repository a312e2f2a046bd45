"""`lacralo-bot election draw` on a real SQLite file (issue 17, point 4): a seed committed before
the second ballot, audited by its hash only; a draw anyone re-computes from the revealed seed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bot.domain.draw import ALGORITHM
from tests.cli_helpers import run_cli

SEED = "LACRALO-2026-chair-elect"
SEED_HASH = hashlib.sha256(SEED.encode("utf-8")).hexdigest()


def recompute(tmp_path: Path, among: str, *more: str) -> dict[str, object]:
    done = run_cli(
        tmp_path, "election", "draw", "--seed", SEED, "--among", among, "--format", "json", *more
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_commit_then_recompute_from_the_revealed_seed(tmp_path: Path) -> None:
    done = run_cli(
        tmp_path,
        "election",
        "draw",
        "--commit",
        SEED,
        "--position",
        "vicepresidente",  # the Chair-Elect, named in Spanish
        "--seed-source",
        "lacralo-es, 2026-11-01",
    )
    assert done.returncode == 0, done.stderr
    assert SEED_HASH in done.stderr and "Chair-Elect" in done.stderr and "Announce" in done.stderr
    result = recompute(tmp_path, "María Pérez,João Araújo", "--position", "chair-elect")
    assert result["seed"] == SEED and result["seed_hash"] == SEED_HASH
    assert result["algorithm"] == ALGORITHM
    assert result["order"] == ["João Araújo", "María Pérez"] and result["drawn"] == "João Araújo"
    text = SEED + "\nJoão Araújo\nMaría Pérez"
    assert result["digest"] == hashlib.sha256(text.encode()).hexdigest()
    assert result["index"] == int(hashlib.sha256(text.encode()).hexdigest(), 16) % 2
    assert result["committed_at"] and result["seed_source"] == "lacralo-es, 2026-11-01"


def test_a_seed_not_committed_for_the_vote_is_said(tmp_path: Path) -> None:
    run_cli(tmp_path, "election", "draw", "--commit", "another seed", "--motion", "Budget 2027")
    done = run_cli(
        tmp_path, "election", "draw", "--seed", SEED, "--among", "Yes,No", "--motion", "Budget 2027"
    )
    assert done.returncode == 0 and "not committed in advance" in done.stderr
    assert hashlib.sha256(b"another seed").hexdigest() in done.stderr  # the one that was
    result = recompute(tmp_path, "Yes,No", "--motion", "Budget 2027")
    assert result["committed_at"] is None


def test_the_order_of_among_does_not_matter(tmp_path: Path) -> None:
    first = recompute(tmp_path, "María Pérez,João Araújo,Keisha Brown")
    assert recompute(tmp_path, " Keisha Brown,João Araújo , María Pérez,maria pérez") == first
    assert first["order"] == ["João Araújo", "Keisha Brown", "María Pérez"]
    assert first["drawn"] == "Keisha Brown"


def test_the_table_shows_every_number(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "election", "draw", "--seed", SEED, "--among", "B,A")
    text = SEED + "\nA\nB"
    number = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    assert done.returncode == 0
    flat = "".join(done.stdout.split())
    assert hashlib.sha256(text.encode()).hexdigest() in flat and SEED_HASH in flat
    assert f"{number}mod2={number % 2}" in flat


def test_the_audit_log_has_the_hash_not_the_seed(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "election", "draw", "--commit", SEED).returncode == 0
    done = run_cli(tmp_path, "audit", "list", "--kind", "election.seed_commit", "--format", "json")
    entries = json.loads(done.stdout)
    assert [e["data"]["seed_hash"] for e in entries] == [SEED_HASH]
    assert entries[0]["data"]["kind"] == "free" and SEED not in done.stdout


def test_usage_errors(tmp_path: Path) -> None:
    draw = ("election", "draw")
    assert run_cli(tmp_path, *draw).returncode == 2  # --commit or --seed
    assert run_cli(tmp_path, *draw, "--seed", SEED).returncode == 2  # no --among
    assert run_cli(tmp_path, *draw, "--seed", SEED, "--among", "A,a").returncode == 2  # one name
    assert run_cli(tmp_path, *draw, "--commit", " ").returncode == 2
    assert run_cli(tmp_path, *draw, "--commit", SEED, "--among", "A,B").returncode == 2
    assert run_cli(tmp_path, *draw, "--commit", SEED, "--position", "treasurer").returncode == 2
    both = ("--seed", SEED, "--commit", SEED)
    assert run_cli(tmp_path, *draw, *both).returncode == 2
