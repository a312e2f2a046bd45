"""`make bench`: run every benchmark, print `name: value` per figure and a summary line.

Speed figures are ratios against a baseline measured in the same run, on the same machine; targets
are printed beside them, never asserted in unit tests.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    attack_log,
    big_mail,
    mbox_backfill,
    slack_ack,
    slow_clients,
    smtp_ingest,
    status_scale,
    zoom_burst,
)

TARGETS = {
    "smtp_ingest_ratio": (">=", 0.8),
    "smtp_ingest_ratio_16": (">=", 0.9),
    "relay_250_under_flood_ms": ("<=", 1000.0),
    "relay_250s_under_flood": (">=", slow_clients.POSTS),
    "zoom_burst_p99_ms": ("<=", 100.0),
    "zoom_burst_stored": (">=", 1000),
    "status_200x10y_s": ("<=", 1.0),
    "mbox_backfill_ratio": (">=", 0.5),
    "rss_idle_mb": ("<=", 150.0),
    "rss_load_mb": ("<=", 150.0),
    "slack_ack_p99_ms": ("<=", 50.0),
    "slack_ack_ok": (">=", 200),
    "healthz_p99_big_mail_ms": ("<=", 100.0),
    "big_mail_accepted": (">=", big_mail.COUNT),
    "rss_big_mail_mb": ("<=", 150.0),
    "attack_log_kb": ("<=", float(attack_log.TARGET_KB)),
    "attack_http_5xx": ("<=", 0),
}


def main() -> int:
    started = time.perf_counter()
    machine = f"{platform.machine()} {platform.processor()}".strip()
    print(f"machine: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    figures: dict[str, float] = {}
    benches = (smtp_ingest, slow_clients, mbox_backfill, zoom_burst, slack_ack, status_scale)
    for bench in (*benches, big_mail, attack_log):
        figures.update(bench.run())
    missed = []
    for name, value in figures.items():
        target = TARGETS.get(name)
        note = ""
        if target:
            op, bound = target
            ok = value >= bound if op == ">=" else value <= bound
            note = f"  (target {op} {bound}: {'met' if ok else 'MISSED'})"
            if not ok:
                missed.append(name)
        print(f"{name}: {value}{note}")
    elapsed = time.perf_counter() - started
    verdict = "all targets met" if not missed else f"missed: {', '.join(missed)}"
    print(f"summary: {len(figures)} figures in {elapsed:.0f}s; {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
