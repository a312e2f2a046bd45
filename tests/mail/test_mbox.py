"""Splitting archives: plain mbox and Mailman 2 pipermail, gzip or not, bodies skipped."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from bot.mail.mbox import messages, open_archive

PIPERMAIL = (
    "From maria.perez at example.org  Tue Feb 21 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\n"
    "Subject: [lac-discuss-es] Hola\n"
    "Message-ID: <m1@example.org>\n"
    "\n"
    "Body line one.\n"
    "From the body, an unescaped line that must not split the message.\n"
    "\n"
    ">From an escaped line.\n"
    "\n"
    "From joao at example.org  Wed Mar  1 09:30:00 2023\n"
    "From: joao at example.org (João)\n"
    "Subject: [lac-discuss-es] Re: Hola\n"
    "\n"
    "Reply.\n"
)


def write(tmp_path: Path, name: str, text: str, gz: bool = False) -> Path:
    path = tmp_path / name
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_pipermail_gz_splits_into_messages_without_bodies(tmp_path: Path) -> None:
    stream, _ = open_archive(write(tmp_path, "2023-February.txt.gz", PIPERMAIL, gz=True))
    with stream:
        found = list(messages(stream))
    assert len(found) == 2
    assert (
        b"Body line" not in found[0].headers and b"Message-ID: <m1@example.org>" in found[0].headers
    )
    assert found[1].envelope_date == datetime(2023, 3, 1, 9, 30, tzinfo=UTC)


def test_plain_text_archive(tmp_path: Path) -> None:
    stream, underlying = open_archive(write(tmp_path, "2023-February.txt", PIPERMAIL))
    with stream:
        assert len(list(messages(stream))) == 2
        assert underlying.tell() > 0


def test_empty_and_separator_less_files(tmp_path: Path) -> None:
    for text in ("", "no separator here\nFrom: a@example.org\n"):
        stream, _ = open_archive(write(tmp_path, "x.mbox", text))
        with stream:
            assert list(messages(stream)) == []
