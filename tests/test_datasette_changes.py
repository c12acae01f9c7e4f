"""Change history on the web: the recent_changes canned query and the Atom feed."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from datasette.app import Datasette

from sanctions.ingest.build import build
from sanctions.sources import get_source
from sanctions.web.metadata import load_metadata
from sanctions.web.serve import register_plugin

pytestmark = pytest.mark.anyio
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"  # Datasette runs on asyncio only


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ofac_cons built twice; the second CONS_PRIM.CSV renames entry 9639."""
    tmp = tmp_path_factory.mktemp("changes")
    db = tmp / "sanctions.db"
    source = get_source("ofac_cons")
    build(db, sources=[source])
    prim = source.snapshot_paths()["prim"].read_text(encoding="utf-8")
    assert '9639,"HANIYA, Ismail Abdul Salah"' in prim
    renamed = tmp / "CONS_PRIM.CSV"
    renamed.write_text(prim.replace('9639,"HANIYA, Ismail Abdul Salah"',
                                    '9639,"HANIYEH, Ismail Abdul Salah"'), encoding="utf-8")
    build(db, sources=[source], files={"ofac_cons": {"prim": renamed}})
    return db


@pytest.fixture()
def ds(changed_db: Path) -> Datasette:
    register_plugin()
    return Datasette([str(changed_db)], immutables=[], metadata=load_metadata(changed_db))


async def test_recent_changes_canned_query(ds: Datasette) -> None:
    r = await ds.client.get("/sanctions/recent_changes.json?since=&source=ofac_cons&_shape=array")
    assert r.status_code == 200
    rows = r.json()
    assert [(x["change"], x["entity_id"], x["name"]) for x in rows] == [
        ("changed", "ofac_cons:9639", "HANIYEH, Ismail Abdul Salah"),
        ("baseline", None, "443 entities first recorded"),
    ]
    assert "name" in rows[0]["fields"]


async def test_changes_atom_feed(ds: Datasette) -> None:
    r = await ds.client.get("/-/changes.atom?source=ofac_cons")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(r.text)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["changed: HANIYEH, Ismail Abdul Salah (ofac_cons)",
                      "baseline: 443 entities first recorded (ofac_cons)"]
    link = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith("/sanctions/entities/ofac_cons~3A9639")
