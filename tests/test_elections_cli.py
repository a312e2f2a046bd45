"""Elections through the command line and the public pages, on a real SQLite file (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.region import DEFAULT_REGION_FILE
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

HEADER = (
    "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
)
# Two more Argentine ALSs: 8 voters from 6 countries (AR 3; BR, CO, HT, JM, MX one each). By the
# Country Coefficients (the default reading of Rule 12.9) each country weighs 100 / 6 = 16.67 and an
# Argentine ALS 16.67 / 3 = 5.56. Read literally, Argentina's 37.5% is over a cap of 6% (6 countries
# covered by the accredited ALSs) that six countries cannot all meet: every country weighs 1.
EXTRA = (
    "ALS-AR-02,Segunda Asociación,AR,2016-01-01,es,representative,Ana Dos,ana.dos@example.org,,AR,\n"
    "ALS-AR-03,Tercera Asociación,AR,2016-01-01,es,representative,Ana Tres,ana.tres@example.org,,AR,\n"
)


def setup(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(EXAMPLE_ROSTER.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    assert run_cli(tmp_path, "roster", "import", str(roster)).returncode == 0


def test_roll_lists_the_voters_with_their_weights(tmp_path: Path) -> None:
    setup(tmp_path)
    roll = json.loads(
        run_cli(tmp_path, "election", "roll", "--as-of", "2026-11-20", "--format", "json").stdout
    )
    ids = [v["als_id"] for v in roll["voters"]]
    assert "ALS-PE-01" not in ids and len(ids) == 8  # the applicant does not vote
    assert roll["weights_reading"] == "country-coefficients" and roll["countries_on_roll"] == 6
    assert roll["equal_countries"] is False
    weights = {v["als_id"]: v["weight"] for v in roll["voters"]}
    assert weights["ALS-AR-02"] == 50 / 9 and weights["ALS-BR-01"] == 50 / 3
    argentina = next(c for c in roll["countries"] if c["country"] == "AR")
    assert (argentina["country_weight_exact"], argentina["country_coefficient_exact"]) == (
        "50/3",
        "50/9",
    )
    assert abs(roll["total_weight"] - 100) < 1e-9  # six countries, 16.67 each
    table = run_cli(tmp_path, "election", "roll", "--as-of", "2026-11-20")
    assert "Country Weight" in table.stdout and "Country Coefficient" in table.stdout
    assert "16.67" in table.stdout and "5.56" in table.stdout
    assert "Country Weight of 16.67 (100 ÷ 6)" in table.stderr
    assert "Country Coefficients LACRALO publishes" in table.stderr


def test_the_literal_reading_of_rule_12_9_is_a_region_setting(tmp_path: Path) -> None:
    setup(tmp_path)
    region = tmp_path / "region.yaml"
    text = DEFAULT_REGION_FILE.read_text(encoding="utf-8")
    region.write_text(text.replace("weights: country-coefficients", "weights: literal-cap"))
    env = {"LACRALO_REGION_FILE": str(region)}
    args = ("election", "roll", "--as-of", "2026-11-20")
    roll = json.loads(run_cli(tmp_path, *args, "--format", "json", **env).stdout)
    assert roll["weights_reading"] == "literal-cap"
    assert roll["max_percentage"] == 6  # AR, BR, CO, HT, JM, MX: the applicant's PE does not count
    assert roll["equal_countries"] is True
    weights = {v["als_id"]: v["weight"] for v in roll["voters"]}
    assert weights["ALS-AR-02"] == 1 / 3 and weights["ALS-BR-01"] == 1
    assert abs(roll["total_weight"] - 6) < 1e-9  # six countries, one each
    table = run_cli(tmp_path, *args, **env)
    assert "Maximum Percentage is 6%" in table.stderr and "read literally" in table.stderr


def test_tally_refuses_bad_ballots_by_line_and_counts_the_rest(tmp_path: Path) -> None:
    setup(tmp_path)
    assert (
        run_cli(tmp_path, "proxies", "add", "--from", "ALS-JM-01", "--to", "ALS-HT-01").returncode
        == 0
    )
    second = run_cli(tmp_path, "proxies", "add", "--from", "ALS-MX-01", "--to", "ALS-HT-01")
    assert second.returncode == 1 and "Rule 1.6" in second.stderr
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(
        "als_id,choice,cast_by\n"
        "ALS-AR-01,María Pérez,\n"  # 50/9 (16.67 / 3)
        "ALS-BR-01,João Araújo,\n"  # 50/3
        "ALS-HT-01,María Pérez,\n"  # 50/3
        "ALS-JM-01,María Pérez,ALS-HT-01\n"  # by proxy, notified: 50/3
        "ALS-MX-01,João Araújo,ALS-CO-01\n"  # by proxy, never notified: refused
        "ALS-PE-01,João Araújo,\n"  # applicant, not on the roll: refused
        "ALS-AR-01,João Araújo,\n"  # a second ballot: refused
        "ALS-CO-01,abstain,\n",
        encoding="utf-8",
    )
    future = "2099-01-01"  # the proxy was notified before this vote
    done = run_cli(
        tmp_path,
        "election",
        "tally",
        str(ballots),
        "--as-of",
        future,
        "--format",
        "json",
        "--publish",
        "Chair-Elect 2026",
        "--candidates",
        "María Pérez,João Araújo",
    )
    assert done.returncode == 1
    assert "Line 6 rejected" in done.stderr and "Rule 1.5" in done.stderr
    assert "Line 7 rejected" in done.stderr and "Line 8 rejected" in done.stderr
    result = json.loads(done.stdout)
    assert result["quorum"] == {"required": 4, "present": 5, "met": True}
    assert [(r["choice"], r["votes"]) for r in result["results"]] == [
        ("María Pérez", 3),
        ("João Araújo", 1),
    ]
    # 50/9 (AR) + 50/3 (HT) + 50/3 (JM, by proxy): 350/9, on the Country Coefficient scale.
    assert abs(result["results"][0]["weighted_votes"] - 350 / 9) < 1e-9
    assert (
        result["abstentions"] == 1 and result["winner"] == "María Pérez" and result["tied"] is None
    )
    assert result["voted"] == ["ALS-AR-01", "ALS-BR-01", "ALS-CO-01", "ALS-HT-01", "ALS-JM-01"]


def test_second_ballot_tie_goes_to_the_draw(tmp_path: Path) -> None:
    setup(tmp_path)
    ballots = tmp_path / "second.csv"
    ballots.write_text(
        "als_id,choice\nALS-BR-01,María Pérez\nALS-HT-01,João Araújo\n"
        "ALS-JM-01,Abstain\nALS-CO-01,Abstain\n",
        encoding="utf-8",
    )
    base = (
        "election",
        "tally",
        str(ballots),
        "--as-of",
        "2026-11-20",
        "--second-ballot",
        "--candidates",
        "María Pérez,João Araújo",
    )
    unseeded = run_cli(tmp_path, *base)  # still tied: a draw needs its seed (refused, said why)
    assert unseeded.returncode == 1 and "election draw --commit" in unseeded.stderr
    done = run_cli(tmp_path, *base, "--seed", "LACRALO-2026-chair-elect", "--format", "json")
    result = json.loads(done.stdout)
    assert result["draw"]["committed"] is False  # given, never committed in advance
    assert result["tied"] == ["João Araújo", "María Pérez"]
    assert result["draw"]["drawn"] == result["winner"] == "João Araújo"
    assert (
        result["draw"]["sha256"]
        == "7858a830eb79c0d9c58a63be2bbbb08c17b4497c18bbc86d735abcc4777f1c9c"
    )


def test_ballots_file_without_the_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("ALS;voto\nX;Y\n", encoding="utf-8")
    done = run_cli(tmp_path, "election", "tally", str(bad))
    assert done.returncode == 1 and "als_id and choice" in done.stderr


def test_a_giver_that_votes_too_keeps_its_own_ballot_and_the_tally_says_the_reading(
    tmp_path: Path,
) -> None:
    """Rule 1.5 (seed 003) is silent: giver-stands, the region file's default reading."""
    setup(tmp_path)
    given = run_cli(tmp_path, "proxies", "add", "--from", "ALS-JM-01", "--to", "ALS-HT-01")
    assert given.returncode == 0
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(
        "als_id,choice,cast_by\n"
        "ALS-JM-01,María Pérez,\n"
        "ALS-JM-01,João Araújo,ALS-HT-01\n"  # its proxy lapses
        "ALS-HT-01,João Araújo,\n",
        encoding="utf-8",
    )
    done = run_cli(
        tmp_path,
        *("election", "tally", str(ballots), "--as-of", "2099-01-01", "--format", "json"),
        *("--candidates", "María Pérez,João Araújo"),
    )
    assert done.returncode == 1 and "Line 3 rejected" in done.stderr
    assert "giver-stands" in done.stderr and "Rule 1.5" in done.stderr
    result = json.loads(done.stdout)
    [lapsed] = result["refused"]
    assert lapsed["reason"] == "proxies.ballot.lapsed" and lapsed["params"]["reading"] == (
        "giver-stands"
    )
    assert result["voted"] == ["ALS-HT-01", "ALS-JM-01"]
    assert {r["choice"]: r["votes"] for r in result["results"]} == {
        "María Pérez": 1,
        "João Araújo": 1,
    }


def test_ballot_files_as_spreadsheets_save_them(tmp_path: Path) -> None:
    """Found in review: ";" between the columns (Excel in Spanish, Portuguese, French) is read;
    a file with only its header is refused, not counted as a vote nobody cast."""
    setup(tmp_path)
    semicolons = tmp_path / "es.csv"
    semicolons.write_text("\ufeffals_id;choice\r\nALS-BR-01;María Pérez\r\n", encoding="utf-8")
    done = run_cli(
        tmp_path,
        *("election", "tally", str(semicolons), "--candidates", "María Pérez,João Araújo"),
        *("--format", "json"),
    )
    assert json.loads(done.stdout)["results"][0]["choice"] == "María Pérez"
    header = tmp_path / "empty.csv"
    header.write_text("als_id,choice\n", encoding="utf-8")
    done = run_cli(
        tmp_path, "election", "tally", str(header), "--candidates", "A,B", LACRALO_LANGUAGE="es"
    )
    assert done.returncode == 1 and "no tiene boletas" in done.stderr


def test_a_committed_seed_is_the_one_the_draw_uses(tmp_path: Path) -> None:
    setup(tmp_path)
    committed = run_cli(tmp_path, "election", "draw", "--commit", "the-real-seed")
    assert committed.returncode == 0, committed.stderr
    ballots = tmp_path / "tie.csv"
    ballots.write_text(
        "als_id,choice\nALS-BR-01,A\nALS-HT-01,B\nALS-CO-01,abstain\nALS-JM-01,abstain\n",
        encoding="utf-8",
    )
    base = ("election", "tally", str(ballots), "--candidates", "A,B", "--second-ballot")
    other = run_cli(tmp_path, *base, "--seed", "a-seed-that-suits-me")
    assert other.returncode == 1 and "committed in advance" in other.stderr
    done = run_cli(tmp_path, *base, "--format", "json")
    result = json.loads(done.stdout)
    assert result["draw"]["seed"] == "the-real-seed" and result["draw"]["committed"] is True


def test_the_proxies_listing_names_the_vote_each_proxy_is_for(tmp_path: Path) -> None:
    setup(tmp_path)
    given = run_cli(
        tmp_path, "proxies", "add", "--from", "ALS-JM-01", "--to", "ALS-HT-01", "--motion", "Budget"
    )
    assert given.returncode == 0, given.stderr
    [row] = json.loads(run_cli(tmp_path, "proxies", "--format", "json").stdout)
    assert row["vote"] == "motion:Budget"
    assert "For the vote" in run_cli(tmp_path, "proxies").stdout
