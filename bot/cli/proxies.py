"""`lacralo-bot proxies [add | revoke]`: proxy notices on record (Rules of Procedure 1.5, 1.6)."""

from __future__ import annotations

import argparse

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
from bot.cli.nominations import position_code
from bot.cli.output import message
from bot.cli.times import parse_as_of
from bot.deps import utc_now
from bot.domain.errors import RuleViolation
from bot.i18n import t
from bot.region import Region
from bot.services import elections as election_service
from bot.settings import Settings
from bot.store import elections as election_store

COLUMNS = [
    "proxy_id",
    "giver_als",
    "holder_als",
    "state",
    "given_at",
    "vote",
    "vote_at",
    "revoked_at",
]


def register(sub: Subparsers, lang: str) -> None:
    proxies = listing_parser(sub, "proxies", "proxies", cmd_proxies, lang)
    actions = proxies.add_subparsers(metavar="ACTION")
    add = actions.add_parser("add", help=t("cli.help.proxies_add", lang))
    add.add_argument("--from", dest="giver", required=True, metavar="ALS")
    add.add_argument("--to", dest="holder", required=True, metavar="ALS")
    add.add_argument("--vote-at", metavar="ISO8601", help=t("cli.help.vote_at", lang))
    which = add.add_mutually_exclusive_group()
    which.add_argument("--position", metavar="P", help=t("cli.help.proxy_position", lang))
    which.add_argument("--motion", metavar="TITLE", help=t("cli.help.proxy_motion", lang))
    add.set_defaults(command=cmd_proxies_add)
    revoke = actions.add_parser("revoke", help=t("cli.help.proxies_revoke", lang))
    revoke.add_argument("--from", dest="giver", required=True, metavar="ALS")
    revoke.set_defaults(command=cmd_proxies_revoke)


def cmd_proxies(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: election_store.proxy_listing(conn))
    return listing(args, settings, rows, COLUMNS, "proxies")


def cmd_proxies_add(args: argparse.Namespace, settings: Settings) -> int:
    """Record a proxy notice; a rule that forbids it (Rule 1.6: one received at most) is said."""
    lang = settings.language
    vote_at = parse_as_of(args.vote_at) if args.vote_at else None
    if args.vote_at and vote_at is None:
        message(t("status.bad_date", lang, value=args.vote_at), style="red")
        return USAGE

    async def work(conn: aiosqlite.Connection, region: Region) -> int | None:
        vote: tuple[str, str] | None = None
        if args.position:
            code = position_code(region, args.position, [], lang)
            if code is None:
                return None
            vote = ("position", code)
        elif args.motion:
            vote = ("motion", args.motion.strip())
        return await election_service.record_proxy(
            conn, region, args.giver, args.holder, utc_now(), vote_at, actor(), vote=vote
        )

    proxy_id = attempt(settings, work, refused=RuleViolation)
    if proxy_id is None:
        return REJECTED
    message(
        t("proxies.recorded", lang, id=proxy_id, giver=args.giver, holder=args.holder),
        style="green",
    )
    return OK


def cmd_proxies_revoke(args: argparse.Namespace, settings: Settings) -> int:
    revoked = in_store(
        settings,
        lambda conn, _region: election_service.revoke_proxy(conn, args.giver, utc_now(), actor()),
    )
    key = "proxies.revoked" if revoked else "proxies.none_to_revoke"
    message(t(key, settings.language, giver=args.giver))
    return OK if revoked else REJECTED
