"""What a ballot's choice means (issue 17, point 1). Pure.

A vote for a position is a choice among the candidates whose nominations were valid when
nominations closed (2021 elections rules, seed 002): a ballot names one of them, case and accents
aside or by one of the person's aliases, or abstains ("abstain" in any of the four languages;
abstentions count for the quorum, not for the result). Anything else makes the ballot invalid,
named by its line; it never becomes a new candidate. A motion, and the single-candidate poll of an
ALAC seat (seed 004), is answered yes or no, in any of the four languages.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.commands import bare
from bot.domain.reasons import Reason

ABSTAIN = frozenset(
    bare(w)
    for w in (
        "abstain",
        "abstention",
        "abstained",
        "abstención",
        "abstenerse",
        "abstengo",
        "abstenção",
        "abstenho",
        "abster",
        "abstenir",
        "je m'abstiens",
    )
)
YES = frozenset(bare(w) for w in ("yes", "y", "sí", "si", "sim", "oui", "for", "a favor", "pour"))
NO = frozenset(bare(w) for w in ("no", "n", "não", "nao", "non", "against", "en contra", "contre"))


class Kind(enum.StrEnum):
    CANDIDATE = "candidate"
    ABSTAIN = "abstain"
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class Choice:
    kind: Kind
    candidate: str | None = None  # the candidate's name as the nomination records it


def _key(text: str) -> str:
    """Case, accents, hyphens, punctuation at the ends and runs of spaces folded away
    ("Jean Baptiste Etienne" is "Jean-Baptiste Étienne")."""
    folded = bare(text).replace("-", " ").replace("‐", " ").replace("–", " ")
    return " ".join(folded.strip(" .,;:!\"'“”«»").split())


@dataclass(frozen=True)
class CandidateIndex:
    """The candidates' names and aliases as typed forms: written exactly (case and spacing aside),
    and folded (accents and hyphens aside too). A folded form two candidates share ("José Peña",
    "Jose Pena") names both: a ballot with it is told apart only by its exact spelling."""

    exact: Mapping[str, str]
    folded: Mapping[str, tuple[str, ...]]


def _exact(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .,;:")


def candidate_index(candidates: Mapping[str, Iterable[str]]) -> CandidateIndex:
    """name -> its aliases, as the forms a ballot may write."""
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    for name, aliases in candidates.items():
        for form in (name, *aliases):
            if _exact(form):
                exact.setdefault(_exact(form), set()).add(name)
            if _key(form):
                folded.setdefault(_key(form), set()).add(name)
    return CandidateIndex(
        exact={form: next(iter(names)) for form, names in exact.items() if len(names) == 1},
        folded={form: tuple(sorted(names)) for form, names in folded.items()},
    )


def shown(text: str) -> str:
    """A ballot's text as an answer quotes it: at most 80 characters, control characters
    written as escapes (a ballot must not clear the Secretariat's screen)."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text.strip()[:80])


def read_choice(text: str, index: CandidateIndex | None) -> Choice | Reason:
    """The choice a ballot makes; a Reason when it makes none. `index` None: a motion or poll
    (yes, no, abstain); else the candidates' index."""
    key = _key(text)
    if not key:
        return Reason("election.invalid.empty")
    if key in ABSTAIN:
        return Choice(Kind.ABSTAIN)
    if index is None:
        if key in YES:
            return Choice(Kind.YES)
        if key in NO:
            return Choice(Kind.NO)
        return Reason("election.invalid.not_yes_no", {"choice": shown(text)})
    exact = index.exact.get(_exact(text))
    if exact is not None:
        return Choice(Kind.CANDIDATE, exact)
    names = index.folded.get(key, ())
    if len(names) > 1:
        return Reason("election.invalid.ambiguous", {"choice": shown(text), "names": list(names)})
    if not names:
        return Reason("election.invalid.not_a_candidate", {"choice": shown(text)})
    return Choice(Kind.CANDIDATE, names[0])
