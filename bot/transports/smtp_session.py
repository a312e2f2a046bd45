"""What one SMTP or LMTP connection may cost (issue 20, part 1), and its envelope read cheaply.

aiosmtpd closes a connection that sends no valid command for `timeout` seconds, but a client that
says NOOP every few seconds, or trickles a message one line at a time, holds its socket for ever;
and it closes with `transport.close()`, which waits for a client that reads nothing to take our
last reply first. Here, on top of aiosmtpd's own behaviour:

- the idle timeout (`LACRALO_IDLE_TIMEOUT_S`): a command line, or the next piece of a message's
  DATA, must arrive within it, and our replies must be taken within it;
- the transaction timeout (`LACRALO_TRANSACTION_TIMEOUT_S`): a message must be delivered within it
  of connecting or of the previous message; with the size cap (`LACRALO_MAX_MESSAGE_BYTES`) this
  bounds what reading a body may cost;
- on either, `421 4.4.2` and the connection is closed, or aborted when the client is not reading;
- the connection caps (`bot/transports/peers.py`): over them, `421` and closed at once, before
  the greeting, so a flood costs one short write per connection;
- at most `MAX_RECIPIENTS` recipients a message: the next gets `452 4.5.3` (RFC 5321 sections
  4.5.3.1.8 and 4.5.3.1.10), so a client cannot make one envelope as large as it likes.

The time the bot itself spends on a message (storing it) never counts against the client.

Envelope addresses: aiosmtpd parses `MAIL FROM:<a@b>` and `RCPT TO:<a@b>` with the `email`
package's full RFC 5322 parser and defines a class on every call; with the database commit shared
by many posts, that was the largest cost per post. The plain `<dot-atom@dot-atom>` form real relays
send is read with one regular expression, giving what aiosmtpd gives (tests/transports checks
this on generated input); anything else goes to aiosmtpd's parser as before.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from typing import Any

from aiosmtpd.smtp import SMTP

from bot import metrics
from bot.transports.peers import ConnectionCaps, Verdict, ip_of
from bot.transports.smtp_data import BulkDataLMTP, BulkDataSMTP

log = logging.getLogger("lacralo_bot.smtp")

# Protocol replies (RFC 5321 section 3.8: 421 may be sent at any time, then the server closes).
REFUSED = {
    Verdict.TOO_MANY_FROM_ADDRESS: b"421 4.7.0 Too many connections from your address\r\n",
    Verdict.TOO_MANY: b"421 4.3.2 Too many connections; try again later\r\n",
}
TIMED_OUT = b"421 4.4.2 Timeout; closing the connection\r\n"
# Issue 21: on SIGTERM, to a sender between messages or still sending (it keeps the message and
# tries again later, as RFC 5321 section 4.5.4.1 has clients do after a 4xx).
SHUTTING_DOWN = b"421 4.3.2 Service shutting down; try again later\r\n"
# RFC 5321 section 4.5.3.1.8: a server must take at least 100 recipients; a relay sends the rest
# in another transaction after 452 (section 4.5.3.1.10). The bot's addresses are a handful.
MAX_RECIPIENTS = 100
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATEXT}(?:\.{_ATEXT})*"
_PLAIN_ADDRESS = re.compile(rf"<({_DOT_ATOM})@({_DOT_ATOM})>")


def plain_envelope_address(arg: str) -> tuple[str, str, str] | None:
    """`<local@domain>` and what follows it (the ESMTP parameters), as (local, domain, rest);
    None for any other form (a quoted local part, a source route, UTF-8, comments, `<>`)."""
    found = _PLAIN_ADDRESS.match(arg)
    if found is None:
        return None
    rest = arg[found.end() :]
    if rest[:1] in (" ", "\t"):  # white space after `>` is not part of the rest (RFC 5322 CFWS)
        rest = rest.lstrip()
    if rest[:1] == "(":  # a comment: aiosmtpd's parser knows what to make of it
        return None
    return found.group(1), found.group(2), rest


class _Guarded(SMTP):
    """aiosmtpd's server with the caps, the two timeouts and the fast envelope addresses."""

    def __init__(
        self,
        handler: Any,
        *,
        caps: ConnectionCaps,
        idle_timeout: float,
        transaction_timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, timeout=idle_timeout, **kwargs)
        self._caps = caps
        self._transaction_timeout = transaction_timeout
        self._ip: str | None = None
        self._admitted = False
        self._idle_until = math.inf
        self._deadline = math.inf
        self._storing = False
        self._draining = False

    # --- the caps ---------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._admitted:  # the first time (aiosmtpd calls again after STARTTLS)
            self._ip = ip_of(transport.get_extra_info("peername"))
            verdict = self._caps.admit(self._ip)
            if verdict is not Verdict.ADMITTED:
                assert isinstance(transport, asyncio.WriteTransport)
                transport.write(REFUSED[verdict])
                transport.close()
                return
            self._admitted = True
            self._caps.sessions.add(self)
            self._deadline = self.loop.time() + self._transaction_timeout
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if not self._admitted:
            return  # refused: aiosmtpd never started on it
        self._admitted = False
        self._caps.release(self._ip)
        self._caps.sessions.discard(self)
        super().connection_lost(error)

    # --- the timeouts -----------------------------------------------------------------------

    def _reset_timeout(self, duration: float | None = None) -> None:
        """aiosmtpd calls this on connecting and on each valid command: the idle clock restarts.
        One timer per connection, moved lazily, instead of a new timer per command."""
        self._idle_until = self.loop.time() + (duration or self._timeout_duration)
        if self._timeout_handle is None or self._timeout_handle.cancelled():
            self._timeout_handle = self.loop.call_at(self._due(), self._timeout_cb)

    def data_progress(self) -> None:
        """A piece of DATA arrived (smtp_data.read_data): the client is still sending."""
        self._idle_until = self.loop.time() + self._timeout_duration

    def _due(self) -> float:
        return min(self._idle_until, self._deadline)

    def _timeout_cb(self) -> None:
        now = self.loop.time()
        if self._storing:  # our own time: the client is waiting for us
            self._timeout_handle = self.loop.call_at(now + self._timeout_duration, self._timeout_cb)
            return
        due = self._due()
        if now < due:
            self._timeout_handle = self.loop.call_at(due, self._timeout_cb)
            return
        self._expire()

    def _expire(self) -> None:
        log.debug("%r timed out", self._ip)
        metrics.refused("smtp", "timeout")
        self._close_with(TIMED_OUT)

    def shut_down(self) -> None:
        """A graceful stop (issue 21): a session between messages or still sending gets 421 now;
        one whose message is being stored keeps going, and is closed right after its 250."""
        self._draining = True
        if not self._storing:
            self._close_with(SHUTTING_DOWN)

    def _close_with(self, reply: bytes) -> None:
        """421 and close; abort when the client has not taken what we sent (it reads nothing),
        except while stopping: then a 250 still in the buffer is flushed first (close, not abort;
        `drain` aborts what is left at its deadline)."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        assert isinstance(transport, asyncio.WriteTransport)
        if self._draining:
            transport.write(reply)
            transport.close()
            return
        if transport.get_write_buffer_size() == 0:
            transport.write(reply)
        if transport.get_write_buffer_size() == 0:
            transport.close()
        else:
            transport.abort()

    async def _call_handler_hook(self, command: str, *args: Any) -> Any:
        """A delivered message opens a new transaction window; storing it is not idling. A
        recipient past `MAX_RECIPIENTS` is refused before the handler sees it."""
        envelope = self.envelope
        if command == "RCPT" and envelope is not None and len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        if command != "DATA":
            return await super()._call_handler_hook(command, *args)
        self._storing = True
        try:
            return await super()._call_handler_hook(command, *args)
        finally:
            self._storing = False
            if self._draining:
                # aiosmtpd writes the 250 in this same step, before this callback runs.
                self.loop.call_soon(self._close_with, SHUTTING_DOWN)
            now = self.loop.time()
            self._idle_until = now + self._timeout_duration
            self._deadline = now + self._transaction_timeout

    # --- envelope addresses -----------------------------------------------------------------

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        plain = plain_envelope_address(arg) if arg else None
        if plain is None:
            return super()._getaddr(arg)
        local, domain, rest = plain
        if self.local_part_limit and len(local) > self.local_part_limit:
            return None, None
        return f"{local}@{domain}", rest


class GuardedSMTP(_Guarded, BulkDataSMTP):
    """The bot's SMTP server."""


class GuardedLMTP(_Guarded, BulkDataLMTP):
    """The bot's LMTP server."""


async def drain(caps: ConnectionCaps, within_s: float) -> int:
    """Stop every open SMTP/LMTP session (`shut_down`) and wait, up to `within_s`, until they
    have all closed: each message fully received is committed and answered 250 first. The
    listening sockets are closed before this, so no new session starts. Returns how many were
    still open at the deadline (then aborted)."""
    for session in list(caps.sessions):
        session.shut_down()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while caps.sessions and loop.time() < deadline:
        await asyncio.sleep(0.01)
    left = list(caps.sessions)
    for session in left:
        if session.transport is not None:
            session.transport.abort()
    return len(left)
