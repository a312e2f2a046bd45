"""The Secretariat's digest of a month (issue 18): `lacralo-bot digest send --month YYYY-MM`
sends it once, `--again` re-sends, a month not over is refused, and the scheduler sends last
month's at the start of the next."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

RELAY = {"LACRALO_OUTBOUND_SMTP_HOST": "127.0.0.1"}


def test_a_months_digest_is_sent_once_unless_asked_again(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    first = run_cli(tmp_path, "digest", "send", "--month", "2026-10", **RELAY)
    assert first.returncode == 0, first.stderr
    assert "queued (3 messages)" in first.stderr  # chair, secretary and staff
    again = run_cli(tmp_path, "digest", "send", "--month", "2026-10", **RELAY)
    assert again.returncode == 0 and "sent already" in again.stderr
    forced = run_cli(tmp_path, "digest", "send", "--month", "2026-10", "--again", **RELAY)
    assert "queued (3 messages)" in forced.stderr
    future = run_cli(tmp_path, "digest", "send", "--month", "2099-01", LACRALO_LANGUAGE="es")
    assert future.returncode == 1 and "todavía no terminó" in future.stderr
    bad = run_cli(tmp_path, "digest", "send", "--month", "octubre", LACRALO_LANGUAGE="es")
    assert bad.returncode == 2 and "AAAA-MM" in bad.stderr
    listed = run_cli(tmp_path, "outbox", "--format", "json", **RELAY)
    assert listed.stdout.count("ALS statuses in 2026-10") >= 6  # 3 + 3 again
