"""The public candidates page (issue 16): the nomination round in the open, in four languages.

Nominations are public (2021 elections rules), so names appear on purpose; e-mail addresses never.
Served by the bot's own aiohttp app, then in a real browser (helpers of tests/e2e/test_browser.py).
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from aiohttp.test_utils import TestClient

from bot.deps import Deps, iso
from bot.region import load_region
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import nominations as store
from bot.store import open_store
from bot.store import roster as roster_store
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.bot_process import BotProcess
from tests.e2e.page_helpers import page, served
from tests.e2e.test_browser import EMAIL, FLAGS, browser_or_skip

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ROW = re.compile(r'<tr class="candidate state-(\w+)" id="nomination-\d+">(.*?)</tr>', re.S)
NO_CONFLICT = {n: False for n in range(1, 6)}


async def _person(conn: aiosqlite.Connection, email: str) -> int:
    member = await roster_store.member_by(conn, "email", email)
    assert member is not None, email
    return member.person_id


async def seed_round(conn: aiosqlite.Connection, now: datetime) -> None:
    """This year's NomCom delegate round (open, four nominations) and ALAC seat (open, none);
    last year's Chair-Elect round, closed by acclamation."""
    maria = await _person(conn, "maria.perez@example.org")
    joaquin = await _person(conn, "joaquin.nunez@example.org")
    lupe = await _person(conn, "lupe.hernandez@example.org")
    andres = await _person(conn, "andres.gomez@example.org")
    joao = await _person(conn, "joao.araujo@example.org")
    jb = await _person(conn, "jb.etienne@example.org")
    keisha = await _person(conn, "keisha.brown@example.org")

    at = iso(now - timedelta(days=9))
    later = iso(now - timedelta(days=2))
    nomcom = await store.open_period(
        conn, "nomcom-delegate", now.year, at, iso(now + timedelta(days=21)), "A", "table"
    )
    await store.open_period(
        conn, "alac-member-even", now.year, at, iso(now + timedelta(days=21)), "C", "table"
    )
    for candidate, nominator, provisional in (
        (lupe, maria, False),
        (andres, joaquin, True),
        (joao, maria, False),
        (jb, joaquin, False),
    ):
        assert await store.add(conn, nomcom, candidate, nominator, at, provisional=provisional)

    async def nomination(candidate: int) -> int:
        found = await store.get(conn, nomcom, candidate)
        assert found is not None
        return found.nomination_id

    await store.update(
        conn,
        await nomination(lupe),
        "valid",
        "https://community.icann.org/soi/lupe",
        NO_CONFLICT,
        later,
    )
    await store.update(
        conn,
        await nomination(joao),
        "refused",
        "mailto:joao.araujo@example.org",  # never shown: not a web address, and an address
        {1: False, 2: False, 3: True},
        later,
        refused_reason={"key": "nominations.acceptance.conflict", "params": {"numbers": [3]}},
    )
    await store.update(conn, await nomination(jb), "declined", None, {}, later)

    last = now.year - 1
    chair = await store.open_period(
        conn, "chair-elect", last, f"{last}-03-01T00:00:00+00:00", f"{last}-03-31T00:00:00+00:00",
        "C", "table",
    )  # fmt: skip
    assert await store.add(conn, chair, keisha, jb, f"{last}-03-02T00:00:00+00:00")
    found = await store.get(conn, chair, keisha)
    assert found is not None
    await store.update(
        conn, found.nomination_id, "valid", "https://example.org/soi/keisha", NO_CONFLICT,
        f"{last}-03-03T00:00:00+00:00",
    )  # fmt: skip
    await store.settle_at_close(
        conn, found.nomination_id, "valid", "acclamation", None, f"{last}-03-31T00:00:00+00:00"
    )
    await store.close(conn, chair, f"{last}-03-31T00:00:00+00:00", "acclamation")


@asynccontextmanager
async def serving(tmp_path: Path, seeded: bool = True) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """The bot's HTTP app (build_app) on a store with the example roster, and the round if asked."""
    conn = await open_store(tmp_path / "pages.db")
    region = load_region()
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    if seeded:
        await seed_round(conn, NOW)
    deps = Deps(store=conn, settings=Settings(), region=region, clock=lambda: NOW)
    async with served(deps) as client:
        yield client


def rows(body: str) -> dict[str, str]:
    """Each candidate's row as plain text, keyed by the candidate's name (the row's heading)."""
    found: dict[str, str] = {}
    for state, cells in ROW.findall(body):
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells))).strip()
        name = html.unescape(re.search(r'<th scope="row" class="name">(.*?)</th>', cells).group(1))  # type: ignore[union-attr]
        found[name] = f"[{state}] {text}"
    return found


def section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    return body[start : body.index("</section>", start)]


NAV = ("/", "/status", "/candidates", "/election/roll", "/election/results")


async def test_the_round_in_spanish(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/candidates?lang=es")
        text = html.unescape(body)
        assert "<h1>LACRALO: candidaturas</h1>" in text
        assert "Las nominaciones son públicas" in text and "7.1.a" in text
        nomcom = html.unescape(section(body, "position-nomcom-delegate"))
        assert "Delegado del ALAC al NomCom — 2026" in nomcom
        assert "subregión A (Centroamérica y México)" in nomcom
        assert (
            "abiertas" in nomcom
            and "2026-03-01 12:00 UTC" in nomcom
            and "2026-03-31 12:00 UTC" in nomcom
        )

        found = rows(section(body, "position-nomcom-delegate"))
        assert set(found) == {
            "Guadalupe Hernández",
            "Andrés Gómez",
            "João Araújo",
            "Jean-Baptiste Étienne",
        }
        lupe = found["Guadalupe Hernández"]
        assert lupe.startswith("[valid]")
        for part in (
            "Colectivo Ejemplo por el Acceso",
            "México",
            "María Pérez",
            "válida",
            "Sí",
            "1 mar 2026",
            "8 mar 2026",
        ):
            assert part in lupe, (part, lupe)
        assert 'href="https://community.icann.org/soi/lupe"' in section(
            body, "position-nomcom-delegate"
        )
        andres = found["Andrés Gómez"]
        assert (
            "Fundación Ejemplo Digital" in andres
            and "Colombia" in andres
            and "Joaquín Núñez" in andres
        )
        assert (
            "esperando aceptación" in andres and "Todavía no" in andres and "provisoria" in andres
        )
        joao = found["João Araújo"]
        assert joao.startswith("[refused]") and "rechazada" in joao and "Brasil" in joao
        assert "Conflicto de interés declarado (número 3)" in joao
        assert "mailto" not in body
        assert (
            "declinada" in found["Jean-Baptiste Étienne"]
            and "Haití" in found["Jean-Baptiste Étienne"]
        )

        alac = html.unescape(section(body, "position-alac-member-even"))
        assert "Miembro del ALAC (años pares)" in alac and "Todavía no hay nominaciones." in alac
        assert "Islas del Caribe" in alac

        past = html.unescape(section(body, "year-2025"))
        assert (
            "Vicepresidente" in past
            and "Keisha Brown (Example Internet Users Society): electa/o por aclamación" in past
        )

        for path in NAV:
            assert f'href="{path}?lang=es"' in body, path
        assert 'href="/candidates?lang=es" class="nav-candidates" aria-current="page"' in body


async def test_the_round_in_french(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/candidates?lang=fr")
        text = html.unescape(body)
        assert "<h1>LACRALO : candidatures</h1>" in text
        assert "Délégué de l'ALAC au NomCom" in text
        found = rows(body)
        lupe = found["Guadalupe Hernández"]
        for part in ("Colectivo Ejemplo por el Acceso", "Mexique", "María Pérez", "valide", "Oui"):
            assert part in lupe, (part, lupe)
        assert (
            "Pas encore" in found["Andrés Gómez"]
            and "en attente d'acceptation" in found["Andrés Gómez"]
        )
        joao = found["João Araújo"]
        assert "Brésil" in joao and "Conflit d'intérêts déclaré (numéro 3)" in joao
        assert "Haïti" in found["Jean-Baptiste Étienne"]
        assert "élu(e) par acclamation" in html.unescape(section(body, "year-2025"))
        for path in NAV:
            assert f'href="{path}?lang=fr"' in body, path


async def test_the_other_pages_link_to_the_candidates(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        for path in ("/", "/status", "/election/roll", "/election/results"):
            body = await page(client, f"{path}?lang=pt")
            assert 'href="/candidates?lang=pt"' in body, path
            assert ">Candidaturas</a>" in body, path


async def test_no_round_yet(tmp_path: Path) -> None:
    async with serving(tmp_path, seeded=False) as client:
        body = html.unescape(await page(client, "/candidates?lang=en"))
        assert "No nomination round yet" in body and "The Secretariat opens a round" in body
        assert 'class="candidate' not in body


def test_the_candidates_page_in_chromium(tmp_path: Path) -> None:
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0

    async def seed() -> None:
        conn = await open_store(tmp_path / "lacralo.db")
        try:
            await seed_round(conn, datetime.now(UTC))
        finally:
            await conn.close()

    asyncio.run(seed())
    site = BotProcess(tmp_path).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
            try:
                page = browser.new_page()
                page.goto(f"{site.base_url}/candidates?lang=pt")
                assert page.locator("h1").inner_text() == "LACRALO: candidaturas"
                nomcom = page.locator("section.position#position-nomcom-delegate")
                assert "Delegado do ALAC ao NomCom" in nomcom.locator("h3").inner_text()
                row = nomcom.locator("tr.candidate", has_text="Guadalupe Hernández")
                assert row.locator("td.country").inner_text() == "México"
                assert row.locator("td.state").inner_text().startswith("válida")
                assert row.locator("td.conflicts").inner_text() == "Sim"
                assert (
                    row.locator("td.soi a").get_attribute("href")
                    == "https://community.icann.org/soi/lupe"
                )
                assert not EMAIL.findall(page.content())

                page.locator("nav.site").get_by_role("link", name="Status", exact=True).click()
                page.wait_for_url(re.compile(r"/status\?lang=pt$"))
                assert page.locator("h1").inner_text() == "LACRALO: status das ALS"
                page.locator("nav.site").get_by_role(
                    "link", name="Candidaturas", exact=True
                ).click()
                page.wait_for_url(re.compile(r"/candidates\?lang=pt$"))

                page.get_by_role("link", name="Español", exact=True).click()  # the language switch
                page.wait_for_url(re.compile(r"/candidates\?lang=es$"))
                assert page.locator("html").get_attribute("lang") == "es"
                assert (
                    "Delegado del ALAC al NomCom"
                    in page.locator("#position-nomcom-delegate h3").inner_text()
                )
                assert (
                    page.locator("tr.candidate.state-refused td.state")
                    .inner_text()
                    .startswith("rechazada")
                )
            finally:
                browser.close()
    finally:
        site.stop()
