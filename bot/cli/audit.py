"""`lacralo-bot audit verify | list`: the append-only, hash-chained audit log (bot/audit.py)."""

from __future__ import annotations

import argparse
import json

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    in_store,
    listing,
    listing_parser,
)
from bot.cli.output import message
from bot.cli.times import as_of_or_usage
from bot.i18n import t
from bot.services import audit as audit_service
from bot.settings import Settings

COLUMNS = ["seq", "at", "actor", "action", "subject", "data"]


def register(sub: Subparsers, lang: str) -> None:
    audit = sub.add_parser("audit", help=t("cli.help.audit", lang))
    actions = audit.add_subparsers(required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help=t("cli.help.audit_verify", lang))
    verify.set_defaults(command=cmd_audit_verify)
    entries = listing_parser(actions, "list", "audit_list", cmd_audit_list, lang)
    entries.add_argument("--kind", metavar="K", help=t("audit.help.kind", lang))
    entries.add_argument("--since", metavar="DATE", help=t("audit.help.since", lang))


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Walk the hash chain; the first broken entry is named, with why (exit 1)."""
    lang = settings.language
    count, broken = in_store(settings, lambda conn, _region: audit_service.verify(conn))
    if broken is None:
        message(t("audit.intact", lang, count=count), style="green")
        return OK
    message(
        t("audit.broken", lang, seq=broken.seq, why=t(f"audit.break.{broken.why}", lang)),
        style="red",
    )
    return REJECTED


def cmd_audit_list(args: argparse.Namespace, settings: Settings) -> int:
    """The entries, of one kind or since a day when asked; `--since DATE` means from its start."""
    since = None
    if args.since:
        since = as_of_or_usage(args.since, settings.language)
        if since is None:
            return USAGE
        if len(args.since) == 10:
            since = since.replace(hour=0, minute=0, second=0)
    rows = in_store(settings, lambda conn, _region: audit_service.listing(conn, args.kind, since))
    if args.format != "json":
        rows = [r | {"data": json.dumps(r["data"], ensure_ascii=False)} for r in rows]
    return listing(args, settings, rows, COLUMNS, "audit.listing")
