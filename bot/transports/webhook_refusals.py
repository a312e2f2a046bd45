"""Refused webhook requests, counted and logged without letting a flood become a flood of log.

Issue 20, part 3: each refusal is counted in /metrics (`refused(door, reason)`, reasons are short
keys, never request text); the log gets at most one line a minute per client and reason, saying how
many were kept quiet since the last one. The client is the one a trusted reverse proxy names
(LACRALO_TRUSTED_PROXIES), else the TCP peer; nothing of the body is ever written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from bot import metrics
from bot.i18n import t
from bot.logs import SUMMARY_WINDOW_S, Summary
from bot.transports import forwarded


class Refusals:
    """One door's refusals (`door` is "zoom" or "slack"); `key` names the log line, and
    `key + "_again"` the line that also says how many were kept quiet."""

    def __init__(
        self,
        door: str,
        key: str,
        log: logging.Logger,
        lang: str,
        trusted_proxies: str,
        window_s: float = SUMMARY_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.door, self.key, self.log, self.lang = door, key, log, lang
        self.trusted = forwarded.networks(trusted_proxies)
        self.summary = Summary(window_s, clock)

    def client(self, peer: str | None, headers: Mapping[str, str]) -> str:
        return forwarded.client(peer, headers, self.trusted).address or "?"

    def note(self, peer: str | None, headers: Mapping[str, str], why: str) -> None:
        metrics.refused(self.door, why)
        source = self.client(peer, headers)
        quiet = self.summary.admit(source, why)
        if quiet is None:
            return
        key = self.key if quiet == 0 else self.key + "_again"
        self.log.warning(t(key, self.lang, peer=source, why=why, quiet=quiet))
