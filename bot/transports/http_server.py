"""The HTTP listener: aiohttp's protocol with the connection caps and timeouts (issue 20, part 1).

aiohttp closes a connection whose request head is not complete within its keep-alive timeout
(counted from connecting, or from the previous answer), so that timeout is set to
`LACRALO_IDLE_TIMEOUT_S`: half a request line and a stall is closed after it, as is an idle
keep-alive connection. What aiohttp leaves open, done here:

- a request body (at most 2 MB, `http.build_app`) must arrive within the idle timeout of its head,
  else `408` and the connection is closed (`read_body_in_time`);
- an answer the client does not take (the socket's buffer stays full for the idle timeout) aborts
  the connection: a client that reads nothing does not keep a socket by asking for pages;
- the connection caps shared with SMTP and LMTP (`bot/transports/peers.py`): over them, `503` and
  closed at once, before a request is read.

The listener is made here rather than with `web.TCPSite` because aiohttp's `Server` builds its
`RequestHandler`s itself; the runner still owns the application and shuts its connections down.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot import metrics
from bot.transports.peers import ConnectionCaps, Verdict, ip_of

REFUSED = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 10\r\n"
    b"Connection: close\r\n\r\n"
)


class GuardedRequestHandler(RequestHandler):
    """aiohttp's protocol, counted against the caps, with a stalled answer cut off."""

    def __init__(
        self, manager: web.Server, *, caps: ConnectionCaps, idle_timeout: float, **kwargs: Any
    ) -> None:
        super().__init__(manager, keepalive_timeout=idle_timeout, **kwargs)
        self._caps = caps
        self._idle_timeout = idle_timeout
        self._ip: str | None = None
        self._admitted = False
        self._stalled: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._ip = ip_of(transport.get_extra_info("peername"))
        if self._caps.admit(self._ip) is not Verdict.ADMITTED:
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(REFUSED)
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._admitted:
            return  # refused: aiohttp never started on it
        self._admitted = False
        self._caps.release(self._ip)
        if self._stalled is not None:
            self._stalled.cancel()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The socket's buffer is full: the client must take our answer within the idle timeout."""
        super().pause_writing()
        if self._stalled is None:
            loop = asyncio.get_running_loop()
            self._stalled = loop.call_later(self._idle_timeout, self._cut_off)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def _cut_off(self) -> None:
        self._stalled = None
        if self.transport is not None:
            self.transport.abort()


def read_body_in_time(idle_timeout: float) -> Any:
    """Middleware: the request body is read (and kept for the handler) within the idle timeout
    of its head; a client that trickles it gets `408` and the connection is closed."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.body_exists:
            try:
                async with asyncio.timeout(idle_timeout):
                    await request.read()  # kept: the handler's read(), text(), json() reuse it
            except TimeoutError:
                metrics.refused("http", "slow_body")
                response = web.Response(status=408, text="Request Timeout")
                response.force_close()
                return response
        result: web.StreamResponse = await handler(request)
        return result

    return middleware


async def listen(
    runner: web.AppRunner, host: str, port: int, caps: ConnectionCaps, idle_timeout: float
) -> asyncio.base_events.Server:
    """Serve the runner's application on host:port (after `runner.setup()`)."""
    server = runner.server
    assert server is not None, "runner.setup() first"
    loop = asyncio.get_running_loop()

    def protocol() -> GuardedRequestHandler:
        return GuardedRequestHandler(
            server,
            loop=loop,
            caps=caps,
            idle_timeout=idle_timeout,
            access_log=None,
            # After an early answer (408, 413) aiohttp reads what is left of the body, so the
            # client sees the answer rather than a reset; no longer than a client may idle.
            lingering_time=min(10.0, idle_timeout),
        )

    # A listen queue as long as the caps allow connections (as smtp.start_server).
    return await loop.create_server(protocol, host=host, port=port, backlog=max(100, caps.total))
