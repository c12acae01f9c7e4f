"""The screening page in a real headless Chromium: type a name, submit, read the first match.

Skips without Playwright or Chromium. With SANCTIONS_SCREENSHOT=docs/screen.png it saves the
README's screenshot there (run against the fixture rows; regenerate from a real build by hand).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from datasette_fixtures import served

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = os.environ.get("SANCTIONS_SCREENSHOT")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]


def test_screen_page_in_a_browser(db_path: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed (pip install playwright)")
    with served(db_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url + "/-/screen")
            assert "Data as of" in page.inner_text("footer")
            page.fill("input[name=name]", "Tren de Aragua")
            page.click("input[type=submit]")
            page.wait_for_selector("#matches tr.match")
            assert "/-/screen?name=Tren+de+Aragua" in page.url
            first = page.locator("#matches tr.match").first
            assert first.locator("td.match-name").inner_text() == "TREN DE ARAGUA"
            assert float(first.locator("td.score").inner_text()) > 0.9
            shot = Path(SCREENSHOT) if SCREENSHOT else tmp_path / "screen.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            first.locator("td.match-name a").click()
            page.wait_for_selector("h1")
            assert page.inner_text("h1") == "TREN DE ARAGUA"
            assert "SDGT" in page.inner_text("#programs + table")
        finally:
            browser.close()
