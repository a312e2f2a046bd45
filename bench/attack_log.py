"""How much log an attack writes (issue 20, part 3): `attack_log_kb`, target under 512 KB.

`lacralo-bot run` at LACRALO_LOG_LEVEL=INFO, Zoom and Slack configured, its log in a file; then,
from this process: 100 unsigned 1 MB Slack posts; 100 forged Zoom joins with line breaks in the
display name, and the same 100 signed (accepted as unmatched: one escaped line each); signed Slack
and Zoom posts with invalid or deeply nested JSON and absurd timestamps (1e99, -1, 400 digits);
200 mails refused (no List-Id, unreadable headers); 50 slow SMTP clients and 50 slow HTTP clients
that trickle a few bytes and leave. The figure is the bytes the log grew by from just before the
attack to the bot's exit (its last summaries included). Before issue 20 each unsigned Slack post
wrote its whole body into the log (bolt's "Invalid request signature detected" line, at INFO):
over 100 MB for this attack.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import aiohttp

from bench.common import bot_env, stop

SLACK_SECRET = "bench-slack-secret"
ZOOM_SECRET = "bench-zoom-secret"
TARGET_KB = 512
FLOOD, FLOOD_BYTES = 100, 1024 * 1024
DEEP = b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}"


def _signed(secret: str, body: bytes, timestamp: str | None = None) -> tuple[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return ts, f"v0={digest}"


def slack_headers(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts, sig = _signed(SLACK_SECRET, body, timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig,
        "Content-Type": "application/json",
    }


def zoom_headers(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts, sig = _signed(ZOOM_SECRET, body, timestamp)
    return {"x-zm-request-timestamp": ts, "x-zm-signature": sig, "content-type": "application/json"}


def forged_join(n: int) -> bytes:
    name = f"Mallory {n}\n2026-11-30 07:00:00,000 ERROR forged line {n}"
    person = {"user_name": name, "join_time": "2026-11-17T15:02:10Z", "user_id": str(n)}
    event = {
        "event": "meeting.participant_joined",
        "payload": {"object": {"id": 85218486288, "participant": person}},
    }
    return json.dumps(event).encode()


async def http_attack(base: str) -> dict[str, int]:
    statuses: dict[int, int] = {}
    big = b"x" * FLOOD_BYTES
    async with aiohttp.ClientSession() as session:

        async def post(path: str, body: bytes, headers: dict[str, str]) -> None:
            async with session.post(base + path, data=body, headers=headers) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1

        unsigned = {"Content-Type": "application/x-www-form-urlencoded"}
        for start in range(0, FLOOD, 10):
            await asyncio.gather(
                *(post("/slack/events", big, unsigned) for _ in range(start, start + 10))
            )
        forged = [forged_join(n) for n in range(FLOOD)]
        await asyncio.gather(*(post("/zoom/events", b, zoom_headers(b"other")) for b in forged))
        # Signed, so accepted (unmatched names): one escaped line each.
        await asyncio.gather(*(post("/zoom/events", b, zoom_headers(b)) for b in forged))
        for _ in range(20):
            for body in (b"{not json", DEEP, b"[1]"):
                await post("/slack/events", body, slack_headers(body))
                await post("/zoom/events", body, zoom_headers(body))
            for stamp in ("1e99", "-1", "9" * 400):
                await post("/slack/events", b"{}", slack_headers(b"{}", stamp))
                await post("/zoom/events", b"{}", zoom_headers(b"{}", stamp))
    return statuses


def refused_mail(port: int) -> None:
    no_list = "From: someone@example.org\r\nSubject: hello\r\n\r\nNot a list post.\r\n"
    garbled = "From: \x00\x01 <<<@@@>>>\r\nList-Id: <\r\n\r\n\r\n"
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.ehlo()
        for n in range(200):
            client.mail("someone@example.org")
            client.rcpt(f"nobody{n}@example.org")
            with contextlib.suppress(smtplib.SMTPException):
                client.data((no_list if n % 2 else garbled).encode())


def slow_clients(port: int, opening: bytes, count: int = 50, hold_s: float = 1.0) -> None:
    sockets = []
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(opening)
            sockets.append(s)
        except OSError:
            pass
    time.sleep(hold_s)  # a slow client: a few bytes, then nothing, then gone
    for s in sockets:
        s.close()


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env, http_port, smtp_port = bot_env(workdir)
        env.update(
            LACRALO_LOG_LEVEL="INFO",
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SLACK_SECRET,
            SLACK_API_URL="http://127.0.0.1:9/api/",
            ZOOM_WEBHOOK_SECRET_TOKEN=ZOOM_SECRET,
        )
        log_path = workdir / "bot.log"
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=log, stderr=log
            )
        try:
            _wait_healthy(http_port)
            before = log_path.stat().st_size
            started = time.perf_counter()
            slow = [
                threading.Thread(target=slow_clients, args=(smtp_port, b"EHLO slow\r\n")),
                threading.Thread(
                    target=slow_clients, args=(http_port, b"POST /slack/events HTTP/1.1\r\n")
                ),
                threading.Thread(target=refused_mail, args=(smtp_port,)),
            ]
            for thread in slow:
                thread.start()
            statuses = asyncio.run(http_attack(f"http://127.0.0.1:{http_port}"))
            for thread in slow:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            stop(proc)
        grown = log_path.stat().st_size - before
        text = log_path.read_bytes()[before:].decode("utf-8", "replace")
    return {
        "attack_log_kb": round(grown / 1024, 1),
        "attack_log_lines": text.count("\n"),
        "attack_http_5xx": sum(n for status, n in statuses.items() if status >= 500),
        "attack_seconds": round(elapsed, 1),
    }


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the bot did not answer /healthz")


if __name__ == "__main__":
    print(run())
