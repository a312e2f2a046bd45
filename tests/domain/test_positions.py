"""Position names in four languages (issue 16, point 5), against the shipped region's forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.positions import PositionMatch, choose, match_position, position_index
from bot.region import RegionError, load_region

REGION = load_region()
INDEX = position_index({code: p.forms() for code, p in REGION.positions.items()})
ALAC = ("alac-member-even", "alac-member-odd")

CASES = [
    # Spanish text of the 2021 rules (seed 002): Vice-Presidente, Vice-Secretario.
    ("vicepresidente", ("chair-elect",), 1),
    ("presidente electo", ("chair-elect",), 2),
    ("Vice-Presidente", ("chair-elect",), 1),
    ("vice presidente", ("chair-elect",), 2),
    ("Presidenta Electa", ("chair-elect",), 2),
    ("chair-elect", ("chair-elect",), 1),
    ("Chair Elect", ("chair-elect",), 2),
    ("presidente eleito", ("chair-elect",), 2),
    ("Présidente désignée", ("chair-elect",), 2),
    ("vicesecretario", ("secretary-elect",), 1),
    ("secretario electo", ("secretary-elect",), 2),
    ("Vice-Secretário", ("secretary-elect",), 1),
    ("secrétaire désignée", ("secretary-elect",), 2),
    ("secretary-elect", ("secretary-elect",), 1),
    ("delegado nomcom", ("nomcom-delegate",), 2),
    ("délégué au NomCom", ("nomcom-delegate",), 3),
    ("Délégué de l'ALAC au NomCom", ("nomcom-delegate",), 5),
    ("nomcom-delegate", ("nomcom-delegate",), 1),
    ("miembro del ALAC", ALAC, 3),
    ("membre de l'ALAC", ALAC, 3),
    ("membre de l’ALAC", ALAC, 3),
    ("membre de l' ALAC", ALAC, 4),
    ("membro do ALAC", ALAC, 3),
    ("ALAC member", ALAC, 2),
    ("miembro del alac años pares", ("alac-member-even",), 5),
    ("Miembro del ALAC (años impares)", ("alac-member-odd",), 5),
    ("membre de l'ALAC années paires", ("alac-member-even",), 5),
    ("alac-member-odd", ("alac-member-odd",), 1),
    # Surrounding punctuation and runs of spaces do not matter; words after the name are left.
    ('"vicepresidente",', ("chair-elect",), 1),
    ("vicepresidente 2026-12-15", ("chair-elect",), 1),
    ("secretario   electo @maria", ("secretary-elect",), 2),
]


@pytest.mark.parametrize(("text", "codes", "used"), CASES, ids=[c[0] for c in CASES])
def test_names_in_four_languages(text: str, codes: tuple[str, ...], used: int) -> None:
    assert match_position(INDEX, text.split()) == PositionMatch(codes, used)


@pytest.mark.parametrize("text", ["presidente", "president", "secretario", "xyzzy", "", "—"])
def test_no_position(text: str) -> None:
    # "presidente" alone is the Chair, who is not elected this way: not the Chair-Elect.
    assert match_position(INDEX, text.split()) is None


def test_matching_starts_where_told() -> None:
    words = ["nominar", "@maria", "vice-presidente", "2026"]
    assert match_position(INDEX, words, 2) == PositionMatch(("chair-elect",), 1)
    assert match_position(INDEX, words) is None


def test_choose_settles_an_alac_name_when_one_seat_is_open() -> None:
    both = PositionMatch(ALAC, 3)
    assert choose(both, {"alac-member-odd", "chair-elect"}) == "alac-member-odd"
    assert choose(both, set(ALAC)) is None
    assert choose(both, set()) is None
    assert choose(PositionMatch(("nomcom-delegate",), 1), set()) == "nomcom-delegate"


FORMS = [(code, form) for code, p in REGION.positions.items() for form in p.forms()]


@given(
    st.sampled_from(FORMS),
    st.sampled_from([str.lower, str.upper, str.title, str.strip]),
    st.lists(st.from_regex(r"[0-9@][0-9a-z.-]{0,9}", fullmatch=True), max_size=3),
)
def test_every_form_names_its_position(
    item: tuple[str, str], case: Callable[[str], str], after: list[str]
) -> None:
    code, form = item
    words = case(form).split()
    match = match_position(INDEX, [*words, *after])
    assert match is not None and code in match.codes
    assert match.used == len(words)


def test_every_position_has_aliases_in_four_languages() -> None:
    for position in REGION.positions.values():
        assert set(position.aliases) == {"en", "es", "pt", "fr"}, position.code


REGION_WITH = """
ralo: AFRALO
name: {{en: African RALO, es: RALO de África, pt: RALO da África, fr: RALO africaine}}
languages: [en, fr]
subregions:
  N:
    name: {{en: North, es: Norte, pt: Norte, fr: Nord}}
    main_zones: [Africa/Cairo]
    countries:
      EG: {{names: {{en: Egypt, es: Egipto, pt: Egito, fr: Égypte}}, zones: [Africa/Cairo]}}
positions:
  chair: {{names: {{en: Chair, es: Presidente, pt: Presidente, fr: Président}}{aliases}}}
"""


def test_aliases_are_optional(tmp_path: Path) -> None:
    path = tmp_path / "afralo.yaml"
    path.write_text(REGION_WITH.format(aliases=""), encoding="utf-8")
    chair = load_region(path).positions["chair"]
    assert chair.aliases == {}
    assert chair.forms() == ("chair", "Chair", "Presidente", "Président")


@pytest.mark.parametrize(
    "aliases",
    [
        ", aliases: [chair]",
        ", aliases: {en: chair}",
        ", aliases: {en: [chair, '']}",
        ", aliases: {en: [chair, 3]}",
        ", aliases: {en: [chair, '  ']}",
    ],
)
def test_bad_aliases_are_refused_naming_the_position(tmp_path: Path, aliases: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(REGION_WITH.format(aliases=aliases), encoding="utf-8")
    with pytest.raises(RegionError, match="positions: chair: aliases"):
        load_region(path)
