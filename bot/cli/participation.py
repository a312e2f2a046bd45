"""`lacralo-bot participation [add | remove | held | approve | reject]`: the participation log, the
senders not in the roster yet, what the bot cannot see, added or undone by the Secretariat (issue
13), and the list posts held for review because they may be forged (issue 20, point 5)."""

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
    format_option,
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
from bot.services import participation as participation_service
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
    "evidence",  # issue 20.5: what attributed it (email | name), and whether it counts
    "counts",
]
HELD_COLUMNS = [
    "held_id",
    "list_id",
    "sender",
    "person",
    "als_id",
    "occurred_at",
    "why",
    "reason",
    "peer",
    "received_at",
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
    held = actions.add_parser("held", help=t("participation.help.held", lang))
    format_option(held, lang)
    held.set_defaults(command=cmd_participation_held)
    for verb in ("approve", "reject"):
        decide = actions.add_parser(verb, help=t(f"participation.help.{verb}", lang))
        decide.add_argument(
            "held_id", type=int, metavar="ID", help=t("participation.help.held_id", lang)
        )
        decide.set_defaults(command=cmd_participation_decide, approve=verb == "approve")


def cmd_participation(args: argparse.Namespace, settings: Settings) -> int:
    if args.unmatched:  # a synonym of `lacralo-bot unmatched` (issue 19, point 4)
        from bot.cli.unmatched import cmd_unmatched  # only this option needs that group

        return cmd_unmatched(args, settings)
    rows = in_store(settings, lambda conn, region: _log(conn, region, args.als))
    return listing(args, settings, rows, LOG_COLUMNS, "participation.log")


async def _log(
    conn: aiosqlite.Connection, region: Region, als_id: str | None
) -> list[participation_store.CountedEvent]:
    """The log as the region file now reads it: its lists counted, its `zoom_evidence` applied."""
    await participation_service.sync_lists(conn, region, utc_now())
    return await participation_store.counted_events(conn, als_id, region.zoom_evidence)


def cmd_participation_held(args: argparse.Namespace, settings: Settings) -> int:
    """The list posts held for review: who, which list, when, and why (issue 20, point 5)."""
    lang = settings.language
    held = in_store(settings, lambda conn, _region: participation_service.held_posts(conn))
    rows = [
        {
            "held_id": post.held_id,
            "list_id": post.list_id,
            "sender": post.sender,
            "person": post.person,
            "als_id": post.als_id,
            "occurred_at": post.occurred_at,
            "reason": post.reason,
            "why": t(f"participation.held.reason.{post.reason}", lang, peer=post.peer or "?"),
            "peer": post.peer,
            "received_at": post.received_at,
        }
        for post in held
    ]
    shown = [c for c in HELD_COLUMNS if c not in ("reason", "received_at")]
    return listing(args, settings, rows, HELD_COLUMNS, "participation.held", shown)


def cmd_participation_decide(args: argparse.Namespace, settings: Settings) -> int:
    """Approve a held post (it counts, from its own date) or reject it (it never counts);
    audited."""
    lang = settings.language
    post = attempt(
        settings,
        lambda conn, _region: participation_service.decide_held(
            conn, args.held_id, args.approve, utc_now(), actor()
        ),
        refused=RuleViolation,
    )
    if post is None:
        return REJECTED
    what = {
        "id": post.held_id,
        "list": post.list_id,
        "sender": post.person or post.sender,
        "date": datetime.fromisoformat(post.occurred_at),
    }
    key = "participation.approved" if args.approve else "participation.rejected"
    message(render(Reason(key, what), lang), style="green")
    return OK


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
