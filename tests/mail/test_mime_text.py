"""The plain-text body at a bounded cost (issue 15, item 6): the first text/plain part that is not
an attachment, as mail clients pick it; attachments never decoded; at most the cap read."""

from __future__ import annotations

import base64
import time

import pytest

from bot.mail import mime_text
from bot.mail.command_mail import read_command_mail
from bot.mail.mime_text import plain_text
from bot.mail.post import MAX_HEADER_FIELDS, UnreadableMessage

HEAD = "From: Ana <ana@example.org>\r\nSubject: help\r\nMIME-Version: 1.0\r\n"


def multipart(*parts: str, kind: str = "mixed", boundary: str = "B1") -> str:
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
    return f'Content-Type: multipart/{kind}; boundary="{boundary}"\r\n\r\npreamble\r\n{body}--{boundary}--\r\nepilogue\r\n'


def part(text: str, kind: str = "text/plain; charset=utf-8", extra: str = "") -> str:
    return f"Content-Type: {kind}\r\n{extra}\r\n{text}"


ATTACHMENT = part(
    base64.b64encode(b"%PDF" * 300).decode(),
    "application/pdf",
    "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n",
)
CASES = {
    "no Content-Type is plain text (RFC 2045 section 5.2)": ("\r\nstatus\r\n", "status\r\n"),
    "text/plain in UTF-8": (part("nominar ñandú"), "nominar ñandú"),
    "Latin-1 declared": (
        "Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9",
        "café",
    ),
    "quoted-printable": (
        part("caf=C3=A9 =\r\nsoft", extra="Content-Transfer-Encoding: quoted-printable\r\n"),
        "café soft",
    ),
    "base64": (
        part(
            base64.b64encode(b"status ALS-AR-01").decode(),
            extra="Content-Transfer-Encoding: base64\r\n",
        ),
        "status ALS-AR-01",
    ),
    "the attachment first, the text after it (RFC 2046 multipart/mixed)": (
        multipart(ATTACHMENT, part("status")),
        "status",
    ),
    "alternative: the plain part, not the HTML": (
        multipart(part("<p>hola</p>", "text/html"), part("hola"), kind="alternative"),
        "hola",
    ),
    "nested: mixed > alternative > plain": (
        multipart(
            multipart(
                part("<b>x</b>", "text/html"), part("inner"), kind="alternative", boundary="B2"
            ),
            ATTACHMENT,
        ),
        "inner",
    ),
    "a plain-text attachment is not the body": (
        multipart(part("secret", extra="Content-Disposition: attachment\r\n"), part("body")),
        "body",
    ),
    "a boundary that only starts like ours is not ours": (
        multipart(part("one\r\n--B1x\r\nstill one")),
        "one\r\n--B1x\r\nstill one",
    ),
    "HTML only: no plain text": (part("<p>hola</p>", "text/html"), ""),
    "multipart with no boundary parameter": ("Content-Type: multipart/mixed\r\n\r\nx", ""),
    "closing boundary missing": (
        'Content-Type: multipart/mixed; boundary="B1"\r\n\r\n--B1\r\n'
        "Content-Type: text/plain\r\n\r\nlast words",
        "last words",
    ),
    "broken base64 is no text": (part("@@@", extra="Content-Transfer-Encoding: base64\r\n"), ""),
    "unknown charset read as UTF-8": (part("olá", "text/plain; charset=x-unknown"), "olá"),
}


@pytest.mark.parametrize("name", CASES)
def test_the_body_mail_clients_show(name: str) -> None:
    mime, expected = CASES[name]
    encoding = "latin-1" if "Latin-1" in name else "utf-8"
    assert plain_text((HEAD + mime).encode(encoding), 1024) == expected


def test_text_is_cut_at_the_cap() -> None:
    raw = (HEAD + part("a" * 10_000)).encode()
    assert plain_text(raw, 1024) == "a" * 1024
    encoded = base64.b64encode(b"b" * 10_000).decode()
    b64 = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    raw = (HEAD + part(b64, extra="Content-Transfer-Encoding: base64\r\n")).encode()
    assert plain_text(raw, 1024) == "b" * 1024


def nested(levels: int) -> bytes:
    mime = part("deep")
    for level in range(levels):
        mime = multipart(mime, boundary=f"L{level}")
    return (HEAD + mime).encode()


def test_nesting_deeper_than_the_cap_is_not_followed() -> None:
    assert plain_text(nested(mime_text.MAX_DEPTH), 1024) == "deep"
    assert plain_text(nested(mime_text.MAX_DEPTH + 1), 1024) == ""


def test_a_ten_megabyte_attachment_is_never_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[int] = []
    real = mime_text.binascii.a2b_base64

    def spy(data: bytes) -> bytes:
        decoded.append(len(data))
        return real(data)

    monkeypatch.setattr(mime_text.binascii, "a2b_base64", spy)
    encoded = base64.b64encode(b"\0" * 7_500_000)
    lines = b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    big = part("", "application/octet-stream", "Content-Transfer-Encoding: base64\r\n")
    raw = (HEAD + multipart(big + "@@", part("status"))).encode().replace(b"@@", lines)
    assert len(raw) > 10_000_000
    started = time.perf_counter()
    assert plain_text(raw, 262_144) == "status"
    assert decoded == [], "the attachment was decoded"
    assert time.perf_counter() - started < 1.0  # generous: about 10 ms here


def test_command_mail_headers_are_capped() -> None:
    many = "".join(f"X-N{n}: v\r\n" for n in range(MAX_HEADER_FIELDS + 1))
    with pytest.raises(UnreadableMessage) as refused:
        read_command_mail((HEAD + many + "\r\nhelp\r\n").encode())
    assert refused.value.reason.key == "mail.unreadable.too_many_fields"
    with pytest.raises(UnreadableMessage) as refused:
        read_command_mail((HEAD + "X-Big: " + "a" * 300_000 + "\r\n\r\nhelp\r\n").encode())
    assert refused.value.reason.key == "mail.unreadable.header_too_big"
    folded = HEAD + "Received: from a\r\n" + "\tby b\r\n" * (MAX_HEADER_FIELDS + 1)
    assert read_command_mail((folded + "\r\nhelp\r\n").encode()).first_line == "help"


def test_command_mail_reads_only_the_text_cap() -> None:
    raw = (HEAD + "\r\n" + "status\r\n" + "z" * 5000 + "\r\nTAIL\r\n").encode()
    mail = read_command_mail(raw, max_text_bytes=2048)
    assert mail.first_line == "status" and "TAIL" not in str(mail)
