"""`lacralo-bot unmatched [assign | dismiss | unassign | undismiss]`: the names and addresses not
attributed yet, whom they may be, and the Secretariat's answers (issue 19, point 4). Every answer
is audited (`lacralo-bot audit list --kind unmatched`)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

from bot.cli.common import (
    OK,
    REJECTED,
    Subparsers,
    actor,
    attempt,
    in_store,
    listing,
    listing_parser,
)
from bot.cli.output import message
from bot.deps import utc_now
from bot.domain.errors import RuleViolation
from bot.i18n import render, t
from bot.services import unmatched as service
from bot.settings import Settings

COLUMNS = ["key", "count", "candidates", "identity_kind", "shown_as", "why", "first_at", "last_at"]
TABLE_COLUMNS = ["key", "count", "shown_as", "why", "candidates", "last_at"]
T = TypeVar("T")


def register(sub: Subparsers, lang: str) -> None:
    group = listing_parser(sub, "unmatched", "unmatched", cmd_unmatched, lang)
    group.add_argument("--dismissed", action="store_true", help=t("unmatched.help.dismissed", lang))
    actions = group.add_subparsers(metavar="ACTION")
    assign = actions.add_parser("assign", help=t("unmatched.help.assign", lang))
    assign.add_argument("key", metavar="KEY", help=t("unmatched.help.key", lang))
    assign.add_argument("--to", required=True, metavar="EMAIL", help=t("unmatched.help.to", lang))
    assign.set_defaults(command=cmd_assign)
    for name, command in (
        ("dismiss", cmd_dismiss),
        ("unassign", cmd_unassign),
        ("undismiss", cmd_undismiss),
    ):
        action = actions.add_parser(name, help=t(f"unmatched.help.{name}", lang))
        action.add_argument("key", metavar="KEY", help=t("unmatched.help.key", lang))
        action.set_defaults(command=command)


def cmd_unmatched(args: argparse.Namespace, settings: Settings) -> int:
    """The queue: JSON keeps each key's candidates as a list; CSV and the table as one text."""
    dismissed = bool(getattr(args, "dismissed", False))
    rows = in_store(settings, lambda conn, _region: service.listing(conn, dismissed))
    # The dismissed keys get their own title: it says how to list one again, not to assign it.
    title = "unmatched.listing_dismissed" if dismissed else "unmatched.listing"
    if args.format == "json":
        return listing(args, settings, rows, COLUMNS, title)
    lang = settings.language
    flat: list[dict[str, Any]] = [
        dict(row)
        | {
            "candidates": "; ".join(_candidate(c) for c in row["candidates"]),
            "why": t(f"unmatched.why.{row['why']}", lang) if args.format == "table" else row["why"],
        }
        for row in rows
    ]
    return listing(args, settings, flat, COLUMNS, title, TABLE_COLUMNS)


def _candidate(c: service.CandidateRow) -> str:
    als = ", ".join(v for v in (c["als_id"], c["als_name"]) if v)
    return f"{c['name']} <{c['email']}>" + (f" ({als})" if als else "")


def cmd_assign(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    done = _decide(
        settings, lambda conn: service.assign(conn, args.key, args.to, utc_now(), actor())
    )
    if isinstance(done, int):
        return done
    person = done.person
    message(
        t(
            "unmatched.assigned",
            lang,
            listed=done.key,
            person=person.name,
            email=person.email,
            als=person.als_id or "-",
            events=done.events,
            others=done.others,
        ),
        style="green",
    )
    if done.was_dismissed:
        message(t("unmatched.assigned_dismissed", lang, listed=done.key), style="yellow")
    return OK


def cmd_unassign(args: argparse.Namespace, settings: Settings) -> int:
    done = _decide(settings, lambda conn: service.unassign(conn, args.key, utc_now(), actor()))
    if isinstance(done, int):
        return done
    text = t(
        "unmatched.unassigned",
        settings.language,
        listed=done.key,
        person=done.person.name,
        email=done.person.email,
        returned=done.returned,
        kept=done.kept,
    )
    message(text, style="green")
    return OK


def cmd_dismiss(args: argparse.Namespace, settings: Settings) -> int:
    done = _decide(settings, lambda conn: service.dismiss(conn, args.key, utc_now(), actor()))
    if isinstance(done, int):
        return done
    key, count = done
    message(t("unmatched.dismissed", settings.language, listed=key, count=count), style="green")
    return OK


def cmd_undismiss(args: argparse.Namespace, settings: Settings) -> int:
    key = _decide(settings, lambda conn: service.undismiss(conn, args.key, utc_now(), actor()))
    if isinstance(key, int):
        return key
    message(t("unmatched.undismissed", settings.language, listed=key), style="green")
    return OK


def _decide(
    settings: Settings,
    change: Callable[[aiosqlite.Connection], Awaitable[T | service.Unchanged]],
) -> T | int:
    """One answer to the queue; an exit status when nothing more is to be said: refused (said by
    `attempt`), or the same answer given twice (said here, and a success: the queue is as asked)."""
    done = attempt(settings, lambda conn, _region: change(conn), refused=RuleViolation)
    if done is None:
        return REJECTED
    if isinstance(done, service.Unchanged):
        message(render(done.reason, settings.language))
        return OK
    return done
