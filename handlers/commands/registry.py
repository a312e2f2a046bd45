"""Every command, found as the module of this package that declares its `SPEC`; the grammar built
from the words the locales give each one. Adding a command is adding a module."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from bot.domain.commands import Command, Grammar, bare
from bot.i18n import LANGUAGES, t
from handlers.commands.spec import CommandSpec


@cache
def specs() -> dict[str, CommandSpec]:
    """Verb -> spec, from every module here that declares a `SPEC` (helpers declare none)."""
    found: dict[str, CommandSpec] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        module = importlib.import_module(f"{__package__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, CommandSpec):
            if spec.verb in found:
                raise ValueError(f"two modules declare the command {spec.verb}")
            found[spec.verb] = spec
    return found


def spec_for(verb: str) -> CommandSpec:
    return specs()[verb]


def word_list(key: str, lang: str) -> tuple[str, ...]:
    """The words a locale entry lists, comma-separated ("estado, estatus")."""
    return tuple(word.strip() for word in t(key, lang).split(",") if word.strip())


def any_language(key: str) -> frozenset[str]:
    """The words of a locale entry in all four languages, accents and case folded away: what
    anyone may type, whatever language they are answered in."""
    return frozenset(bare(word) for lang in LANGUAGES for word in word_list(key, lang))


@cache
def grammar() -> Grammar:
    return Grammar.of(
        {
            verb: {lang: word_list(spec.words_key, lang) for lang in LANGUAGES}
            for verb, spec in specs().items()
        }
    )


def parse(text: str) -> Command:
    return grammar().parse(text)
