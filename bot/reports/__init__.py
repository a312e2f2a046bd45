"""Presenters: one module per report (status, roll, tally, meeting attendance).

A presenter turns what a service returns into the words and figures people read, so the command
line, the public pages and the messages show a number the same way and none of them formats it
itself. Presenters import the domain, the region and the locales, never a transport or a service
that sends (the messages' builders in `bot/texts/notices.py` import them).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import t


def yes_no(flag: bool, lang: str) -> str:
    """A yes/no column in the reader's language (JSON and CSV keep the boolean)."""
    return t("status.answer_yes" if flag else "status.answer_no", lang)


def weight(value: float) -> str:
    """A vote's weight as people read it: four decimals (the exact fraction is in the JSON)."""
    return f"{value:.4f}"


def utc_minute(stored: str) -> str:
    """'2026-12-15 15:00 UTC': a stored time as the pages and the messages show it."""
    return f"{datetime.fromisoformat(stored).astimezone(UTC):%Y-%m-%d %H:%M} UTC"
