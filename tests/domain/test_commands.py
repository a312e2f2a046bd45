"""The command grammar in four languages (issue 9)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.commands import VERBS, parse

CASES = [
    ("proxy ALS-AR-01", "proxy", ("ALS-AR-01",), "en"),
    ("poder ALS-AR-01", "proxy", ("ALS-AR-01",), "es"),
    ("procuração als-ar-01", "proxy", ("als-ar-01",), "pt"),
    ("PROCURATION ALS-AR-01", "proxy", ("ALS-AR-01",), "fr"),
    ("  estado  ", "status", (), "es"),
    ("statut", "status", (), "fr"),
    ("nominar @maria presidente-electo", "nominate", ("@maria", "presidente-electo"), "es"),
    ("réunions", "meetings", (), "fr"),
    ("Révoquer", "revoke", (), "fr"),
    ("ayuda", "help", (), "es"),
    ("", "help", (), None),
]


@pytest.mark.parametrize(
    ("text", "verb", "args", "lang"), CASES, ids=[c[0] or "empty" for c in CASES]
)
def test_verbs_in_four_languages(
    text: str, verb: str, args: tuple[str, ...], lang: str | None
) -> None:
    command = parse(text)
    assert (command.verb, command.args, command.lang, command.understood) == (
        verb,
        args,
        lang,
        True,
    )


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("proxi ALS-1", "proxy"), ("podre", "poder"), ("estadp", "estado"), ("xyzzy", None)],
)
def test_garbled_input_gets_help_and_the_closest_verb(text: str, suggestion: str | None) -> None:
    command = parse(text)
    assert command.verb == "help" and not command.understood and command.suggestion == suggestion


def test_every_verb_has_a_word_in_each_language() -> None:
    for verb, langs in VERBS.items():
        assert set(langs) == {"en", "es", "pt", "fr"}, verb


@given(st.text(max_size=2000))
def test_any_text_parses_to_a_known_verb(text: str) -> None:
    command = parse(text)
    assert command.verb in VERBS and len(command.said) <= 500
