"""CSV cells that a spreadsheet cannot run (issue 20, part 4).

LACRALO staff open the bot's CSV (/status.csv, results, CLI exports) in a spreadsheet, which reads a
cell beginning with `=`, `+`, `-`, `@` (and a tab or carriage return before them) as a formula: an
ALS name or a Zoom display name chosen by anyone would run there. Such a text cell is written with a
leading apostrophe, the spreadsheets' own "this is text" mark (OWASP, "CSV Injection"); numbers the
bot itself writes stay numbers. `roster import` takes the apostrophe off again, so export → import
round-trips. A text that already begins with apostrophes before a trigger gets one more, so the
import gives back exactly what was exported.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"


def neutralised(value: object) -> object:
    """A text cell a spreadsheet would read as a formula, marked as text; anything else as it is."""
    if isinstance(value, str) and value.lstrip(MARK).startswith(TRIGGERS):
        return MARK + value
    return value


def restored(text: str) -> str:
    """The cell as it was before `neutralised`: one apostrophe in front of a trigger (or in front
    of apostrophes and a trigger) goes."""
    if text.startswith(MARK) and text.lstrip(MARK).startswith(TRIGGERS):
        return text[1:]
    return text
