"""The one command language of the bot, for Slack (`/lacralo ...`) and e-mail, in English,
Spanish, Portuguese and French (issue 9). Parsing only: no I/O, no translation.

A command is a verb and its arguments: `/lacralo poder ALS-AR-01`, `/lacralo estado`, `/lacralo
aide`. The verb may be written in any of the four languages, with or without accents; the
language it was written in is kept, so the answer can use it for someone the roster does not know.
Anything else is answered with the help text and the closest verb, when one is close.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field

VERBS: dict[str, dict[str, tuple[str, ...]]] = {
    "help": {"en": ("help", "?"), "es": ("ayuda",), "pt": ("ajuda",), "fr": ("aide",)},
    "status": {
        "en": ("status",),
        "es": ("estado", "estatus"),
        "pt": ("situacao",),
        "fr": ("statut",),
    },
    "nominate": {
        "en": ("nominate",),
        "es": ("nominar", "postular"),
        "pt": ("indicar",),
        "fr": ("proposer",),
    },
    "accept": {"en": ("accept",), "es": ("aceptar",), "pt": ("aceitar",), "fr": ("accepter",)},
    "decline": {"en": ("decline",), "es": ("rechazar",), "pt": ("recusar",), "fr": ("refuser",)},
    "withdraw": {"en": ("withdraw",), "es": ("retirar",), "pt": ("desistir",), "fr": ("retirer",)},
    "proxy": {"en": ("proxy",), "es": ("poder",), "pt": ("procuracao",), "fr": ("procuration",)},
    "revoke": {"en": ("revoke",), "es": ("revocar",), "pt": ("revogar",), "fr": ("revoquer",)},
    "meetings": {
        "en": ("meetings",),
        "es": ("reuniones",),
        "pt": ("reunioes",),
        "fr": ("reunions",),
    },
    "language": {"en": ("language",), "es": ("idioma",), "pt": ("lingua",), "fr": ("langue",)},
    "declare": {
        "en": ("declare",),
        "es": ("declarar",),
        "pt": ("declaracao",),
        "fr": ("declarer",),
    },
    "open": {"en": ("open",), "es": ("abrir",), "pt": ("abertura",), "fr": ("ouvrir",)},
    "vacancy": {"en": ("vacancy",), "es": ("vacante",), "pt": ("vaga",), "fr": ("vacance",)},
    "close": {"en": ("close",), "es": ("cerrar",), "pt": ("encerrar",), "fr": ("fermer",)},
    "nominations": {
        "en": ("nominations",),
        "es": ("nominaciones",),
        "pt": ("indicacoes",),
        "fr": ("candidatures",),
    },
    "share": {"en": ("share",), "es": ("compartir",), "pt": ("compartilhar",), "fr": ("partager",)},
    "announce": {
        "en": ("announce",),
        "es": ("anunciar",),
        "pt": ("divulgar",),
        "fr": ("annoncer",),
    },
}
_INDEX = {
    word: (verb, lang)
    for verb, langs in VERBS.items()
    for lang, words in langs.items()
    for word in words
}
MAX_LENGTH = 500


@dataclass(frozen=True)
class Command:
    verb: str  # one of VERBS, or "help" for anything not understood
    args: tuple[str, ...] = ()
    lang: str | None = None  # the language the verb was written in
    understood: bool = True
    suggestion: str | None = None  # the closest verb, in the language of the input when known
    said: str = ""  # what was typed, for the answer
    extra: dict[str, str] = field(default_factory=dict)


def bare(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse(text: str) -> Command:
    """The command in `text`; an empty text is a request for help."""
    text = " ".join(text.split())[:MAX_LENGTH]
    words = text.split(" ") if text else []
    if not words:
        return Command("help", said=text)
    first = bare(words[0])
    found = _INDEX.get(first)
    if found is not None:
        verb, lang = found
        return Command(verb, tuple(words[1:]), lang, said=text)
    close = difflib.get_close_matches(first, list(_INDEX), n=1, cutoff=0.6)
    suggestion: str | None = None
    guessed: str | None = None
    if close:
        near_verb, guessed = _INDEX[close[0]]
        suggestion = VERBS[near_verb][guessed][0]
    return Command(
        "help", tuple(words[1:]), guessed, understood=False, suggestion=suggestion, said=text
    )
