"""`lacralo-bot roster import | export`: the roster of ALSs and people, as a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    actor,
    in_store,
    listing,
    listing_parser,
    read_file,
)
from bot.cli.output import message, print_json
from bot.deps import iso, utc_now
from bot.domain import roster as roster_rules
from bot.i18n import render, t
from bot.services import roster as roster_service
from bot.settings import Settings


def register(sub: Subparsers, lang: str) -> None:
    roster = sub.add_parser("roster", help=t("cli.help.roster", lang))
    actions = roster.add_subparsers(required=True, metavar="ACTION")
    imp = actions.add_parser("import", help=t("cli.help.roster_import", lang))
    imp.add_argument("file", type=Path, help=t("cli.help.roster_file", lang))
    imp.set_defaults(command=cmd_roster_import)
    listing_parser(actions, "export", "roster_export", cmd_roster_export, lang)


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
            conn, region, data, iso(utc_now()), actor()
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
    exported = in_store(settings, lambda conn, _region: roster_service.export_roster(conn))
    if args.format == "json":
        print_json(exported)
        return OK
    columns = list(roster_rules.COLUMNS)
    in_table = [c for c in columns if c not in ("slack_id", "nationality")]
    rows = roster_service.roster_csv_rows(exported)
    return listing(args, settings, rows, columns, "roster", table_columns=in_table)
