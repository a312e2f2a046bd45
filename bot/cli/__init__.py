"""The command line (PRODUCT.md, "Interface"): parse, call a service, print.

One module per command group, each with its parser beside its commands (`register`); `main`
assembles them in the order `--help` lists them. Exit statuses and where the output goes:
`bot/cli/common.py`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from bot import __version__
from bot.cli.common import OK, REJECTED, USAGE, Command
from bot.cli.output import message
from bot.domain.errors import BadInput, BotError
from bot.i18n import language_or_default, render, t
from bot.logs import start_logging
from bot.region import RegionError
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreError, latest_version

# The command groups, each a module of this package with its `register`, in the order `--help`
# lists them. A run imports only the group it runs (the others are named for --help alone):
# importing every group and its services cost most of a command's start-up time.
GROUPS = (
    "run",
    "roster",
    "meetings",
    "status",
    "election",
    "nominations",
    "proxies",
    "outbox",
    "participation",
    "unmatched",
    "lists",
    "backfill",
    "audit",
    "digest",
    "backup",
    "restore",
)
# Groups whose one-line help lives in their own topic's locale file, not in cli.*.
HELP_KEYS = {"backup": "backup.help.backup", "restore": "backup.help.restore"}
SETTING_PROBLEMS = {
    "int_parsing": "cli.setting_problem.not_a_number",
    "greater_than_equal": "cli.setting_problem.too_small",
    "less_than_equal": "cli.setting_problem.too_big",
    "string_pattern_mismatch": "cli.setting_problem.not_a_language",
}


def main(argv: list[str] | None = None) -> int:
    """The `lacralo-bot` and `python -m bot` entry point: help in LACRALO_LANGUAGE even when
    the other settings cannot be read, then the settings, the log, and the command."""
    lang = language_or_default(os.environ.get("LACRALO_LANGUAGE"), "en")
    words = sys.argv[1:] if argv is None else argv
    named = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(lang, only=named if named in GROUPS else None).parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        problem = (
            t(SETTING_PROBLEMS[exc.kind], lang) if exc.kind in SETTING_PROBLEMS else exc.problem
        )
        message(
            t("cli.error.setting", lang, variable=exc.variable, value=exc.value, problem=problem),
            style="red",
        )
        return USAGE
    _start_logging(settings)
    try:
        status = _run(args.command, args, settings)
        # What is still buffered goes out now, where a closed pipe is caught, not at exit.
        sys.stdout.flush()
        sys.stderr.flush()
        return status
    except BrokenPipeError:
        return _reader_left()


def _reader_left() -> int:
    """`lacralo-bot … | head`: the reader closed the pipe early, which is not an error. End
    quietly: what is still buffered goes to /dev/null instead of a traceback at exit (the way
    the Python documentation's note on SIGPIPE does it); stderr too when it was the pipe
    (`2>&1 | head`)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            os.dup2(devnull, stream.fileno())
    os.dup2(devnull, sys.stdout.fileno())
    return OK


def build_parser(lang: str, only: str | None = None) -> argparse.ArgumentParser:
    """Every group's commands; with `only`, that group's, the others named for --help."""
    parser = argparse.ArgumentParser(
        prog="lacralo-bot", description=t("cli.help.description", lang)
    )
    # The schema version this code writes, beside the package's (issue 21: safe upgrades).
    version = t("backup.version", lang, version=__version__, schema=latest_version())
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name in GROUPS:
        if only is None or name == only:
            importlib.import_module(f"{__name__}.{name}").register(sub, lang)
        else:
            sub.add_parser(name, help=t(HELP_KEYS.get(name, f"cli.help.{name}"), lang))
    return parser


def _run(command: Command, args: argparse.Namespace, settings: Settings) -> int:
    """Run the command; what stops it (the database, the region file, a rule) said in one line."""
    lang = settings.language
    try:
        return command(args, settings)
    except StoreError as exc:
        reason = t("cli.error.no_directory", lang) if exc.reason == "no_directory" else exc.reason
        message(t("cli.error.database", lang, path=str(exc.path), reason=reason), style="red")
    except RegionError as exc:
        message(t("cli.error.region", lang, error=str(exc)), style="red")
    except BotError as exc:
        message(render(exc.reason, lang), style="red")
        return REJECTED if isinstance(exc, BadInput) else USAGE
    return USAGE


def _start_logging(settings: Settings) -> None:
    start_logging(settings.log_level, settings.log_format)
