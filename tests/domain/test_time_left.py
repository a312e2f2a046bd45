"""The time left before a meeting as a reminder says it (issue 18, point 3): from the moment the
reminder is actually sent, in the four languages with their plural forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.time_left import TimeLeft, time_left
from bot.i18n import t

START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)

UNITS = [
    # (case, time left, unit, count)
    ("weekly reminder on time", timedelta(days=7), "days", 7),
    ("weekly reminder sent late, two days ahead", timedelta(days=2, hours=3), "days", 2),
    ("weekly reminder sent late, 42 hours ahead", timedelta(hours=42), "days", 2),
    ("a day and a half ahead: hours, not tomorrow", timedelta(hours=36), "hours", 36),
    ("daily reminder on time", timedelta(days=1), "tomorrow", 1),
    ("daily reminder 20 hours ahead", timedelta(hours=20), "tomorrow", 1),
    ("19 hours ahead is not tomorrow everywhere", timedelta(hours=19), "hours", 19),
    ("two hours ahead", timedelta(hours=2), "hours", 2),
    ("hourly reminder on time", timedelta(hours=1), "hours", 1),
    ("56 minutes: about an hour", timedelta(minutes=56), "hours", 1),
    ("hourly reminder sent late", timedelta(minutes=40), "minutes", 40),
    ("one minute", timedelta(seconds=70), "minutes", 1),
    ("under half a minute: now", timedelta(seconds=20), "now", 1),
    ("already started: now", timedelta(minutes=-5), "now", 1),
]


@pytest.mark.parametrize(("case", "left", "unit", "count"), UNITS, ids=[c[0] for c in UNITS])
def test_time_left_from_the_moment_of_sending(
    case: str, left: timedelta, unit: str, count: int
) -> None:
    assert time_left(START, START - left) == TimeLeft(unit, count)


PHRASES = [
    # (time left, language, phrase)
    (timedelta(days=7), "en", "The call is in 7 days."),
    (timedelta(days=7), "es", "The call es dentro de 7 días."),
    (timedelta(days=7), "pt", "The call é daqui a 7 dias."),
    (timedelta(days=7), "fr", "The call a lieu dans 7 jours."),
    (timedelta(days=2), "en", "The call is in 2 days."),
    (timedelta(days=2), "es", "The call es dentro de 2 días."),
    (timedelta(days=2), "pt", "The call é daqui a 2 dias."),
    (timedelta(days=2), "fr", "The call a lieu dans 2 jours."),
    (timedelta(days=1), "en", "The call is tomorrow."),
    (timedelta(days=1), "es", "The call es mañana."),
    (timedelta(days=1), "pt", "The call é amanhã."),
    (timedelta(days=1), "fr", "The call a lieu demain."),
    (timedelta(hours=3), "en", "The call starts in 3 hours."),
    (timedelta(hours=3), "es", "The call comienza dentro de 3 horas."),
    (timedelta(hours=3), "pt", "The call começa daqui a 3 horas."),
    (timedelta(hours=3), "fr", "The call commence dans 3 heures."),
    (timedelta(hours=1), "en", "The call starts in one hour."),
    (timedelta(hours=1), "es", "The call comienza dentro de una hora."),
    (timedelta(hours=1), "pt", "The call começa daqui a uma hora."),
    (timedelta(hours=1), "fr", "The call commence dans une heure."),
    (timedelta(minutes=1), "en", "The call starts in one minute."),
    (timedelta(minutes=1), "es", "The call comienza dentro de un minuto."),
    (timedelta(minutes=1), "pt", "The call começa daqui a um minuto."),
    (timedelta(minutes=1), "fr", "The call commence dans une minute."),
    (timedelta(minutes=20), "en", "The call starts in 20 minutes."),
    (timedelta(minutes=20), "es", "The call comienza dentro de 20 minutos."),
    (timedelta(minutes=20), "pt", "The call começa daqui a 20 minutos."),
    (timedelta(minutes=20), "fr", "The call commence dans 20 minutes."),
    (timedelta(0), "en", "The call is starting now."),
    (timedelta(0), "es", "The call comienza ahora."),
    (timedelta(0), "pt", "The call está começando agora."),
    (timedelta(0), "fr", "The call commence maintenant."),
]


@pytest.mark.parametrize(("left", "lang", "phrase"), PHRASES)
def test_phrases_with_plural_forms_in_four_languages(
    left: timedelta, lang: str, phrase: str
) -> None:
    found = time_left(START, START - left)
    params = {"count": found.count} if found.unit in ("minutes", "hours", "days") else {}
    assert t(f"reminders.when.{found.unit}", lang, title="The call", **params) == phrase
