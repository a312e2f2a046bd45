"""Which person a Zoom display name stands for (issue 19, point 4; Rules of Procedure, auxiliary
rule to Rule 1, seed 003: a join is participation of the person's ALS). Precision first."""

from __future__ import annotations

import random
import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.attribution import RosterIndex, RosterPerson, Why, attribute
from bot.domain.names import name_key, name_tokens, tag_text

AFUI = ("ALS-AR-01", "Asociación Ficticia de Usuarios de Internet")
CDL = ("ALS-UY-01", "Colectivo Dígito Libre")
TAU = ("ALS-AR-02", "Nodo TAU")
AFI = ("ALS-HT-01", "Association Fictive des Internautes")
CEA = ("ALS-MX-01", "Colectivo Ejemplo por el Acceso")
EIUS = ("ALS-JM-01", "Example Internet Users Society")


def person(pid: int, name: str, als: tuple[str, str] | None, *aliases: str) -> RosterPerson:
    return RosterPerson(
        person_id=pid,
        name=name,
        als_id=als[0] if als else None,
        als_name=als[1] if als else None,
        aliases=aliases,
        email=f"p{pid}@example.org",
    )


ROSTER = [
    person(1, "María Pérez", AFUI, "María Pérez - AFUI"),
    person(2, "Juan Pérez", AFUI),
    person(3, "Juan Pérez", CDL),
    person(4, "Jean-Baptiste Étienne", AFI),
    person(5, "María Fernanda López Ruiz", CEA),
    person(6, "Keisha Brown", EIUS, "KB Jamaica"),
    person(7, "Joaquín Núñez", TAU),
    person(8, "Ana Silva", CDL),
    person(9, "Ana Silva", CEA),
    person(10, "Staff Example", None),
    person(11, "Guadalupe Hernández", CEA, "Lupe Hernández"),
]
INDEX = RosterIndex(ROSTER)

CASES = [
    # (case name, display, person or None, why)
    ("name as in the roster", "María Pérez", 1, Why.NAME),
    ("case, accents, spaces", "  maria   PEREZ ", 1, Why.NAME),
    ("word order and comma", "Pérez, María", 1, Why.NAME),
    ("a country code in brackets is ignored", "María Pérez (BR)", 1, Why.NAME),
    ("an organisation that is no ALS is ignored", "Joaquín Núñez | Nodo Sur", 7, Why.NAME),
    ("the person's own ALS confirms", "Joaquín Núñez (Nodo TAU)", 7, Why.NAME),
    ("device words dropped", "iPhone de Keisha Brown", 6, Why.NAME),
    ("hyphenated first name, written apart", "Jean Baptiste Etienne", 4, Why.NAME),
    ("a name alias with an ALS tag", "Lupe Hernández - Colectivo Ejemplo por el Acceso", 11, Why.NAME),
    ("roster alias, exactly", "María Pérez - AFUI", 1, Why.ALIAS),
    ("roster alias, punctuation and order", "AFUI | maria perez", 1, Why.ALIAS),
    ("a single-word alias is still an alias", "KB Jamaica", 6, Why.ALIAS),
    # Several people of that name: the ALS decides
    ("issue 19: the ALS in brackets decides", "Juan Pérez (Colectivo Dígito Libre)", 3, Why.ALS),
    ("the ALS after a dash decides", "Juan Pérez - Asociación Ficticia de Usuarios de Internet", 2, Why.ALS),
    ("the ALS id decides", "Juan Pérez [ALS-UY-01]", 3, Why.ALS),
    ("the ALS acronym decides", "Juan Pérez | AFUI", 2, Why.ALS),
    ("the organisation written first", "Colectivo Dígito Libre - Ana Silva", 8, Why.ALS),
    ("two of that name, no tag", "Juan Pérez", None, Why.AMBIGUOUS),
    ("two of that name, a tag that is no ALS", "Ana Silva (BR)", None, Why.AMBIGUOUS),
    # Conflicts: an ALS that is not the person's
    ("the only María Pérez is not of that ALS", "María Pérez (Colectivo Dígito Libre)", None, Why.CONFLICT),
    ("neither Juan Pérez is of that ALS", "Juan Pérez - Nodo TAU", None, Why.CONFLICT),
    # A first name or a surname alone: never, even unique, even with the ALS
    ("a first name alone", "Keisha", None, Why.PARTIAL),
    ("a first name alone, with the ALS", "Keisha | Example Internet Users Society", None, Why.PARTIAL),
    ("a surname alone, unique", "Núñez", None, Why.PARTIAL),
    ("a first name and an initial", "Keisha B.", None, Why.PARTIAL),
    ("a first name on a device", "iPhone de María", None, Why.PARTIAL),
    ("a first name and a group", "Juan | Nodo TAU", None, Why.PARTIAL),
    ("a compound first name alone", "Jean-Baptiste (Association Fictive des Internautes)", None, Why.UNKNOWN),
    # Shorter than the roster name: only the ALS in a tag may decide
    ("given name and a surname, with the ALS", "María López - Colectivo Ejemplo por el Acceso", 5, Why.ALS),
    ("given name and a surname, no tag", "María López", None, Why.UNKNOWN),
    ("given name and a surname, another ALS", "María López (AFUI)", None, Why.CONFLICT),
    # Nobody
    ("a device alone", "Galaxy S21", None, Why.UNKNOWN),
    ("an interpreter", "Intérprete ES", None, Why.UNKNOWN),
    ("a guest", "Zé Ninguém", None, Why.UNKNOWN),
    ("an ALS tag makes nobody out of a stranger", "Pedro Gómez (Colectivo Dígito Libre)", None, Why.UNKNOWN),
    ("empty", "", None, Why.UNKNOWN),
]  # fmt: skip


@pytest.mark.parametrize(
    ("display", "expected", "why"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_attribution(display: str, expected: int | None, why: Why) -> None:  # fmt: skip
    found = attribute(display, INDEX)
    assert (found.person_id, found.why) == (expected, why)


def test_candidates_are_shown_for_what_is_not_attributed() -> None:
    assert attribute("Juan Pérez", INDEX, explain=True).candidates == (2, 3)
    assert attribute("Keisha B.", INDEX, explain=True).candidates == (6,)
    assert attribute("Keisha Brwon", INDEX, explain=True).candidates == (6,)  # a typo
    assert attribute("María López", INDEX, explain=True).candidates == (5,)
    assert attribute("Zé Ninguém", INDEX, explain=True).candidates == ()


def test_someone_removed_is_attributed_only_what_they_did_before() -> None:
    gone = RosterPerson(
        person_id=1, name="Rosa Quispe", als_id="ALS-PE-01", removed_on="2026-06-01"
    )
    index = RosterIndex([gone])
    assert attribute("Rosa Quispe", index, on="2026-05-31").person_id == 1
    assert attribute("Rosa Quispe", index, on="2026-06-01").person_id is None
    assert attribute("Rosa Quispe", index).person_id is None  # today


def test_a_removed_namesake_does_not_make_a_name_ambiguous() -> None:
    gone = RosterPerson(person_id=1, name="Ana Silva", als_id="A", removed_on="2025-01-01")
    here = RosterPerson(person_id=2, name="Ana Silva", als_id="B")
    assert attribute("Ana Silva", RosterIndex([gone, here]), on="2026-03-01").person_id == 2


# --- Properties -------------------------------------------------------------------------------

NAMED = [p for p in ROSTER if len(name_key(name_tokens(p.name))) >= 2]
ALS_TAGS = [f" ({name})" for _, name in (AFUI, CDL, TAU, AFI, CEA, EIUS)] + [" - AFUI", ""]


def _strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@given(st.sampled_from(NAMED), st.data(), st.sampled_from(ALS_TAGS), st.booleans())
def test_never_a_single_given_name_or_surname(
    p: RosterPerson, data: st.DataObject, tag: str, device: bool
) -> None:
    token = data.draw(st.sampled_from(name_tokens(p.name)))
    display = ("iPhone de " if device else "") + token.title() + tag
    assert attribute(display, INDEX).person_id is None


@given(st.sampled_from(ROSTER), st.randoms(use_true_random=False), st.booleans(), st.booleans())
def test_word_order_accents_and_case_do_not_matter(
    p: RosterPerson, rnd: random.Random, upper: bool, bare: bool
) -> None:
    words = p.name.split()
    rnd.shuffle(words)
    shuffled = " ".join(words)
    shuffled = shuffled.upper() if upper else shuffled.lower()
    shuffled = _strip_accents(shuffled) if bare else shuffled
    assert attribute(shuffled, INDEX) == attribute(p.name, INDEX)


NAME_PARTS = ["María", "Juan", "Pérez", "Ana", "Silva", "López", "Pedro", "Keisha", "Rosa", "Gómez"]


@given(
    st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=3),
    st.sampled_from(ALS_TAGS),
)
def test_an_als_tag_never_makes_a_person_out_of_nothing(parts: list[str], tag: str) -> None:
    """With a tag, the person attributed (if any) has every token of the name, and is of the
    tagged ALS when the tag names one."""
    display = " ".join(parts) + tag
    found = attribute(display, INDEX)
    if found.person_id is None:
        return
    chosen = INDEX.people[found.person_id]
    key = set(name_key(name_tokens(" ".join(parts))))
    assert key <= set(name_key(name_tokens(chosen.name))) or found.why is Why.ALIAS
    named = INDEX.als_in([tag_text(tag)]) if tag else frozenset()
    assert not named or chosen.als_id in named


@given(st.text(max_size=60))
def test_any_text_is_answered(display: str) -> None:
    found = attribute(display, INDEX, explain=True)
    assert (found.person_id is None) != (found.why in (Why.ALIAS, Why.NAME, Why.ALS))
    assert all(pid in INDEX.people for pid in found.candidates)


def _syllables(n: int) -> str:
    """A made-up surname of its own for each number: 0 -> 'ArBa', 1 -> 'ArCe', 25 -> 'ArBaCe'."""
    out = "Ar"
    while True:
        n, rest = divmod(n, 25)
        out += "BCDFGLMNPRSTV"[rest % 13] + "aeiou"[rest % 5]
        if not n:
            return out


def test_a_roster_of_a_thousand_is_indexed_once_and_read_quickly() -> None:
    rnd = random.Random(19)
    given_names = ["María", "José", "Ana", "Luis", "Carmen", "Jorge", "Rosa", "Pedro", "Lucía"]
    surnames = ["Pérez", "Gómez", "Silva", "Rodríguez", "Núñez", "Quispe", "Santos", "Díaz"]
    people = [
        RosterPerson(
            person_id=i,
            name=f"{rnd.choice(given_names)} {rnd.choice(surnames)} {_syllables(i)}",
            als_id=f"ALS-{i % 60:02d}",
            als_name=f"Asociación Ejemplo {i % 60}",
        )
        for i in range(1000)
    ]
    started = time.perf_counter()
    index = RosterIndex(people)
    hits = sum(attribute(p.name, index).person_id == p.person_id for p in people)
    misses = [attribute(f"Invitado {i}", index) for i in range(1000)]
    elapsed = time.perf_counter() - started
    assert hits == 1000 and all(m.person_id is None for m in misses)
    assert elapsed < 5, f"{elapsed:.2f}s for an index of 1,000 and 2,000 look-ups"
