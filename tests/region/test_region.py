"""Region data: LACRALO's four sub-regions of the 2021 elections document (seed 002)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.region import Region, RegionError, load_region

# Seed 002, "Leadership Position Rotation per Subregion": the countries of each sub-region.
SEED_002 = {
    "A": {"BZ", "CR", "SV", "GT", "HN", "NI", "MX", "PA"},
    "B": {"BO", "CL", "CO", "EC", "PE", "VE"},
    "C": {"AG", "BS", "BB", "CU", "DM", "GD", "GY", "HT", "JM", "DO", "VC", "LC", "KN", "SR", "TT"},
    "D": {"AR", "BR", "PY", "UY"},
}


def test_four_subregions_with_the_33_countries_of_seed_002(region: Region) -> None:
    assert {code: set(s.countries) for code, s in region.subregions.items()} == SEED_002
    assert len(region.countries) == 33
    assert region.subregion_of("br") == "D"


def test_every_name_in_four_languages(region: Region) -> None:
    for item in [
        *region.countries.values(),
        *region.subregions.values(),
        *region.positions.values(),
    ]:
        assert set(item.names) >= {"en", "es", "pt", "fr"}, item
    assert region.countries["BR"].name("pt") == "Brasil"
    assert region.subregions["C"].name("es") == "Islas del Caribe"


def test_every_country_has_a_time_zone_and_each_subregion_main_zones(region: Region) -> None:
    assert all(c.zones for c in region.countries.values())
    assert all(s.main_zones for s in region.subregions.values())


def test_rotation_names_known_positions_and_subregions(region: Region) -> None:
    assert (
        region.rotation[2021]["secretary-elect"] == "C"
    )  # seed 002: the 2021 vacancy, sub-region C
    assert region.positions["alac-member-odd"].alac


def test_rule_readings_default_to_the_text(region: Region) -> None:
    assert region.status_policy["consecutive_missed_calls"] == 3
    assert region.status_policy["criteria"] == "any"
    assert region.status_policy["window"] == "calendar-year"


def test_lists_are_keyed_by_lower_case_list_id(region: Region) -> None:
    assert "lac-discuss-es.atlarge-lists.icann.org" in region.lists


OTHER_RALO = """
ralo: AFRALO
name: {en: African RALO, es: RALO de África, pt: RALO da África, fr: RALO africaine}
languages: [en, fr]
subregions:
  N:
    name: {en: North, es: Norte, pt: Norte, fr: Nord}
    main_zones: [Africa/Cairo]
    countries:
      EG: {names: {en: Egypt, es: Egipto, pt: Egito, fr: Égypte}, zones: [Africa/Cairo]}
positions:
  chair: {names: {en: Chair, es: Presidente, pt: Presidente, fr: Président}}
rotation:
  2026: {chair: N}
"""


def test_another_ralo_is_another_file(tmp_path: Path) -> None:
    path = tmp_path / "afralo.yaml"
    path.write_text(OTHER_RALO, encoding="utf-8")
    other = load_region(path)
    assert other.ralo == "AFRALO" and other.subregion_of("EG") == "N"


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ("Africa/Cairo]}", "Africa/Atlantis]}"),
        ("2026: {chair: N}", "2026: {chair: Z}"),
    ],
)
def test_inconsistent_region_file_is_refused(tmp_path: Path, change: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(OTHER_RALO.replace(change, needle), encoding="utf-8")
    with pytest.raises(RegionError):
        load_region(path)


def test_unreadable_region_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegionError):
        load_region(tmp_path / "missing.yaml")
