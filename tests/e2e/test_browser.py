"""The public pages in a real browser: headless Debian Chromium driven by Playwright (issue 8).

On a developer's machine without Chromium the test skips, saying how to get it; CI installs
Chromium first and sets LACRALO_REQUIRE_BROWSER, so there a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.bot_process import BotProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    why = "Chromium not found: install Debian's package (sudo apt-get install chromium) to run this test"
    if os.environ.get("LACRALO_REQUIRE_BROWSER"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[BotProcess]:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    bot = BotProcess(tmp_path).start()
    yield bot
    bot.stop()


def test_public_pages_in_chromium(site: BotProcess, tmp_path: Path) -> None:
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(f"{site.base_url}/status?lang=es")
            assert page.locator("h1").inner_text() == "LACRALO: estatus de las ALS"
            assert page.locator("html").get_attribute("lang") == "es"
            assert page.get_by_text("Instituto Exemplo de Cidadania Digital").count() == 1

            page.get_by_role("link", name="Français").click()  # the language switch
            page.wait_for_url(re.compile(r"lang=fr"))
            assert page.locator("h1").inner_text() == "LACRALO : statut des ALS"
            assert page.locator("tr.state-observer td.state").inner_text() == "observatrice"

            with page.expect_download() as info:
                page.get_by_role("link", name="Télécharger en CSV").click()
            saved = tmp_path / "status.csv"
            info.value.save_as(saved)
            lines = saved.read_text(encoding="utf-8").splitlines()
            assert lines[0] == "als_id,als_name,country,subregion,state,since" and len(lines) == 8

            for path in ("/", "/status", "/election/roll", "/election/results"):
                for lang in ("en", "es", "pt", "fr"):
                    page.goto(f"{site.base_url}{path}?lang={lang}")
                    text = page.locator("body").inner_text()
                    assert not EMAIL.findall(page.content()), f"{path}?lang={lang} shows an address"
                    assert "Pérez" not in text, f"{path}?lang={lang} shows a person's name"

            # Rule 12.9 as LACRALO applies it: the columns of its Country Coefficients sheet.
            page.goto(f"{site.base_url}/election/roll?lang=es")
            headers = page.locator("table").first.locator("th").all_inner_texts()
            assert headers == [
                "País",
                "Peso del país",
                "Número total de ALS",
                "Coeficiente del país",
            ]
            assert page.get_by_text("Coeficientes por país que publica LACRALO").count() == 1
        finally:
            browser.close()
