"""Header values as text, whatever the sender did to them.

Real list traffic carries raw 8-bit headers (UTF-8 or Latin-1 without RFC 2047), encoded words,
and the odd broken encoding. Each function here returns clean `str` or nothing, never raises, and
never returns lone surrogates (which SQLite's UTF-8 would refuse).

The header section is split by hand rather than with the `email` package's feed parser: the bot
needs five fields, the rules for finding them (RFC 5322 section 2.2: `name: value`, continuation
lines start with white space) are short, and this runs once per post on the ingest hot path.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.utils import getaddresses

from bot.mail.pipermail import PLACEHOLDER, from_field

_FIELD_NAME = re.compile(rb"^[!-9;-~]+$")  # RFC 5322 ftext: printable ASCII except ':'
_SIMPLE_ADDRESS = re.compile(
    r"^(?:([^\"<>,;:()@]*?)\s*<([^<>\s,;]+@[^<>\s,;]+)>|([^<>\s,;\"()]+@[^<>\s,;\"()]+))$"
)
# "address (Name)", the old form pipermail archives keep.
_COMMENT_ADDRESS = re.compile(r"^([^<>\s,;\"()]+@[^<>\s,;\"()]+)\s+\(([^()\\]*)\)$")


class Headers:
    """The first value of each field, by lower-case name, as text."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    @classmethod
    def parse(cls, head: bytes) -> Headers:
        fields: dict[str, str] = {}
        name: bytes | None = None
        parts: list[bytes] = []
        for line in head.split(b"\n"):
            line = line.rstrip(b"\r")
            if not line:
                break  # the empty line that ends the header section
            if line[:1] in (b" ", b"\t"):
                if name is not None:
                    parts.append(line)
                continue
            _store(fields, name, parts)
            field, colon, value = line.partition(b":")
            field = field.strip()
            name, parts = (
                (field.lower(), [value]) if colon and _FIELD_NAME.match(field) else (None, [])
            )
        _store(fields, name, parts)
        return cls(fields)

    def get(self, name: str) -> str | None:
        return self.fields.get(name.lower())

    def __bool__(self) -> bool:
        return bool(self.fields)


def _store(fields: dict[str, str], name: bytes | None, parts: list[bytes]) -> None:
    if name is None:
        return
    key = name.decode("ascii")
    if key not in fields:  # the first occurrence wins, as for a reader's mail client
        fields[key] = " ".join(_text(b" ".join(parts)).split())


def _text(data: bytes) -> str:
    """8-bit bytes as UTF-8 when they are, else Latin-1 (which decodes anything)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def line_text(data: bytes) -> str:
    """A raw archive line (an mbox "From " separator) as text, read as header values are."""
    return _text(data)


def decoded(text: str) -> str:
    """RFC 2047 encoded words decoded; the text unchanged when they are broken."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, ValueError, UnicodeError, AssertionError):
        return text


def addresses(headers: Headers, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header, names decoded."""
    text = headers.get(name)
    if not text:
        return []
    pairs = _pairs(text)
    return [(display, address) for display, address in pairs if address.lower() != PLACEHOLDER]


def _pairs(text: str) -> list[tuple[str, str]]:
    if "@" not in text.partition("(")[0]:  # pipermail: "user en host (Name)", any language
        archived = from_field(text)
        if archived is not None:
            return [(decoded(archived[0]).strip(), archived[1])]
    simple = _SIMPLE_ADDRESS.match(text)
    if simple:  # the common "Name <address>" or bare address, without the full RFC 5322 parser
        display, address = (simple.group(1) or "", simple.group(2) or simple.group(3))
        return [(decoded(display.strip()).strip(), address.strip())]
    commented = _COMMENT_ADDRESS.match(text)
    if commented:
        return [(decoded(commented.group(2).strip()), commented.group(1))]
    pairs = []
    for display, address in getaddresses([text]):
        if "@" in address:
            pairs.append((decoded(display).strip(), address.strip()))
    return pairs
