"""Load generator: N threads, each with one SMTP connection, sending list posts; prints JSON.

Run as its own process so the server under test has the event loop (and the GIL) to itself.
Usage: python bench/smtp_sender.py PORT SENDERS MESSAGES_EACH TAG
"""

from __future__ import annotations

import json
import smtplib
import sys
import threading
import time

POST = (
    "From: Maria Perez <maria.perez@example.org>\r\n"
    "To: lac-discuss-es@atlarge-lists.icann.org\r\n"
    "List-Id: <lac-discuss-es.atlarge-lists.icann.org>\r\n"
    "Message-ID: <{tag}-{sender}-{n}@bench.example.org>\r\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\r\n"
    "Subject: bench {n}\r\n"
    "\r\n" + "A typical short list post, a few lines long.\r\n" * 20
)


def send(port: int, sender: int, count: int, tag: str, codes: list[int]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.ehlo()
        for n in range(count):
            raw = POST.format(tag=tag, sender=sender, n=n).encode()
            client.mail("bounces@atlarge-lists.icann.org")
            client.rcpt("bot@example.org")
            try:
                code, _ = client.data(raw)
            except smtplib.SMTPDataError as exc:
                code = exc.smtp_code
            codes.append(code)


def main() -> None:
    port, senders, each, tag = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    codes: list[int] = []
    threads = [
        threading.Thread(target=send, args=(port, i, each, tag, codes)) for i in range(senders)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(json.dumps({"elapsed": elapsed, "sent": len(codes), "ok": codes.count(250)}))


if __name__ == "__main__":
    main()
