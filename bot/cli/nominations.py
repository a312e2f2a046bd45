"""`lacralo-bot nominations`: the nominations received and their state (the Secretariat's view;
nominating is done by e-mail or chat, handlers/)."""

from __future__ import annotations

import argparse

from bot.cli.common import Subparsers, in_store, listing, listing_parser
from bot.settings import Settings
from bot.store import nominations as nomination_store

COLUMNS = [
    "nomination_id",
    "position",
    "year",
    "candidate",
    "als_id",
    "nominator",
    "state",
    "soi_url",
    "updated_at",
]


def register(sub: Subparsers, lang: str) -> None:
    listing_parser(sub, "nominations", "nominations", cmd_nominations, lang)


def cmd_nominations(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: nomination_store.listing(conn))
    return listing(args, settings, rows, COLUMNS, "nominations.list")
