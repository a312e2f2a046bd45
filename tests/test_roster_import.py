"""Roster import and export through the service, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import logging

import aiosqlite
import pytest

from bot.domain.errors import BadInput
from bot.region import Region
from bot.services import roster as roster_service
from bot.store import roster as roster_store
from tests.conftest import EXAMPLE_ROSTER

NOW = "2026-11-24T10:00:00+00:00"
HEADER = (
    "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
)
MIXED = (
    HEADER
    + (
        "ALS-AR-01,Asociación Ñandú,AR,2015-03-10,es,representative,María Pérez,maria@example.org,U1,AR,mp@example.net;María Pérez - Ñandú\n"  # line 2
        "ALS-AR-01,Asociación Ñandú,AR,2015-03-10,es,representative,Joaquín Núñez,joaquin@example.org,U2,AR,\n"  # 3
        "ALS-AR-01,Asociación Ñandú,AR,2015-03-10,es,representative,Third Person,third@example.org,,AR,\n"  # 4: Rule 1.1
        "ALS-XX-01,Nowhere Society,XX,2015-03-10,es,member,Nobody,nobody@example.org,,,\n"  # 5: country
        "ALS-BR-01,Instituto Exemplo,BR,2018-06-01,pt,member,João Araújo,not-an-address,,BR,\n"  # 6: e-mail
        "ALS-BR-01,Instituto Exemplo,BR,2018-13-01,pt,member,Ana,ana@example.org,,BR,\n"  # 7: date
        "ALS-BR-01,Instituto Exemplo,BR,2018-06-01,pt,member,Ana,ana@example.org,,BR,\n"  # 8: good
        "ALS-MX-01,Colectivo,MX,2016-09-05,es,member,Ana Again,ANA@example.org,,MX,\n"  # 9: two ALSs
        "ALS-MX-01,Colectivo,MX,2016-09-05,es,president,Lupe,lupe@example.org,,MX,\n"  # 10: role
        "ALS-MX-01,Colectivo,MX,2016-09-05,de,member,Lupe,lupe@example.org,,MX,\n"  # 11: noted
        ",,,,,staff,Staff Person,staff@example.org,U9,US,\n"  # 12: good, no ALS
    )
)


async def import_text(
    conn: aiosqlite.Connection, region: Region, text: str
) -> roster_service.ImportReport:
    return await roster_service.import_roster(conn, region, text.encode("utf-8"), NOW, "test")


async def test_good_rows_imported_and_each_bad_row_named(
    store: aiosqlite.Connection, region: Region
) -> None:
    report = await import_text(store, region, MIXED)
    got = {r.line: [x.key.split(".")[-1] for x in r.reasons] for r in report.rejected}
    assert got == {
        4: ["third_representative"],
        5: ["unknown_country"],
        6: ["bad_email"],
        7: ["bad_date"],
        9: ["email_two_als"],
        10: ["unknown_role"],
    }
    # Line 11's language is not the region's: the row is imported, the person without it.
    assert [(n.line, [r.key for r in n.reasons]) for n in report.noted] == [
        (11, ["roster.note.language_not_in_region"])
    ]
    assert report.created == 5 and report.updated == 0
    exported = await roster_service.export_roster(store)
    emails = sorted(p["email"] for als in exported for p in als["people"])
    assert emails == [
        "ana@example.org",
        "joaquin@example.org",
        "lupe@example.org",
        "maria@example.org",
        "staff@example.org",
    ]
    lupe = [p for als in exported for p in als["people"] if p["email"] == "lupe@example.org"]
    assert lupe[0]["language"] is None


async def test_import_twice_changes_nothing(store: aiosqlite.Connection, region: Region) -> None:
    await import_text(store, region, MIXED)
    before_audit = await count(store, "audit_log")
    again = await import_text(store, region, MIXED)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert await count(store, "audit_log") == before_audit


async def test_a_change_is_an_update_and_is_audited(
    store: aiosqlite.Connection, region: Region
) -> None:
    await import_text(store, region, MIXED)
    before = await count(store, "audit_log")
    changed = MIXED.replace("Joaquín Núñez", "Joaquín Núñez Ortiz")
    report = await import_text(store, region, changed)
    assert report.updated == 1
    assert await count(store, "audit_log") == before + 1


def as_csv(exported: list[roster_store.ExportedAls]) -> str:
    rows = roster_service.roster_csv_rows(exported)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# Two representatives of one ALS writing different languages, a person with none, people
# without an ALS: the `language` column is each person's (issue 18).
LANGUAGES_ROSTER = EXAMPLE_ROSTER.read_text(encoding="utf-8") + (
    "ALS-BO-01,Red Boliviana,BO,2019-05-01,es,representative,Evo Ejemplo,evo@example.org,,BO,\n"
    "ALS-BO-01,Red Boliviana,BO,2019-05-01,pt,representative,Ana Bo,anabo@example.org,,BR,\n"
    "ALS-BO-01,Red Boliviana,BO,2019-05-01,,member,Sin Idioma,sin@example.org,,BO,\n"
    "ALS-GY-01,Guyana Users,GY,2021-01-10,,,,,,,\n"
    ",,,,fr,member,Individual Member,individual@example.org,,HT,\n"
)


async def test_round_trip_keeps_accents_aliases_and_each_persons_language(
    store: aiosqlite.Connection, region: Region
) -> None:
    data = LANGUAGES_ROSTER.encode("utf-8")
    first = await roster_service.import_roster(store, region, data, NOW, "test")
    assert not first.rejected and not first.noted
    exported = as_csv(await roster_service.export_roster(store))
    assert "Jean-Baptiste Étienne" in exported and "María Pérez - AFUI" in exported
    written = {r["email"]: r["language"] for r in csv.DictReader(io.StringIO(exported))}
    assert written["evo@example.org"] == "es" and written["anabo@example.org"] == "pt"
    assert written["sin@example.org"] == "" and written["individual@example.org"] == "fr"
    assert written["jb.etienne@example.org"] == "fr" and written[""] == ""  # the ALS-only row
    before = await count(store, "audit_log")
    again = await roster_service.import_roster(store, region, exported.encode("utf-8"), NOW, "t")
    assert (again.created, again.updated, len(again.rejected)) == (0, 0, 0)
    assert await count(store, "audit_log") == before
    assert as_csv(await roster_service.export_roster(store)) == exported


async def test_a_persons_own_choice_survives_a_reimport_that_leaves_their_column(
    store: aiosqlite.Connection, region: Region
) -> None:
    data = LANGUAGES_ROSTER.encode("utf-8")
    await roster_service.import_roster(store, region, data, NOW, "test")
    maria = await roster_store.member_by(store, "email", "maria.perez@example.org")
    assert maria is not None and (maria.language, maria.roster_language) == (None, "es")
    await roster_store.set_language(store, maria.person_id, "fr", NOW)
    exported = await roster_service.export_roster(store)
    [person] = [p for a in exported for p in a["people"] if p["email"] == maria.email]
    assert (person["language"], person["chosen_language"]) == ("es", "fr")

    # The same file again, or the export (which writes the roster's column back): kept.
    for again in (data, as_csv(exported).encode("utf-8")):
        report = await roster_service.import_roster(store, region, again, NOW, "test")
        assert report.updated == 0
        maria = await roster_store.member_by(store, "email", maria.email)
        assert maria is not None and maria.language == "fr"
    languages = await roster_service.languages_by_email(store, region)
    assert languages[maria.email] == "fr"

    # Another row changed, not hers: kept. Her column changed: the roster's new value wins.
    other = LANGUAGES_ROSTER.replace("Evo Ejemplo,evo@example.org", "Evo E.,evo@example.org")
    await roster_service.import_roster(store, region, other.encode("utf-8"), NOW, "test")
    assert (await roster_service.languages_by_email(store, region))[maria.email] == "fr"
    changed = other.replace(
        "2015-03-10,es,representative,María Pérez", "2015-03-10,pt,representative,María Pérez"
    )
    report = await roster_service.import_roster(store, region, changed.encode("utf-8"), NOW, "t")
    assert report.updated == 1
    maria = await roster_store.member_by(store, "email", maria.email)
    assert maria is not None and (maria.language, maria.roster_language) == (None, "pt")
    assert (await roster_service.languages_by_email(store, region))[maria.email] == "pt"


async def test_a_file_without_a_language_column_leaves_the_languages(
    store: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(store, region, EXAMPLE_ROSTER.read_bytes(), NOW, "test")
    rows = list(csv.DictReader(io.StringIO(EXAMPLE_ROSTER.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    columns = [c for c in rows[0] if c != "language"]
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    report = await roster_service.import_roster(
        store, region, buffer.getvalue().encode("utf-8"), NOW, "test"
    )
    assert (report.updated, len(report.rejected)) == (0, 0)
    languages = await roster_service.languages_by_email(store, region)
    assert languages["joao.araujo@example.org"] == "pt"


async def test_a_language_not_the_regions_falls_back_with_a_log_line(
    store: aiosqlite.Connection, region: Region, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "lacralo_bot.roster")
    text = LANGUAGES_ROSTER.replace(
        "BO,2019-05-01,,member,Sin Idioma", "BO,2019-05-01,Deutsch,member,Sin Idioma"
    ).replace(",,,,fr,member,Individual", ",,,,de,member,Individual")
    report = await roster_service.import_roster(store, region, text.encode("utf-8"), NOW, "t")
    assert not report.rejected and [n.line for n in report.noted] == [16, 18]
    logged = [r.getMessage() for r in caplog.records]
    assert any("line 16" in m and "Deutsch" in m for m in logged), logged
    languages = await roster_service.languages_by_email(store, region)
    # ALS-BO-01's two representatives differ (es, pt): the region's default, English.
    assert languages["sin@example.org"] == "en"
    assert languages["individual@example.org"] == "en"  # no ALS: the region's default


async def test_bom_is_accepted(store: aiosqlite.Connection, region: Region) -> None:
    report = await roster_service.import_roster(
        store, region, b"\xef\xbb\xbf" + MIXED.encode("utf-8"), NOW, "test"
    )
    assert report.created == 5


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"Nombre;Correo\nx;y\n", "roster.file.missing_columns"),
        (
            HEADER.encode("utf-8")
            + "ALS-1,Asociación,AR,,es,member,Ñ,a@b.org,,,\n".encode("latin-1"),
            "roster.file.not_utf8",
        ),
    ],
)
async def test_unreadable_files_are_bad_input(
    store: aiosqlite.Connection, region: Region, data: bytes, key: str
) -> None:
    with pytest.raises(BadInput) as caught:
        await roster_service.import_roster(store, region, data, NOW, "test")
    assert caught.value.reason.key == key


async def count(conn: aiosqlite.Connection, table: str) -> int:
    async with conn.execute(f"SELECT count(*) FROM {table}") as cur:  # noqa: S608 - fixed names
        return int((await cur.fetchone())[0])
