"""`lacralo-bot lists`: the mailing lists the bot has seen posts from, known to the region or
not."""

from __future__ import annotations

import argparse

from bot.cli.common import Subparsers, in_store, listing, listing_parser
from bot.settings import Settings
from bot.store import participation as participation_store

COLUMNS = ["list_id", "name", "kind", "known", "posts", "first_seen"]


def register(sub: Subparsers, lang: str) -> None:
    listing_parser(sub, "lists", "lists", cmd_lists, lang)


def cmd_lists(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: participation_store.lists(conn))
    return listing(args, settings, rows, COLUMNS, "participation.lists")
