"""`lacralo-bot participation [add | remove]`: the participation log, the senders not in the roster
yet, and what the bot cannot see, added or undone by the Secretariat (issue 13)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    actor,
    attempt,
    in_store,
    listing,
    listing_parser,
)
from bot.cli.output import message
from bot.deps import utc_now
from bot.domain import activity as activity_rules
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.region import ParticipationKind, Region, load_region
from bot.services import als_activity as activity_service
from bot.settings import Settings
from bot.store import participation as participation_store

LOG_COLUMNS = [
    "als_id",
    "person",
    "kind",
    "source",
    "occurred_at",
    "duration_min",
    "activity_id",
    "note",
]


def register(sub: Subparsers, lang: str) -> None:
    part = listing_parser(sub, "participation", "participation", cmd_participation, lang)
    part.add_argument("--als", metavar="ID", help=t("cli.help.als_filter", lang))
    part.add_argument("--unmatched", action="store_true", help=t("cli.help.unmatched", lang))
    actions = part.add_subparsers(metavar="ACTION")
    add = actions.add_parser("add", help=t("participation.help.add", lang))
    add.add_argument("--als", required=True, metavar="ID", help=t("participation.help.als", lang))
    add.add_argument(
        "--kind", required=True, metavar="KIND", help=t("participation.help.kind", lang)
    )
    add.add_argument("--on", required=True, metavar="DATE", help=t("participation.help.on", lang))
    add.add_argument(
        "--note", required=True, metavar="TEXT", help=t("participation.help.note", lang)
    )
    add.set_defaults(command=cmd_participation_add)
    remove = actions.add_parser("remove", help=t("participation.help.remove", lang))
    remove.add_argument(
        "activity_id", type=int, metavar="ID", help=t("participation.help.activity_id", lang)
    )
    remove.set_defaults(command=cmd_participation_remove)


def cmd_participation(args: argparse.Namespace, settings: Settings) -> int:
    if args.unmatched:  # a synonym of `lacralo-bot unmatched` (issue 19, point 4)
        from bot.cli.unmatched import cmd_unmatched  # only this option needs that group

        return cmd_unmatched(args, settings)
    rows = in_store(settings, lambda conn, _region: participation_store.events(conn, args.als))
    return listing(args, settings, rows, LOG_COLUMNS, "participation.log")


def cmd_participation_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add an activity the bot cannot see; its id alone goes to stdout, for scripts."""
    lang = settings.language
    now = utc_now()
    kinds = load_region(settings.region_file).participation_kinds
    checked = activity_rules.check_activity(args.kind, args.on, args.note, kinds, now.date())
    if isinstance(checked, list):
        for reason in checked:
            message(render(reason, lang), style="red")
        return USAGE
    als_id = args.als.strip()
    added = attempt(
        settings,
        lambda conn, _region: activity_service.add(conn, als_id, checked, now, actor()),
        refused=RuleViolation,
    )
    if added is None:
        return REJECTED
    what = {"id": added.activity_id, "als": als_id, "date": checked.on}
    what["kind"] = kinds[checked.kind].name(lang)
    key = "participation.added" if added.new else "participation.already"
    message(render(Reason(key, what), lang), style="green" if added.new else "yellow")
    print(added.activity_id)  # the id alone on stdout, for scripts
    return OK


def cmd_participation_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Undo an added activity or a mistaken attendance (audited; the call stays recorded)."""
    lang = settings.language
    found = attempt(
        settings,
        lambda conn, region: _remove(conn, region, args.activity_id),
        refused=RuleViolation,
    )
    if found is None:
        return REJECTED
    row, kinds = found
    known = kinds.get(row["kind"])
    kind = known.name(lang) if known else row["kind"]
    on = datetime.fromisoformat(row["occurred_at"])
    what = {"id": args.activity_id, "als": row["als_id"], "kind": kind, "date": on}
    message(render(Reason("participation.removed", what), lang), style="green")
    return OK


async def _remove(
    conn: aiosqlite.Connection, region: Region, activity_id: int
) -> tuple[Mapping[str, Any], dict[str, ParticipationKind]]:
    """The record removed, and the kinds' names to say which it was."""
    row = await activity_service.remove(conn, activity_id, utc_now(), actor())
    return row, region.participation_kinds
