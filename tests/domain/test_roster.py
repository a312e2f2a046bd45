"""Roster rules as a table of cases; Rule 1.1 and 1.2 cite seed 003 (Rules of Procedure)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.roster import KnownRoster, Rejection, RosterRow, check_rows
from bot.domain.roster_row import parse_row

COUNTRIES = {"AR": "D", "BR": "D", "MX": "A", "HT": "C", "CO": "B"}


def row(**cells: str) -> dict[str, str]:
    base = {
        "als_id": "ALS-AR-01",
        "als_name": "Asociación Ñandú",
        "country": "AR",
        "accredited_on": "2015-03-10",
        "language": "es",
        "role": "representative",
        "name": "María Pérez",
        "email": "Maria.Perez@Example.org",
        "slack_id": "U1",
        "nationality": "AR",
        "aliases": "",
    }
    base.update(cells)
    return base


def reason_keys(result: RosterRow | Rejection) -> list[str]:
    assert isinstance(result, Rejection), f"expected a rejection, got {result}"
    return [r.key.split(".")[-1] for r in result.reasons]


GOOD = [
    ("representative of an accredited ALS (Rule 1.1)", row()),
    (
        "applicant ALS with empty accreditation date (Rule 1.2)",
        row(accredited_on="", role="observer"),
    ),
    ("staff without an ALS", row(als_id="", als_name="", country="", role="staff")),
    ("lower-case country code", row(country="ar")),
    ("internationalised address", row(email="josé@correo.example.ar")),
    ("an ALS-only row", row(role="", name="", email="", slack_id="", nationality="")),
]


@pytest.mark.parametrize(("case", "cells"), GOOD, ids=[c for c, _ in GOOD])
def test_acceptable_rows(case: str, cells: dict[str, str]) -> None:
    result = parse_row(2, cells, COUNTRIES)
    assert isinstance(result, RosterRow), case


def test_parsed_row_is_normalised() -> None:
    result = parse_row(2, row(aliases=" MP@Example.net ; María Pérez - ISOC ;; "), COUNTRIES)
    assert isinstance(result, RosterRow) and result.person and result.als
    assert result.person.email == "maria.perez@example.org"
    assert result.person.email_aliases == ("mp@example.net",)
    assert result.person.name_aliases == ("María Pérez - ISOC",)
    assert result.als.subregion == "D" and result.als.accredited_on == date(2015, 3, 10)


BAD = [
    ("unknown country", row(country="US"), ["unknown_country"]),
    ("country outside ISO", row(country="Argentina"), ["unknown_country"]),
    ("malformed e-mail", row(email="maria.perez.example.org"), ["bad_email"]),
    ("e-mail with a space", row(email="maria perez@example.org"), ["bad_email"]),
    ("impossible date", row(accredited_on="2023-02-30"), ["bad_date"]),
    ("date in another format", row(accredited_on="10/03/2015"), ["bad_date"]),
    ("unknown role", row(role="president"), ["unknown_role"]),
    ("missing name", row(name=""), ["missing"]),
    (
        "representative with no ALS (Rule 1.1)",
        row(als_id="", als_name="", country=""),
        ["representative_without_als"],
    ),
    ("bad alias address", row(aliases="not@an@address"), ["bad_alias"]),
    ("nationality not ISO", row(nationality="Argentine"), ["bad_nationality"]),
    ("ALS id with spaces", row(als_id="ALS AR"), ["bad_als_id"]),
    (
        "empty row",
        row(
            als_id="",
            als_name="",
            country="",
            role="",
            name="",
            email="",
            slack_id="",
            nationality="",
        ),
        ["empty_row"],
    ),
    (
        "several problems at once",
        row(country="XX", email="x", role="boss"),
        ["unknown_country", "bad_email", "unknown_role"],
    ),
]


@pytest.mark.parametrize(("case", "cells", "keys"), BAD, ids=[c for c, _, _ in BAD])
def test_rejected_rows_say_why(case: str, cells: dict[str, str], keys: list[str]) -> None:
    result = parse_row(5, cells, COUNTRIES)
    assert reason_keys(result) == keys
    assert isinstance(result, Rejection) and result.line == 5


def parse_all(*rows: dict[str, str]) -> list[RosterRow | Rejection]:
    return [parse_row(i + 2, r, COUNTRIES) for i, r in enumerate(rows)]


def test_rule_1_1_third_representative_in_file_is_rejected() -> None:
    rows = parse_all(
        row(email="a@x.org", slack_id="U1"),
        row(email="b@x.org", slack_id="U2"),
        row(email="c@x.org", slack_id="U3"),
    )
    accepted, rejected = check_rows(rows, KnownRoster())
    assert [r.line for r in accepted] == [2, 3]
    assert [(r.line, reason_keys(r)) for r in rejected] == [(4, ["third_representative"])]


def test_rule_1_1_counts_representatives_already_stored() -> None:
    known = KnownRoster(
        person_als={"a@x.org": "ALS-AR-01", "b@x.org": "ALS-AR-01"},
        person_role={"a@x.org": "representative", "b@x.org": "representative"},
    )
    accepted, rejected = check_rows(parse_all(row(email="c@x.org", slack_id="")), known)
    assert not accepted and reason_keys(rejected[0]) == ["third_representative"]


def test_rule_1_1_a_stored_representative_demoted_in_the_file_frees_a_seat() -> None:
    known = KnownRoster(
        person_als={"a@x.org": "ALS-AR-01", "b@x.org": "ALS-AR-01"},
        person_role={"a@x.org": "representative", "b@x.org": "representative"},
    )
    rows = parse_all(
        row(email="a@x.org", role="member", slack_id=""), row(email="c@x.org", slack_id="")
    )
    accepted, rejected = check_rows(rows, known)
    assert not rejected and len(accepted) == 2


def test_reimporting_the_same_representatives_is_not_a_third() -> None:
    known = KnownRoster(
        person_als={"a@x.org": "ALS-AR-01", "b@x.org": "ALS-AR-01"},
        person_role={"a@x.org": "representative", "b@x.org": "representative"},
    )
    rows = parse_all(row(email="a@x.org", slack_id=""), row(email="b@x.org", slack_id=""))
    accepted, rejected = check_rows(rows, known)
    assert not rejected and len(accepted) == 2


def test_same_email_in_two_als_is_rejected() -> None:
    rows = parse_all(
        row(email="a@x.org"), row(als_id="ALS-BR-01", country="BR", email="A@x.org", slack_id="U9")
    )
    accepted, rejected = check_rows(rows, KnownRoster())
    assert len(accepted) == 1 and reason_keys(rejected[0]) == ["email_two_als"]


def test_same_als_described_two_ways_is_rejected() -> None:
    rows = parse_all(row(email="a@x.org"), row(email="b@x.org", als_name="Other", slack_id="U2"))
    _, rejected = check_rows(rows, KnownRoster())
    assert reason_keys(rejected[0]) == ["als_conflict"]


def test_alias_owned_by_someone_else_is_rejected() -> None:
    known = KnownRoster(
        person_als={"other@x.org": "ALS-MX-01"}, person_role={"other@x.org": "member"}
    )
    rows = parse_all(row(email="a@x.org", aliases="other@x.org"))
    _, rejected = check_rows(rows, known)
    assert reason_keys(rejected[0]) == ["alias_taken"]
    assert rejected[0].reasons[0].params["owner"] == "other@x.org"  # says whose it is


def test_display_name_alias_compared_without_accents_or_case() -> None:
    rows = parse_all(
        row(email="a@x.org", aliases="María Pérez"),
        row(email="b@x.org", aliases="MARIA  perez", slack_id="U2"),
    )
    _, rejected = check_rows(rows, KnownRoster())
    assert reason_keys(rejected[0]) == ["alias_taken"]


def test_slack_id_of_someone_else_is_rejected() -> None:
    known = KnownRoster(slack_owner={"U1": "other@x.org"})
    _, rejected = check_rows(parse_all(row(email="a@x.org", slack_id="U1")), known)
    assert reason_keys(rejected[0]) == ["slack_taken"]
    assert rejected[0].reasons[0].params["owner"] == "other@x.org"


# The `language` column is the person's (issue 18): rows of one ALS may differ; a language that
# is not the region's is noted, and the row imported without it.


def test_the_language_is_the_persons_and_written_as_people_write_it() -> None:
    for written in ("pt", "PT", "pt-BR", "pt_BR", " Português ", "portugues"):
        result = parse_row(2, row(language=written), COUNTRIES)
        assert isinstance(result, RosterRow) and result.person and result.als
        assert result.person.language == "pt" and result.notes == ()
        assert result.als.language == ""  # the ALS's is derived from its representatives'


def test_an_empty_language_is_none_and_a_missing_column_is_told_apart() -> None:
    empty = parse_row(2, row(language=""), COUNTRIES)
    assert isinstance(empty, RosterRow) and empty.person and empty.person.language is None
    assert empty.language_given
    cells = {k: v for k, v in row().items() if k != "language"}
    absent = parse_row(2, cells, COUNTRIES)
    assert isinstance(absent, RosterRow) and not absent.language_given


@pytest.mark.parametrize(
    ("written", "languages"), [("de", ("en", "es", "pt", "fr")), ("es", ("en", "fr"))]
)
def test_a_language_not_the_regions_is_noted_not_refused(
    written: str, languages: tuple[str, ...]
) -> None:
    result = parse_row(7, row(language=written), COUNTRIES, languages)
    assert isinstance(result, RosterRow) and result.person and result.person.language is None
    [note] = result.notes
    assert note.key == "roster.note.language_not_in_region"
    assert note.params == {"value": written, "languages": ", ".join(languages)}


def test_two_representatives_of_one_als_may_write_different_languages() -> None:
    rows = parse_all(row(email="a@x.org"), row(email="b@x.org", language="pt", slack_id="U2"))
    accepted, rejected = check_rows(rows, KnownRoster())
    assert not rejected and [r.person.language for r in accepted if r.person] == ["es", "pt"]
