"""Reading list archives: plain mbox and Mailman 2 pipermail (`.txt` or `.txt.gz`), as a stream.

Only each message's header section is kept in memory; bodies are skipped as they are read, so an
archive of any size back-fills in constant memory. Pipermail writes addresses as `user at host`;
bot/mail/headers.py undoes that.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

_SEPARATOR = re.compile(rb"^From \S+")
_ASCTIME = re.compile(rb"(\w{3}) +(\w{3}) +(\d{1,2}) +(\d{1,2}:\d{2}:\d{2}) +(\d{4})")


@dataclass(frozen=True)
class ArchivedMessage:
    headers: bytes
    separator: bytes  # the "From " line; its date stands in for a missing Date header

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
    """Split on "From " lines that follow a blank line (or start the file), as mboxrd does."""
    headers: list[bytes] = []
    in_headers = False
    separator = b""
    previous_blank = True
    started = False
    for line in stream:
        if previous_blank and _SEPARATOR.match(line):
            if started:
                yield ArchivedMessage(b"".join(headers), separator)
            headers, in_headers, started = [], True, True
            separator = line
            previous_blank = False
            continue
        blank = line in (b"\n", b"\r\n")
        if in_headers:
            if blank:
                in_headers = False
            headers.append(line)
        previous_blank = blank
    if started:
        yield ArchivedMessage(b"".join(headers), separator)


def _envelope_date(line: bytes) -> datetime | None:
    match = _ASCTIME.search(line)
    if not match:
        return None
    text = b" ".join(match.groups()).decode("ascii")
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
