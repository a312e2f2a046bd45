"""The command grammar in four languages (issue 9), with the words the locales give it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.commands import Audience, Grammar, may_run
from handlers.commands import grammar

GRAMMAR = grammar()  # the words come from locales/commands.*.yml, through the adapter
VERBS = GRAMMAR.words
parse = GRAMMAR.parse

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


ROLE_CASES = [
    ("help: strangers too", Audience.EVERYONE, None, None, True),
    ("a member's command: not for strangers", Audience.MEMBER, None, None, False),
    (
        "a member's command: observers are in the roster",
        Audience.MEMBER,
        "observer",
        "ALS-PE-01",
        True,
    ),
    (
        "Rule 1.1: a representative acts for the ALS",
        Audience.REPRESENTATIVE,
        "representative",
        "ALS-AR-01",
        True,
    ),
    ("Rule 1.1: a member does not", Audience.REPRESENTATIVE, "member", "ALS-BR-01", False),
    ("Rule 1.1: nor the chair", Audience.REPRESENTATIVE, "chair", None, False),
    (
        "a representative without an ALS acts for none",
        Audience.REPRESENTATIVE,
        "representative",
        None,
        False,
    ),
    ("the Secretariat: chair", Audience.SECRETARIAT, "chair", None, True),
    ("the Secretariat: staff", Audience.SECRETARIAT, "staff", None, True),
    (
        "the Secretariat: not a representative",
        Audience.SECRETARIAT,
        "representative",
        "ALS-AR-01",
        False,
    ),
]


@pytest.mark.parametrize(
    ("audience", "role", "als_id", "allowed"),
    [c[1:] for c in ROLE_CASES],
    ids=[c[0] for c in ROLE_CASES],
)
def test_who_may_run_a_command(
    audience: Audience, role: str | None, als_id: str | None, allowed: bool
) -> None:
    assert may_run(audience, role, als_id) is allowed


def test_a_word_that_would_call_two_verbs_is_refused() -> None:
    with pytest.raises(ValueError, match="retirar"):
        Grammar.of(
            {
                "help": {"es": ("ayuda",)},
                "withdraw": {"es": ("retirar",)},
                "revoke": {"pt": ("retirar",)},
            }
        )
    with pytest.raises(ValueError, match="help"):
        Grammar.of({"status": {"en": ("status",)}})
