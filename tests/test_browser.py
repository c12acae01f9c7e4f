"""The pages in a real headless Chromium at 1280 px: the screening form with every field, a file
uploaded and its results downloaded, a profile, the sources page and a page of entities.

Skips without Playwright or Chromium. With SANCTIONS_SCREENSHOTS=docs the pages' screenshots
are saved there (screen.png, screen-form.png, upload.png, profile.png, sources.png,
entities.png); scripts/screenshot.py takes the same ones from a real build.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from datasette_fixtures import served

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("SANCTIONS_SCREENSHOTS")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH = 1280

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]

# The widest empty band a page may show between two lines of its text: a few blank lines.
MAX_GAP = 120
GAPS = """(selector) => {
  // every line box of text in the element, top to bottom; the largest vertical gap between
  // one line's bottom and the next line's top is blank space a reader scrolls through
  const root = document.querySelector(selector), tops = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.height > 0) tops.push([r.top, r.bottom]);
  }
  tops.sort((a, b) => a[0] - b[0]);
  let bottom = tops.length ? tops[0][1] : 0, gap = 0;
  for (const [t, b] of tops) { gap = Math.max(gap, t - bottom); bottom = Math.max(bottom, b); }
  return gap;
}"""
WIDEST = """(selector) => Math.max(...Array.from(document.querySelectorAll(selector + ' *'))
  .map(e => e.getBoundingClientRect().right))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def small_site(db_path: Path) -> Iterator[str]:
    with served(db_path) as url:
        yield url


@pytest.fixture(scope="module")
def full_site(full_db: Path) -> Iterator[str]:
    # The facets are computed within Datasette's time limit (1 s as served); a loaded CI machine
    # can take longer over 22,000 entities and then shows no facet, which is not what the page
    # tests are about.
    with served(full_db, timeout=120, settings={"facet_time_limit_ms": "10000"}) as url:
        yield url


def new_page(browser: Any, height: int = 800) -> Any:
    return browser.new_page(viewport={"width": WIDTH, "height": height},
                            accept_downloads=True)


def shot(page: Any, name: str, tmp_path: Path, full_page: bool = True) -> None:
    path = Path(SHOTS) / name if SHOTS else tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000


def test_screen_page_in_a_browser(browser: Any, small_site: str, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(small_site + "/-/screen")
    assert "Data as of" in page.inner_text("footer")
    page.fill("input[name=name]", "Tren de Aragua")
    page.click(".screen-form input[type=submit]")
    page.wait_for_selector("#matches tr.match")
    assert "/-/screen?name=Tren+de+Aragua" in page.url
    first = page.locator("#matches tr.match").first
    assert first.locator("td.match-name > a").inner_text() == "TREN DE ARAGUA"
    assert first.locator("td.score").inner_text() == "1.000"
    assert first.locator("td.list").inner_text() == "OFAC SDN"
    shot(page, "screen.png", tmp_path, full_page=False)
    first.locator("td.match-name > a").click()
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "TREN DE ARAGUA"
    assert "SDGT" in page.inner_text("#programs + table")


def test_the_form_with_every_field(browser: Any, small_site: str, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(small_site + "/-/screen")
    page.fill("input[name=name]", "Nicolas Maduro")
    page.select_option("select[name=type]", "person")
    page.fill("input[name=country]", "Venezuela")
    page.fill("input[name=birth_date]", "1962-11-23")
    page.fill("input[name=program]", "VENEZUELA")
    page.fill("input[name=threshold]", "0.5")
    page.check("#source-ofac_sdn")
    page.check("#source-state_rewards")
    page.click(".screen-form input[type=submit]")
    page.wait_for_selector("#results")
    assert page.url.endswith(
        "/-/screen?name=Nicolas+Maduro&type=person&country=Venezuela&birth_date=1962-11-23"
        "&imo=&identifier=&program=VENEZUELA&threshold=0.5&source=ofac_sdn&source=state_rewards")
    rows = page.locator("#matches tr.match")
    assert rows.count() == 1
    first = rows.first
    assert first.locator("td.match-name > a").inner_text() == "MADURO MOROS, Nicolas"
    assert first.locator("td.list").inner_text() == "OFAC SDN"
    assert first.locator("td.listed").inner_text() == "2017-07-31"
    related = first.locator("td.related").inner_text()
    assert related.startswith("US reward offers: Nicolás Maduro Moros")
    assert "reward up to $50,000,000" in related
    assert page.is_checked("#source-ofac_sdn") and not page.is_checked("#source-state_fto")
    shot(page, "screen-form.png", tmp_path)
    # a vessel by IMO: its IMO number and flag beside the match
    page.fill("input[name=name]", "NORD STAR")
    page.select_option("select[name=type]", "vessel")
    for field in ("country", "birth_date", "program", "threshold"):
        page.fill(f"input[name={field}]", "")
    page.fill("input[name=imo]", "9323596")
    page.click(".screen-form input[type=submit]")
    page.wait_for_selector("#matches tr.match")
    vessel = page.locator("#matches tr.match").first
    assert vessel.locator("ul.vessel").inner_text().split("\n") == ["IMO\xa09323596", "flag Panama"]
    assert "identifier" in vessel.locator("ul.explanation").inner_text()


def test_upload_round_trip(browser: Any, small_site: str, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("customer_no,name,notes\nC1,Tren de Aragua,gang\nC2,Jane Q. Nobody,\n",
                      encoding="utf-8")
    page = new_page(browser)
    page.goto(small_site + "/-/screen")
    page.set_input_files("#upload-file", str(source))
    page.click("#upload-form input[type=submit]")
    page.wait_for_selector("#upload-links", state="visible")
    assert page.inner_text("#upload-text") == (
        "customers.csv: 2 of 2 rows screened, 1 with a match")
    shot(page, "upload.png", tmp_path, full_page=False)
    with page.expect_download() as info:
        page.click("#upload-csv")
    download = info.value
    assert download.suggested_filename == "customers-screened.csv"
    target = tmp_path / "out.csv"
    download.save_as(str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["customer_no"] for r in rows[:1]] == ["C1"]
    assert {r["entity_id"] for r in rows if r["customer_no"] == "C1"} == {
        "ofac_sdn:49756", "state_fto:tren-de-aragua"} or {
        r["entity_id"] for r in rows if r["customer_no"] == "C1"} == {"ofac_sdn:49756"}
    assert [(r["customer_no"], r["input_name"], r["notes"], r["entity_id"]) for r in rows
            if r["customer_no"] == "C2"] == [("C2", "Jane Q. Nobody", "", "")]


def test_maduro_profile(browser: Any, full_site: str, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(full_site + "/sanctions/entities/ofac_sdn~3A22790")
    page.click(".profile-link a")
    page.wait_for_selector(".profile h1")
    assert page.inner_text(".profile h1") == "MADURO MOROS, Nicolas"
    assert page.inner_text("#rewards .reward .amount") == "up to $50,000,000"
    listings = page.inner_text("#listings table")
    assert "VENEZUELA" in listings and "U.S. Treasury OFAC" in listings
    why = page.inner_text("#why")
    assert "the same name, held by no other record of either list" in why
    # no blank space wider than a few lines of text, nothing wider than the window
    assert page.evaluate(GAPS, ".profile") < MAX_GAP
    assert page.evaluate(WIDEST, ".profile") <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "profile.png", tmp_path)


def test_hizballah_profile_lists_no_houthis(browser: Any, full_site: str) -> None:
    page = new_page(browser)
    page.goto(full_site + "/-/profile/ofac_sdn~3A4697")
    text = page.inner_text(".profile")
    assert "HIZBALLAH" in text
    assert "Houthi" not in text and "Ansarallah" not in text.replace("ANSAR ALLAH", "")


def test_sources_page_fits(browser: Any, full_site: str, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(full_site + "/sanctions/sources")
    for column in ("as_of", "kind", "entity_count"):
        right = page.evaluate(f"""Math.max(...Array.from(document.querySelectorAll(
            'td.col-{column}')).map(td => td.getBoundingClientRect().right))""")
        assert 0 < right <= WIDTH, column
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "sources.png", tmp_path, full_page=False)


def test_a_page_of_entities_is_compact(browser: Any, full_site: str, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(full_site + "/sanctions/entities?_size=100")
    assert page.locator("table.rows-and-columns tbody tr").count() == 100
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, height
    cells = page.locator("td.col-programs, td.col-countries").all_inner_texts()
    assert cells and not any(c.strip().startswith("[") for c in cells)
    facet = page.locator("#facet-countries li").all_inner_texts()
    assert any(f.startswith("KP Korea, North ") for f in facet)
    assert not any("Democratic People" in f for f in facet)
    # the search box comes before the column notes, which are folded away
    assert page.is_visible("#_search")
    assert not page.is_visible("dl.column-descriptions")
    shot(page, "entities.png", tmp_path, full_page=False)
