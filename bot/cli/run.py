"""`lacralo-bot run`: the bot itself, every configured part on one event loop (bot/app.py)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import OK, Subparsers
from bot.i18n import t
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    run = sub.add_parser("run", help=t("cli.help.run", lang))
    run.set_defaults(command=cmd_run)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import serve  # the server's imports are only needed here

    asyncio.run(serve(settings))
    return OK
