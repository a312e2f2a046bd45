"""What every command group shares: exit statuses, the store, who acts, file errors, listings.

Exit status: 0 success; 1 the command ran but rejected some input (and said which); 2 bad usage or
a configuration that cannot work. Messages go to stderr in LACRALO_LANGUAGE; listings to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.cli.output import FORMATS, message, print_csv, print_json, print_table
from bot.deps import utc_now
from bot.domain.errors import BotError
from bot.i18n import render, t
from bot.region import Region, load_region
from bot.services import backup as backups
from bot.settings import Settings
from bot.store import audit_log, open_store

OK, REJECTED, USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace, Settings], int]
# What `add_subparsers` returns; argparse names its class only privately.
Subparsers = Any
T = TypeVar("T")


@asynccontextmanager
async def store(settings: Settings) -> AsyncIterator[tuple[aiosqlite.Connection, Region]]:
    """The database and the region, the region read first (a bad region file is said as such)."""
    region = load_region(settings.region_file)
    # An upgraded bot's first command migrates the file too: the same backup `run` makes first.
    await backups.before_upgrade(settings, utc_now())
    conn = await open_store(settings.db_path, settings.db_busy_timeout_ms)
    audit_log.sign_with(conn, settings.audit_key)  # issue 20: tag entries when a key is set
    try:
        yield conn, region
    finally:
        await conn.close()


def in_store(settings: Settings, work: Callable[[aiosqlite.Connection, Region], Awaitable[T]]) -> T:
    """Run one piece of work on the store and close it: each command is one short event loop."""

    async def go() -> T:
        async with store(settings) as (conn, region):
            return await work(conn, region)

    return asyncio.run(go())


def attempt(
    settings: Settings,
    work: Callable[[aiosqlite.Connection, Region], Awaitable[T]],
    refused: type[BotError] = BotError,
) -> T | None:
    """`in_store`, saying a refusal (`refused` and its kind) with its rule, in red; None then, and
    the command exits REJECTED. Other errors reach `main`, which says them too."""
    try:
        return in_store(settings, work)
    except refused as exc:
        message(render(exc.reason, settings.language), style="red")
        return None


def actor() -> str:
    """Who did it, for the audit log: the operating-system user at the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def file_error(path: Path, reason: str, lang: str) -> None:
    message(t("cli.error.file", lang, path=str(path), reason=reason), style="red")


def why(exc: OSError) -> str:
    """The system's words for a failed open or read ('No such file or directory')."""
    return exc.strerror or str(exc)


def read_file(path: Path, lang: str) -> bytes | None:
    """The file's bytes, or None after saying why it cannot be read (the command exits USAGE)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        file_error(path, why(exc), lang)
        return None


def listing(
    args: argparse.Namespace,
    settings: Settings,
    rows: Sequence[Mapping[str, Any]],
    columns: list[str],
    topic: str,
    table_columns: list[str] | None = None,
) -> int:
    """Print `rows` in the asked format; table headers and title come from `<topic>.column.*`."""
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        print_csv(rows, columns)
    else:
        lang = settings.language
        shown = table_columns or columns
        headers = [t(f"{topic}.column.{c}", lang) for c in shown]
        print_table(rows, shown, headers, t(f"{topic}.title", lang, count=len(rows)))
    return OK


def listing_parser(
    parent: Subparsers, name: str, help_key: str, command: Command, lang: str
) -> argparse.ArgumentParser:
    """A command that prints a listing: its help, `--format` and what it runs."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=t(f"cli.help.{help_key}", lang))
    format_option(parser, lang)
    parser.set_defaults(command=command)
    return parser


def format_option(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help=t("cli.help.format", lang)
    )
