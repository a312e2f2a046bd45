"""Durable list-post ingest through `lacralo-bot run`, against aiosmtpd's bare Sink handler.

Both servers run as subprocesses and take the same load from a third process (4 concurrent
senders), so the ratio compares like with like on this machine in this run (issue 3, issue 8:
target >= 0.7). "Durable" means counted in the SQLite file after the run, not merely answered.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from bench.common import REPO, free_port, memory_mb, running_bot, stop, wait_port

SENDERS = 4
EACH = 500
ROUNDS = 3  # alternate sink and bot runs; report the median of each


def load(port: int, tag: str) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "smtp_sender.py"),
            str(port),
            str(SENDERS),
            str(EACH),
            tag,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def sink_rate() -> float:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        result = load(port, "sink")
    finally:
        stop(proc)
    return result["ok"] / result["elapsed"]


def bot_rate() -> tuple[float, int, float, float]:
    with running_bot(roster=True) as bot:
        idle = memory_mb(bot.proc.pid)
        result = load(bot.smtp_port, "bot")
        peak = memory_mb(bot.proc.pid, "VmHWM")
        stop(bot.proc)
        stored = bot.stored()
    return stored / result["elapsed"], stored, idle, peak


def run() -> dict[str, float]:
    sinks, bots = [], []
    for _ in range(ROUNDS):
        sinks.append(sink_rate())
        bots.append(bot_rate())
    sink = statistics.median(sinks)
    bot, stored, idle, peak = sorted(bots)[len(bots) // 2]
    return {
        "smtp_sink_msgs_per_s": round(sink, 1),
        "smtp_bot_durable_msgs_per_s": round(bot, 1),
        "smtp_bot_stored": stored,
        "smtp_ingest_ratio": round(bot / sink, 3),
        "rss_idle_mb": idle,
        "rss_load_mb": max(b[3] for b in bots),
    }
