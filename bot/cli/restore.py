"""`lacralo-bot restore FILE`: a checked backup in place of the database (bot/services/backup.py).

Refused while a bot runs on the database (the lock `run` holds), and for a file that is not a sound
lacralo-bot database with an intact audit chain; the database it replaces is kept beside it.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import OK, REJECTED, Subparsers
from bot.cli.output import message
from bot.deps import utc_now
from bot.i18n import render, t
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    restore = sub.add_parser("restore", help=t("backup.help.restore", lang))
    restore.add_argument(
        "file", metavar="FILE", type=Path, help=t("backup.help.restore_file", lang)
    )
    restore.set_defaults(command=cmd_restore)


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1 with the reason, and the database untouched, when the backup is refused."""
    from bot.services import backup as backup_service

    lang = settings.language
    try:
        done = asyncio.run(backup_service.restore(settings.db_path, args.file, utc_now()))
    except backup_service.BackupRefused as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    checked = done.checked
    text = t(
        "backup.restored",
        lang,
        source=str(args.file),
        path=str(settings.db_path),
        version=checked.version,
        count=checked.audit_entries,
    )
    message(text, style="green")
    if done.replaced is not None:
        message(t("backup.replaced", lang, path=str(done.replaced)))
    return OK
