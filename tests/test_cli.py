"""The command line as users and scripts meet it: exit codes, messages, JSON on stdout alone."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

BAD_ROW = "ALS-XX-01,Nowhere,XX,2015-01-01,es,member,Nobody,nobody@example.org,,,\n"


def test_import_reports_bad_rows_by_line_and_exits_1(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(EXAMPLE_ROSTER.read_text(encoding="utf-8") + BAD_ROW, encoding="utf-8")
    done = run_cli(tmp_path, "roster", "import", str(roster))
    assert done.returncode == 1, done.stderr
    assert "Line 14 rejected: unknown country code XX" in done.stderr
    assert "12 added" in done.stderr and "1 rejected" in done.stderr
    assert (tmp_path / "lacralo.db").exists()


def test_messages_follow_lacralo_language(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(EXAMPLE_ROSTER.read_text(encoding="utf-8") + BAD_ROW, encoding="utf-8")
    done = run_cli(tmp_path, "roster", "import", str(roster), LACRALO_LANGUAGE="es")
    assert "Línea 14 rechazada: código de país desconocido XX" in done.stderr


def test_export_json_is_parseable_stdout(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    done = run_cli(tmp_path, "roster", "export", "--format", "json")
    assert done.returncode == 0
    exported = json.loads(done.stdout)
    ar = next(a for a in exported if a["als_id"] == "ALS-AR-01")
    assert {
        "als_id",
        "als_name",
        "country",
        "subregion",
        "accredited_on",
        "language",
        "people",
    } <= set(ar)
    assert {p["name"] for p in ar["people"]} == {"María Pérez", "Joaquín Núñez"}
    assert set(ar["people"][0]) >= {"name", "email", "role", "slack_id", "nationality", "aliases"}


def test_export_csv_and_table(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    as_csv = run_cli(tmp_path, "roster", "export", "--format", "csv").stdout
    assert as_csv.splitlines()[0].startswith("als_id,als_name,country")
    assert "Jean-Baptiste Étienne" in as_csv
    table = run_cli(tmp_path, "roster", "export").stdout
    assert "Roster" in table and "ALS-HT-01" in table


@pytest.mark.parametrize(
    ("env", "words"),
    [
        (
            {"LACRALO_HTTP_PORT": "abc"},
            "LACRALO_HTTP_PORT='abc' cannot be used: it must be a whole number",
        ),
        (
            {"LACRALO_SMTP_PORT": "70000"},
            "LACRALO_SMTP_PORT='70000' cannot be used: the number is too big",
        ),
        (
            {"LACRALO_LANGUAGE": "de"},
            "LACRALO_LANGUAGE='de' cannot be used: it must be one of en, es, pt, fr",
        ),
    ],
)
def test_bad_setting_is_one_sentence_and_exit_2(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    done = run_cli(tmp_path, "audit", "verify", **env)
    assert done.returncode == 2
    assert words.replace("'", "") in done.stderr.replace("'", "")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_unusable_database_path_is_one_sentence(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "audit", "verify", LACRALO_DB_PATH=str(tmp_path / "no" / "x.db"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Cannot open the database" in done.stderr and "LACRALO_DB_PATH" in done.stderr


def test_settings_from_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LACRALO_DB_PATH=from-dotenv.db\n", encoding="utf-8")
    assert run_cli(tmp_path, "audit", "verify").returncode == 0
    assert (tmp_path / "from-dotenv.db").exists()


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster").returncode == 2
    assert run_cli(tmp_path, "frobnicate").returncode == 2
    assert run_cli(tmp_path, "roster", "import", str(tmp_path / "missing.csv")).returncode == 2


def test_audit_verify_exit_codes(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    ok = run_cli(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stderr
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    broken = run_cli(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "broken at entry 3" in broken.stderr


def test_env_example_documents_every_setting() -> None:
    from bot.settings import Settings

    documented = Path(__file__).resolve().parent.parent.joinpath(".env.example").read_text("utf-8")
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names = getattr(alias, "choices", [alias])
        assert any(f"\n{name}=" in documented for name in names), f"{names} not in .env.example"
