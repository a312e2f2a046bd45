"""Reading list archives as a stream: plain mbox (mboxo/mboxrd, as Mailman 3's HyperKitty
exports them), and Mailman 2 pipermail (`.txt` or `.txt.gz`).

Only each message's header section is kept in memory; bodies are skipped as they are read, so an
archive of any size back-fills in constant memory. Pipermail writes addresses as `user at host`
in the list's language; bot/mail/pipermail.py undoes that.

pipermail does not escape "From " at the start of body lines, so a "From " line after a blank
line starts a message only when it ends in the envelope date every writer puts there
(`Tue Feb 21 13:00:00 2023`), or when a header field follows it. Each message keeps the line
number of its "From " line, so one that cannot be read can be named (issue 19).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

_SEPARATOR = re.compile(rb"^From \S")
_ASCTIME = re.compile(rb"(\w{3}) +(\w{3}) +(\d{1,2}) +(\d{1,2}:\d{2}:\d{2}) +(\d{4})")
# The date ending a separator line: asctime, optionally with a zone before or after the year.
_DATED = re.compile(
    rb"\s\w{3} +\w{3} +\d{1,2} +\d{1,2}:\d{2}(?::\d{2})?(?: +[-+]?\w+)? +\d{4}(?: +[-+]?\w+)?\s*$"
)
_FIELD = re.compile(rb"^[!-9;-~]+:")  # RFC 5322 section 2.2: a field name, then ":"


@dataclass(frozen=True)
class ArchivedMessage:
    headers: bytes
    separator: bytes  # the "From " line; its date stands in for a missing Date header
    line: int = 0  # the separator's line number in the (decompressed) archive, from 1

    @property
    def envelope_date(self) -> datetime | None:
        """Read only when needed: most posts carry their own Date."""
        return _envelope_date(self.separator)


def open_archive(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """(stream to read, underlying file whose position measures progress); gzip by magic bytes."""
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb")), cast(BinaryIO, raw)
    raw.seek(0)
    return cast(BinaryIO, raw), cast(BinaryIO, raw)


def messages(stream: BinaryIO) -> Iterator[ArchivedMessage]:
    """Split on "From " lines that follow a blank line (or start the file), as mboxrd does; an
    undated one counts only when a header field follows it. One loop with local state, as this
    runs once per line of the archive."""
    headers: list[bytes] = []
    in_headers = started = False
    separator, at = b"", 0
    previous_blank = True
    held: bytes | None = None  # an undated "From " line, waiting on the next line
    held_at = 0
    for number, line in enumerate(stream, start=1):
        if held is not None:
            if _FIELD.match(line):
                if started:
                    yield ArchivedMessage(b"".join(headers), separator, at)
                headers, in_headers, started, separator, at = [], True, True, held, held_at
            previous_blank, held = False, None  # either way, this line is not after a blank
        if previous_blank and line.startswith(b"From ") and _SEPARATOR.match(line):
            if _DATED.search(line):
                if started:
                    yield ArchivedMessage(b"".join(headers), separator, at)
                headers, in_headers, started, separator, at = [], True, True, line, number
                previous_blank = False
            else:
                held, held_at = line, number
            continue
        blank = line == b"\n" or line == b"\r\n"
        if in_headers:
            if blank:
                in_headers = False
            headers.append(line)
        previous_blank = blank
    if started:
        yield ArchivedMessage(b"".join(headers), separator, at)


def _envelope_date(line: bytes) -> datetime | None:
    match = _ASCTIME.search(line)
    if not match:
        return None
    text = b" ".join(match.groups()).decode("ascii")
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
