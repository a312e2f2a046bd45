"""The SMTP/LMTP receiver: aiosmtpd servers on the bot's own event loop."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.deps import Deps


class ListPostHandler:
    """aiosmtpd's smallest interface: `handle_DATA` returns the status line."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # Not stored means not accepted: ask the sender to retry (PRODUCT.md "Nothing lost").
        return "451 4.3.0 Not accepting list posts yet, try again later"


async def start_server(
    deps: Deps, host: str, port: int, lmtp: bool = False
) -> asyncio.base_events.Server:
    handler = ListPostHandler(deps)
    protocol: Any = LMTP if lmtp else SMTP
    factory = partial(
        protocol,
        handler,
        data_size_limit=deps.settings.max_message_bytes,
        enable_SMTPUTF8=True,
        decode_data=False,
        ident="lacralo-bot",
    )
    loop = asyncio.get_running_loop()
    return await loop.create_server(factory, host=host, port=port)
