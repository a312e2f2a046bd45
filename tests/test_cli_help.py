"""`lacralo-bot GROUP --help` lists every command of the group (issue 14): the help is where the
Secretariat looks for a command first, so a command missing from it is a command nobody finds."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.cli import build_parser
from tests.cli_helpers import run_cli

# Each command group and its commands, in the order `--help` lists them.
GROUPS = {
    "run": [],
    "roster": ["import", "export", "remove"],
    "meetings": ["add", "list", "cancel", "move", "held", "show"],
    "status": [],
    "election": ["roll", "tally", "draw"],
    "nominations": ["open", "vacancy", "close"],
    "proxies": ["add", "revoke"],
    "outbox": [],
    "participation": ["add", "remove", "held", "approve", "reject"],
    "unmatched": ["assign", "dismiss", "unassign", "undismiss"],
    "lists": [],
    "backfill": ["mbox", "zoom-report"],
    "audit": ["verify", "list", "export"],
    "digest": ["send"],
    "backup": [],
    "restore": [],
}


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-commands a parser dispatches to, in their order, with their parsers."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def listed(help_text: str, name: str) -> bool:
    """Whether the help has an entry for `name`: the name alone at the start of an indented line,
    its help beside it or on the next line."""
    return re.search(rf"^ {{2,}}{re.escape(name)}( {{2,}}\S.*)?$", help_text, re.M) is not None


def test_the_table_above_is_the_parser_s() -> None:
    """A group or command added to the parser is added here, and so checked below."""
    groups = commands(build_parser("en"))
    assert {name: list(commands(group)) for name, group in groups.items()} == GROUPS


def test_the_help_lists_every_group(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert [g for g in GROUPS if not listed(done.stdout, g)] == []


@pytest.mark.parametrize("group", list(GROUPS))
def test_a_group_s_help_lists_its_commands(tmp_path: Path, group: str) -> None:
    done = run_cli(tmp_path, group, "--help")
    assert done.returncode == 0, done.stderr
    assert f"lacralo-bot {group}" in done.stdout
    assert [c for c in GROUPS[group] if not listed(done.stdout, c)] == []
