"""`lacralo-bot election roll | tally`: the weighted voter roll (Rule 12.9) and the count of a
vote from a ballots file (2021 elections rules), published when asked. What people read of both:
bot/reports/roll.py and bot/reports/tally.py."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
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
    listing_parser,
    read_file,
)
from bot.cli.election_draw import register_draw
from bot.cli.nominations import position_code
from bot.cli.output import message, print_csv, print_json, print_table
from bot.cli.times import as_of_or_usage
from bot.deps import utc_now
from bot.domain.draw import seed_hash
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.domain.tally import Ballot
from bot.i18n import t
from bot.region import Region
from bot.reports import roll as roll_report
from bot.reports import tally as tally_report
from bot.services import draws, votes
from bot.services import elections as election_service
from bot.settings import Settings
from bot.store import seeds as seed_store


def register(sub: Subparsers, lang: str) -> None:
    election = sub.add_parser("election", help=t("cli.help.election", lang))
    actions = election.add_subparsers(required=True, metavar="ACTION")
    roll = listing_parser(actions, "roll", "election_roll", cmd_election_roll, lang)
    roll.add_argument("--as-of", metavar="DATE", help=t("cli.help.as_of", lang))
    roll.add_argument("--publish", action="store_true", help=t("cli.help.roll_publish", lang))
    roll.add_argument("--opens", metavar="DATETIME", help=t("cli.help.opens", lang))
    _which_vote(roll, lang)
    tally = listing_parser(actions, "tally", "election_tally", cmd_election_tally, lang)
    tally.add_argument("ballots", type=Path, help=t("cli.help.ballots", lang))
    tally.add_argument("--as-of", metavar="DATE", help=t("cli.help.vote_at", lang))
    _which_vote(tally, lang)
    tally.add_argument("--second-ballot", action="store_true", help=t("cli.help.second", lang))
    tally.add_argument("--seed", metavar="S", help=t("cli.help.seed", lang))
    tally.add_argument("--seed-source", metavar="TEXT", help=t("cli.help.seed_source", lang))
    tally.add_argument(
        "--publish", metavar="TITLE", nargs="?", const="", help=t("cli.help.publish", lang)
    )
    register_draw(actions, lang)


def _which_vote(parser: argparse.ArgumentParser, lang: str) -> None:
    """A vote is a position's (of a nomination round), a motion, or free (--candidates)."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--position", metavar="P", help=t("cli.help.vote_position", lang))
    which.add_argument("--motion", metavar="TITLE", help=t("cli.help.motion", lang))
    if parser.prog.endswith("tally"):
        which.add_argument("--candidates", metavar="A,B", help=t("cli.help.candidates", lang))


def _ref(args: argparse.Namespace, region: Region, lang: str) -> votes.VoteRef | None:
    """The vote the options name; None after saying why (a position name it cannot read)."""
    if args.position:
        code = position_code(region, args.position, [], lang)
        return votes.VoteRef("position", code) if code else None
    if args.motion is not None:
        if not args.motion.strip():
            message(t("election.empty_motion", lang), style="red")
            return None
        return votes.VoteRef("motion", " ".join(args.motion.split()))
    return votes.VoteRef("free", "")


def cmd_election_roll(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    if args.publish:
        return _publish_roll(args, settings)
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


def _opening(text: str) -> datetime | None:
    """When a vote opens: a date alone is its first minute (00:00 UTC), so that a proxy given
    during that day is not "before the vote"; a time without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _publish_roll(args: argparse.Namespace, settings: Settings) -> int:
    """`election roll --publish`: the frozen roll of a vote and when it opens (issue 17.7)."""
    lang = settings.language
    now = utc_now()
    opens = _opening(args.opens) if args.opens else now
    if opens is None:
        message(t("status.bad_date", lang, value=args.opens), style="red")
        return USAGE

    async def work(conn: aiosqlite.Connection, region: Region) -> str | None:
        ref = _ref(args, region, lang)
        if ref is None:
            return None
        found = await votes.publish_roll(conn, region, ref, opens, now, actor())
        return roll_report.published_line(found, region, lang)

    said = attempt(settings, work)
    if said is None:
        return REJECTED
    message(said, style="green")
    return OK


def cmd_election_tally(args: argparse.Namespace, settings: Settings) -> int:
    """Count the ballots; each refused or invalid ballot named by its line (exit 1 when any)."""
    lang = settings.language
    vote_at = as_of_or_usage(args.as_of, lang)
    if vote_at is None:
        return USAGE
    data = read_file(args.ballots, lang)
    if data is None:
        return USAGE
    ballots = election_service.read_ballots(data)
    result = attempt(
        settings, lambda conn, region: _count(conn, region, settings, args, ballots, vote_at)
    )
    if result is None:
        return REJECTED
    for line in tally_report.refusal_lines(result, lang):
        message(line, style="yellow")
    if args.format == "json":
        print_json(result)
    else:
        _print_tally(result, lang, args.format)
    return REJECTED if result["refused"] or result["invalid"] else OK


async def _count(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    args: argparse.Namespace,
    ballots: list[Ballot],
    vote_at: datetime,
) -> dict[str, Any] | None:
    """The tally, published when asked (one transaction, audited). A second ballot that still
    ties needs a seed: committed in advance, or given (and said not to be)."""
    lang = settings.language
    ref = _ref(args, region, lang)
    if ref is None:
        return None
    candidates = [c.strip() for c in args.candidates.split(",")] if args.candidates else None
    if ref.kind == "free" and not candidates:
        raise RuleViolation(Reason("election.vote.which"))
    seed = None
    if args.second_ballot:
        await _seed_matches_the_commit(conn, ref, args.seed)
        seed = await draws.seed_for(conn, ref.kind, ref.subject, args.seed, args.seed_source)
    counted = await votes.count_vote(
        conn,
        region,
        ballots,
        ref,
        vote_at,
        candidates,
        args.second_ballot,
        seed.seed if seed else None,
    )
    if args.second_ballot and counted.tally.tied and seed is None:
        raise RuleViolation(Reason("election.no_seed_for_draw"))
    data = votes.counted_json(counted, region, seed)
    if args.publish is not None:
        title = args.publish or votes.title_of(region, ref, lang)
        if args.second_ballot and not args.publish:
            title += f" ({t('election.second_ballot', lang)})"
        await votes.publish_result(
            conn, region, settings, title, counted, data, seed, utc_now(), actor()
        )
    return data


async def _seed_matches_the_commit(
    conn: aiosqlite.Connection, ref: votes.VoteRef, given: str | None
) -> None:
    """A seed committed in advance for this vote is the one the draw uses: another given now
    is refused (trying seeds until one suits would defeat the commitment)."""
    committed = await seed_store.latest_unused(
        conn, ref.kind, draws.vote_subject(ref.kind, ref.subject)
    )
    if committed is not None and given is not None and seed_hash(given) != committed.seed_hash:
        raise RuleViolation(Reason("election.seed_mismatch", {"hash": committed.seed_hash}))


def _print_tally(result: dict[str, Any], lang: str, fmt: str) -> None:
    columns = tally_report.COLUMNS
    if fmt == "csv":
        print_csv(result["results"], columns)
        return
    headers = [t(f"election.column.{c}", lang) for c in columns]
    rows = tally_report.result_rows(result, lang)
    print_table(rows, columns, headers, t("election.tally_title", lang))
    message(tally_report.quorum_line(result, lang))
    message(tally_report.abstentions_line(result, lang))
    for note in tally_report.notes(result, lang):
        message(note)
    drawn = tally_report.drawn_line(result, lang)
    if drawn:
        message(drawn, style="bold")
    elif result["winner"]:
        message(tally_report.outcome_line(result, lang), style="bold green")
    elif result["tied"]:
        message(tally_report.outcome_line(result, lang), style="bold yellow")
        message(t("election.commit_a_seed", lang))
