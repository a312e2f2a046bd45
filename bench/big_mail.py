"""/healthz while 10,000,000-byte command mails arrive (issue 15: p99 < 100 ms).

A sender process delivers the mails one after another to `lacralo-bot run` (under its 10 MiB size
limit); meanwhile this process asks /healthz again and again over one keep-alive connection and
times each answer, until the sender is done. Every mail must be accepted (250) as well.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time

from bench.common import REPO, memory_mb, running_bot

COUNT = 6
COMMANDS = "lacralo-bot-commands@bench.example.org"


def poll_while(proc: subprocess.Popen[str], port: int) -> list[float]:
    """Seconds each /healthz took, asked back to back until `proc` exits."""
    latencies = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while proc.poll() is None:
            start = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            latencies.append(time.perf_counter() - start)
    finally:
        conn.close()
    return latencies


def run() -> dict[str, float]:
    with running_bot({"LACRALO_COMMAND_ADDRESS": COMMANDS}) as bot:
        sender = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "bench" / "big_mail_sender.py"),
                str(bot.smtp_port),
                str(COUNT),
                COMMANDS,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        latencies = sorted(poll_while(sender, bot.http_port))
        out, _ = sender.communicate(timeout=600)
        peak = memory_mb(bot.proc.pid, "VmHWM")
    result = json.loads(out)
    return {
        "big_mail_sent": result["sent"],
        "big_mail_accepted": result["accepted"],
        "big_mail_seconds": round(result["elapsed"], 2),
        "healthz_big_mail_answers": len(latencies),
        "healthz_p50_big_mail_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "healthz_p99_big_mail_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "rss_big_mail_mb": peak,
    }


if __name__ == "__main__":
    print(run())
