"""The list-post parser: who wrote it, to which list, which message, when -- and bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.post import ListPost, UnreadableMessage, parse_post

LIST = "List-Id: LACRALO discusión <lac-discuss-es.atlarge-lists.icann.org>\r\n"


def msg(*headers: str, body: str = "Hola a todos.\r\n") -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode("utf-8")


def authors(post: ListPost) -> list[str]:
    return [a.address for a in post.authors]


def test_plain_post() -> None:
    post = parse_post(
        msg(
            "From: María Pérez <Maria.Perez@Example.org>",
            LIST.strip(),
            "Message-ID: <abc123@example.org>",
            "Date: Tue, 21 Feb 2023 10:00:00 -0300",
        )
    )
    assert post.list_id == "lac-discuss-es.atlarge-lists.icann.org"
    assert post.message_key == "mid:abc123@example.org"
    assert authors(post) == ["maria.perez@example.org"]
    assert post.authors[0].name == "María Pérez"
    assert post.date == datetime(2023, 2, 21, 13, 0, tzinfo=UTC)


DMARC = [
    (
        "Mailman: author in Reply-To",
        [
            "From: María Pérez via lac-discuss-es <lac-discuss-es@atlarge-lists.icann.org>",
            "Reply-To: Maria Perez <maria.perez@example.org>",
        ],
        ["maria.perez@example.org"],
    ),
    (
        "Mailman with reply-to-list: author in Cc by name",
        [
            "From: María Pérez via lac-discuss-es <lac-discuss-es@atlarge-lists.icann.org>",
            "Reply-To: lac-discuss-es@atlarge-lists.icann.org",
            "Cc: Someone Else <else@example.org>, María Pérez <maria.perez@example.org>",
        ],
        ["maria.perez@example.org"],
    ),
    (
        "Google Groups style: X-Original-From",
        [
            "From: 'María Pérez' via LAC <lac@googlegroups.com>",
            "X-Original-From: maria.perez@example.org",
        ],
        ["maria.perez@example.org"],
    ),
    (
        "rewritten From with a single Cc",
        [
            "From: lac-discuss-es <lac-discuss-es@atlarge-lists.icann.org>",
            "Cc: maria.perez@example.org",
        ],
        ["maria.perez@example.org"],
    ),
    (
        "List-Post address is the list's, never the author",
        [
            "From: LACRALO <discuss@lists.example.org>",
            "List-Post: <mailto:discuss@lists.example.org>",
            "Reply-To: maria.perez@example.org",
        ],
        ["maria.perez@example.org"],
    ),
]


@pytest.mark.parametrize(("case", "headers", "expected"), DMARC, ids=[c for c, _, _ in DMARC])
def test_dmarc_rewritten_from_finds_the_real_author(
    case: str, headers: list[str], expected: list[str]
) -> None:
    post = parse_post(msg(*headers, LIST.strip(), "Message-ID: <x@y>"))
    assert authors(post) == expected


def test_cc_is_not_trusted_when_from_is_the_author() -> None:
    post = parse_post(msg("From: maria.perez@example.org", "Cc: other@example.org", LIST.strip()))
    assert authors(post) == ["maria.perez@example.org"]


def test_rfc2047_name_and_non_ascii_address() -> None:
    post = parse_post(
        msg("From: =?utf-8?q?Jos=C3=A9_N=C3=BA=C3=B1ez?= <josé@correo.example.ar>", LIST.strip())
    )
    assert authors(post) == ["josé@correo.example.ar"]
    assert post.authors[0].name == "José Núñez"


def test_raw_latin1_header_bytes_are_read() -> None:
    raw = b"From: Jo\xe3o Ara\xfajo <joao@example.org>\r\n" + LIST.encode() + b"\r\nbody"
    post = parse_post(raw)
    assert post.authors[0].name == "João Araújo"


def test_no_message_id_gives_the_same_key_through_two_lists() -> None:
    common = [
        "From: maria.perez@example.org",
        "Date: Tue, 21 Feb 2023 10:00:00 -0300",
        "Subject: Hola",
    ]
    first = parse_post(msg(*common, "List-Id: <lac-discuss-es.atlarge-lists.icann.org>"))
    second = parse_post(msg(*common, "List-Id: <lacralo-governance.atlarge-lists.icann.org>"))
    assert first.message_key == second.message_key and first.message_key.startswith("hdr:")
    third = parse_post(msg(*common[:2], "Subject: Otro", "List-Id: <x.y>"))
    assert third.message_key != first.message_key


def test_body_is_never_part_of_the_event() -> None:
    post = parse_post(msg("From: a@example.org", LIST.strip(), body="SECRET BODY TEXT\r\n"))
    assert "SECRET" not in repr(post)


def test_list_id_without_brackets_and_missing() -> None:
    assert (
        parse_post(msg("From: a@example.org", "List-Id: lac.example.org")).list_id
        == "lac.example.org"
    )
    assert parse_post(msg("From: a@example.org")).list_id is None
    assert (
        parse_post(msg("From: a@example.org"), list_id="Arch.Example.Org").list_id
        == "arch.example.org"
    )


def test_unreadable_date_is_none() -> None:
    assert parse_post(msg("From: a@example.org", "Date: someday soon", LIST.strip())).date is None


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "no_headers"),
        (b"\x00\x01\x02 garbage without any header", "no_headers"),
        (b"Subject: no author\r\n" + LIST.encode() + b"\r\nbody", "no_author"),
        (b"From: not an address\r\n\r\nbody", "no_author"),
        (b"X-Big: " + b"a" * 300_000 + b"\r\nFrom: a@example.org\r\n\r\n", "header_too_big"),
    ],
)
def test_unreadable_messages_say_why(raw: bytes, why: str) -> None:
    with pytest.raises(UnreadableMessage) as caught:
        parse_post(raw)
    assert caught.value.reason.key == f"mail.unreadable.{why}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_parser(raw: bytes) -> None:
    try:
        post = parse_post(raw)
    except UnreadableMessage:
        return
    for author in post.authors:
        author.address.encode("utf-8")  # no lone surrogates: SQLite must be able to store it
        author.name.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_hostile_header_text_never_crashes(name: str, subject: str) -> None:
    raw = f"From: {name} <a@example.org>\r\nSubject: {subject}\r\n{LIST}\r\nbody".encode(
        "utf-8", "surrogatepass"
    )
    try:
        post = parse_post(raw)
    except UnreadableMessage:
        return
    assert post.message_key
