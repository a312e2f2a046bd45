"""Slack's three seconds: 200 signed slash commands from 20 concurrent clients against
`lacralo-bot run` (issue 8: p99 of the acknowledgement <= 50 ms)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.common import REPO, free_port, running_bot, wait_port

COUNT, CLIENTS = 200, 20
SECRET = "bench-signing-secret"
TEXT = "status"


def run() -> dict[str, float]:
    slack_port = free_port()
    fake = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "fake_slack_server.py"), str(slack_port)]
    )
    try:
        wait_port(slack_port)
        env = {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{slack_port}/api/",
        }
        with running_bot(env, roster=True) as bot:
            done = subprocess.run(
                [
                    sys.executable,
                    str(REPO / "bench" / "slack_sender.py"),
                    f"http://127.0.0.1:{bot.http_port}/slack/events",
                    SECRET,
                    str(COUNT),
                    str(CLIENTS),
                    "U0000001",
                    TEXT,
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            )
    finally:
        fake.terminate()
        fake.wait(10)
    result = json.loads(done.stdout)
    return {
        "slack_ack_ok": result["ok"],
        "slack_ack_p50_ms": round(result["p50_ms"], 1),
        "slack_ack_p99_ms": round(result["p99_ms"], 1),
    }


if __name__ == "__main__":
    print(run())
