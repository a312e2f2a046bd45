"""The one command language of the bot, for Slack (`/lacralo ...`) and e-mail, in English,
Spanish, Portuguese and French (issue 9). Parsing and permission only: no I/O, no translation.

A command is a verb and its arguments: `/lacralo poder ALS-AR-01`, `/lacralo estado`, `/lacralo
aide`. The verb may be written in any of the four languages, with or without accents; the
language it was written in is kept, so the answer can use it for someone the roster does not know.
Anything else is answered with the help text and the closest verb, when one is close.

The words are not written here: they live in the locales (`commands.words.<verb>`), beside the
rest of what users read, and the adapter (handlers/commands/registry.py) hands them to `Grammar`.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.roster import SECRETARIAT

WordTable = Mapping[str, Mapping[str, tuple[str, ...]]]  # verb -> language -> its words
MAX_LENGTH = 500
HELP = "help"  # the verb for anything not understood


@dataclass(frozen=True)
class Command:
    verb: str  # one of the grammar's verbs, or "help" for anything not understood
    args: tuple[str, ...] = ()
    lang: str | None = None  # the language the verb was written in
    understood: bool = True
    suggestion: str | None = None  # the closest verb, in the language of the input when known
    said: str = ""  # what was typed, for the answer
    extra: dict[str, str] = field(default_factory=dict)
    truncated: bool = False  # longer than MAX_LENGTH: only its start was read


def bare(word: str) -> str:
    """Case and accents folded away: "Révoquer" and "revoquer" are the same word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Grammar:
    """The verbs and the words that call them, per language; build it with `Grammar.of`."""

    words: WordTable
    index: Mapping[str, tuple[str, str]]  # bare word -> (verb, language)

    @classmethod
    def of(cls, words: WordTable) -> Grammar:
        """Refuses a table where one word would call two verbs: the parse would be a guess."""
        if HELP not in words:
            raise ValueError("the grammar needs a help verb")
        index: dict[str, tuple[str, str]] = {}
        for verb, langs in words.items():
            for lang, written in langs.items():
                for word in written:
                    key = bare(word)
                    if key in index and index[key][0] != verb:
                        raise ValueError(f"{word!r} calls both {index[key][0]} and {verb}")
                    index.setdefault(key, (verb, lang))
        return cls(words, index)

    def starts_with_verb(self, text: str) -> bool:
        """Whether the first word of `text` is a verb (an e-mail Subject that is a command)."""
        words = text.split()
        return bool(words) and bare(words[0]) in self.index

    def parse(self, text: str) -> Command:
        """The command in `text`; an empty text is a request for help."""
        whole = " ".join(text.split())
        text, truncated = whole[:MAX_LENGTH], len(whole) > MAX_LENGTH
        words = text.split(" ") if text else []
        if not words:
            return Command(HELP, said=text)
        found = self.index.get(bare(words[0]))
        if found is not None:
            verb, lang = found
            return Command(verb, tuple(words[1:]), lang, said=text, truncated=truncated)
        close = difflib.get_close_matches(bare(words[0]), list(self.index), n=1, cutoff=0.6)
        suggestion: str | None = None
        guessed: str | None = None
        if close:
            near_verb, guessed = self.index[close[0]]
            suggestion = self.words[near_verb][guessed][0]
        return Command(
            HELP, tuple(words[1:]), guessed, understood=False, suggestion=suggestion, said=text
        )


class Audience(enum.StrEnum):
    """Who may run a command. PRODUCT.md, "Nobody speaks for another": the role in the roster
    decides, checked once for every command before it runs."""

    EVERYONE = "everyone"  # strangers too (help: it tells them how to be added)
    MEMBER = "member"  # anyone in the roster
    REPRESENTATIVE = "representative"  # Rule 1.1 (seed 003): the representatives act for an ALS
    SECRETARIAT = "secretariat"  # chair, secretary and staff run the administrative commands


def may_run(audience: Audience, role: str | None, als_id: str | None) -> bool:
    """Whether someone with this role (None: not in the roster) and ALS may run the command."""
    if audience is Audience.EVERYONE:
        return True
    if role is None:
        return False
    if audience is Audience.REPRESENTATIVE:
        return role == "representative" and als_id is not None
    if audience is Audience.SECRETARIAT:
        return role in SECRETARIAT
    return True
