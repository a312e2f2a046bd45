"""The public status page (issue 18.4): ALSs by name with their ids, each state since the day it
really began and why, the next monthly call, and each ALS's monthly calls over 24 months as a small
chart with a text alternative (Rules of Procedure, auxiliary rule to Rule 1, seed 003).

Two years of monthly calls are seeded before "now": one month without a call, one cancelled, one
whose attendance nobody recorded. Served by the bot's own aiohttp app, then in a real browser.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite
import pytest
from aiohttp.test_utils import TestClient

from bot.deps import Deps, iso
from bot.domain.status_sweep import Call
from bot.region import load_region
from bot.reports.attendance_chart import Mark, months
from bot.services import attendance
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import meetings as meeting_store
from bot.store import open_store
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.bot_process import BotProcess
from tests.e2e.page_helpers import page as public_page
from tests.e2e.page_helpers import served
from tests.e2e.test_browser import EMAIL, FLAGS, browser_or_skip

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# Accredited six months ago: in its grace year (seed 003: "one (1) year from their entry").
NEW_ALS = "ALS-AR-02,Ágora Ficticia Digital,AR,{accredited},es,representative,Ana Ágora,ana@example.org,,AR,\n"
ROW = re.compile(r'<tr class="als state-([\w-]+)" id="als-([\w-]+)">(.*?)</tr>', re.S)


def month(now: datetime, back: int) -> tuple[int, int]:
    """The (year, month) `back` months before `now`'s month (negative: after it)."""
    index = now.year * 12 + now.month - 1 - back
    return index // 12, index % 12 + 1


def call_at(now: datetime, back: int) -> datetime:
    year, mon = month(now, back)
    return datetime(year, mon, 15, 15, 0, tzinfo=UTC)


def roster(now: datetime) -> bytes:
    year, mon = month(now, 6)
    extra = NEW_ALS.format(accredited=date(year, mon, 1).isoformat())
    return EXAMPLE_ROSTER.read_bytes() + extra.encode("utf-8")


async def seed_calls(conn: aiosqlite.Connection, now: datetime) -> None:
    """Monthly calls 23 months back to last month, and the next one next month. 19 months back:
    no call; 12 back: cancelled; 10 back: nobody recorded who attended.

    ALS-AR-01, -MX-01, -CO-01 attend every call; ALS-AR-02 from its accreditation on; ALS-BR-01
    misses the last three (inactive since the last); ALS-HT-01 misses three in a row 18 to 16
    months back, then attends (active again since 15 months back); ALS-JM-01 never attends (its
    spell began with the third call, 21 months back: de-certification-eligible a year later)."""
    everyone = ["ALS-AR-01", "ALS-MX-01", "ALS-CO-01"]
    for back in range(23, 0, -1):
        if back == 19:
            continue
        start = iso(call_at(now, back))
        meeting = meeting_store.Meeting(
            kind="monthly", start_at=start, duration_min=90, zoom_id=None, title=None
        )
        meeting_id, _ = await meeting_store.upsert(conn, meeting, start)
        if back == 12:
            await meeting_store.cancel(conn, meeting_id, start)
            continue
        if back == 10:
            continue
        present = list(everyone)
        present += ["ALS-AR-02"] if back <= 6 else []
        present += ["ALS-BR-01"] if back > 3 else []
        present += ["ALS-HT-01"] if back not in (18, 17, 16) else []
        await attendance.record_held(conn, meeting_id, present, now, "secretariat")
    upcoming = iso(call_at(now, -1))
    await meeting_store.upsert(
        conn,
        meeting_store.Meeting(
            kind="monthly", start_at=upcoming, duration_min=90, zoom_id=None, title=None
        ),
        iso(now),
    )
    await conn.commit()


@asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    conn = await open_store(tmp_path / "pages.db")
    region = load_region()
    report = await roster_service.import_roster(conn, region, roster(NOW), iso(NOW), "t")
    assert not report.rejected, report.rejected
    await seed_calls(conn, NOW)
    deps = Deps(store=conn, settings=Settings(), region=region, clock=lambda: NOW)
    async with served(deps) as client:
        yield client


async def page(client: TestClient, path: str) -> str:  # type: ignore[type-arg]
    body = await public_page(client, path)
    for name in ("Pérez", "Keisha", "Ana Ágora", "Quispe"):
        assert name not in body, f"{path} shows a person's name"
    return body


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows(body: str) -> dict[str, tuple[str, str]]:
    """ALS id -> (state, the row's cells as plain text), in the page's order."""
    return {als: (state, cells) for state, als, cells in ROW.findall(body)}


def cell(cells: str, name: str) -> str:
    found = re.search(rf'<t[dh][^>]* class="{name}"[^>]*>(.*?)</t[dh]>', cells, re.S)
    assert found is not None, name
    return found.group(1)


async def test_alss_by_name_with_their_ids(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/status?lang=en")
    # Sub-region D: by name, the accent folded ("Ágora" before "Asociación"), not by id.
    found = rows(body)
    order = [als for als in found if als in ("ALS-AR-01", "ALS-AR-02", "ALS-BR-01")]
    assert order == ["ALS-AR-02", "ALS-AR-01", "ALS-BR-01"]
    state, cells = found["ALS-AR-02"]
    assert text(cell(cells, "id")) == "ALS-AR-02"
    assert text(cell(cells, "name")) == "Ágora Ficticia Digital"
    assert "commands name an ALS by its id, for example /lacralo proxy ALS-BR-01" in text(body)


@pytest.mark.parametrize(
    ("als", "state", "since"),
    [
        pytest.param("ALS-AR-02", "new", "1 Sep 2025", id="seed 003: new since its accreditation"),
        pytest.param("ALS-BR-01", "inactive", "15 Feb 2026", id="inactive since the 3rd miss"),
        pytest.param("ALS-HT-01", "active", "15 Dec 2024", id="active again since it attended"),
        pytest.param(
            "ALS-JM-01",
            "decertification-eligible",
            "15 Jun 2025",
            id="decertification-eligible once the year to recover ran out",
        ),
        pytest.param(
            "ALS-AR-01",
            "active",
            "not known (the records start on 15 Apr 2024)",
            id="active before the records start: since when is not known",
        ),
        pytest.param("ALS-PE-01", "observer", "not known", id="Rule 1.2: an observer"),
    ],
)
async def test_since_is_the_day_the_state_began(
    tmp_path: Path, als: str, state: str, since: str
) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/status?lang=en")
    found_state, cells = rows(body)[als]
    assert found_state == state
    assert text(cell(cells, "since")) == since


async def test_every_state_has_its_reasons(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/status?lang=en")
    for als, (state, cells) in rows(body).items():
        assert text(cell(cells, "reasons")), f"{als} ({state}) has no reasons"
    new = text(cell(rows(body)["ALS-AR-02"][1], "reasons"))
    assert "Accredited on 1 Sep 2025: in its first year until 1 Sep 2026" in new
    # The reading of the rule and where the records start are said once, above the tables.
    assert text(body).count("Reading used:") == 1
    assert text(body).count("Participation records start on 15 Apr 2024") == 1
    assert text(body).count("A monthly call with no attendance recorded") == 1  # one call


async def test_the_next_monthly_call(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/status?lang=es")
    assert 'id="next-call"' in body
    assert "Próxima llamada mensual: 15 abr 2026, 15:00 UTC." in text(body)
    for path in ("/", "/status", "/candidates", "/election/roll", "/election/results"):
        assert f'href="{path}?lang=es"' in body, path
    assert 'href="/status?lang=es#next-call"' in body


@pytest.mark.parametrize(
    ("als", "summary", "marks"),
    [
        pytest.param(
            "ALS-AR-01",
            "Monthly calls from Mar 2024 to Feb 2026: attended 20 of the 20 whose attendance was"
            " recorded; calls with no attendance recorded: 1; months without a call: 3.",
            {"attended": 20, "unrecorded": 1, "no-call": 3},
            id="every call attended; a cancelled call is no call",
        ),
        pytest.param(
            "ALS-AR-02",
            "Monthly calls from Mar 2024 to Feb 2026: attended 6 of the 6 whose attendance was"
            " recorded; months before accreditation: 18.",
            {"attended": 6, "not-accredited": 18},
            id="a new ALS: nothing asked before its accreditation",
        ),
        pytest.param(
            "ALS-HT-01",
            "Monthly calls from Mar 2024 to Feb 2026: attended 17 of the 20 whose attendance was"
            " recorded; calls with no attendance recorded: 1; months without a call: 3.",
            {"attended": 17, "missed": 3, "unrecorded": 1, "no-call": 3},
            id="three missed in a row",
        ),
    ],
)
async def test_a_chart_of_24_months_with_its_text_alternative(
    tmp_path: Path, als: str, summary: str, marks: dict[str, int]
) -> None:
    async with serving(tmp_path) as client:
        body = await page(client, "/status?lang=en")
    chart = cell(rows(body)[als][1], "calls")
    assert f'role="img" aria-label="{html.escape(summary)}"' in chart
    assert f"<title>{html.escape(summary)}</title>" in chart
    found = re.findall(r'class="mark ([\w-]+)"', chart)
    assert len(found) == 24
    assert {kind: found.count(kind) for kind in set(found)} == marks
    assert "<title>Feb 2026: attended</title>" in chart


async def test_the_page_in_each_language(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        for lang, words in (
            ("es", "Llamadas mensuales de mar 2024 a feb 2026: asistió a 20 de las 20"),
            ("pt", "Chamadas mensais de mar 2024 a fev 2026: participou de 20 das 20"),
            ("fr", "Appels mensuels de mars 2024 à févr. 2026 : présente à 20 des 20"),
        ):
            body = await page(client, f"/status?lang={lang}")
            assert words in html.unescape(cell(rows(body)["ALS-AR-01"][1], "calls")), lang


async def test_the_csv_says_when_each_state_began(tmp_path: Path) -> None:
    async with serving(tmp_path) as client:
        response = await client.get("/status.csv")
        lines = (await response.text()).splitlines()
    assert "ALS-HT-01,Association Fictive des Internautes,HT,C,active,2024-12-15" in lines
    assert (
        "ALS-JM-01,Example Internet Users Society,JM,C,decertification-eligible,2025-06-15" in lines
    )
    assert "ALS-AR-01,Asociación Ficticia de Usuarios de Internet,AR,D,active," in lines


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T15:00:00+00:00")


@pytest.mark.parametrize(
    ("calls", "accredited", "last"),
    [
        pytest.param([], date(2020, 1, 1), Mark.NO_CALL, id="no call held: no call"),
        pytest.param(
            [Call(at("2026-02-15"), attended=False)], date(2020, 1, 1), Mark.MISSED, id="missed"
        ),
        pytest.param(
            [Call(at("2026-02-15"), attended=False, recorded=False)],
            date(2020, 1, 1),
            Mark.UNRECORDED,
            id="issue 13: no attendance known is not a miss",
        ),
        pytest.param(
            [Call(at("2026-02-03"), attended=False), Call(at("2026-02-20"), attended=True)],
            date(2020, 1, 1),
            Mark.ATTENDED,
            id="two calls in a month: one attended is enough",
        ),
        pytest.param(
            [Call(at("2026-02-15"), attended=False)],
            date(2026, 3, 1),
            Mark.NOT_ACCREDITED,
            id="Rule 1.2: nothing asked before accreditation",
        ),
        pytest.param(
            [Call(at("2026-02-15"), attended=False)],
            None,
            Mark.NOT_ACCREDITED,
            id="Rule 1.2: nothing asked of an observer",
        ),
        pytest.param(
            [Call(at("2026-02-15"), attended=True)],
            None,
            Mark.ATTENDED,
            id="an observer's people who attended, attended",
        ),
    ],
)
def test_a_months_mark(calls: list[Call], accredited: date | None, last: Mark) -> None:
    found = months(calls, accredited, NOW)
    assert len(found) == 24 and (found[-1].year, found[-1].month) == (2026, 2)
    assert found[-1].mark is last


def test_the_chart_ends_with_this_month_once_its_call_is_held() -> None:
    held = [Call(at("2026-03-05"), attended=True)]
    found = months(held, date(2020, 1, 1), NOW)
    assert (found[0].year, found[0].month, found[-1].month) == (2024, 4, 3)
    assert found[-1].mark is Mark.ATTENDED


def test_the_status_page_in_chromium(tmp_path: Path) -> None:
    """Sorting, the way to the other pages and the next call, and the charts' alternatives, as a
    browser (and a screen reader through its accessibility tree) finds them."""
    executable = browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    now = datetime.now(UTC)
    (tmp_path / "roster.csv").write_bytes(roster(now))
    assert run_cli(tmp_path, "roster", "import", str(tmp_path / "roster.csv")).returncode == 0

    async def seed() -> None:
        conn = await open_store(tmp_path / "lacralo.db")
        try:
            await seed_calls(conn, now)
        finally:
            await conn.close()

    asyncio.run(seed())
    site = BotProcess(tmp_path).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
            try:
                page_ = browser.new_page()
                page_.goto(f"{site.base_url}/election/roll?lang=en")
                page_.locator("nav.site").get_by_role("link", name="Next call").click()
                page_.wait_for_url(re.compile(r"/status\?lang=en#next-call$"))
                upcoming = call_at(now, -1)
                expect(page_.locator("#next-call")).to_contain_text(
                    f"Next monthly call: {upcoming.day} {upcoming:%b %Y}, 15:00 UTC."
                )

                ids = page_.locator("#subregion-D tr.als td.id").all_inner_texts()
                assert ids == ["ALS-AR-02", "ALS-AR-01", "ALS-BR-01"]
                names = page_.locator("#subregion-D tr.als th.name").all_inner_texts()
                assert names[0] == "Ágora Ficticia Digital"

                chart = page_.locator("#als-ALS-AR-01 td.calls svg")
                expect(chart).to_have_count(1)
                assert chart.locator(".mark").count() == 24
                label = chart.get_attribute("aria-label") or ""
                assert label.startswith("Monthly calls from ") and "attended 20 of the 20" in label
                expect(page_.get_by_role("img", name=label).first).to_be_visible()
                assert chart.locator("title").first.text_content() == label
                new = page_.locator("#als-ALS-AR-02 td.reasons")
                assert "in its first year until" in new.inner_text()
                assert not EMAIL.findall(page_.content())

                for name, path in (
                    ("Voter roll", "/election/roll"),
                    ("Election results", "/election/results"),
                    ("Candidates", "/candidates"),
                    ("Status", "/status"),
                ):
                    page_.locator("nav.site").get_by_role("link", name=name, exact=True).click()
                    page_.wait_for_url(re.compile(rf"{re.escape(path)}\?lang=en$"))
            finally:
                browser.close()
    finally:
        site.stop()
