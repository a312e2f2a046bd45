"""Who is connected: the relays we trust, and how many connections each address may hold.

Issue 20, part 1: without caps, a slow or flooding client holds sockets until the process runs out
of file descriptors. One `ConnectionCaps` is shared by every receiver of the process (SMTP, LMTP and
HTTP), because the file descriptors they spend are one budget:

- an address may hold `LACRALO_MAX_CONNECTIONS_PER_ADDRESS` connections at once (default 20);
- all addresses together `LACRALO_MAX_CONNECTIONS` (default 400), of which the last `reserved`
  slots are kept for the trusted relays (`LACRALO_SMTP_TRUSTED_NETWORKS`, default loopback), so
  a flood from elsewhere never keeps the list server's mail out;
- trusted relays are exempt from the per-address cap: one relay legitimately opens many
  connections (Postfix's default concurrency towards one destination is 20).

A connection over a cap is closed at once by the receiver (SMTP says `421` first). Refusals are
logged at most once a minute per source address, as a count (issue 20, part 3), never one line
per connection: a flood must not become a flood of log lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot import metrics
from bot.i18n import t
from bot.settings import Settings

log = logging.getLogger("lacralo_bot.peers")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.0/8,::1/128"
# How often refusals from one source are summarised in the log, in seconds.
SUMMARY_EVERY_S = 60.0
# The global cap's refusals are summarised under this key, not per address: a flood from many
# addresses must not make one log line per address either.
EVERYONE = "*"


def parse_networks(text: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """`"10.0.0.0/24, 2001:db8::/32, 192.0.2.7"` as networks (a bare address is a /32 or /128).
    Raises ValueError naming the entry that is not a network."""
    items = text.split(",") if isinstance(text, str) else list(text)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def ip_of(peer: object) -> str | None:
    """The address part of a socket's peer name (`(host, port)` or `(host, port, flow, scope)`)."""
    if isinstance(peer, tuple) and peer and isinstance(peer[0], str):
        return peer[0]
    return None


def is_trusted_relay(ip: str | None, networks: Iterable[IPNetwork]) -> bool:
    """Whether a connection from `ip` comes from one of the trusted relays' networks. An
    IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, a dual-stack socket) counts as its IPv4 form."""
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


class Verdict(Enum):
    ADMITTED = "admitted"
    TOO_MANY_FROM_ADDRESS = "too_many_from_address"
    TOO_MANY = "too_many"


@dataclass
class _Refusals:
    """Refusals of one source since its last log line."""

    reason: Verdict
    count: int = 0


@dataclass
class ConnectionCaps:
    """Counts open connections by source address and admits or refuses each new one."""

    per_address: int = 20
    total: int = 400
    trusted: tuple[IPNetwork, ...] = field(default_factory=lambda: parse_networks(LOOPBACK))
    lang: str = "en"
    open_by_address: dict[str, int] = field(default_factory=dict)
    open_total: int = 0
    _refusals: dict[str, _Refusals] = field(default_factory=dict)
    # The SMTP and LMTP sessions open now, which a graceful stop drains (smtp_session.drain).
    sessions: set[Any] = field(default_factory=set)

    @property
    def reserved(self) -> int:
        """Slots under the global cap that only trusted relays may take: one relay's worth."""
        return min(self.per_address, self.total // 2)

    def admit(self, ip: str | None) -> Verdict:
        """Count a new connection from `ip` in, or say which cap refuses it (then nothing is
        counted, and the receiver closes it at once)."""
        key = ip or "?"
        trusted = is_trusted_relay(ip, self.trusted)
        verdict = Verdict.ADMITTED
        if self.open_total >= self.total or (
            not trusted and self.open_total >= self.total - self.reserved
        ):
            verdict = Verdict.TOO_MANY
        elif not trusted and self.open_by_address.get(key, 0) >= self.per_address:
            verdict = Verdict.TOO_MANY_FROM_ADDRESS
        if verdict is not Verdict.ADMITTED:
            metrics.refused("connection", verdict.name.lower())
            self._refused(key if verdict is Verdict.TOO_MANY_FROM_ADDRESS else EVERYONE, verdict)
            return verdict
        self.open_by_address[key] = self.open_by_address.get(key, 0) + 1
        self.open_total += 1
        return verdict

    def release(self, ip: str | None) -> None:
        """An admitted connection from `ip` has closed."""
        key = ip or "?"
        left = self.open_by_address.get(key, 0) - 1
        if left > 0:
            self.open_by_address[key] = left
        else:
            self.open_by_address.pop(key, None)
        self.open_total = max(0, self.open_total - 1)

    def _refused(self, source: str, verdict: Verdict) -> None:
        """Log the first refusal from a source at once; the later ones of the same minute as
        one count when the minute is over."""
        seen = self._refusals.get(source)
        if seen is not None:
            seen.count += 1
            seen.reason = verdict
            return
        self._refusals[source] = _Refusals(reason=verdict)
        self._log(source, verdict, 1)
        self._later(SUMMARY_EVERY_S, source)

    def _summarise(self, source: str) -> None:
        """A minute after a source's last log line: its count since, if any, and another minute
        of quiet; a source with nothing new is forgotten, so the table holds only the sources
        refused within the last minute."""
        seen = self._refusals.get(source)
        if seen is None:
            return
        if not seen.count:
            del self._refusals[source]
            return
        self._log(source, seen.reason, seen.count)
        seen.count = 0
        self._later(SUMMARY_EVERY_S, source)

    def _later(self, delay: float, source: str) -> None:
        # Without a running event loop (a unit test) `flush` does the job.
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().call_later(delay, self._summarise, source)

    def _log(self, source: str, verdict: Verdict, count: int) -> None:
        caps = {"per_address": self.per_address, "total": self.total}
        key = f"receivers.log.refused.{verdict.value}"
        log.warning(t(key, self.lang, address=source, count=count, **caps))

    def flush(self) -> None:
        """Log every count not yet logged, as a minute's end would (at shutdown, and in tests)."""
        for source, seen in self._refusals.items():
            if seen.count:
                self._log(source, seen.reason, seen.count)
                seen.count = 0


def connection_caps(settings: Settings) -> ConnectionCaps:
    """The caps from the settings. Exempt from the per-address cap: the trusted relays, and the
    reverse proxies trusted for X-Forwarded-For (all of a proxy's clients arrive from its one
    address); both are the operator's own machines."""
    exempt = settings.smtp_trusted_networks + parse_networks(settings.trusted_proxies)
    return ConnectionCaps(
        per_address=settings.max_connections_per_address,
        total=settings.max_connections,
        trusted=exempt,
        lang=settings.language,
    )
