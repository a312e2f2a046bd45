"""Printing listings: a rich table for people, CSV or JSON for scripts (PRODUCT.md, "Command line").

JSON and CSV go to stdout alone; messages go to stderr, so `--format json | jq` always works.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bot.csv_cells import neutralised

FORMATS = ("table", "csv", "json")


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Every text cell a spreadsheet would run as a formula is marked as text (issue 20.4)."""
    writer = csv.DictWriter(
        sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else neutralised(row.get(k)) for k in columns})


def print_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], headers: Sequence[str], title: str
) -> None:
    table = Table(title=Text(_shown(title)), show_lines=False)
    for header in headers:
        table.add_column(Text(_shown(header)))
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    _stdout_console().print(table)


def _cell(value: Any) -> Text:
    """A cell; a (text, style) pair is shown in that style (states in colour). Shown as written:
    never read as rich markup ('[/]' in a note), control characters other than line breaks escaped
    so a stored name cannot drive the terminal."""
    if isinstance(value, tuple):
        return Text(_shown(str(value[0])), style=value[1])
    return Text("" if value is None else _shown(str(value)))


def _shown(text: str) -> str:
    return CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but the line break


def print_title(text: str) -> None:
    _stdout_console().print(Text(_shown(text), style="bold"))


def message(text: str, style: str | None = None) -> None:
    """A sentence on stderr; names and notes inside it are shown as written (issue 19.7)."""
    PipeConsole(stderr=True).print(Text(_shown(text), style=style or ""), soft_wrap=True)


class PipeConsole(Console):
    """A console that leaves a closed pipe to `bot.cli.main`: rich's own handling exits with
    status 1, where `lacralo-bot … | head -1` is not a failure (issue 19.7)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def _stdout_console() -> Console:
    # Piped output has no terminal width to respect; don't squeeze a wide listing into 80 columns.
    return PipeConsole(width=None if sys.stdout.isatty() else 200)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A byte-based progress bar on stderr; yields a function taking the position reached."""
    columns = (
        TextColumn("{task.description}", markup=False),  # a file's name is not markup
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=PipeConsole(stderr=True), transient=True) as progress:
        task = progress.add_task(_shown(label), total=total)
        yield lambda position: progress.update(task, completed=position)
