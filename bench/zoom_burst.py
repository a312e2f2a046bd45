"""An assembly's worth of joins at once: 1,000 signed webhooks in about two seconds (issue 4).

Every join must be stored (counted in the SQLite file afterwards); latency is measured by the
sender, in another process, from request to response (target p99 <= 100 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.common import REPO, running_bot, stop

COUNT = 1000
SECONDS = 2.0
SECRET = "bench-secret"


def run() -> dict[str, float]:
    with running_bot({"ZOOM_WEBHOOK_SECRET_TOKEN": SECRET}) as bot:
        done = subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "zoom_sender.py"),
                f"http://127.0.0.1:{bot.http_port}/zoom/events",
                SECRET,
                str(COUNT),
                str(SECONDS),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        stop(bot.proc)
        stored = bot.stored()
    result = json.loads(done.stdout)
    return {
        "zoom_burst_sent": COUNT,
        "zoom_burst_stored": stored,
        "zoom_burst_seconds": round(result["elapsed"], 2),
        "zoom_burst_p50_ms": round(result["p50_ms"], 1),
        "zoom_burst_p99_ms": round(result["p99_ms"], 1),
    }
