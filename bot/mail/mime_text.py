"""The plain-text part of a message, read at a bounded cost (issue 15, item 6).

`email.message_from_bytes` splits every line of every part, attachments included, before a single
one can be looked at: a 10 MB message to the command address cost seconds and stalled the bot.
Here the MIME tree (RFC 2046 section 5.1) is walked on the raw bytes instead: each part's header
section is read with `Headers`, boundaries are found with `bytes.find`, and only the first
text/plain part that is not an attachment is decoded, and only its first `max_bytes`. Other parts
are stepped over unread; the walk stops at the first plain part, or after `MAX_PARTS` parts or
`MAX_DEPTH` levels of nesting. Never raises: a part that cannot be read is no text.
"""

from __future__ import annotations

import binascii
import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from bot.mail.headers import Headers
from bot.mail.post import MAX_HEADER_BYTES

MAX_DEPTH = 5  # multipart inside multipart: real mail nests 2 or 3 deep (mixed > alternative)
MAX_PARTS = 100  # parts looked at in all before giving up
MAX_PART_HEADER_BYTES = 16 * 1024  # a part's own header section (a few lines in real mail)


@dataclass(frozen=True)
class Kind:
    """What a part's headers say about it."""

    content_type: str  # lower case, "text/plain" when missing (RFC 2045 section 5.2)
    boundary: bytes | None  # of a multipart
    charset: str
    encoding: str  # Content-Transfer-Encoding, lower case
    attachment: bool  # Content-Disposition: attachment


def plain_text(raw: bytes, max_bytes: int) -> str:
    """The first text/plain part's text, at most `max_bytes` of it; "" when there is none."""
    try:
        found = _find_plain(raw, 0, len(raw), 0, [MAX_PARTS])
        if found is None:
            return ""
        kind, start, end = found
        return _to_text(_payload(raw, start, end, kind.encoding, max_bytes), kind.charset)
    except Exception:  # malformed MIME is no text; the Subject may still do
        return ""


def _find_plain(
    raw: bytes, start: int, end: int, depth: int, budget: list[int]
) -> tuple[Kind, int, int] | None:
    """Depth first, as mail clients pick the body: (its kind, where its content starts, ends)."""
    body = _head_end(raw, start, end, MAX_HEADER_BYTES if depth == 0 else MAX_PART_HEADER_BYTES)
    if body == -1:
        return None
    kind = kind_of(Headers.parse(raw[start:body]))
    if kind.attachment:
        return None
    if kind.content_type == "text/plain":
        return kind, body, end
    if not kind.content_type.startswith("multipart/") or not kind.boundary or depth >= MAX_DEPTH:
        return None
    for part_start, part_end in parts(raw, body, end, kind.boundary):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        found = _find_plain(raw, part_start, part_end, depth + 1, budget)
        if found is not None:
            return found
    return None


def _head_end(raw: bytes, start: int, end: int, limit: int) -> int:
    """Where a part's content starts, after the empty line that ends its header section; -1 when
    that section is longer than `limit` (looked for only that far)."""
    if raw.startswith((b"\r\n", b"\n"), start):  # no header at all
        return start + (2 if raw.startswith(b"\r\n", start) else 1)
    stop = min(end, start + limit + 4)
    ends = [
        found + len(sep)
        for sep in (b"\r\n\r\n", b"\n\n")
        if (found := raw.find(sep, start, stop)) != -1
    ]
    if ends:
        return min(ends)
    return end if end <= stop else -1


def kind_of(headers: Headers) -> Kind:
    """Content-Type and its parameters, read by the standard library on the one header only."""
    holder = Message()
    holder["Content-Type"] = headers.get("Content-Type") or "text/plain"
    boundary = holder.get_boundary()
    disposition = (headers.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return Kind(
        content_type=holder.get_content_type(),
        boundary=boundary.encode("utf-8", "replace") if boundary else None,
        charset=holder.get_content_charset() or "utf-8",
        encoding=(headers.get("Content-Transfer-Encoding") or "7bit").strip().lower(),
        attachment=disposition == "attachment",
    )


def parts(raw: bytes, start: int, end: int, boundary: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each body part between the boundary lines; the preamble and epilogue are
    not parts. A multipart whose closing line is missing ends where its content ends."""
    lines = _boundary_lines(raw, start, end, b"--" + boundary)
    previous = next(lines, None)
    while previous is not None:
        following = next(lines, None)
        if previous[2]:  # the closing line: what follows is the epilogue
            return
        part_end = end if following is None else following[0]
        # The line break before a boundary line belongs to the boundary (RFC 2046 section 5.1.1).
        if following is not None:
            part_end -= 2 if raw.startswith(b"\r\n", part_end - 2) else 1
        yield previous[1], max(previous[1], part_end)
        previous = following


def _boundary_lines(
    raw: bytes, start: int, end: int, delimiter: bytes
) -> Iterator[tuple[int, int, bool]]:
    """(where the line starts, where the next line starts, is it the closing line) of each."""
    at = start if raw.startswith(delimiter, start) else _line_find(raw, delimiter, start, end)
    while at != -1:
        line_end = raw.find(b"\n", at, end)
        after = end if line_end == -1 else line_end + 1
        rest = raw[at + len(delimiter) : after].rstrip()
        closing = rest == b"--"
        if closing or rest == b"":  # "--BOUNDARY" must not be taken for "--BOUNDARY-2"
            yield at, after, closing
        at = _line_find(raw, delimiter, after - 1, end)


def _line_find(raw: bytes, delimiter: bytes, start: int, end: int) -> int:
    found = raw.find(b"\n" + delimiter, start, end)
    return found + 1 if found != -1 else -1


def _payload(raw: bytes, start: int, end: int, encoding: str, max_bytes: int) -> bytes:
    """At most `max_bytes` of the decoded content; only the encoded bytes that can give them are
    read (base64 grows by 4/3 plus line breaks, quoted-printable by up to 3)."""
    if encoding == "base64":
        window = b"".join(raw[start : min(end, start + 2 * max_bytes + 64)].split())
        try:
            return binascii.a2b_base64(window[: len(window) // 4 * 4])[:max_bytes]
        except binascii.Error:
            return b""
    if encoding == "quoted-printable":
        window = raw[start : min(end, start + 3 * max_bytes + 64)]
        if start + len(window) < end:  # cut at a line break, never inside "=XX"
            window = window[: window.rfind(b"\n") + 1]
        return binascii.a2b_qp(window)[:max_bytes]
    return raw[start : min(end, start + max_bytes)]


def _to_text(payload: bytes, charset: str) -> str:
    """Decoded in the declared charset; an unknown one is read as UTF-8, else Latin-1."""
    try:
        codecs.lookup(charset)
        return payload.decode(charset, "replace")
    except (LookupError, ValueError):
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")
