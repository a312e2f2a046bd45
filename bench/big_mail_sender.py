"""Load generator: command mails of exactly 10,000,000 bytes on the wire, one after another, over
one SMTP connection; prints JSON (how many were sent and accepted, and how long it took).

The mails alternate between two shapes: a short command with a 10 MB base64 attachment (what a
person sends by mistake) and 10 MB of two-byte lines (the most steps for a line-by-line reader).
Run as its own process so the bot has the event loop (and the GIL) to itself.
Usage: python bench/big_mail_sender.py PORT COUNT COMMAND_ADDRESS
"""

from __future__ import annotations

import json
import smtplib
import sys
import time

SIZE = 10_000_000
END = b".\r\n"  # smtplib adds it; it is on the wire too


def head(command_address: str, n: int, extra: str) -> bytes:
    return (
        f"From: Bench Sender <bench-{n}@example.org>\r\nTo: {command_address}\r\n"
        f"Subject: status\r\nMessage-ID: <big-{n}@bench.example.org>\r\nMIME-Version: 1.0\r\n"
        f"{extra}\r\n"
    ).encode()


def attachment_mail(command_address: str, n: int) -> bytes:
    top = head(command_address, n, 'Content-Type: multipart/mixed; boundary="BENCH"\r\n') + (
        b"--BENCH\r\nContent-Type: text/plain\r\n\r\nstatus\r\n--BENCH\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=big.bin\r\n\r\n"
    )
    tail = b"--BENCH--\r\n"
    room = SIZE - len(END) - len(top) - len(tail)
    line = b"QUFB" * 19 + b"\r\n"  # 76 base64 characters
    lines = (room - 2) // len(line)
    return top + line * lines + b"A" * (room - 2 - lines * len(line)) + b"\r\n" + tail


def short_lines_mail(command_address: str, n: int) -> bytes:
    top = head(command_address, n, "Content-Type: text/plain\r\n") + b"status\r\n"
    room = SIZE - len(END) - len(top)
    return top + b"\r\n" * (room // 2) + (b"x\r\n" if room % 2 else b"")


def main() -> None:
    port, count, command_address = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    shapes = (attachment_mail, short_lines_mail)
    mails = [shapes[n % 2](command_address, n) for n in range(count)]
    assert all(len(mail) + len(END) == SIZE for mail in mails), [len(m) for m in mails]
    accepted = 0
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=300) as client:
        client.ehlo()
        for n, mail in enumerate(mails):
            client.mail(f"bench-{n}@example.org")
            client.rcpt(command_address)
            code, _ = client.data(mail)
            accepted += code == 250
    print(json.dumps({"sent": count, "accepted": accepted, "elapsed": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
