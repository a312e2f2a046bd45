"""`GET /metrics` on the running bot (issue 21): Prometheus text that prometheus-client's own parser
reads, a counter that rises after a post, and a door closed to anyone but the operator."""

from __future__ import annotations

import json
import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, wait_until
from tests.e2e.bot_process import BotProcess

LIST_ID = "lac-discuss-en.atlarge-lists.icann.org"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    running = BotProcess(tmp_path, LACRALO_LOG_FORMAT="json").start()
    yield running
    running.stop()


def samples(bot: BotProcess) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, body, headers = bot.get("/metrics")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def post(bot: BotProcess, n: int) -> None:
    raw = (
        "From: Keisha Brown <keisha.brown@example.org>\r\n"
        f"List-Id: <{LIST_ID}>\r\nMessage-ID: <metrics-{n}@example.org>\r\n"
        "Date: Mon, 16 Nov 2026 15:00:00 +0000\r\n\r\nHello\r\n"
    )
    with smtplib.SMTP("127.0.0.1", bot.smtp_port, timeout=10) as client:
        client.sendmail(f"{LIST_ID}-bounces@example.org", ["bot@example.org"], raw.encode())


def test_a_post_raises_the_counters_prometheus_reads(bot: BotProcess, tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    key = ("lacralo_posts_received_total", (("list", LIST_ID),))
    counted = ("lacralo_posts_counted_total", (("list", LIST_ID),))
    before = samples(bot)
    post(bot, 1)
    after = samples(bot)
    assert after[key] == before.get(key, 0) + 1
    assert after[counted] == before.get(counted, 0) + 1
    intake = ("lacralo_intake_seconds_count", (("door", "smtp"),))
    assert after.get(intake, 0) >= 1
    assert ("lacralo_unmatched_names", ()) in after


def test_metrics_refused_to_a_proxied_request(bot: BotProcess) -> None:
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, body, _ = bot.get("/metrics", headers={header: "203.0.113.9"})
        assert status == 403, header
        assert "lacralo_" not in body


def test_metrics_refused_to_an_address_outside_the_allowed_networks(tmp_path: Path) -> None:
    """The bot listens on every address; a request to its non-loopback address is a remote one."""
    outside = _own_address()
    if outside is None:
        pytest.skip("this machine has no address besides loopback")
    bot = BotProcess(tmp_path, LACRALO_HTTP_HOST="0.0.0.0").start()
    try:
        import urllib.error
        import urllib.request

        url = f"http://{outside}:{bot.http_port}/metrics"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 403
    finally:
        bot.stop()
    again = BotProcess(
        tmp_path, LACRALO_HTTP_HOST="0.0.0.0", LACRALO_METRICS_NETWORKS=f"{outside}/32"
    ).start()
    try:
        import urllib.request

        with urllib.request.urlopen(f"http://{outside}:{again.http_port}/metrics", timeout=5) as r:
            assert r.status == 200
    finally:
        again.stop()


def test_json_logs_are_one_object_per_line(bot: BotProcess) -> None:
    wait_until(lambda: "ready" in bot.log().lower() or '"message"' in bot.log(), 10, "a log line")
    lines = [line for line in bot.log().splitlines() if line.strip()]
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(entry)


def _own_address() -> str | None:
    """This machine's address on its default route, if it has one besides loopback."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address
