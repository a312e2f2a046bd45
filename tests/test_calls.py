"""Zoom meeting numbers as the webhook, the reports and the command line give them."""

from __future__ import annotations

import pytest

from bot.zoom.events import normalise_meeting_id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("852 1848 6288", "85218486288"),
        ("852-1848-6288", "85218486288"),
        (85218486288, "85218486288"),
        # Digits of other scripts are the digits they stand for, so a number typed with a
        # full-width or Arabic-Indic keyboard still matches the joins Zoom sends.
        ("８５２ １８４８ ６２８８", "85218486288"),
        ("٨٥٢١٨٤٨٦٢٨٨", "85218486288"),
        # Not digits, and not a number: no id at all.
        ("²³⁴", ""),
        (85218486288.0, ""),
        (True, ""),
        ({"id": 85218486288}, ""),
        ([852, 18486288], ""),
        (None, ""),
    ],
)
def test_normalise_meeting_id(given: object, expected: str) -> None:
    assert normalise_meeting_id(given) == expected
