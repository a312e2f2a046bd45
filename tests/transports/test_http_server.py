"""The HTTP listener's guards in-process (issue 20, part 1): a client that asks for an answer
and never reads it is cut off; refused connections are never counted; closed ones are released."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.transports.http_server import listen, read_body_in_time
from bot.transports.peers import ConnectionCaps, parse_networks
from tests.conftest import async_wait_until, free_port

IDLE = 0.3
BIG = b"x" * (32 * 1024 * 1024)  # more than the kernel's socket buffers hold


async def big(request: web.Request) -> web.Response:
    return web.Response(body=BIG)


@pytest.fixture
async def served() -> AsyncIterator[tuple[int, ConnectionCaps]]:
    app = web.Application(middlewares=[read_body_in_time(IDLE)])
    app.router.add_get("/big", big)
    runner = web.AppRunner(app)
    await runner.setup()
    caps = ConnectionCaps(per_address=2, total=10, trusted=parse_networks("192.0.2.1"))
    port = free_port()
    server = await listen(runner, "127.0.0.1", port, caps, IDLE)
    yield port, caps
    server.close()
    await runner.cleanup()


async def open_socket(port: int, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return sock


async def test_an_answer_never_read_is_cut_off(served: tuple[int, ConnectionCaps]) -> None:
    port, caps = served
    reader = await open_socket(port, receive_buffer=4096)
    await asyncio.get_running_loop().sock_sendall(reader, b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
    await async_wait_until(lambda: _open(caps, 1), 5, "the connection to be counted")
    # The client reads nothing: once the buffers are full the answer stalls, and after the idle
    # timeout the connection is aborted and its slot given back.
    await async_wait_until(lambda: _open(caps, 0), 10, "the stalled connection to be cut off")
    reader.close()


async def test_refused_and_closed_connections_are_not_counted(
    served: tuple[int, ConnectionCaps],
) -> None:
    port, caps = served
    kept = [await open_socket(port) for _ in range(2)]
    await async_wait_until(lambda: _open(caps, 2), 5, "two connections counted")
    refused = await open_socket(port)
    answer = await asyncio.get_running_loop().sock_recv(refused, 1024)
    assert answer.startswith(b"HTTP/1.1 503")
    assert caps.open_total == 2
    for sock in (*kept, refused):
        sock.close()
    await async_wait_until(lambda: _open(caps, 0), 5, "the slots to be given back")
    assert caps.open_by_address == {}


async def _open(caps: ConnectionCaps, count: int) -> bool:
    return caps.open_total == count
