"""Splitting archives: plain mbox and Mailman 2 pipermail, gzip or not, bodies skipped."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.mbox import messages, open_archive

FIXTURES = Path(__file__).parent.parent / "fixtures" / "archives"

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


def split(text: bytes) -> list[tuple[int, bytes]]:
    return [(m.line, m.separator.rstrip()) for m in messages(io.BytesIO(text))]


def test_each_message_keeps_the_line_of_its_separator() -> None:
    assert split(PIPERMAIL.encode()) == [
        (1, b"From maria.perez at example.org  Tue Feb 21 13:00:00 2023"),
        (12, b"From joao at example.org  Wed Mar  1 09:30:00 2023"),
    ]


def test_undated_from_lines_start_a_message_only_before_a_header() -> None:
    text = (
        b"From juan en example.org\nFrom: juan en example.org (Juan)\n\nText.\n\n"
        b"From here on, the body goes on.\nNot a header.\n\n"
        b"From ana@example.org\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom the end"
    )
    assert [line for line, _ in split(text)] == [1, 9]


def test_mailman3_hyperkitty_export_splits_on_one_space_separators() -> None:
    found = split((FIXTURES / "hyperkitty-2023-07.mbox").read_bytes())
    assert found == [
        (1, b"From maria.perez@example.org Mon Jul  3 12:00:00 2023"),
        (15, b"From MAILER-DAEMON Tue Jul  4 15:30:00 2023"),
    ]


def test_pipermail_bodies_with_unescaped_from_lines_are_not_split() -> None:
    found = split((FIXTURES / "es-2023-February.txt").read_bytes())
    assert [line for line, _ in found] == [1, 14, 22]  # not line 9, "From the minutes..."


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"From a en b.org  Tue Feb 21 13:00:00 2023\n",
                b"From x\n",
                b"From: y\n",
                b"\n",
                b"\r\n",
                b"body\n",
                b">From z\n",
            ]
        ),
        max_size=40,
    ),
    st.binary(max_size=200),
)
def test_arbitrary_input_splits_without_losing_a_dated_separator(
    lines: list[bytes], tail: bytes
) -> None:
    text = b"".join(lines) + tail
    found = {m.line for m in messages(io.BytesIO(text))}
    read = io.BytesIO(text).readlines()
    after_blank = [n for n in range(1, len(read) + 1) if n == 1 or read[n - 2] in (b"\n", b"\r\n")]
    dated = {n for n in after_blank if read[n - 1].startswith(b"From a en b.org")}
    assert dated <= found <= {n for n in after_blank if read[n - 1].startswith(b"From ")}
