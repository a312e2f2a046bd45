"""The words Mailman 2's pipermail put between an address's two halves, in every language it
shipped.

With `ARCHIVER_OBSCURES_EMAILADDRS = Yes` (the default in Mailman/Defaults.py.in),
Mailman/Archiver/HyperArch.py writes each author as `re.sub('@', _(' at '), email)` in the
list's preferred language, and `as_text` writes the `.txt` archive's two lines from it:

    From %(email)s  %(fromdate)s
    From: %(email)s (%(author)s)

(the author is obscured the same way when it equals the address; an empty address becomes the
placeholder `bogus@does.not.exist.com`, written as is).

Source of the table: GNU Mailman 2.1.39, `messages/<lang>/LC_MESSAGES/mailman.po`, the msgstr
of msgid " at " (read from the 2.1.39 source import, commit 40eccb3 of
github.com/jaredmauch/mailman2-python3). The catalogs' charsets are those files' headers; the
archive charsets are the `add_language` lines of that release's Mailman/Defaults.py.in. An empty
msgstr (ko, no, sv) and a fuzzy one (lt, which msgfmt leaves out) give the English " at ";
`big5`, shipped by early 2.1 releases, has no entry for it either. The words are kept exactly,
spaces included: Estonian has no trailing space (" at"), Persian and Chinese none at all,
Portuguese (pt) is two spaces and no word.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = " at "


@dataclass(frozen=True)
class AtWord:
    """One language's replacement for "@", and the charsets its bytes may have been written in."""

    lang: str
    word: str
    charsets: tuple[str, ...]  # the catalog's, then the list's (Defaults.py.in), when they differ


# lang: (msgstr of " at ", catalog charset, archive charset in Defaults.py.in)
_CATALOGS: dict[str, tuple[str, str, str]] = {
    "ar": (" عند ", "utf-8", "utf-8"),
    "ast": (" en ", "iso-8859-1", "iso-8859-1"),
    "ca": (" a ", "utf-8", "utf-8"),
    "cs": (" na ", "iso-8859-2", "iso-8859-2"),
    "da": (" at ", "iso-8859-1", "iso-8859-1"),
    "de": (" at ", "iso-8859-1", "iso-8859-1"),
    "el": (" στο ", "iso-8859-7", "iso-8859-7"),
    "en": (ENGLISH, "us-ascii", "us-ascii"),
    "eo": (" ĉe ", "utf-8", "utf-8"),
    "es": (" en ", "iso-8859-1", "iso-8859-1"),
    "et": (" at", "iso-8859-15", "iso-8859-15"),
    "eu": (" a bildua ", "utf-8", "iso-8859-15"),
    "fa": ("در", "utf-8", "utf-8"),
    "fi": (" at ", "iso-8859-1", "iso-8859-1"),
    "fr": (" at ", "iso-8859-15", "iso-8859-1"),
    "gl": (" en ", "utf-8", "utf-8"),
    "he": (" ב ", "utf-8", "utf-8"),
    "hr": (" at ", "iso-8859-2", "iso-8859-2"),
    "hu": (" at ", "iso-8859-2", "iso-8859-2"),
    "ia": (" a ", "iso-8859-15", "iso-8859-15"),
    "it": (" a ", "iso-8859-1", "iso-8859-1"),
    "ja": (" ＠ ", "euc-jp", "euc-jp"),
    "ko": (ENGLISH, "euc-kr", "euc-kr"),  # msgstr ""
    "lt": (ENGLISH, "iso-8859-13", "iso-8859-13"),  # msgstr " at ", marked fuzzy
    "nl": (" op ", "utf-8", "iso-8859-1"),
    "no": (ENGLISH, "iso-8859-1", "iso-8859-1"),  # msgstr ""
    "pl": (" w ", "iso-8859-2", "iso-8859-2"),
    "pt": ("  ", "iso-8859-1", "iso-8859-1"),
    "pt_BR": (" em ", "iso-8859-1", "iso-8859-1"),
    "ro": (" la ", "utf-8", "utf-8"),
    "ru": (" на ", "utf-8", "utf-8"),
    "sk": (" na ", "utf-8", "utf-8"),
    "sl": (" na ", "iso-8859-2", "iso-8859-2"),
    "sr": (" на ", "utf-8", "utf-8"),
    "sv": (ENGLISH, "iso-8859-1", "iso-8859-1"),  # msgstr ""
    "tr": (" at ", "iso-8859-9", "iso-8859-9"),
    "uk": (" на ", "utf-8", "utf-8"),
    "vi": (" tại ", "utf-8", "utf-8"),
    "zh_CN": ("在", "utf-8", "utf-8"),
    "zh_TW": ("於", "utf-8", "utf-8"),
    "big5": (ENGLISH, "big5", "big5"),  # early 2.1 releases; no entry for " at "
}

AT_WORDS: tuple[AtWord, ...] = tuple(
    AtWord(lang, word, tuple(dict.fromkeys((catalog, archive))))
    for lang, (word, catalog, archive) in _CATALOGS.items()
)


def written_forms(word: str, charsets: tuple[str, ...]) -> set[str]:
    """The word as a header reader may see it: as text, and as its bytes in each charset (and
    UTF-8) read as Latin-1, which is how bot/mail/headers.py reads a line that is not UTF-8."""
    forms = {word}
    for charset in (*charsets, "utf-8"):
        try:
            forms.add(word.encode(charset).decode("latin-1"))
        except UnicodeEncodeError:
            continue
    return forms
