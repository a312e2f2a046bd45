"""Which seat a few typed words name, in any of the four languages (issue 16, point 5). Pure.

People do not type codes: they write "vicepresidente", "Vice-Presidente", "presidente electo",
"délégué au NomCom" or "membre de l’ALAC", in chat and in e-mail. The 2021 rules' Spanish text
itself says Vice-Presidente and Vice-Secretario for the Chair-Elect and Secretary-Elect (seed 002),
so hyphens, apostrophes, case and accents must not matter. The forms live in the region file
(`positions.<code>.aliases`, with the names and the code); this module only matches them.

A name may take several words, and the longest form wins, so "miembro del alac años pares" is the
even-year seat while "miembro del alac" is both ALAC seats: `choose` settles that when only one of
them is open, and otherwise the caller asks which.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.commands import bare

# Written between the parts of one name: "vice-presidente", "l'alac", "l’alac".
APOSTROPHES = frozenset("'’‘ʼ`")


@dataclass(frozen=True)
class PositionMatch:
    codes: tuple[str, ...]  # the seats the words can mean (one: resolved; several: ambiguous)
    used: int  # how many words of `words` (from `start`) the name took


@dataclass(frozen=True)
class PositionIndex:
    """The forms as normalised token sequences; build it once with `position_index`."""

    forms: Mapping[tuple[str, ...], tuple[str, ...]]  # tokens -> the codes they name
    longest: int  # tokens in the longest form: matching reads no further


def _tokens(word: str) -> tuple[str, ...]:
    """What one typed word (or a whole form) counts as: folded, split at hyphens and apostrophes,
    stripped of surrounding punctuation ("Vice-Secretário," -> ("vice", "secretario"))."""
    folded = "".join(
        " " if ch in APOSTROPHES or unicodedata.category(ch) == "Pd" else ch for ch in bare(word)
    )
    stripped = (_strip_punctuation(part) for part in folded.split())
    return tuple(part for part in stripped if part)


def _strip_punctuation(part: str) -> str:
    start, end = 0, len(part)
    while start < end and unicodedata.category(part[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(part[end - 1]).startswith("P"):
        end -= 1
    return part[start:end]


def position_index(forms: Mapping[str, Iterable[str]]) -> PositionIndex:
    """`forms`: code -> its forms (`Position.forms()`). A form two codes share names both."""
    index: dict[tuple[str, ...], list[str]] = {}
    for code, written in forms.items():
        for form in written:
            key = _tokens(form)
            if not key:
                raise ValueError(f"{code}: the form {form!r} has no words")
            codes = index.setdefault(key, [])
            if code not in codes:
                codes.append(code)
    return PositionIndex(
        forms={key: tuple(codes) for key, codes in index.items()},
        longest=max((len(key) for key in index), default=0),
    )


def match_position(
    index: PositionIndex, words: Sequence[str], start: int = 0
) -> PositionMatch | None:
    """The longest form that starts at `words[start]`, or None. A form ends with a whole word:
    "chair-elect" is one word and the form "chair elect"; "l'" "alac" are two words, one form."""
    found: PositionMatch | None = None
    read: tuple[str, ...] = ()
    for at in range(start, len(words)):
        part = _tokens(words[at])
        if not part:  # a lone quote or dash: part of the name only if the name goes on
            continue
        read += part
        if len(read) > index.longest:
            break
        codes = index.forms.get(read)
        if codes:
            found = PositionMatch(codes, at + 1 - start)
    return found


def choose(match: PositionMatch, open_codes: Collection[str]) -> str | None:
    """The seat meant: the only one named, or the only named one still open; None: ask which."""
    if len(match.codes) == 1:
        return match.codes[0]
    open_ones = [code for code in match.codes if code in open_codes]
    return open_ones[0] if len(open_ones) == 1 else None
