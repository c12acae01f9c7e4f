"""`sanctions serve`: the Datasette arguments, and one real served process on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from datasette_fixtures import served

from sanctions.web.metadata import METADATA, load_metadata
from sanctions.web.serve import datasette_args

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures


def test_datasette_args_serve_immutable_with_metadata() -> None:
    args = datasette_args(Path("db/sanctions.db"), "127.0.0.1", 9000)
    assert args[:3] == ["serve", "-i", "db/sanctions.db"]
    meta = json.loads(Path(args[args.index("--metadata") + 1]).read_text())
    assert meta == load_metadata()
    assert "@sources" in METADATA.read_text() and "@sources" not in json.dumps(meta)
    assert args[args.index("--port") + 1] == "9000"
    assert "sql_time_limit_ms" in args


def test_other_file_names_get_the_same_metadata(tmp_path: Path) -> None:
    args = datasette_args(tmp_path / "lists.db")
    renamed = json.loads(Path(args[args.index("--metadata") + 1]).read_text())
    assert renamed == load_metadata(tmp_path / "lists.db")
    assert set(renamed["databases"]) == {"lists"}
    original = load_metadata()["databases"]["sanctions"]
    assert renamed["databases"]["lists"]["tables"] == original["tables"]
    assert renamed["databases"]["lists"]["queries"] == original["queries"]
    assert renamed["databases"]["lists"]["source_url"] == "/lists/sources"
    assert 'href="/lists/entities"' in renamed["description_html"]


def test_served_process(db_path: Path) -> None:
    with served(db_path) as url, httpx.Client(base_url=url, timeout=10) as client:
        rows = client.get("/sanctions/entities.json?_search=aragua&_shape=array&_col=name").json()
        assert {r["id"] for r in rows} == {"ofac_sdn:49756", "state_fto:tren-de-aragua"}
        one = client.get("/-/screen.json", params={"name": "Tren de Aragua", "source": "ofac_sdn"})
        assert one.status_code == 200
        assert one.json()["matches"][0]["entity_id"] == "ofac_sdn:49756"
        batch = client.post("/-/screen.json", json={"queries": [{"name": "NORD STAR"},
                                                                {"name": "Tren de Aragua"}]})
        assert batch.status_code == 200
        assert [r["matches"][0]["name"] for r in batch.json()["results"]][0] == "NORD STAR"
        bad = client.post("/-/screen.json", content=b"nope")
        assert bad.status_code == 400
        assert bad.json()["ok"] is False
        # Immutable: Datasette knows the database cannot change.
        databases = client.get("/-/databases.json").json()
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("sanctions", False)]
        assert "2026-06-02" in client.get("/-/screen").text
