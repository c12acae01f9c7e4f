"""Behind Datasette's base_url every link the site writes stays under it: the plugin's pages,
Datasette's own pages showing the project's metadata (about, source, the home page's
description), the decision form's way back and the changes feed.

Datasette 0.65 expects the proxy in front to strip the prefix (it is asked for /-/screen and
writes /lists/-/screen): the served process is asked that way, as the proxy would. Given the
whole path instead, Datasette's own table and row pages prefix it twice (their links are made
from the request's path), so only the plugin's pages and feed are checked both ways."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from datasette.app import Datasette
from datasette_fixtures import register_plugin
from test_datasette_changes import changed_db  # noqa: F401  (a fixture: ofac_cons built twice)
from test_serve import serving

from sanctions.web.metadata import load_metadata
from sanctions.web.serve import base_url, datasette_args, metadata_path

pytest_plugins = ["datasette_fixtures"]  # the db_path fixture

BASE = "/lists/"
# Each kind of page: home, screening (with the decision block), profile, table, row, database.
PAGES = ["/", "/-/screen?name=NORD+STAR&id=cust-17", "/-/profile/ofac_sdn~3A56706",
         "/sanctions/entities", "/sanctions/entities/ofac_sdn~3A56706", "/sanctions"]
# What the project's metadata links to, each as the home page must show it.
METADATA_LINKS = {"/lists/-/screen", "/lists/sanctions/entities", "/lists/sanctions#queries",
                  "/lists/sanctions/sources"}
ATOM = "{http://www.w3.org/2005/Atom}"


def site_links(html: str) -> set[str]:
    """Every href/src/action that is a path on this site ("/x", not "//host/x"), unescaped."""
    return {unescape(h) for h in re.findall(r'(?:href|src|action)="(/(?!/)[^"]*)"', html)}


def test_metadata_links_go_under_base_url() -> None:
    meta = load_metadata(base_url=BASE)
    assert (meta["about_url"], meta["source_url"], meta["databases"]["sanctions"]["source_url"]
            ) == ("/lists/-/screen", "/lists/sanctions/sources", "/lists/sanctions/sources")
    assert site_links(meta["description_html"]) == METADATA_LINKS
    # the text around the links is unchanged, and "/" changes nothing at all
    assert re.sub(r'="/lists/', '="/', meta["description_html"]) == \
        load_metadata()["description_html"]
    assert load_metadata(base_url="/") == load_metadata()


def test_serve_finds_base_url_and_keeps_the_users_metadata_as_written(tmp_path: Path) -> None:
    assert base_url(["--cors", "--setting", "base_url", "/a/", "--setting", "base_url",
                     BASE]) == BASE
    assert base_url(["--setting", "sql_time_limit_ms", "5000"]) == "/"
    args = datasette_args(tmp_path / "sanctions.db", options=["--setting", "base_url", BASE])
    written = Path(args[args.index("--metadata") + 1])
    assert '"about_url": "/lists/-/screen"' in written.read_text(encoding="utf-8")
    written.unlink()
    # the user's own links are theirs: written for their deployment, not moved again
    path = metadata_path(tmp_path / "sanctions.db", extra={"license_url": "/lists/terms"},
                         base=BASE)
    assert '"license_url": "/lists/terms"' in path.read_text(encoding="utf-8")
    path.unlink()


def test_served_pages_link_only_under_base_url(db_path: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_TOKEN", "right-token")  # the screening page's decision form
    db = tmp_path / "sanctions.db"  # a copy: the decisions file is made beside it
    shutil.copy(db_path, db)
    # `proxy`: the server as the proxy in front of it asks it, the prefix stripped
    with serving(db, "--setting", "base_url", BASE) as proxy, \
            httpx.Client(base_url=proxy, timeout=10) as client:
        seen: set[str] = set()
        for page in PAGES:
            r = client.get(page)
            assert r.status_code == 200, page
            links = site_links(r.text)
            assert links, page
            assert sorted(h for h in links if not h.startswith(BASE)) == [], page
            seen |= links
        assert site_links(client.get("/").text) >= METADATA_LINKS  # the description, footer
        screen = client.get("/-/screen", params={"name": "NORD STAR", "id": "cust-17"}).text
        assert re.findall(r'name="return_to" value="([^"]*)"', screen) == [
            "/lists/-/screen?name=NORD+STAR&amp;id=cust-17"]
        # every link the pages show answers through the proxy (the anchors' pages without the
        # #part; a form's action is not a link: /-/decide answers POST only)
        followed = {h.split("#")[0] for h in seen} - {"/lists/-/decide"}
        assert len(followed) > 20
        for link in sorted(followed):
            assert client.get(link.removeprefix(BASE.rstrip("/"))).status_code == 200, link
        # the decision form's way back, refused (a wrong token) and without a return_to
        refused = client.post("/-/decide", data={"token": "wrong", "customer_key": "cust-17"})
        assert refused.status_code == 403
        assert site_links(refused.text) == {"/lists/-/screen"}


@pytest.mark.anyio
@pytest.mark.parametrize("prefixed", [True, False])
async def test_plugin_pages_link_the_same_whether_the_prefix_is_stripped(
        db_path: Path, prefixed: bool) -> None:
    register_plugin()
    ds = Datasette(immutables=[str(db_path)], metadata=load_metadata(db_path, BASE),
                   settings={"base_url": BASE})
    await ds.invoke_startup()
    pages: dict[str, set[str]] = {p: set() for p in PAGES[1:3]}
    for page in pages:
        # ds.client puts base_url in front itself; avoid_path_rewrites: the path as given
        path = BASE.rstrip("/") + page if prefixed else page
        r = await ds.client.request("GET", path, avoid_path_rewrites=True)
        assert r.status_code == 200, path
        pages[page] = site_links(r.text)
        assert pages[page], path
        assert sorted(h for h in pages[page] if not h.startswith(BASE)) == [], path
        assert not any(h.startswith("/lists/lists/") for h in pages[page]), path


@pytest.mark.anyio
@pytest.mark.parametrize("prefixed", [True, False])
async def test_changes_feed_links_under_base_url(changed_db: Path,  # noqa: F811
                                                 prefixed: bool) -> None:
    register_plugin()
    ds = Datasette([str(changed_db)], immutables=[], metadata=load_metadata(changed_db, BASE),
                   settings={"base_url": BASE})
    path = ("/lists" if prefixed else "") + "/-/changes.atom?source=ofac_cons"
    r = await ds.client.request("GET", path, avoid_path_rewrites=True)
    assert r.status_code == 200
    feed = ElementTree.fromstring(r.text)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert links == ["http://localhost/lists/sanctions/entities/ofac_cons~3A9639"]
