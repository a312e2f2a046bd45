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


def candidate_index(candidates: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """name -> its aliases, as an index from each folded form to the candidate's name. A form two
    candidates share names neither (a ballot with it is invalid rather than a guess)."""
    index: dict[str, str] = {}
    shared: set[str] = set()
    for name, aliases in candidates.items():
        for form in {_key(name), *(_key(a) for a in aliases)}:
            if not form:
                continue
            if form in index and index[form] != name:
                shared.add(form)
            index.setdefault(form, name)
    return {form: name for form, name in index.items() if form not in shared}


def read_choice(text: str, index: Mapping[str, str] | None) -> Choice | Reason:
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
        return Reason("election.invalid.not_yes_no", {"choice": text.strip()[:80]})
    found = index.get(key)
    if found is None:
        return Reason("election.invalid.not_a_candidate", {"choice": text.strip()[:80]})
    return Choice(Kind.CANDIDATE, found)
