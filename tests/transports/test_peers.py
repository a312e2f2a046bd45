"""Trusted relays and the connection caps (issue 20, part 1), as tables of cases."""

from __future__ import annotations

import logging

import pytest

from bot.settings import load_settings
from bot.transports.peers import (
    ConnectionCaps,
    Verdict,
    connection_caps,
    ip_of,
    is_trusted_relay,
    parse_networks,
)

LOOPBACK = parse_networks("127.0.0.0/8, ::1")


@pytest.mark.parametrize(
    ("ip", "trusted"),
    [
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),  # a dual-stack socket's form of an IPv4 peer
        ("10.0.0.1", False),
        ("::2", False),
        ("fe80::1%eth0", False),
        ("not an address", False),
        ("", False),
        (None, False),
    ],
)
def test_is_trusted_relay(ip: str | None, trusted: bool) -> None:
    assert is_trusted_relay(ip, LOOPBACK) is trusted


def test_networks_parse_bare_addresses_and_refuse_garbage() -> None:
    assert [str(n) for n in parse_networks(" 192.0.2.7 , 10.0.0.0/24,,")] == [
        "192.0.2.7/32",
        "10.0.0.0/24",
    ]
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/24, relay.example.org")


def test_the_setting_is_a_list_of_networks_loopback_by_default() -> None:
    assert [str(n) for n in load_settings().smtp_trusted_networks] == ["127.0.0.0/8", "::1/128"]
    chosen = load_settings(smtp_trusted_networks="127.0.0.2, 2001:db8::/32")
    assert [str(n) for n in chosen.smtp_trusted_networks] == ["127.0.0.2/32", "2001:db8::/32"]
    caps = connection_caps(chosen)
    assert (caps.per_address, caps.total) == (20, 400)
    assert is_trusted_relay("2001:db8::25", caps.trusted)


@pytest.mark.parametrize(
    ("peer", "ip"),
    [
        (("127.0.0.1", 25), "127.0.0.1"),
        (("::1", 25, 0, 0), "::1"),
        ("/tmp/sock", None),
        (None, None),
    ],
)
def test_ip_of_a_peer_name(peer: object, ip: str | None) -> None:
    assert ip_of(peer) == ip


def caps() -> ConnectionCaps:
    return ConnectionCaps(per_address=2, total=6, trusted=parse_networks("192.0.2.25"))


def test_per_address_cap_and_release() -> None:
    c = caps()
    assert [c.admit("198.51.100.1") for _ in range(3)] == [
        Verdict.ADMITTED,
        Verdict.ADMITTED,
        Verdict.TOO_MANY_FROM_ADDRESS,
    ]
    assert c.admit("198.51.100.2") is Verdict.ADMITTED, "another address has its own count"
    c.release("198.51.100.1")
    assert c.admit("198.51.100.1") is Verdict.ADMITTED
    assert c.open_total == 3


def test_trusted_relay_is_exempt_per_address_and_keeps_reserved_slots() -> None:
    c = caps()  # 6 in all, reserved = min(per_address, total // 2) = 2
    for n in range(2):
        assert c.admit(f"198.51.100.{n}") is Verdict.ADMITTED
        assert c.admit(f"198.51.100.{n}") is Verdict.ADMITTED
    assert c.admit("203.0.113.9") is Verdict.TOO_MANY, "the last 2 slots are the relay's"
    assert [c.admit("192.0.2.25") for _ in range(3)] == [
        Verdict.ADMITTED,
        Verdict.ADMITTED,
        Verdict.TOO_MANY,  # the global cap binds the relay too
    ]
    assert c.open_total == 6
    for n in range(2):
        c.release(f"198.51.100.{n}")
    assert c.open_by_address == {"198.51.100.1": 1, "192.0.2.25": 2, "198.51.100.0": 1}


def test_refusals_are_logged_once_then_counted(caplog: pytest.LogCaptureFixture) -> None:
    c = caps()
    c.admit("198.51.100.1")
    c.admit("198.51.100.1")
    with caplog.at_level(logging.WARNING, logger="lacralo_bot.peers"):
        for _ in range(50):
            c.admit("198.51.100.1")
        assert len(caplog.records) == 1, "the first refusal at once, the rest not line by line"
        assert "Refused 1 connection from 198.51.100.1" in caplog.text
        c.flush()  # what the end of the minute does
        assert "Refused 49 connections from 198.51.100.1" in caplog.records[-1].getMessage()
        c.flush()
        assert len(caplog.records) == 2, "nothing new, nothing logged"


async def test_the_minute_summary_comes_by_itself(caplog: pytest.LogCaptureFixture) -> None:
    """Within an event loop the summary is scheduled: no further refusal is needed to log it."""
    c = caps()
    c.admit("198.51.100.1")
    c.admit("198.51.100.1")
    with caplog.at_level(logging.WARNING, logger="lacralo_bot.peers"):
        for _ in range(3):
            c.admit("198.51.100.1")
        c._summarise("198.51.100.1")  # the timer's call, a minute later
        c._summarise("198.51.100.1")  # another quiet minute: the source is forgotten
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "Refused 1 connection from 198.51.100.1",
        "Refused 2 connections from 198.51.100.1",
    ]
    assert c._refusals == {}
