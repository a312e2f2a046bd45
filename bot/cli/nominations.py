"""`lacralo-bot nominations`: the nominations received, their state and outcome (the Secretariat's
view), and the rounds themselves: `nominations open --position P --closes DATE`, `nominations
vacancy`, `nominations close --position P` (issue 16). Nominating is done by e-mail or chat."""

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
    format_option,
    in_store,
    listing,
)
from bot.cli.output import message
from bot.deps import iso, utc_now
from bot.domain.nominations import closing_moment
from bot.domain.positions import choose, match_position, position_index
from bot.i18n import format_value, t
from bot.region import Region
from bot.services import nominations as service
from bot.settings import Settings
from bot.store import nominations as nomination_store
from bot.texts.nominations import position_name

COLUMNS = [
    "nomination_id",
    "position",
    "year",
    "candidate",
    "als_id",
    "nominator",
    "state",
    "outcome",
    "soi_url",
    "updated_at",
]


def register(sub: Subparsers, lang: str) -> None:
    parser = sub.add_parser("nominations", help=t("cli.help.nominations", lang))
    format_option(parser, lang)
    parser.set_defaults(command=cmd_nominations)
    actions = parser.add_subparsers(required=False, metavar="ACTION")
    for name, help_key, command in (
        ("open", "nominations_open", cmd_open),
        ("vacancy", "nominations_vacancy", cmd_vacancy),
    ):
        opening = actions.add_parser(name, help=t(f"cli.help.{help_key}", lang))
        opening.add_argument(
            "--position",
            action="append",
            required=True,
            metavar="P",
            help=t("cli.help.nomination_position", lang),
        )
        opening.add_argument(
            "--closes", required=True, metavar="DATE", help=t("cli.help.closes", lang)
        )
        opening.add_argument("--subregion", metavar="X", help=t("cli.help.subregion", lang))
        opening.set_defaults(command=command)
    closing = actions.add_parser("close", help=t("cli.help.nominations_close", lang))
    closing.add_argument(
        "--position", required=True, metavar="P", help=t("cli.help.nomination_position", lang)
    )
    closing.set_defaults(command=cmd_close)


def cmd_nominations(args: argparse.Namespace, settings: Settings) -> int:
    rows = in_store(settings, lambda conn, _region: nomination_store.listing(conn))
    return listing(args, settings, rows, COLUMNS, "nominations.list")


def position_code(region: Region, text: str, open_codes: list[str], lang: str) -> str | None:
    """The position a name means (code, or a name in any language; a name two seats share means
    the one in `open_codes` when only one is); None after saying why. Every CLI command that
    names a position reads it here."""
    index = position_index(region.position_forms())
    words = text.split()
    match = match_position(index, words)
    if match is None or match.used != len(words):
        known = [f"{code} ({position_name(region, code, lang)})" for code in region.positions]
        message(
            t("nominations.unknown_position", lang, position=text, known=", ".join(known)),
            style="red",
        )
        return None
    code = choose(match, open_codes)
    if code is None:
        options = [f"{c} ({position_name(region, c, lang)})" for c in match.codes]
        message(
            t("nominations.which_position", lang, said=text, options=" / ".join(options)),
            style="red",
        )
        return None
    return code


def cmd_open(args: argparse.Namespace, settings: Settings, vacancy: bool = False) -> int:
    lang, now = settings.language, utc_now()
    closes = closing_moment(args.closes, now)
    if closes is None:
        message(t("nominations.bad_close", lang, given=args.closes), style="red")
        return USAGE

    async def work(conn: aiosqlite.Connection, region: Region) -> list[str] | None:
        codes = [position_code(region, text, [], lang) for text in args.position]
        if None in codes:
            return None
        seats = await service.open_round(
            conn,
            region,
            settings,
            [c for c in codes if c],
            closes,
            now,
            actor(),
            vacancy=vacancy,
            subregion=args.subregion.upper() if args.subregion else None,
        )
        return [
            t(
                "nominations.opened",
                lang,
                position=position_name(region, s.position, lang),
                until=service.until_text(closes, lang),
                code=s.subregion,
                subregion=region.subregions[s.subregion].name(lang),
            )
            for s in seats
        ]

    said = attempt(settings, work)
    if not said:
        return REJECTED
    for line in said:
        message(line, style="green")
    return OK


def cmd_vacancy(args: argparse.Namespace, settings: Settings) -> int:
    return cmd_open(args, settings, vacancy=True)


def cmd_close(args: argparse.Namespace, settings: Settings) -> int:
    lang, now = settings.language, utc_now()

    async def work(conn: aiosqlite.Connection, region: Region) -> str | None:
        periods = await nomination_store.open_periods(conn, iso(now))
        code = position_code(region, args.position, [p.position for p in periods], lang)
        if code is None:
            return None
        closed = await service.close_period(conn, region, settings, code, now, actor())
        return t(
            f"nominations.outcome.{closed.outcome.value}",
            lang,
            position=position_name(region, code, lang),
            names=format_value(closed.names, lang),
        )

    said = attempt(settings, work)
    if said is None:
        return REJECTED
    message(said, style="green")
    return OK
