"""Each person's language and each ALS's (issue 18, point 1): the rules as a table, then through
the roster import, the `language` command, the migration and the proxy notices."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import aiosqlite
import pytest

from bot.deps import Deps
from bot.domain import languages as rules
from bot.i18n import t
from bot.region import Region
from bot.services import proxy_notices
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import migrate, open_store
from bot.store import roster as roster_store
from tests.conftest import EXAMPLE_ROSTER
from tests.handlers.helpers import NOW, ask

ALL = ("en", "es", "pt", "fr")


@pytest.mark.parametrize(
    ("chosen", "roster", "als", "allowed", "expected"),
    [
        ("fr", "es", "es", ALL, rules.Resolved("fr", "chosen")),
        (None, "pt", "es", ALL, rules.Resolved("pt", "roster")),
        (None, None, "es", ALL, rules.Resolved("es", "als")),
        (None, None, None, ALL, rules.Resolved("en", "default")),
        # Bad input: not one of the region's, so the ALS's, then the region's default.
        (None, "pt", "fr", ("en", "fr"), rules.Resolved("fr", "als", ("pt",))),
        ("es", "pt", None, ("en", "fr"), rules.Resolved("en", "default", ("es", "pt"))),
        (None, None, None, ("fr",), rules.Resolved("fr", "default")),  # a default not allowed
    ],
)
def test_a_persons_language(
    chosen: str | None,
    roster: str | None,
    als: str | None,
    allowed: tuple[str, ...],
    expected: rules.Resolved,
) -> None:
    assert rules.resolve(chosen, roster, als, "en", allowed) == expected


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([("representative", "pt"), ("representative", "pt"), ("member", "es")], "pt"),
        ([("representative", "es"), ("representative", "pt")], "en"),  # no shared one
        ([("representative", "fr"), ("representative", None)], "fr"),
        ([("representative", "es"), ("member", "pt"), ("member", "pt")], "es"),
        ([("observer", "es")], "es"),  # an applicant ALS: its other people
        ([("representative", "de"), ("member", "fr")], "fr"),  # "de" is no language of ours
        ([], "en"),
    ],
)
def test_an_als_speaks_the_language_its_representatives_share(
    people: list[tuple[str, str | None]], expected: str
) -> None:
    assert rules.als_language(people, "en") == expected


def test_the_regions_default_is_its_first_announcement_language(region: Region) -> None:
    assert rules.region_default(("en", "es", "pt", "fr"), ("en", "es")) == "en"
    assert rules.region_default(("fr", "en"), ("es", "en")) == "en"  # es is not the region's
    assert rules.region_default(("fr", "en"), ()) == "fr"
    assert roster_service.region_default_language(region) == "en"


def test_languages_in_the_regions_order() -> None:
    assert rules.in_region_order(["fr", "es", "es", "xx"], ALL) == ["es", "fr"]


async def import_example(conn: aiosqlite.Connection, region: Region, extra: str = "") -> None:
    data = (EXAMPLE_ROSTER.read_text(encoding="utf-8") + extra).encode("utf-8")
    report = await roster_service.import_roster(conn, region, data, "2026-01-01T00:00:00Z", "t")
    assert not report.rejected


async def als_language(conn: aiosqlite.Connection, als_id: str) -> str:
    als = await roster_store.get_als(conn, als_id)
    assert als is not None
    return als.language


async def test_the_import_stores_each_persons_language_and_derives_the_als(
    store: aiosqlite.Connection, region: Region
) -> None:
    await import_example(
        store,
        region,
        "ALS-BO-01,Red,BO,2019-05-01,es,representative,Evo,evo@example.org,,BO,\n"
        "ALS-BO-01,Red,BO,2019-05-01,pt,representative,Ana,anabo@example.org,,BR,\n"
        "ALS-GY-01,Guyana Users,GY,2021-01-10,,,,,,,\n",
    )
    assert await als_language(store, "ALS-BR-01") == "pt"
    assert await als_language(store, "ALS-HT-01") == "fr"
    assert await als_language(store, "ALS-PE-01") == "es"  # an observer only
    assert await als_language(store, "ALS-BO-01") == "en"  # es and pt: the region's default
    assert await als_language(store, "ALS-GY-01") == "en"  # nobody listed
    assert await roster_service.roster_languages(store, region) == ["en", "es", "pt", "fr"]
    exported = {a["als_id"]: a["language"] for a in await roster_service.export_roster(store)}
    assert exported["ALS-BO-01"] == "en" and exported["ALS-BR-01"] == "pt"


async def test_roster_languages_are_the_ones_people_read(
    store: aiosqlite.Connection, region: Region
) -> None:
    only = "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
    data = (
        only
        + "ALS-AR-01,Asociación,AR,2015-03-10,es,representative,María,maria@example.org,,AR,\n"
        + ",,,,,staff,Staff,staff@example.org,,US,\n"  # no language: the region's default
    )
    await roster_service.import_roster(store, region, data.encode("utf-8"), "2026-01-01", "t")
    assert await roster_service.roster_languages(store, region) == ["en", "es"]
    maria = await roster_store.member_by(store, "email", "maria@example.org")
    assert maria is not None
    await roster_store.set_language(store, maria.person_id, "fr", "2026-01-02")
    assert await roster_service.roster_languages(store, region) == ["en", "fr"]


async def test_person_language_logs_a_language_that_is_not_the_regions(
    store: aiosqlite.Connection, region: Region, caplog: pytest.LogCaptureFixture
) -> None:
    await import_example(store, region)
    joao = await roster_store.member_by(store, "email", "joao.araujo@example.org")
    assert joao is not None
    caplog.set_level(logging.WARNING, "lacralo_bot.roster")
    assert roster_service.person_language(joao, joao.als_language, "en") == "pt"
    assert not caplog.records
    # A region that speaks English and French only (AFRALO's languages, say).
    assert roster_service.person_language(joao, "fr", "en", ("en", "fr")) == "fr"
    [line] = [r.getMessage() for r in caplog.records]
    assert "joao.araujo@example.org" in line and "pt" in line and "fr" in line


async def test_the_language_command_is_a_choice_the_als_follows(
    tmp_path: Path, region: Region
) -> None:
    conn = await open_store(tmp_path / "choice.db")
    try:
        await import_example(conn, region)
        deps = Deps(store=conn, settings=Settings(), region=region, clock=lambda: NOW)
        assert await als_language(conn, "ALS-AR-01") == "es"
        await ask(deps, "maria.perez@example.org", "language pt")
        assert await als_language(conn, "ALS-AR-01") == "en"  # es and pt now: no shared one
        await ask(deps, "joaquin.nunez@example.org", "idioma pt")
        assert await als_language(conn, "ALS-AR-01") == "pt"
        maria = await roster_store.member_by(conn, "email", "maria.perez@example.org")
        assert maria is not None and (maria.language, maria.roster_language) == ("pt", "es")
        async with conn.execute(
            "SELECT language_chosen_at FROM person WHERE person_id = ?", (maria.person_id,)
        ) as cur:
            assert (await cur.fetchone())[0] == NOW.isoformat()
        answer = await ask(deps, "maria.perez@example.org", "language de")
        assert answer == t("commands.language.which", "pt")
    finally:
        await conn.close()


async def test_migration_15_moves_the_als_column_to_its_people(tmp_path: Path) -> None:
    conn = await aiosqlite.connect(tmp_path / "v14.db", isolation_level=None)
    await migrate(conn, target=14)
    await conn.execute("INSERT INTO als VALUES ('ALS-1', 'Ñandú', 'AR', 'D', NULL, 'pt', 'then')")
    await conn.executemany(
        "INSERT INTO person (email, name, name_key, als_id, role, language, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("a@x.org", "A", "a", "ALS-1", "representative", None, "t1"),
            ("b@x.org", "B", "b", "ALS-1", "representative", "fr", "t2"),  # chose French
            ("s@x.org", "S", "s", None, "staff", None, "t3"),
        ],
    )
    await conn.close()
    conn = await open_store(tmp_path / "v14.db")
    try:
        async with conn.execute(
            "SELECT email, language, roster_language, language_chosen_at FROM person ORDER BY email"
        ) as cur:
            assert [tuple(r) for r in await cur.fetchall()] == [
                ("a@x.org", "pt", "pt", None),
                ("b@x.org", "fr", "pt", "t2"),
                ("s@x.org", None, None, None),
            ]
    finally:
        await conn.close()


async def test_proxy_notices_reach_each_person_in_their_language(
    tmp_path: Path, region: Region
) -> None:
    conn = await open_store(tmp_path / "proxy.db")
    try:
        await import_example(conn, region)
        settings = Settings(outbound_smtp_host="127.0.0.1")
        deps = Deps(store=conn, settings=settings, region=region, clock=lambda: NOW)
        joaquin = await roster_store.member_by(conn, "email", "joaquin.nunez@example.org")
        assert joaquin is not None
        await roster_store.set_language(conn, joaquin.person_id, "fr", "2026-01-02")
        queued = await proxy_notices.confirm(deps, "ALS-AR-01", "ALS-BR-01", "given", NOW)
        async with conn.execute("SELECT recipient, payload FROM outbox") as cur:
            subjects = {r: json.loads(p)["subject"] for r, p in await cur.fetchall()}
        expected = {
            "maria.perez@example.org": "es",
            "joaquin.nunez@example.org": "fr",  # his own choice
            "joao.araujo@example.org": "pt",
            "chair@example.org": "en",  # no ALS, no language: the region's default
            "secretary@example.org": "en",
            "staff@example.org": "en",
        }
        assert queued == len(expected)
        assert subjects == {
            email: t("notices.proxy.given_subject", lang, ralo="LACRALO", giver="ALS-AR-01")
            for email, lang in expected.items()
        }
    finally:
        await conn.close()
