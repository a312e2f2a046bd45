"""Every command is complete in the four languages, and the locales name no command that is not
one (issue 14: a command's verb, words, help and permission live in one module)."""

from __future__ import annotations

import pytest

from bot.domain.commands import Audience, bare
from bot.i18n import LANGUAGES
from handlers.commands import grammar, specs
from handlers.commands.dispatch import REFUSALS
from handlers.commands.registry import word_list
from handlers.commands.spec import CommandSpec
from tests.test_locales import CATALOGUES

SPECS = sorted(specs().values(), key=lambda s: s.verb)


def test_the_commands_are_found() -> None:
    verbs = {s.verb for s in SPECS}
    assert {"help", "status", "proxy", "nominate", "open", "announce"} <= verbs
    assert all(s.handler.__module__ == f"handlers.commands.{s.verb}" for s in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.verb)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_spec_has_its_words_help_and_example_in_every_language(
    spec: CommandSpec, lang: str
) -> None:
    catalogue = CATALOGUES[lang]
    for key in (spec.words_key, spec.help_key, spec.args_key, spec.example_key, spec.refused_key):
        assert key in catalogue, f"{lang}: {spec.verb} lacks {key}"
    assert word_list(spec.words_key, lang), f"{lang}: {spec.verb} has no words"
    assert catalogue[spec.help_key].strip(), f"{lang}: {spec.verb} has no help line"
    args = catalogue[spec.args_key]
    assert args == "" or args.endswith(" "), f"{lang}: {spec.args_key} must end in a space"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.verb)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_runs_its_own_command_in_its_own_words(spec: CommandSpec, lang: str) -> None:
    example = CATALOGUES[lang][spec.example_key]
    command = grammar().parse(example)
    assert command.verb == spec.verb and command.understood, f"{lang}: {example}"
    written = {bare(w) for w in word_list(spec.words_key, lang)}
    assert bare(example.split()[0]) in written, f"{lang}: {example} is not in {lang}'s words"


def test_every_verb_in_the_locales_has_a_spec() -> None:
    for lang in LANGUAGES:
        in_locales = {k.split(".")[2] for k in CATALOGUES[lang] if k.startswith("commands.words.")}
        assert in_locales == {s.verb for s in SPECS}, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_commands_share_a_word_in_one_language(lang: str) -> None:
    seen: dict[str, str] = {}
    for spec in SPECS:
        for word in word_list(spec.words_key, lang):
            assert bare(word) not in seen, (
                f"{lang}: {word} is {seen.get(bare(word))} and {spec.verb}"
            )
            seen[bare(word)] = spec.verb


def test_a_word_calls_one_command_whatever_its_language() -> None:
    calls: dict[str, set[str]] = {}
    for spec in SPECS:
        for lang in LANGUAGES:
            for word in word_list(spec.words_key, lang):
                calls.setdefault(bare(word), set()).add(spec.verb)
    assert not {w: v for w, v in calls.items() if len(v) > 1}


def test_every_role_refusal_and_answer_word_is_written_in_every_language() -> None:
    keys = [*REFUSALS.values(), "commands.unknown_member", "commands.refused.not_authorised"]
    keys += ["commands.answers.affirmative", "commands.answers.negative"]
    keys += [f"commands.help.section.{a.value}" for a in REFUSALS]
    for lang in LANGUAGES:
        assert [k for k in keys if not CATALOGUES[lang].get(k)] == [], lang


def test_the_secretariats_commands_are_theirs_and_questions_change_nothing() -> None:
    by_verb = specs()
    secretariat = {v for v, s in by_verb.items() if s.audience is Audience.SECRETARIAT}
    assert secretariat == {"open", "close", "vacancy", "nominations", "announce"}
    representative = {v for v, s in by_verb.items() if s.audience is Audience.REPRESENTATIVE}
    assert representative == {"proxy", "revoke"}
    # What e-mail answers at once, without a confirmation token (issue 9).
    questions = {v for v, s in by_verb.items() if not s.changes_state}
    assert questions == {"help", "status", "meetings", "nominations"}
