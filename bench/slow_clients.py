"""A trusted relay's post while an untrusted address floods the SMTP port (issue 20, part 1).

`lacralo-bot run` with its shipped caps (20 connections per address, 400 in all) and the relay
trusted as 127.0.0.2; 500 connections from 127.0.0.1 that say nothing are opened first (20 are
held, 480 refused at once), then the relay delivers 5 posts, each timed from connecting to its
250. The worst of the 5 is reported: the first comes while the bot is still refusing the flood.
"""

from __future__ import annotations

import smtplib
import socket
import time
from contextlib import ExitStack

from bench.common import running_bot

FLOOD = 500
POSTS = 5
RELAY = "127.0.0.2"
POST = (
    "From: Maria Perez <maria.perez@example.org>\r\n"
    "List-Id: <lac-discuss-es.atlarge-lists.icann.org>\r\n"
    "Message-ID: <flood-{n}@bench.example.org>\r\nSubject: during a flood\r\n\r\nHola.\r\n"
)


def relay_post(port: int, n: int) -> tuple[int, float]:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=60, source_address=(RELAY, 0)) as client:
        client.ehlo()
        client.mail("bounces@atlarge-lists.icann.org")
        client.rcpt("bot@example.org")
        code, _ = client.data(POST.format(n=n).encode())
    return code, (time.perf_counter() - started) * 1000


def run() -> dict[str, float]:
    with running_bot({"LACRALO_SMTP_TRUSTED_NETWORKS": f"{RELAY}/32"}) as bot, ExitStack() as held:
        for _ in range(FLOOD):
            held.enter_context(socket.create_connection(("127.0.0.1", bot.smtp_port), timeout=60))
        answers = [relay_post(bot.smtp_port, n) for n in range(POSTS)]
    return {
        "relay_250_under_flood_ms": round(max(ms for _, ms in answers), 1),
        "relay_250s_under_flood": sum(1 for code, _ in answers if code == 250),
    }


if __name__ == "__main__":
    print(run())
