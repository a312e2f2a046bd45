"""`lacralo-bot digest send --month YYYY-MM [--again]`: the Secretariat's digest of a month's
ALS status changes, corrections and early warnings (issue 18); the scheduler sends last month's
at the start of each month."""

from __future__ import annotations

import argparse
from datetime import date

from bot.cli.common import OK, REJECTED, USAGE, Subparsers, actor, attempt
from bot.cli.output import message
from bot.deps import utc_now
from bot.i18n import t
from bot.services import month_digest
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    digest = sub.add_parser("digest", help=t("cli.help.digest", lang))
    actions = digest.add_subparsers(required=True, metavar="ACTION")
    send = actions.add_parser("send", help=t("cli.help.digest_send", lang))
    send.add_argument("--month", required=True, metavar="YYYY-MM", help=t("cli.help.month", lang))
    send.add_argument("--again", action="store_true", help=t("cli.help.again", lang))
    send.set_defaults(command=cmd_digest_send)


def cmd_digest_send(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    try:
        month = date.fromisoformat(args.month.strip() + "-01")
    except ValueError:
        message(t("notices.month.bad_month", lang, given=args.month), style="red")
        return USAGE
    queued = attempt(
        settings,
        lambda conn, region: month_digest.send(
            conn, region, settings, month, utc_now(), actor(), args.again
        ),
    )
    if queued is None:
        return REJECTED
    key = "notices.month.queued" if queued else "notices.month.already"
    message(t(key, lang, month=f"{month:%Y-%m}", count=queued), style="green" if queued else None)
    return OK
