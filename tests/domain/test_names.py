"""Display names people use on Zoom calls, and the roster names they may stand for (issue 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.names import name_candidates

CASES = [
    ("María Pérez", ["maria perez"]),
    ("  maria   PÉREZ ", ["maria perez"]),
    ("María Pérez - ISOC Argentina", ["maria perez - isoc argentina", "maria perez"]),
    ("Maria Perez (Nodo TAU)", ["maria perez (nodo tau)", "maria perez"]),
    ("Jean-Baptiste Étienne", ["jean-baptiste etienne"]),  # a hyphenated name is not split
    ("Keisha Brown | ISOC Jamaica", ["keisha brown | isoc jamaica", "keisha brown"]),
    ("Andrés Gómez / Fundación", ["andres gomez / fundacion", "andres gomez"]),
    ("(iPhone de Rosa)", ["(iphone de rosa)"]),
    ("", []),
]


@pytest.mark.parametrize(("display", "expected"), CASES, ids=[c for c, _ in CASES])
def test_candidates(display: str, expected: list[str]) -> None:
    assert name_candidates(display) == expected


@given(st.text(max_size=80))
def test_candidates_are_normalised_and_distinct(display: str) -> None:
    found = name_candidates(display)
    assert len(found) == len(set(found))
    assert all(c and c == " ".join(c.split()) and c == c.casefold() for c in found)
