"""Who a request came from behind a reverse proxy, and whether it is local (issue 20, part 2)."""

from __future__ import annotations

import pytest

from bot.transports.forwarded import client, is_local, networks

PROXY = networks("127.0.0.1, 10.0.0.5")


@pytest.mark.parametrize(
    ("peer", "headers", "address", "proxied"),
    [
        ("127.0.0.1", {}, "127.0.0.1", False),
        ("203.0.113.9", {}, "203.0.113.9", False),
        # the trusted proxy forwards a client: believed
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}, "198.51.100.7", True),
        # the client forged a first hop; the proxy appended the real one: the right-most counts
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1, 198.51.100.7"}, "198.51.100.7", True),
        # two trusted proxies in a row
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7, 10.0.0.5"}, "198.51.100.7", True),
        # an untrusted peer claiming a forwarded client: not believed, still proxied
        ("203.0.113.9", {"X-Forwarded-For": "127.0.0.1"}, "203.0.113.9", True),
        # garbage in the chain
        ("127.0.0.1", {"X-Forwarded-For": "nonsense"}, "127.0.0.1", True),
        ("::ffff:127.0.0.1", {"X-Forwarded-For": "2001:db8::1"}, "2001:db8::1", True),
    ],
)
def test_client(peer: str, headers: dict[str, str], address: str, proxied: bool) -> None:
    assert client(peer, headers, PROXY) == (
        client(peer, headers, PROXY).__class__(address, proxied)
    )


@pytest.mark.parametrize(
    ("peer", "headers", "allowed", "local"),
    [
        ("127.0.0.1", {}, "", True),
        ("::1", {}, "", True),
        ("::ffff:127.0.0.1", {}, "", True),
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, "", False),  # proxied: never local
        ("127.0.0.1", {"Forwarded": "for=127.0.0.1"}, "", False),
        ("10.1.2.3", {}, "", False),
        ("10.1.2.3", {}, "10.1.2.0/24", True),
        (None, {}, "", False),
        ("not an address", {}, "", False),
    ],
)
def test_is_local(peer: str | None, headers: dict[str, str], allowed: str, local: bool) -> None:
    assert is_local(peer, headers, networks(allowed)) is local
