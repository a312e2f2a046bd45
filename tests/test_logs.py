"""The log: one line per event whatever a sender wrote, JSON on request, refusals summarised
(issues 20 and 21)."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, OneLineFormatter, Summary


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("lacralo_bot", logging.INFO, __file__, 1, message, None, None)


def test_a_forged_line_stays_on_its_own_line() -> None:
    forged = "María\n2026-11-30 12:00:00 INFO roster imported\u2028x\x1b[31m"
    for formatter in (OneLineFormatter("%(levelname)s %(message)s"), JsonFormatter()):
        text = formatter.format(record(forged))
        assert "\n" not in text and "\u2028" not in text and "\x1b" not in text
    assert json.loads(JsonFormatter().format(record(forged)))["message"] == forged


def test_json_lines_carry_the_fields_a_collector_reads() -> None:
    entry = json.loads(JsonFormatter().format(record("ready")))
    assert entry["level"] == "INFO" and entry["logger"] == "lacralo_bot"
    assert entry["message"] == "ready" and entry["time"].endswith("+00:00")


def test_refusals_from_one_source_are_summarised_once_a_minute() -> None:
    now = [0.0]
    summary = Summary(window_s=60, clock=lambda: now[0])
    assert summary.admit("203.0.113.9", "bad_signature") == 0
    assert all(summary.admit("203.0.113.9", "bad_signature") is None for _ in range(500))
    assert summary.admit("198.51.100.1", "bad_signature") == 0  # another source is news
    now[0] = 61
    assert summary.admit("203.0.113.9", "bad_signature") == 500  # the quiet ones, said once


def test_many_sources_do_not_grow_the_table_without_bound() -> None:
    summary = Summary(window_s=60, clock=lambda: 0.0)
    for n in range(20_000):
        summary.admit(f"2001:db8::{n:x}", "refused")
    assert len(summary._seen) <= 4096
