"""Who sent an HTTP request, when a reverse proxy stands in front (issue 20, part 2).

Behind nginx or Caddy every request arrives from the proxy's address, usually loopback. Only a
proxy named in LACRALO_TRUSTED_PROXIES is believed about the client it forwards (the right-most
X-Forwarded-For entry that is not itself a trusted proxy, as RFC 7239 section 7.4 advises); any
request that carries a forwarding header is "proxied" and never counts as local: never served
/metrics, never trusted, whoever claims to be behind it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host")


@dataclass(frozen=True)
class Client:
    address: str  # the client as far as the bot can tell (the peer when nobody is believed)
    proxied: bool  # a forwarding header was present: not a local request, whatever the peer


def networks(setting: str) -> list[Network]:
    """A comma-separated list of addresses or networks; ValueError names the bad one."""
    return [ipaddress.ip_network(p.strip(), strict=False) for p in setting.split(",") if p.strip()]


def address(text: str | None) -> Address | None:
    if not text:
        return None
    try:
        found = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped:
        return found.ipv4_mapped
    return found


def within(text: str | None, among: Iterable[Network]) -> bool:
    found = address(text)
    return found is not None and any(found in network for network in among)


def client(peer: str | None, headers: Mapping[str, str], trusted: Iterable[Network]) -> Client:
    """The client of a request whose TCP peer is `peer`."""
    trusted = list(trusted)
    proxied = any(name in headers for name in FORWARDING_HEADERS)
    if not proxied or not within(peer, trusted):
        return Client(peer or "", proxied)
    hops = [hop.strip() for hop in headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if address(hop) is None:
            break  # garbage in the chain: believe nothing further left
        if not within(hop, trusted):
            return Client(str(address(hop)), True)
    return Client(peer or "", True)


def is_local(peer: str | None, headers: Mapping[str, str], allowed: Iterable[Network] = ()) -> bool:
    """Loopback or an allowed network, reached directly (never through a proxy)."""
    if any(name in headers for name in FORWARDING_HEADERS):
        return False
    found = address(peer)
    return found is not None and (found.is_loopback or any(found in n for n in allowed))
