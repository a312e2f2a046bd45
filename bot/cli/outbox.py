"""`lacralo-bot outbox`: every message the bot queued, sent or gave up on, and why."""

from __future__ import annotations

import argparse

from bot.cli.common import Subparsers, in_store, listing, listing_parser
from bot.settings import Settings
from bot.store import outbox as outbox_store

COLUMNS = [
    "outbox_id",
    "channel",
    "recipient",
    "subject",
    "state",
    "attempts",
    "due_at",
    "sent_at",
    "last_error",
]


def register(sub: Subparsers, lang: str) -> None:
    listing_parser(sub, "outbox", "outbox", cmd_outbox, lang)


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: outbox_store.listing(conn))
    return listing(args, settings, rows, COLUMNS, "outbox")
