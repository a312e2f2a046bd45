"""Which language each person and each ALS is written to (issue 18, point 1).

- The roster's `language` column is the person's (PRODUCT.md, roster CSV). A person may choose
  another one with `/lacralo language xx`; that choice holds until an import changes the
  person's `language` column (bot/store/roster.py, `upsert_person`).
- An ALS speaks its representatives' languages: ALS-level texts use the language most of its
  representatives share, else the region's default (`region_default`).
- Bad input: a language that is not one of the region's is not used; the person falls back to
  their ALS's language, then to the region's default (the service logs it).

Pure: no database, no i18n. The service (bot/services/roster.py) reads the store and logs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.roster import LANGUAGES

# What people write in the roster's `language` column besides the code: the languages' names in
# the four languages the bot speaks (without accents too).
_NAMES = {
    "en": ("english", "inglés", "ingles", "inglês", "inglesa", "anglais"),
    "es": ("spanish", "español", "espanol", "espanhol", "espagnol", "castellano"),
    "pt": ("portuguese", "português", "portugues", "portugués", "portugais"),
    "fr": ("french", "français", "francais", "francés", "frances", "francês"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}


def normalise_language(text: str) -> str:
    """'es', 'ES', 'es-AR', 'es_AR' and 'Español' are all 'es'; anything else is returned
    lower-cased and trimmed, for the caller to judge (`''` for an empty cell)."""
    value = text.strip().lower()
    if value in _BY_NAME:
        return _BY_NAME[value]
    short = value.replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else value


def region_default(languages: Sequence[str], announcement_languages: Sequence[str]) -> str:
    """The region's default language: its first announcement language that is one of its
    languages (LACRALO: English). Chosen over `Settings.language` because it is region data (any
    RALO sets it in its region file), every member already receives the announcements in it,
    and it does not change when an operator switches the language of the command line."""
    for lang in announcement_languages:
        if lang in languages:
            return lang
    return languages[0] if languages else "en"


@dataclass(frozen=True)
class Resolved:
    """A person's language and where it came from; `ignored`: the languages found on the way
    that are not the region's (bad input, to be logged)."""

    language: str
    source: str  # "chosen" | "roster" | "als" | "default"
    ignored: tuple[str, ...] = ()


def resolve(
    chosen: str | None,
    roster: str | None,
    als_language: str | None,
    default: str,
    allowed: Sequence[str] = LANGUAGES,
) -> Resolved:
    """The person's own choice, else the roster's language for them, else their ALS's, else the
    region's default; any of them that is not one of the region's (`allowed`) is skipped."""
    ignored: list[str] = []
    for source, lang in (("chosen", chosen), ("roster", roster), ("als", als_language)):
        if not lang:
            continue
        if lang in allowed:
            return Resolved(lang, source, tuple(ignored))
        ignored.append(lang)
    fallback = default if default in allowed or not allowed else allowed[0]
    return Resolved(fallback, "default", tuple(ignored))


def shared_language(
    languages: Iterable[str | None], default: str, allowed: Sequence[str] = LANGUAGES
) -> str:
    """The language most of these people share (empty and foreign ones left out); the default
    when none is given or two languages are shared equally (one representative writes Spanish,
    the other Portuguese: the ALS's texts go in the region's default)."""
    counts = Counter(lang for lang in languages if lang and lang in allowed)
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return default
    return ranked[0][0]


def als_language(
    people: Iterable[tuple[str, str | None]], default: str, allowed: Sequence[str] = LANGUAGES
) -> str:
    """An ALS's language from its people's (role, own language): the language most of its
    representatives share; an ALS whose representatives give none (an applicant with only an
    observer) goes by its other people; else the region's default."""
    listed = list(people)
    reps = [lang for role, lang in listed if role == "representative" and lang in allowed]
    if reps:
        return shared_language(reps, default, allowed)
    return shared_language((lang for _, lang in listed), default, allowed)


def in_region_order(present: Iterable[str], order: Sequence[str]) -> list[str]:
    """The languages present, each once, in the region's order (its `languages`)."""
    found = set(present)
    return [lang for lang in order if lang in found]
