"""Reading a Zoom display name into the name and its tags (issue 19, point 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.names import name_key, name_tokens, read_display

READ = [
    ("María Pérez", ("maria", "perez"), ()),
    ("  maria   PÉREZ ", ("maria", "perez"), ()),
    ("María Pérez - ISOC Argentina", ("maria", "perez"), ("isoc argentina",)),
    ("Maria Perez (Nodo TAU)", ("maria", "perez"), ("nodo tau",)),
    ("Juan | Nodo TAU", ("juan",), ("nodo tau",)),
    ("Juan|Nodo TAU", ("juan",), ("nodo tau",)),
    ("Keisha Brown – EIUS", ("keisha", "brown"), ("eius",)),
    ("Andrés Gómez / Fundación", ("andres", "gomez"), ("fundacion",)),
    ("María Pérez (BR) [ALS-AR-01]", ("maria", "perez"), ("br", "als ar 01")),
    # the dash inside a name is not a separator
    ("Jean-Pierre Dupont", ("jean", "pierre", "dupont"), ()),
    ("Jean-Baptiste Étienne-Louis", ("jean", "baptiste", "etienne", "louis"), ()),
    # device words, with their link word, and anything with a digit
    ("iPhone de María", ("maria",), ()),
    ("iPad do João", ("joao",), ()),
    ("Maria's iPhone", ("maria",), ()),
    ("Galaxy S21", (), ()),
    ("Samsung Galaxy A52 de Rosa Quispe", ("rosa", "quispe"), ()),
    ("iPhone Pro Max", (), ()),
    ("Max Pérez", ("max", "perez"), ()),  # "max" is a model word only after a device
    ("O'Brien, Ana", ("obrien", "ana"), ()),
    ("(iPhone de Rosa)", (), ("iphone de rosa",)),
    ("", (), ()),
]


@pytest.mark.parametrize(("display", "tokens", "tags"), READ, ids=[r[0] or "empty" for r in READ])
def test_read_display(display: str, tokens: tuple[str, ...], tags: tuple[str, ...]) -> None:
    read = read_display(display)
    assert (read.tokens, read.tags) == (tokens, tags)


def test_the_organisation_first_is_another_reading() -> None:
    readings = read_display("ISOC Argentina - María Pérez").readings()
    assert readings == [
        (("isoc", "argentina"), ("maria perez",)),
        (("maria", "perez"), ("isoc argentina",)),
    ]


KEYS = [
    ("Pérez, María", ("maria", "perez")),
    ("María de los Ángeles Pérez", ("angeles", "maria", "perez")),  # particles do not count
    ("Keisha B.", ("keisha",)),  # an initial does not count
    ("Juan Van der Berg", ("berg", "juan")),
]


@pytest.mark.parametrize(("name", "key"), KEYS, ids=[k[0] for k in KEYS])
def test_name_key_folds_order_particles_and_initials(name: str, key: tuple[str, ...]) -> None:
    assert name_key(name_tokens(name)) == key


@given(st.text(max_size=80))
def test_any_text_reads_into_folded_tokens(display: str) -> None:
    read = read_display(display)
    for tokens, tags in read.readings():
        assert all(t and t == t.casefold() and " " not in t for t in tokens)
        assert all(not any(ch.isdigit() for ch in t) for t in tokens)
        assert all(tag and tag == " ".join(tag.split()) for tag in tags)


@given(st.lists(st.sampled_from(["maría", "PÉREZ", "Gómez", "ana", "Núñez", "o'neil"]), max_size=5))
def test_word_order_case_and_accents_do_not_change_the_key(parts: list[str]) -> None:
    forward = name_key(name_tokens(" ".join(parts)))
    backward = name_key(name_tokens(" ".join(reversed(parts)).upper()))
    assert forward == backward
