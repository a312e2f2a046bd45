"""The fast reading of envelope addresses gives exactly what aiosmtpd's parser gives."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.transports.peers import ConnectionCaps
from bot.transports.smtp_session import GuardedSMTP, plain_envelope_address

# Letters that make addresses and every character that can break one.
ALPHABET = "ab.-+_=@<> \t\r\n\u2003\"()[]:;,\\!#$%&'*/?^`{|}~éA9"


def servers() -> tuple[SMTP, GuardedSMTP]:
    loop = asyncio.new_event_loop()
    stock = SMTP(Sink(), hostname="x", loop=loop)
    ours = GuardedSMTP(
        Sink(),
        caps=ConnectionCaps(),
        idle_timeout=30,
        transaction_timeout=600,
        hostname="x",
        loop=loop,
    )
    return stock, ours


STOCK, OURS = servers()


def outcome(server: SMTP, arg: str) -> object:
    """What `_getaddr` returns, or the kind of exception it raises (aiosmtpd's parser raises
    IndexError on some input; its session then answers 500, for both servers alike)."""
    try:
        return server._getaddr(arg)
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize(
    "arg",
    [
        "<maria.perez@example.org>",
        "<list-bounces+maria=example.org@atlarge-lists.icann.org> SIZE=1234 BODY=8BITMIME",
        "<a@b>",
        "<>",
        "<@relay.example:a@b>",
        '<"quoted local"@example.org>',
        "< a@b >",
        "<a..b@example.org>",
        "<.a@example.org>",
        "<a@[192.0.2.1]>",
        "<maría@example.org>",
        "a@b",
        " <a@b>",
        "<a@b",
        "<a@b>  \t SIZE=1",
        "<a@b> (comment) SIZE=1",
        "<a@b>\u2003SIZE=1",
        '"',
        "",
    ],
)
def test_the_same_as_aiosmtpd(arg: str) -> None:
    assert outcome(OURS, arg) == outcome(STOCK, arg)


def test_the_fast_path_takes_the_plain_form_only() -> None:
    assert plain_envelope_address("<a.b@c.d> SIZE=5") == ("a.b", "c.d", "SIZE=5")
    assert plain_envelope_address('<"a"@c.d>') is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_any_input_the_same_as_aiosmtpd(arg: str) -> None:
    assert outcome(OURS, arg) == outcome(STOCK, arg)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"<[a-z0-9.+=_-]{1,12}@[a-z0-9.-]{1,12}>( SIZE=[0-9]{1,5})?", fullmatch=True))
def test_address_like_input_the_same_as_aiosmtpd(arg: str) -> None:
    assert outcome(OURS, arg) == outcome(STOCK, arg)
