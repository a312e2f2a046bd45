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
from collections.abc import Callable

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import MISSING, SMTP, syntax

END = b"\r\n.\r\n"
# How the bytes held may end while an end mark straddles them and the buffer, longest first.
_MARK_PREFIXES = (b"\r\n.\r", b"\r\n.", b"\r\n", b"\r")
TOO_BIG = "552 Error: Too much mail data"


class BulkDataSMTP(SMTP):
    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        await _data(self, arg, self.data_progress)

    def data_progress(self) -> None:
        """Called as each piece of a message arrives (the idle timeout's clock, smtp_session)."""


class BulkDataLMTP(LMTP):
    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        await _data(self, arg, self.data_progress)

    def data_progress(self) -> None:
        """As BulkDataSMTP.data_progress."""


async def _data(server: SMTP, arg: str, progress: Callable[[], None] | None = None) -> None:
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
        content = await read_data(server._reader, server.data_size_limit, progress)
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


async def read_data(
    reader: asyncio.StreamReader,
    limit: int | None,
    progress: Callable[[], None] | None = None,
) -> bytes | None:
    """The message up to the end mark, dot-stuffing undone; None when it is over `limit` bytes
    (read to its end all the same, holding only its last bytes, so the session can go on).
    `progress` is called after each piece (a line, or as much as the reader holds at once)."""
    held = bytearray(b"\r\n")  # the line break that ended the DATA command: the mark may follow
    dropped = 0
    exact = False  # whether the last piece was read exactly
    while not held.endswith(END):
        # Never a byte past the end mark: the next command follows it. When the bytes held end
        # with the start of a mark, the bytes that would finish it are read exactly; when that
        # leaves the start of another (10 MB of empty lines), the short separator `.<CRLF>`
        # finds the end of any mark begun, in large pieces, except after `<CRLF>.` or
        # `<CRLF>.<CR>`, where only the exact read is safe. Otherwise the reader's buffer alone
        # holds any mark, and it is searched for the whole of it: a line that ends with a period
        # does not end a piece.
        finish = _to_finish_a_mark(held)
        exact = finish > 0 and (finish <= 2 or not exact)
        if exact:
            held += await reader.readexactly(finish)
        else:
            held += await _piece(reader, b".\r\n" if finish else END)
        if progress is not None:
            progress()
        if limit and dropped + len(held) > limit + len(END):  # the leading CRLF, the ".\r\n"
            dropped += len(held) - len(END)
            del held[: -len(END)]  # enough to see the mark arrive
    if dropped:
        return None
    del held[-3:]  # the ".\r\n" of the end mark; its line break ends the last line
    held = held.replace(b"\r\n.", b"\r\n")  # a line's leading dot, the first line's too
    return bytes(memoryview(held)[2:])


def _to_finish_a_mark(held: bytearray) -> int:
    """How many bytes would finish an end mark begun at the end of `held` (the longest such
    beginning); 0 when `held` does not end with one."""
    for start in _MARK_PREFIXES:
        if held.endswith(start):
            return len(END) - len(start)
    return 0


async def _piece(reader: asyncio.StreamReader, separator: bytes) -> bytes:
    """The next bytes up to and including `separator`, or all that is buffered before it when
    that is more than the reader holds at once (aiosmtpd's line length limit)."""
    try:
        return await reader.readuntil(separator)
    except asyncio.LimitOverrunError as exc:
        return await reader.read(exc.consumed)
