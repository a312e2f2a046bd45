"""A list post as the bot needs it: which list, which message, who wrote it, when.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): taking part "in the mailing lists of the
different working groups" is participation. Only these facts are kept; the body is never read into
the event (PRODUCT.md: "The bot stores no message bodies").

Lists that rewrite `From:` for DMARC ("María Pérez via lac-discuss <lac-discuss@...>") keep the
author in `X-Original-From`, `Reply-To` or `Cc`; `authors` lists the candidates in the order to
trust them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bot.domain.identity import is_valid_email, normalise_email
from bot.domain.reasons import Reason
from bot.mail.headers import Headers, addresses

# Bounded cost (issue 15): real mail has some tens of fields, a long relay chain a hundred or two.
MAX_HEADER_BYTES = 256 * 1024
MAX_HEADER_FIELDS = 1000
_FIELD_START = re.compile(rb"\n[^ \t\r\n]")  # a line that is not a continuation
_LIST_ID = re.compile(r"<([^<>\s]+)>")
_VIA = re.compile(r"^(?P<name>.+?)\s+(?:via|vía|por medio de)\s+\S.*$", re.IGNORECASE)


class UnreadableMessage(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.key)
        self.reason = reason


@dataclass(frozen=True)
class Author:
    address: str  # normalised
    name: str
    header: str  # where it was found


@dataclass(frozen=True)
class ListPost:
    list_id: str | None  # lower case, without angle brackets
    message_key: str  # "mid:<Message-ID>" or "hdr:<sha256 of From, Date, Subject>"
    authors: tuple[Author, ...]
    date: datetime | None  # from the Date header, UTC; None when missing or unreadable


def header_section(raw: bytes) -> bytes:
    """Everything before the first empty line; the body is never looked at."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end != -1:
            return raw[: end + len(separator)]
    return raw


def capped_header_section(raw: bytes) -> bytes:
    """The header section, refused (UnreadableMessage) past the caps on its size and its number
    of fields, so that no message costs more to read than a large real one."""
    head = header_section(raw)
    if len(head) > MAX_HEADER_BYTES:
        raise UnreadableMessage(Reason("mail.unreadable.header_too_big"))
    lines = head.count(b"\n")  # at least as many as fields: the common case needs no more
    if lines > MAX_HEADER_FIELDS and len(_FIELD_START.findall(b"\n" + head)) > MAX_HEADER_FIELDS:
        raise UnreadableMessage(
            Reason("mail.unreadable.too_many_fields", {"max": MAX_HEADER_FIELDS})
        )
    return head


def parse_post(raw: bytes, list_id: str | None = None) -> ListPost:
    """Decode a raw message; `list_id` is the fallback for archives whose posts carry none."""
    headers = Headers.parse(capped_header_section(raw))
    if not headers:
        raise UnreadableMessage(Reason("mail.unreadable.no_headers"))
    found_list = _list_id(headers.get("List-Id")) or (list_id.lower() if list_id else None)
    authors = _authors(headers, found_list)
    if not authors:
        raise UnreadableMessage(Reason("mail.unreadable.no_author"))
    return ListPost(found_list, _message_key(headers), authors, _date(headers.get("Date")))


def _list_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _LIST_ID.search(value)
    token = match.group(1) if match else value.strip().split()[-1]
    return token.strip().lower() or None


def _message_key(headers: Headers) -> str:
    mid = headers.get("Message-ID")
    if mid:
        found = re.search(r"<([^<>]+)>", mid)
        ident = (found.group(1) if found else mid).strip()
        if ident:
            return f"mid:{ident}"
    # No Message-ID: the same message still gets the same key, whichever list delivered it.
    parts = [headers.get(h) or "" for h in ("From", "Date", "Subject")]
    return "hdr:" + hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _list_addresses(headers: Headers, list_id: str | None) -> set[str]:
    """The list's own addresses: List-Post's mailto and the List-Id's first label at any domain."""
    found: set[str] = set()
    post = headers.get("List-Post") or ""
    for mailto in re.findall(r"mailto:([^>\s?]+)", post, re.IGNORECASE):
        found.add(normalise_email(mailto))
    if list_id:
        found.add(list_id.split(".")[0])  # compared with local parts below
    return found


def _is_list(address: str, list_addresses: set[str]) -> bool:
    local = address.split("@")[0]
    return address in list_addresses or local in list_addresses or local.endswith("-bounces")


def _authors(headers: Headers, list_id: str | None) -> tuple[Author, ...]:
    lists = _list_addresses(headers, list_id)
    out: list[Author] = []

    def add(header: str, pairs: list[tuple[str, str]]) -> None:
        for name, address in pairs:
            norm = normalise_email(address)
            fresh = norm not in {a.address for a in out}
            if fresh and is_valid_email(norm) and not _is_list(norm, lists):
                out.append(Author(norm, name, header))

    add("X-Original-From", addresses(headers, "X-Original-From"))
    from_pairs = addresses(headers, "From")
    rewritten = any(_is_list(normalise_email(a), lists) or _VIA.match(n) for n, a in from_pairs)
    if not rewritten:
        add("From", from_pairs)
        return tuple(out)
    add("Reply-To", addresses(headers, "Reply-To"))
    via_names = {m.group("name").casefold() for n, _ in from_pairs if (m := _VIA.match(n))}
    cc = addresses(headers, "Cc")
    named = [(n, a) for n, a in cc if n.casefold() in via_names]
    add("Cc", named or (cc if len(cc) == 1 else []))
    return tuple(out)
