"""`lacralo-bot backup FILE`: an online, checked copy of the database (bot/services/backup.py).

Safe while the bot runs and writes: SQLite's backup API copies one consistent snapshot, and the
command says "done" only after the copy passed the integrity and audit checks (issue 21).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import OK, REJECTED, Subparsers
from bot.cli.output import message, progress_bar
from bot.i18n import render, t
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    backup = sub.add_parser("backup", help=t("backup.help.backup", lang))
    backup.add_argument("file", metavar="FILE", type=Path, help=t("backup.help.backup_file", lang))
    backup.set_defaults(command=cmd_backup)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1 with the reason, and no file written, when the copy cannot be made or checked."""
    from bot.services import backup as backup_service

    lang = settings.language
    try:
        size = settings.db_path.stat().st_size
    except OSError:
        size = 0  # no database: the service says so
    try:
        with progress_bar(t("backup.progress", lang), size) as bar:
            # The copy reports pages of the snapshot; the bar counts the file's bytes.
            def show(done: int, total: int) -> None:
                bar(done * size // total if total else 0)

            done = asyncio.run(
                backup_service.make_backup(
                    settings.db_path, args.file, settings.db_busy_timeout_ms, show
                )
            )
    except backup_service.BackupRefused as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED
    text = t(
        "backup.done",
        lang,
        path=str(args.file),
        size=done.size,
        version=done.version,
        count=done.audit_entries,
    )
    message(text, style="green")
    return OK
