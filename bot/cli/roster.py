"""`lacralo-bot roster import | export | remove`: the roster of ALSs and people, as a CSV file, and
taking an ALS or a person off it, history kept (issue 19, point 5)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

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
    read_file,
)
from bot.cli.output import message, print_json
from bot.deps import iso, utc_now
from bot.domain import roster as roster_rules
from bot.domain.activity import DATE
from bot.domain.errors import RuleViolation
from bot.i18n import format_value, render, t
from bot.services import roster as roster_service
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    roster = sub.add_parser("roster", help=t("cli.help.roster", lang))
    actions = roster.add_subparsers(required=True, metavar="ACTION")
    imp = actions.add_parser("import", help=t("cli.help.roster_import", lang))
    imp.add_argument("file", type=Path, help=t("cli.help.roster_file", lang))
    imp.add_argument(
        "--include-removed", action="store_true", help=t("roster.help.import_removed", lang)
    )
    imp.set_defaults(command=cmd_roster_import)
    export = listing_parser(actions, "export", "roster_export", cmd_roster_export, lang)
    export.add_argument(
        "--include-removed", action="store_true", help=t("roster.help.export_removed", lang)
    )
    remove = actions.add_parser("remove", help=t("roster.help.remove", lang))
    which = remove.add_mutually_exclusive_group(required=True)
    which.add_argument("--email", metavar="E", help=t("roster.help.remove_email", lang))
    which.add_argument("--als", metavar="ID", help=t("roster.help.remove_als", lang))
    remove.add_argument("--on", metavar="DATE", help=t("roster.help.remove_on", lang))
    remove.set_defaults(command=cmd_roster_remove)


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    """Upsert the file's rows; each rejected row is named by its line, with its reasons, and so
    is each row imported with a note (exit status 0 for those: nothing was refused)."""
    lang = settings.language
    data = read_file(args.file, lang)
    if data is None:
        return USAGE
    report = in_store(
        settings,
        lambda conn, region: roster_service.import_roster(
            conn, region, data, iso(utc_now()), actor(), args.include_removed
        ),
    )
    for rejection in report.rejected:
        why = "; ".join(render(r, lang) for r in rejection.reasons)
        message(
            t("roster.report.rejected_line", lang, line=rejection.line, reasons=why), style="yellow"
        )
    for note in report.noted:  # imported, but not all as written (a language not the region's)
        why = "; ".join(render(r, lang) for r in note.reasons)
        message(t("roster.report.noted_line", lang, line=note.line, reasons=why), style="yellow")
    for skipped in report.skipped:  # a removed ALS or person: not brought back unasked
        why = "; ".join(render(r, lang) for r in skipped.reasons)
        line = t("roster.report.skipped_line", lang, line=skipped.line, reasons=why)
        message(line, style="yellow")
    if report.skipped:
        message(t("roster.report.skipped_hint", lang, count=len(report.skipped)), style="yellow")
    if report.restored:
        message(t("roster.report.restored", lang, count=report.restored))
    message(
        t(
            "roster.report.summary",
            lang,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
    )
    return REJECTED if report.rejected else OK


def cmd_roster_export(args: argparse.Namespace, settings: Settings) -> int:
    """The roster as it was imported: JSON nested by ALS, CSV in the import's columns."""
    exported = in_store(
        settings,
        lambda conn, _region: roster_service.export_roster(conn, args.include_removed),
    )
    if args.format == "json":
        print_json(exported)
        return OK
    columns = list(roster_rules.COLUMNS) + (["removed_on"] if args.include_removed else [])
    in_table = [c for c in columns if c not in ("slack_id", "nationality")]
    rows = roster_service.roster_csv_rows(exported, args.include_removed)
    return listing(args, settings, rows, columns, "roster", table_columns=in_table)


def cmd_roster_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Take an ALS (and its people) or a person off the roster from `--on` (default today, UTC);
    a second time says when it was done and changes nothing (exit 0)."""
    lang = settings.language
    now = utc_now()
    on = _day(args.on, now.date(), lang)
    if on is None:
        return USAGE
    if args.als is not None:
        als_id = args.als.strip()
        done = attempt(
            settings,
            lambda conn, _region: roster_service.remove_als(
                conn, als_id, on, now.date(), iso(now), actor()
            ),
            refused=RuleViolation,
        )
    else:
        done = attempt(
            settings,
            lambda conn, region: roster_service.remove_person(
                conn, region, args.email, on, now.date(), iso(now), actor()
            ),
            refused=RuleViolation,
        )
    if done is None:
        return REJECTED
    _say_removed(done, args.als is not None, lang)
    return OK


def _day(text: str | None, today: date, lang: str) -> date | None:
    """`--on` as a date (None: today); None after saying it cannot be read."""
    if text is None:
        return today
    try:
        if DATE.fullmatch(text):  # not the other forms fromisoformat reads ('2024-W01-1')
            return date.fromisoformat(text)
    except ValueError:
        pass
    message(t("roster.remove.bad_date", lang, value=text), style="red")
    return None


def _say_removed(done: roster_service.Removal, als: bool, lang: str) -> None:
    what, on = ("als" if als else "person"), format_value(done.on, lang)
    if done.already:  # nothing changed: said, not refused (as `meetings cancel` twice)
        message(t(f"roster.remove.already_{what}", lang, subject=done.subject, on=on))
        return
    message(t(f"roster.remove.done_{what}", lang, subject=done.subject, on=on), style="green")
    if als:
        people = ", ".join(done.people) or "-"
        message(t("roster.remove.people", lang, count=len(done.people), people=people))
    if done.detached:
        message(t("roster.remove.detached", lang, count=done.detached, on=on), style="yellow")
