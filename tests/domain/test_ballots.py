"""What a ballot's choice means (issue 17.1): a table of cases from the 2021 elections rules
(seed 002) — valid candidates only, matched case- and accent-insensitively and by alias,
abstention in any of the four languages, anything else invalid, never a new candidate."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ballots import Choice, Kind, candidate_index, read_choice
from bot.domain.reasons import Reason

INDEX = candidate_index(
    {
        "María Pérez": ["María Pérez - AFUI", "Mari Perez"],
        "João Araújo": [],
        "Jean-Baptiste Étienne": ["JB Etienne"],
    }
)

CASES = [
    ("the name as nominated", "María Pérez", Choice(Kind.CANDIDATE, "María Pérez")),
    ("without accents, other case", "maria perez", Choice(Kind.CANDIDATE, "María Pérez")),
    ("spaces and a trailing full stop", "  JOAO   araujo. ", Choice(Kind.CANDIDATE, "João Araújo")),
    ("an alias from the roster", "Mari Perez", Choice(Kind.CANDIDATE, "María Pérez")),
    ("another alias", "jb etienne", Choice(Kind.CANDIDATE, "Jean-Baptiste Étienne")),
    ("abstain", "abstain", Choice(Kind.ABSTAIN)),
    ("abstención", "Abstención", Choice(Kind.ABSTAIN)),
    ("abstenção", "ABSTENÇÃO", Choice(Kind.ABSTAIN)),
    ("abstention", "abstention", Choice(Kind.ABSTAIN)),
    ("a name not among the valid candidates", "Keisha Brown", "election.invalid.not_a_candidate"),
    ("a first name alone", "María", "election.invalid.not_a_candidate"),
    ("empty", "  ", "election.invalid.empty"),
    ("yes is not a candidate", "yes", "election.invalid.not_a_candidate"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_ballot_names_a_valid_candidate_or_abstains(text: str, expected: object) -> None:
    found = read_choice(text, INDEX)
    if isinstance(expected, str):
        assert isinstance(found, Reason) and found.key == expected
    else:
        assert found == expected


MOTION = [
    ("yes", Kind.YES),
    ("Sí", Kind.YES),
    ("sim", Kind.YES),
    ("OUI", Kind.YES),
    ("no", Kind.NO),
    ("não", Kind.NO),
    ("non", Kind.NO),
    ("abstención", Kind.ABSTAIN),
]


@pytest.mark.parametrize(("text", "kind"), MOTION)
def test_a_motion_is_answered_yes_no_or_abstain_in_four_languages(text: str, kind: Kind) -> None:
    assert read_choice(text, None) == Choice(kind)


def test_anything_else_on_a_motion_is_invalid() -> None:
    found = read_choice("maybe", None)
    assert isinstance(found, Reason) and found.key == "election.invalid.not_yes_no"


def test_a_form_two_candidates_share_names_neither() -> None:
    index = candidate_index({"Ana Silva": ["A. Silva"], "Ana Souza": ["A. Silva"]})
    assert isinstance(read_choice("A. Silva", index), Reason)
    assert read_choice("ana silva", index) == Choice(Kind.CANDIDATE, "Ana Silva")


@given(st.text(max_size=60))
def test_no_text_becomes_a_new_candidate(text: str) -> None:
    found = read_choice(text, INDEX)
    assert (
        isinstance(found, Reason)
        or found.kind is Kind.ABSTAIN
        or found.candidate
        in {
            "María Pérez",
            "João Araújo",
            "Jean-Baptiste Étienne",
        }
    )


def test_names_that_differ_only_by_accents_are_told_apart_by_their_spelling() -> None:
    """Found in review: "José Peña" and "Jose Pena" both valid candidates; each spelled exactly
    gets its votes; a spelling that fits both is invalid and says so."""
    index = candidate_index({"José Peña": [], "Jose Pena": []})
    assert read_choice("José Peña", index) == Choice(Kind.CANDIDATE, "José Peña")
    assert read_choice("JOSÉ  PEÑA", index) == Choice(Kind.CANDIDATE, "José Peña")
    assert read_choice("jose pena", index) == Choice(Kind.CANDIDATE, "Jose Pena")
    found = read_choice("José Pena", index)
    assert isinstance(found, Reason) and found.key == "election.invalid.ambiguous"


def test_control_characters_are_quoted_as_escapes() -> None:
    found = read_choice("Carlos\x07\x1b[2JLópez", INDEX)
    assert isinstance(found, Reason)
    assert found.params["choice"] == "Carlos\\x07\\x1b[2JLópez"
