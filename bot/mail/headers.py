"""Header values as text, whatever the sender did to them.

Real list traffic carries raw 8-bit headers (UTF-8 or Latin-1 without RFC 2047), encoded words,
and the odd broken encoding. Each function here returns clean `str` or nothing, never raises, and
never returns lone surrogates (which SQLite's UTF-8 would refuse).
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses

_SURROGATES = re.compile(r"[\udc80-\udcff]")
_PIPERMAIL_AT = re.compile(r"^([^\s@<>()]+) at ([^\s@<>()]+\.[^\s@<>()]+)")


def raw_header(msg: Message, name: str) -> str | None:
    """The header as sent, 8-bit bytes recovered as UTF-8 (or Latin-1 when not UTF-8)."""
    # raw_items(), not get(): compat32's get() turns 8-bit values into lossy Header objects.
    wanted = name.lower()
    value = next((v for k, v in msg.raw_items() if k.lower() == wanted), None)
    if value is None:
        return None
    text = str(value)
    if _SURROGATES.search(text):
        data = text.encode("ascii", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return " ".join(text.split())


def decoded(text: str) -> str:
    """RFC 2047 encoded words decoded; the text unchanged when they are broken."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, ValueError, UnicodeError, AssertionError):
        return text


def addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header, names decoded."""
    text = raw_header(msg, name)
    if not text:
        return []
    text = _PIPERMAIL_AT.sub(r"\1@\2", text)
    pairs = []
    for display, address in getaddresses([text]):
        if "@" in address:
            pairs.append((decoded(display).strip(), address.strip()))
    return pairs
