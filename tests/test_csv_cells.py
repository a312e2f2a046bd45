"""Formula cells neutralised on the way out and restored on the way in (issue 20, part 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.csv_cells import neutralised, restored


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1-555", "'+1-555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("María Pérez", "María Pérez"),
        ("'quoted already", "'quoted already"),
        ("", ""),
        (-5, -5),  # a number the bot writes stays a number
        (None, None),
    ],
)
def test_cells(cell: object, written: object) -> None:
    assert neutralised(cell) == written


@given(st.text())
def test_export_then_import_round_trips(text: str) -> None:
    written = neutralised(text)
    assert isinstance(written, str)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restored(written) == text


@pytest.mark.parametrize("text", ["'=1", "''+x", "'", "'plain", "a=1"])
def test_apostrophes_already_there_round_trip(text: str) -> None:
    written = neutralised(text)
    assert isinstance(written, str) and restored(written) == text
