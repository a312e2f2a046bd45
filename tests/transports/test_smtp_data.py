"""DATA read in large pieces gives exactly what aiosmtpd's line-by-line loop gives (RFC 5321
section 4.5.2: the end mark, dot-stuffing), whichever way the bytes arrive."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.transports.smtp_data import read_data

MESSAGES = {
    "empty message": b"",
    "one line": b"x\r\n",
    "one empty line": b"\r\n",
    "a leading dot on the first line": b".hidden\r\n",
    "a line that is a single dot": b"Subject: a\r\n\r\n.\r\nafter\r\n",
    "many empty lines": b"\r\n" * 5000,
    "sentences that end in a period": b"Hello.\r\n" * 3000,
    "a line longer than 1,000 octets": b"From: a@example.org\r\n\r\n" + b"y" * 70_000 + b"\r\n",
    "dots and line breaks in a row": b".\r\n..\r\n.\r.\n\r\n.\r\n",
}


def stuffed(message: bytes) -> bytes:
    """What a client sends: each line starting with a dot gets another, then the end mark."""
    lines = message.split(b"\r\n")
    return b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines) + (
        b".\r\n"
    )


async def read(wire: bytes, chunk: int, limit: int | None = None) -> tuple[bytes | None, bytes]:
    """Feed the wire bytes `chunk` at a time, with what follows the message; (read, left over)."""
    reader = asyncio.StreamReader(limit=1001)  # aiosmtpd's line length limit

    async def feed() -> None:
        for at in range(0, len(wire), chunk):
            reader.feed_data(wire[at : at + chunk])
            await asyncio.sleep(0)
        reader.feed_data(b"QUIT\r\n")
        reader.feed_eof()

    feeding = asyncio.create_task(feed())
    content = await read_data(reader, limit)
    await feeding
    return content, await reader.read()


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 1000, 65536])
@pytest.mark.parametrize("name", MESSAGES)
async def test_content_is_the_message_whatever_the_pieces(name: str, chunk: int) -> None:
    content, left = await read(stuffed(MESSAGES[name]), chunk)
    assert content == MESSAGES[name]
    assert left == b"QUIT\r\n", "what follows the end mark stays for the next command"


@pytest.mark.parametrize("chunk", [3, 65536])
async def test_over_the_limit_is_none_and_the_session_goes_on(chunk: int) -> None:
    message = b"Subject: big\r\n\r\n" + b"z" * 200_000 + b"\r\n"
    assert await read(stuffed(message), chunk, limit=len(message)) == (message, b"QUIT\r\n")
    assert await read(stuffed(message), chunk, limit=len(message) - 1) == (None, b"QUIT\r\n")


async def test_a_client_that_goes_away_mid_message() -> None:
    reader = asyncio.StreamReader(limit=1001)
    reader.feed_data(b"Subject: cut\r\n\r\nhalf a line")
    reader.feed_eof()
    with pytest.raises(asyncio.IncompleteReadError):
        await read_data(reader, None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=".\r\na", max_size=8), max_size=8),
    st.integers(min_value=1, max_value=12),
)
def test_any_lines_any_pieces(lines: list[str], chunk: int) -> None:
    """Dots, bare CRs and LFs wherever they fall, cut anywhere: the message comes back whole,
    and nothing after the end mark is taken."""
    message = "".join(line + "\r\n" for line in lines).encode()
    content, left = asyncio.run(read(stuffed(message), chunk))
    assert content == message
    assert left == b"QUIT\r\n"
