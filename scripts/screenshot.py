#!/usr/bin/env python
"""Take the README's screenshots from a real build, in Chromium at 1280 px:

    python scripts/screenshot.py [--db db/sanctions.db] [--out docs]

screen.png (the screening page for "Tren de Aragua"), screen-form.png (every field filled in),
upload.png (a file screened), profile.png (Nicolás Maduro's profile), sources.png and
entities.png (the tables). Needs Debian's chromium and `pip install playwright` (no browser
download). tests/test_browser.py checks the same pages on every run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_server import serving  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CUSTOMERS = ("customer_no,name,country\nC-1001,Nicolás Maduro,Venezuela\n"
             "C-1002,Jane Q. Nobody,\nC-1003,Tren de Aragua,\nC-1004,NORD STAR,\n")


def take(page: Page, url: str, out: Path, full_page: bool = False, show: str = "") -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if show:  # the part worth seeing, at the top of the window
        page.evaluate("s => document.querySelector(s).scrollIntoView()", show)
    page.screenshot(path=str(out), full_page=full_page)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--out", type=Path, default=Path("docs"))
    args = ap.parse_args()
    db = args.db.stem
    with serving(args.db) as url, sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        take(page, url + "/-/screen?name=Tren+de+Aragua", args.out / "screen.png")
        take(page, url + "/-/screen?name=Nicolas+Maduro&type=person&country=Venezuela"
             "&birth_date=1962-11-23&program=VENEZUELA&threshold=0.8&source=ofac_sdn"
             "&source=state_rewards", args.out / "screen-form.png", full_page=True)
        take(page, url + "/-/profile/ofac_sdn~3A22790", args.out / "profile.png",
             full_page=True)
        take(page, url + f"/{db}/sources", args.out / "sources.png")
        take(page, url + f"/{db}/entities?_size=100", args.out / "entities.png",
             show=".facet-results")
        page.goto(url + "/-/screen")
        customers = Path(tmp) / "customers.csv"
        customers.write_text(CUSTOMERS, encoding="utf-8")
        page.set_input_files("#upload-file", str(customers))
        page.click("#upload-form input[type=submit]")
        page.wait_for_selector("#upload-links", state="visible")
        page.locator("#upload").scroll_into_view_if_needed()
        page.screenshot(path=str(args.out / "upload.png"))
        print(f"wrote {args.out / 'upload.png'}")
        browser.close()


if __name__ == "__main__":
    main()
