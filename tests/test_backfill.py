"""`lacralo-bot backfill mbox`: pipermail archives, idempotent, with a summary."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

ARCHIVE = (
    "From maria.perez at example.org  Tue Feb 21 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\n"
    "Subject: [lac-discuss-es] Hola\n"
    "Message-ID: <m1@example.org>\n"
    "\n"
    "Body.\n"
    "\n"
    "From joao.araujo at example.org  Wed Mar  1 09:30:00 2023\n"
    "From: joao.araujo at example.org (João Araújo)\n"
    "Subject: [lac-discuss-es] Re: Hola\n"
    "\n"
    "Reply, no Date and no Message-ID: the separator line dates it.\n"
    "\n"
    "From stranger at elsewhere.example  Thu Mar  2 10:00:00 2023\n"
    "From: stranger at elsewhere.example (Stranger)\n"
    "Message-ID: <m3@example.org>\n"
    "\n"
    "Who?\n"
    "\n"
    "From nobody  Fri Mar  3 10:00:00 2023\n"
    "Subject: no author at all\n"
    "\n"
    "x\n"
)


def test_pipermail_gz_backfill_is_idempotent_with_a_summary(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    archive = tmp_path / "2023-February.txt.gz"
    archive.write_bytes(gzip.compress(ARCHIVE.encode("utf-8")))
    args = ("backfill", "mbox", str(archive), "--list-id", "lac-discuss-es.atlarge-lists.icann.org")

    first = run_cli(tmp_path, *args)
    assert first.returncode == 1, first.stderr  # one message was unreadable, and it says so
    assert "4 read, 2 matched, 1 unmatched, 0 duplicates, 1 unreadable" in first.stderr
    assert "no author address" in first.stderr

    second = run_cli(tmp_path, *args)
    assert "4 read, 0 matched, 0 unmatched, 3 duplicates, 1 unreadable" in second.stderr

    log = json.loads(run_cli(tmp_path, "participation", "--format", "json").stdout)
    assert [(e["als_id"], e["occurred_at"]) for e in log] == [
        ("ALS-AR-01", "2023-02-21T13:00:00+00:00"),
        ("ALS-BR-01", "2023-03-01T09:30:00+00:00"),
    ]
    queue = json.loads(run_cli(tmp_path, "participation", "--unmatched", "--format", "json").stdout)
    assert [q["address"] for q in queue] == ["stranger@elsewhere.example"]


def test_archive_without_list_id_needs_the_option(tmp_path: Path) -> None:
    archive = tmp_path / "plain.mbox"
    archive.write_text(ARCHIVE, encoding="utf-8")
    done = run_cli(tmp_path, "backfill", "mbox", str(archive))
    assert done.returncode == 1
    assert "4 unreadable" in done.stderr and "--list-id" in done.stderr


def test_missing_or_truncated_archive(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "backfill", "mbox", str(tmp_path / "missing.txt")).returncode == 2
    truncated = tmp_path / "cut.txt.gz"
    truncated.write_bytes(gzip.compress(ARCHIVE.encode() * 50)[:200])
    done = run_cli(tmp_path, "backfill", "mbox", str(truncated), "--list-id", "x.y")
    assert done.returncode == 1 and "Traceback" not in done.stderr
