"""aiosmtpd's SMTP and LMTP servers, with DATA read in large pieces rather than line by line.

aiosmtpd reads a message one line at a time on the event loop, then walks the list of lines again
to undo dot-stuffing. For 10 MB of short lines that is millions of Python steps, and /healthz, Zoom
and Slack wait seconds for them (issue 15, item 6). Here the buffered bytes are searched for the
end mark `<CRLF>.<CRLF>` with `StreamReader.readuntil` (a `bytes.find`), and dot-stuffing is undone
with one `bytes.replace` (RFC 5321 section 4.5.2). Everything else (the checks before DATA, the
354, the size limit's 552, the handler's status) is aiosmtpd's own behaviour, kept as it was.
Lines longer than 1,000 octets are accepted rather than refused: RFC 5321 section 4.5.3.1.6 asks
only that a server not truncate them.
"""

from __future__ import annotations

import asyncio

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import MISSING, SMTP, syntax

END = b"\r\n.\r\n"
# What the end of the bytes held may be while the end mark straddles them and the buffer.
_MARK_PREFIXES = (b"\r", b"\r\n", b"\r\n.", b"\r\n.\r")
TOO_BIG = "552 Error: Too much mail data"


class BulkDataSMTP(SMTP):
    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        await _data(self, arg)


class BulkDataLMTP(LMTP):
    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        await _data(self, arg)


async def _data(server: SMTP, arg: str) -> None:
    """aiosmtpd's `smtp_DATA` (1.4), its reading loop replaced by `read_data`; the content is
    bytes, as the bot's servers are made with `decode_data=False`."""
    if await server.check_helo_needed() or await server.check_auth_needed("DATA"):
        return
    assert server.envelope is not None
    if not server.envelope.rcpt_tos:
        await server.push("503 Error: need RCPT command")
        return
    if arg:
        await server.push("501 Syntax: DATA")
        return
    await server.push("354 End data with <CR><LF>.<CR><LF>")
    try:
        content = await read_data(server._reader, server.data_size_limit)
    except asyncio.IncompleteReadError:  # the client went away mid-message
        server._writer.close()
        return
    if content is None:
        server.envelope = server._create_envelope()  # as _set_post_data_state
        await server.push(TOO_BIG)
        return
    server.envelope.content = server.envelope.original_content = content
    status = await server._call_handler_hook("DATA")
    server.envelope = server._create_envelope()  # as _set_post_data_state
    await server.push("250 OK" if status is MISSING else status)


async def read_data(reader: asyncio.StreamReader, limit: int | None) -> bytes | None:
    """The message up to the end mark, dot-stuffing undone; None when it is over `limit` bytes
    (read to its end all the same, holding only its last bytes, so the session can go on)."""
    held = bytearray(b"\r\n")  # the line break that ended the DATA command: the mark may follow
    dropped = 0
    separator = b".\r\n"
    while not held.endswith(END):
        held += await _piece(reader, separator)
        if limit and dropped + len(held) > limit + len(END):  # the leading CRLF, the ".\r\n"
            dropped += len(held) - len(END)
            del held[: -len(END)]  # enough to see the mark arrive
        # Until the bytes held end in a way the mark could continue, the short separator is
        # looked for and the mark checked here; after, the buffer alone can hold the whole mark.
        if not held.endswith(_MARK_PREFIXES):
            separator = END
    if dropped:
        return None
    del held[-3:]  # the ".\r\n" of the end mark; its line break ends the last line
    held = held.replace(b"\r\n.", b"\r\n")  # a line's leading dot, the first line's too
    return bytes(memoryview(held)[2:])


async def _piece(reader: asyncio.StreamReader, separator: bytes) -> bytes:
    """The next bytes up to and including `separator`, or all that is buffered before it when
    that is more than the reader holds at once (aiosmtpd's line length limit)."""
    try:
        return await reader.readuntil(separator)
    except asyncio.LimitOverrunError as exc:
        return await reader.read(exc.consumed)
