"""Roster import and export through the service, on a real SQLite file."""

from __future__ import annotations

import csv
import io

import aiosqlite
import pytest

from bot.domain.errors import BadInput
from bot.region import Region
from bot.services import roster as roster_service
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
        "ALS-MX-01,Colectivo,MX,2016-09-05,de,member,Lupe,lupe@example.org,,MX,\n"  # 11: language
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
        11: ["unknown_language"],
    }
    assert report.created == 4 and report.updated == 0
    exported = await roster_service.export_roster(store)
    emails = sorted(p["email"] for als in exported for p in als["people"])
    assert emails == [
        "ana@example.org",
        "joaquin@example.org",
        "maria@example.org",
        "staff@example.org",
    ]


async def test_import_twice_changes_nothing(store: aiosqlite.Connection, region: Region) -> None:
    await import_text(store, region, MIXED)
    before_audit = await count(store, "audit_log")
    again = await import_text(store, region, MIXED)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
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


async def test_round_trip_keeps_accents_and_aliases(
    store: aiosqlite.Connection, region: Region
) -> None:
    data = EXAMPLE_ROSTER.read_bytes()
    first = await roster_service.import_roster(store, region, data, NOW, "test")
    assert not first.rejected
    rows = roster_service.roster_csv_rows(await roster_service.export_roster(store))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    exported = buffer.getvalue()
    assert "Jean-Baptiste Étienne" in exported and "María Pérez - AFUI" in exported
    again = await roster_service.import_roster(store, region, exported.encode("utf-8"), NOW, "test")
    assert (again.created, again.updated, len(again.rejected)) == (0, 0, 0)


async def test_bom_is_accepted(store: aiosqlite.Connection, region: Region) -> None:
    report = await roster_service.import_roster(
        store, region, b"\xef\xbb\xbf" + MIXED.encode("utf-8"), NOW, "test"
    )
    assert report.created == 4


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
