"""A client that keeps sending until each item is acknowledged, the way MTAs and Zoom retry.

Run as its own process: python crash_sender.py SMTP_PORT HTTP_PORT SECRET COUNT ACK_FILE
Item i is a list post (even i) or a Zoom join (odd i); after each acknowledgement (SMTP 250,
HTTP 200) its key is appended to ACK_FILE. Connection errors while the bot is down are retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import sys
import time
import urllib.error
import urllib.request

MEETING = "85218486288"


def post(i: int) -> bytes:
    return (
        f"From: María Pérez <maria.perez@example.org>\r\nList-Id: <lac-discuss-es.atlarge-lists.icann.org>\r\n"
        f"Message-ID: <crash-{i}@example.org>\r\nDate: Mon, 16 Nov 2026 15:00:00 +0000\r\n"
        f"Subject: post {i}\r\n\r\nHola.\r\n"
    ).encode()


def join_time(i: int) -> str:
    return f"2026-11-17T15:{i // 60 % 60:02d}:{i % 60:02d}Z"


def join(i: int) -> bytes:
    return json.dumps(
        {
            "event": "meeting.participant_joined",
            "payload": {
                "object": {
                    "id": MEETING,
                    "participant": {
                        "user_name": "Keisha Brown",
                        "email": f"k{i}@crash.example.org",
                        "join_time": join_time(i),
                    },
                }
            },
        }
    ).encode()


def send_post(port: int, i: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            client.mail("bounces@example.org")
            client.rcpt("bot@example.org")
            code, _ = client.data(post(i))
            return code == 250
    except (OSError, smtplib.SMTPException):
        return False


def send_join(port: int, secret: str, i: int) -> bool:
    body = join(i)
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/zoom/events",
        data=body,
        headers={
            "x-zm-request-timestamp": ts,
            "x-zm-signature": f"v0={sig}",
            "content-type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def main() -> None:
    smtp_port, http_port, secret = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    count, ack_path = int(sys.argv[4]), sys.argv[5]
    with open(ack_path, "a", encoding="utf-8") as acks:
        for i in range(count):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                ok = send_post(smtp_port, i) if i % 2 == 0 else send_join(http_port, secret, i)
                if ok:
                    acks.write(f"{i}\n")
                    acks.flush()
                    break
                time.sleep(0.05)  # the bot is down: retry, as an MTA or Zoom would
            else:
                sys.exit(f"item {i} never acknowledged")


if __name__ == "__main__":
    main()
