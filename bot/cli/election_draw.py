"""`lacralo-bot election draw`: seeds committed in advance and draws anyone can re-check (2021
elections rules, the voting process 6, seed 002; issue 17, point 4).

`--commit S` records a seed before the second ballot opens and prints the SHA-256 to announce;
`--seed S --among A,B` redoes a draw from its revealed seed and shows every number on the way, so
anyone can check it by hand. With `--position P` or `--motion T` it also says whether that seed was
committed for the vote in advance.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.cli.common import OK, USAGE, Subparsers, actor, in_store
from bot.cli.nominations import position_code
from bot.cli.output import message, print_json, print_table
from bot.deps import iso, utc_now
from bot.domain import ballots
from bot.domain.draw import Draw, SeedKind, draw, seed_hash
from bot.i18n import t
from bot.region import Region
from bot.services import draws
from bot.services.draws import SeedUse
from bot.settings import Settings
from bot.store import nominations as nomination_store
from bot.texts.nominations import position_name


@dataclass(frozen=True)
class Vote:
    kind: SeedKind
    subject: str  # the position's code, the motion's title, '' for a free draw
    label: str  # how it is named to the reader


def register_draw(actions: Subparsers, lang: str) -> None:
    """Adds `draw` to `election`'s actions."""
    parser = actions.add_parser("draw", help=t("draw.help.draw", lang))
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--commit", metavar="S", help=t("draw.help.commit", lang))
    what.add_argument("--seed", metavar="S", help=t("draw.help.seed", lang))
    parser.add_argument("--among", metavar="A,B", help=t("draw.help.among", lang))
    vote = parser.add_mutually_exclusive_group()
    vote.add_argument("--position", metavar="P", help=t("draw.help.position", lang))
    vote.add_argument("--motion", metavar="T", help=t("draw.help.motion", lang))
    parser.add_argument("--seed-source", metavar="TEXT", help=t("draw.help.seed_source", lang))
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help=t("draw.help.format", lang)
    )
    parser.set_defaults(command=cmd_draw)


def cmd_draw(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.language
    seed = args.commit if args.commit is not None else args.seed
    if not seed.strip():
        message(t("draw.empty_seed", lang), style="red")
        return USAGE
    if args.commit is not None:
        if args.among is not None:
            message(t("draw.among_with_commit", lang), style="red")
            return USAGE
        return _commit(args, settings)
    if args.among is None:
        message(t("draw.need_among", lang), style="red")
        return USAGE
    return _recompute(args, settings)


def _commit(args: argparse.Namespace, settings: Settings) -> int:
    """Record the seed; say its hash and when, and that the hash is what to announce."""
    lang, now = settings.language, utc_now()

    async def work(conn: aiosqlite.Connection, region: Region) -> tuple[Vote, str, str] | None:
        vote = _vote(region, args, lang)
        if vote is None:
            return None
        earlier = await draws.seed_for(conn, vote.kind, vote.subject, None, None)
        hashed = await draws.commit_seed(
            conn, vote.kind, vote.subject, args.commit, args.seed_source, now, actor()
        )
        return vote, hashed, earlier.seed_hash if earlier else ""

    done = in_store(settings, work)
    if done is None:
        return USAGE
    vote, hashed, replaced = done
    if args.format == "json":
        print_json(
            {
                "kind": vote.kind,
                "subject": vote.subject,
                "seed_hash": hashed,
                "committed_at": iso(now),
                "source": args.seed_source,
            }
        )
        return OK
    message(t("draw.committed", lang, vote=vote.label, at=iso(now), hash=hashed), style="green")
    message(t("draw.announce", lang))
    if args.seed_source:
        message(t("draw.source", lang, source=args.seed_source))
    if replaced:
        message(t("draw.replaces", lang, hash=replaced), style="yellow")
    return OK


def _recompute(args: argparse.Namespace, settings: Settings) -> int:
    """Redo the draw from the revealed seed; with a vote named, say whether it was committed."""
    lang = settings.language
    names = args.among.split(",")
    if args.position is not None:  # the names as the tally drew them, whatever their spelling
        typed = names
        names = in_store(
            settings, lambda conn, region: _as_candidates(conn, region, args.position, typed, lang)
        )
    result = draw(args.seed, names) if any(n.strip() for n in names) else None
    if result is None or len(result.order) < 2:
        shown = " | ".join(result.order) if result else ""
        message(t("draw.too_few", lang, names=shown), style="red")
        return USAGE
    use: SeedUse | None = None
    if args.position is not None or args.motion is not None:
        checked = in_store(settings, lambda conn, region: _check(conn, region, args, lang))
        if checked is None:
            return USAGE
        use = checked
    out = _as_json(result, args.seed_source, use)
    if args.format == "json":
        print_json(out)
    else:
        _print_steps(result, lang)
    return OK


async def _as_candidates(
    conn: aiosqlite.Connection, region: Region, position: str, names: list[str], lang: str
) -> list[str]:
    """Each typed name as the position's valid candidacy it names (accents, case and aliases
    aside, as ballots are read), so the re-check hashes what the tally hashed; a name that is
    no candidate is kept as typed."""
    code = position_code(region, position, [], lang)
    period = await nomination_store.latest_period(conn, code) if code else None
    if period is None:
        return names
    found = await nomination_store.candidates_with_aliases(conn, period.period_id)
    index = ballots.candidate_index({name: aliases for _, name, aliases in found})
    mapped = []
    for typed in names:
        choice = ballots.read_choice(typed, index)
        mapped.append(
            choice.candidate if isinstance(choice, ballots.Choice) and choice.candidate else typed
        )
    return mapped


async def _check(
    conn: aiosqlite.Connection, region: Region, args: argparse.Namespace, lang: str
) -> SeedUse | None:
    """The seed as the vote's draw would take it, said: committed in advance (when, where) or not,
    and when not, whether another seed was committed for the vote."""
    vote = _vote(region, args, lang)
    if vote is None:
        return None
    use = await draws.seed_for(conn, vote.kind, vote.subject, args.seed, args.seed_source)
    assert use is not None  # a seed was given
    if use.committed_at is not None:
        message(t("draw.status.committed", lang, at=use.committed_at), style="green")
    else:
        message(t("draw.status.not_committed", lang), style="yellow")
        other = await draws.seed_for(conn, vote.kind, vote.subject, None, None)
        if other is not None:
            message(t("draw.other_commit", lang, vote=vote.label, hash=other.seed_hash))
    if use.source:
        message(t("draw.source", lang, source=use.source))
    return use


def _as_json(result: Draw, source: str | None, use: SeedUse | None) -> dict[str, Any]:
    out = draws.draw_json(result) | {"seed_hash": seed_hash(result.seed), "seed_source": source}
    if use is not None:
        out |= {"committed_at": use.committed_at, "seed_source": use.source}
    return out


def _print_steps(result: Draw, lang: str) -> None:
    """Every step with its number: the names in the order hashed, the text, the digest, the digest
    as a number, the remainder, the name at that position."""
    number = int(result.digest, 16)
    count = len(result.order)
    steps = [
        ("seed", result.seed),
        ("seed_hash", seed_hash(result.seed)),
        ("names", "\n".join(f"{i}  {name}" for i, name in enumerate(result.order))),
        ("text", "\n".join((result.seed, *result.order))),
        ("digest", result.digest),
        ("number", str(number)),
        ("modulo", f"{number} mod {count} = {result.index}"),
        ("drawn", f"{result.drawn} ({result.index})"),
        ("algorithm", result.algorithm),
    ]
    rows = [{"step": t(f"draw.step.{key}", lang), "value": value} for key, value in steps]
    headers = [t("draw.column.step", lang), t("draw.column.value", lang)]
    print_table(rows, ["step", "value"], headers, t("draw.title", lang, drawn=result.drawn))


def _vote(region: Region, args: argparse.Namespace, lang: str) -> Vote | None:
    """The vote `--position` or `--motion` names (a free draw when neither); None after saying
    why it cannot be read."""
    if args.position is not None:
        code = position_code(region, args.position, [], lang)
        if code is None:
            return None
        name = position_name(region, code, lang)
        return Vote("position", code, t("draw.vote.position", lang, name=name, code=code))
    if args.motion is not None:
        title = draws.vote_subject("motion", args.motion)
        if not title:
            message(t("draw.no_title", lang), style="red")
            return None
        return Vote("motion", title, t("draw.vote.motion", lang, title=title))
    return Vote("free", "", t("draw.vote.free", lang))
