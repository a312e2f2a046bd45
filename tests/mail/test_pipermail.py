"""pipermail's obscured addresses in every language Mailman 2 shipped, read back -- and only
what is an address (issue 19)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.headers import Headers, addresses
from bot.mail.pipermail import PLACEHOLDER, from_field, separator_address
from bot.mail.pipermail_words import AT_WORDS, AtWord


def obscure(address: str, word: str) -> str:
    """What Mailman/Archiver/HyperArch.py does: re.sub('@', _(' at '), email)."""
    return re.sub("@", word, address)


def from_header(address: str, name: str, at: AtWord, charset: str) -> list[tuple[str, str]]:
    """The `From:` line of a pipermail .txt, written in `charset`, read as the bot reads it."""
    line = f"From: {obscure(address, at.word)} ({name})\n\n"
    return addresses(Headers.parse(line.encode(charset)), "From")


def test_the_table_holds_every_catalog_and_the_words_issue_19_names() -> None:
    words = {w.lang: w.word for w in AT_WORDS}
    assert len(words) == 41  # the 40 catalogs of Mailman 2.1.39, and big5 of early 2.1
    assert (words["es"], words["ca"], words["pt"], words["pt_BR"]) == (" en ", " a ", "  ", " em ")
    assert words["fr"] == words["de"] == words["en"] == " at "


@pytest.mark.parametrize("at", AT_WORDS, ids=lambda w: w.lang)
def test_every_language_in_every_charset_it_was_written_in(at: AtWord) -> None:
    for charset in (*at.charsets, "utf-8"):
        try:
            at.word.encode(charset)
        except UnicodeEncodeError:
            continue
        name = "Ana Conceição" if _encodes("Ana Conceição", charset) else "Ana"
        found = from_header("ana.conceicao@mail.example.org", name, at, charset)
        assert [a for _, a in found] == ["ana.conceicao@mail.example.org"], charset
        if charset == "utf-8" or name.encode(charset) == name.encode("latin-1", "replace"):
            assert found[0][0] == name, charset  # a name in another 8-bit set reads as Latin-1


def _encodes(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("juan en example.org (Juan Pérez)", ("Juan Pérez", "juan@example.org")),
        ("juan en example.org (juan en example.org)", ("", "juan@example.org")),  # author = email
        ("juan en example.org", ("", "juan@example.org")),
        ("a a b.cat (A (ALS) B)", ("A (ALS) B", "a@b.cat")),  # ca; parentheses in the name
        ("x.y a bildua mail.example.eus (Eu)", ("Eu", "x.y@mail.example.eus")),  # eu, two words
        ("user athost.ee (Et)", ("Et", "user@host.ee")),  # et: " at", no space after
        ("user在host.cn (Zh)", ("Zh", "user@host.cn")),  # zh_CN: no spaces at all
        ("joao.araujo  example.org (João)", ("João", "joao.araujo@example.org")),  # pt: "  "
        ("joao em example.com.br", ("", "joao@example.com.br")),
        ("maria@example.org (María)", ("María", "maria@example.org")),  # not obscured
        ("Juan en casa", None),  # no dot: a sentence, not an address
        ("Juan en casa (Juan)", None),
        ("Juan en casa.123", None),  # a top-level name is letters
        ("Pedro at home today", None),
        ("juan en example.org trailing words", None),
        ("", None),
    ],
)
def test_only_domains_are_taken(value: str, expected: tuple[str, str] | None) -> None:
    assert from_field(value) == expected


def test_plain_and_named_addresses_still_read() -> None:
    head = Headers.parse(
        b"From: =?utf-8?q?Mar=C3=ADa_P=C3=A9rez?= <maria.perez@example.org>\n"
        b"Cc: juan@example.org (Juan)\nReply-To: a@example.org, b@example.org\n\n"
    )
    assert addresses(head, "From") == [("María Pérez", "maria.perez@example.org")]
    assert addresses(head, "Cc") == [("Juan", "juan@example.org")]
    assert [a for _, a in addresses(head, "Reply-To")] == ["a@example.org", "b@example.org"]


def test_pipermail_placeholder_is_no_author() -> None:
    head = Headers.parse(f"From: {PLACEHOLDER} (Someone)\n\n".encode())
    assert addresses(head, "From") == []


def test_greek_and_japanese_archives_in_their_own_charsets() -> None:
    """el wrote " στο " in ISO-8859-7, ja " ＠ " in EUC-JP: bytes the reader sees as Latin-1."""
    greek = "From: nikos στο example.gr (Νίκος)\n\n".encode("iso-8859-7")
    assert addresses(Headers.parse(greek), "From")[0][1] == "nikos@example.gr"
    japanese = "From: taro ＠ example.jp (Taro)\n\n".encode("euc-jp")
    assert addresses(Headers.parse(japanese), "From") == [("Taro", "taro@example.jp")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("From juan en example.org  Tue Feb 21 13:00:00 2023", "juan@example.org"),
        ("From joao.araujo  example.org  Mon May  1 12:00:00 2023", "joao.araujo@example.org"),
        ("From juan@example.org  Tue Feb 21 13:00:00 2023", None),  # an envelope, not obscured
        ("From Juan en casa  Fri Jun  2 10:00:00 2023", None),
        ("From MAILER-DAEMON Tue Jul  4 15:30:00 2023", None),
        ("Subject: From juan en example.org", None),
    ],
)
def test_separator_lines(line: str, expected: str | None) -> None:
    assert separator_address(line) == expected


_ATEXT = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-"
LOCALS = st.lists(st.text(_ATEXT, min_size=1, max_size=12), min_size=1, max_size=3).map(".".join)
LABELS = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
DOMAINS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABELS, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="()\\"),
    max_size=30,
).map(lambda s: " ".join(s.split()))


@settings(max_examples=150, deadline=None)
@given(local=LOCALS, domain=DOMAINS, name=NAMES)
def test_any_address_survives_obscuring_in_every_language(
    local: str, domain: str, name: str
) -> None:
    address = f"{local}@{domain}"
    for at in AT_WORDS:
        written = f"{obscure(address, at.word)} ({name})" if name else obscure(address, at.word)
        found = from_field(" ".join(written.split()))  # as headers.py collapses white space
        assert found is not None and found[1] == address, (at.lang, written)
        line = f"From {obscure(address, at.word)}  Tue Feb 21 13:00:00 2023"
        assert separator_address(line) == address, (at.lang, line)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_reader(text: str) -> None:
    found = from_field(text)
    assert found is None or "@" in found[1]
    separator_address("From " + text)
    addresses(Headers.parse(b"From: " + text.encode("utf-8", "surrogatepass") + b"\n\n"), "From")


def test_long_hostile_values_are_cheap() -> None:
    for value in ("a" * 100_000 + " en b", "a en " + "b" * 100_000 + ".org", "a " * 50_000):
        assert from_field(value) is None
        separator_address("From " + value)
