"""Webhook refusals: every one counted, at most one log line a minute per client and reason, the
next line saying how many were kept quiet (issue 20, part 3)."""

from __future__ import annotations

import logging

import pytest

from bot import metrics
from bot.transports.webhook_refusals import Refusals


def count(reason: str) -> float:
    return metrics.REFUSALS.labels(door="zoom", reason=reason)._value.get()


def test_a_flood_is_one_line_a_minute_and_every_refusal_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    log = logging.getLogger("test.refusals")
    refusals = Refusals("zoom", "zoom.log.rejected", log, "en", "10.0.0.1", clock=lambda: now[0])
    counted = count("unsigned")
    forwarded = {"X-Forwarded-For": "203.0.113.5"}
    with caplog.at_level(logging.WARNING, logger="test.refusals"):
        for _ in range(100):
            refusals.note("10.0.0.1", forwarded, "unsigned")
        refusals.note("10.0.0.2", forwarded, "unsigned")  # not a trusted proxy: its own address
        now[0] = 61.0
        refusals.note("10.0.0.1", forwarded, "unsigned")
    assert [r.getMessage() for r in caplog.records] == [
        "Zoom request from 203.0.113.5 refused: unsigned",
        "Zoom request from 10.0.0.2 refused: unsigned",
        "Zoom request from 203.0.113.5 refused: unsigned (and 99 more for the same reason in the"
        " last minute, not logged one by one)",
    ]
    assert count("unsigned") == counted + 102
