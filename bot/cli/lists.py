"""`lacralo-bot lists`: the mailing lists the bot has seen posts from, known to the region or
not. A list the region file does not name is there for the Secretariat: its posts are recorded but
count only once the region file names it (issue 20, point 5); `held` are its posts waiting for
review (`participation held`)."""

from __future__ import annotations

import argparse

import aiosqlite

from bot.cli.common import Subparsers, in_store, listing, listing_parser
from bot.deps import utc_now
from bot.region import Region
from bot.services import participation as participation_service
from bot.settings import Settings
from bot.store import participation as participation_store

COLUMNS = ["list_id", "name", "kind", "known", "posts", "held", "first_seen"]


def register(sub: Subparsers, lang: str) -> None:
    listing_parser(sub, "lists", "lists", cmd_lists, lang)


def cmd_lists(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, _lists)
    return listing(args, settings, rows, COLUMNS, "participation.lists")


async def _lists(conn: aiosqlite.Connection, region: Region) -> list[participation_store.SeenList]:
    """The lists as the region file now reads them (`known` follows it)."""
    await participation_service.sync_lists(conn, region, utc_now())
    return await participation_store.lists(conn)
