"""Slack's three seconds: 200 signed slash commands from 20 concurrent clients against
`lacralo-bot run` (issue 8: p99 of the acknowledgement <= 50 ms)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, bot_env, free_port, start_bot, stop, wait_port

COUNT, CLIENTS = 200, 20
SECRET = "bench-signing-secret"


def run() -> dict[str, float]:
    slack_port = free_port()
    fake = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "fake_slack_server.py"), str(slack_port)]
    )
    try:
        wait_port(slack_port)
        with tempfile.TemporaryDirectory() as workdir:
            env, http_port, _ = bot_env(Path(workdir))
            env |= {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": f"http://127.0.0.1:{slack_port}/api/",
            }
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "roster",
                    "import",
                    str(REPO / "examples" / "roster.csv"),
                ],
                cwd=workdir,
                env=env,
                capture_output=True,
                check=True,
            )
            proc = start_bot(Path(workdir), env, http_port)
            try:
                done = subprocess.run(
                    [
                        sys.executable,
                        str(REPO / "bench" / "slack_sender.py"),
                        f"http://127.0.0.1:{http_port}/slack/events",
                        SECRET,
                        str(COUNT),
                        str(CLIENTS),
                        "U0000001",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=120,
                )
            finally:
                stop(proc)
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
