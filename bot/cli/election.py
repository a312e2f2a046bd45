"""`lacralo-bot election roll | tally`: the weighted voter roll (Rule 12.9) and the count of a
vote from a ballots file (2021 elections rules), published when asked. What people read of both:
bot/reports/roll.py and bot/reports/tally.py."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    actor,
    in_store,
    listing_parser,
    read_file,
)
from bot.cli.output import message, print_csv, print_json, print_table
from bot.cli.times import as_of_or_usage
from bot.deps import utc_now
from bot.domain.tally import Ballot
from bot.i18n import t
from bot.region import Region
from bot.reports import roll as roll_report
from bot.reports import tally as tally_report
from bot.services import elections as election_service
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    election = sub.add_parser("election", help=t("cli.help.election", lang))
    actions = election.add_subparsers(required=True, metavar="ACTION")
    roll = listing_parser(actions, "roll", "election_roll", cmd_election_roll, lang)
    roll.add_argument("--as-of", metavar="DATE", help=t("cli.help.as_of", lang))
    tally = listing_parser(actions, "tally", "election_tally", cmd_election_tally, lang)
    tally.add_argument("ballots", type=Path, help=t("cli.help.ballots", lang))
    tally.add_argument("--as-of", metavar="DATE", help=t("cli.help.vote_at", lang))
    tally.add_argument("--candidates", metavar="A,B", help=t("cli.help.candidates", lang))
    tally.add_argument("--second-ballot", action="store_true", help=t("cli.help.second", lang))
    tally.add_argument("--seed", metavar="S", help=t("cli.help.seed", lang))
    tally.add_argument("--publish", metavar="TITLE", help=t("cli.help.publish", lang))


def cmd_election_roll(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    as_of = as_of_or_usage(args.as_of, lang)
    if as_of is None:
        return USAGE
    found = in_store(
        settings, lambda conn, region: election_service.voter_roll(conn, region, as_of)
    )
    roll = found.as_json()
    if args.format == "json":
        print_json(roll)
        return OK
    if args.format == "csv":
        print_csv(roll["voters"], roll_report.VOTER_COLUMNS)
        return OK
    columns = roll_report.COUNTRY_COLUMNS
    headers = [t(f"election.column.{c}", lang) for c in columns]
    rows = roll_report.country_rows(roll, lang)
    print_table(rows, columns, headers, roll_report.title(roll, lang))
    message(roll_report.summary(roll, lang))
    if roll["equal_countries"]:
        message(t("election.equal_countries", lang), style="yellow")
    return OK


def cmd_election_tally(args: argparse.Namespace, settings: Settings) -> int:
    """Count the ballots; each refused ballot named by its line (exit 1 when any was refused)."""
    lang = settings.language
    vote_at = as_of_or_usage(args.as_of, lang)
    if vote_at is None:
        return USAGE
    if args.second_ballot and not args.seed:
        message(t("election.need_seed", lang), style="red")
        return USAGE
    data = read_file(args.ballots, lang)
    if data is None:
        return USAGE
    ballots = election_service.read_ballots(data)
    result = in_store(
        settings, lambda conn, region: _count(conn, region, settings, args, ballots, vote_at)
    )
    for line in tally_report.refusal_lines(result, lang):
        message(line, style="yellow")
    if args.format == "json":
        print_json(result)
    else:
        _print_tally(result, lang, args.format)
    return REJECTED if result["refused"] else OK


async def _count(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    args: argparse.Namespace,
    ballots: list[Ballot],
    vote_at: datetime,
) -> dict[str, Any]:
    """The tally, published under `--publish`'s title when asked (one transaction, audited)."""
    candidates = [c.strip() for c in args.candidates.split(",")] if args.candidates else None
    _roll, result = await election_service.tally(
        conn, region, ballots, vote_at, candidates, args.second_ballot, args.seed
    )
    if args.publish:
        await election_service.publish(
            conn, region, settings, args.publish, vote_at, result, utc_now(), actor()
        )
    return election_service.tally_json(result)


def _print_tally(result: dict[str, Any], lang: str, fmt: str) -> None:
    columns = tally_report.COLUMNS
    if fmt == "csv":
        print_csv(result["results"], columns)
        return
    headers = [t(f"election.column.{c}", lang) for c in columns]
    rows = tally_report.result_rows(result)
    print_table(rows, columns, headers, t("election.tally_title", lang))
    message(tally_report.quorum_line(result, lang))
    message(tally_report.abstentions_line(result, lang))
    drawn = tally_report.drawn_line(result, lang)
    if drawn:
        message(drawn, style="bold")
    elif result["winner"]:
        message(tally_report.outcome_line(result, lang), style="bold green")
    elif result["tied"]:
        message(tally_report.outcome_line(result, lang), style="bold yellow")
