"""metadata.yml against the source registry, the schema and Datasette, so none can drift."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasette.app import Datasette
from datasette_fixtures import sqlite_connect

from sanctions.sources import all_sources
from sanctions.sources.lines import licence_line, source_line
from sanctions.store import schema
from sanctions.web.metadata import METADATA, load_metadata

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures

META: dict[str, Any] = load_metadata()
TABLES: dict[str, Any] = META["databases"]["sanctions"]["tables"]
QUERIES: dict[str, Any] = META["databases"]["sanctions"]["queries"]


def schema_columns() -> dict[str, list[str]]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema.all_schemas())  # core, then what linking and history write
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    return {t: [c[1] for c in conn.execute(f"pragma table_info([{t}])")] for t in tables}


def test_top_level_symlink_is_the_package_file() -> None:
    top = Path(__file__).resolve().parent.parent / "metadata.yml"
    assert top.resolve() == METADATA.resolve()


def test_every_source_declares_a_short_label_and_a_priority() -> None:
    sources = all_sources()
    assert all(s.short for s in sources)
    assert len({s.priority for s in sources}) == len(sources), "priorities must not tie"
    assert [s.key for s in sources][:2] == ["ofac_sdn", "ofac_cons"]


def test_source_and_licence_lines_name_every_source_with_its_as_of_date() -> None:
    line = source_line()
    # each source's main file's date, then the other dates its records come from: the 126 rows
    # of a 2026 excerpt do not make the 2024 SDN list "as of 2026"
    assert line.split("; ")[:2] == [
        "OFAC SDN (as of 2024-05-03, some records from an excerpt of 2026-06-02)",
        "OFAC Consolidated (as of 2025-08-18)"]
    assert [part.split(" (as of ")[0] for part in line.split("; ")] == [
        s.short for s in all_sources()]
    assert META["source"] == line
    licences = list(dict.fromkeys(s.licence for s in all_sources()))
    assert META["license"] == licence_line() == "; ".join(licences)
    listed = {"entities", "names", "vessels", "designations", "birth_places", *schema.CHILD_TABLES}
    for name, table in TABLES.items():
        if name in listed or "source" in table:
            assert (table["source"], table["license"]) == (line, META["license"]), name
    raw = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    assert raw["source"] == "@sources" and "plugins" not in raw  # nothing per source by hand


def test_every_table_and_column_is_described() -> None:
    columns = schema_columns()
    assert set(TABLES) == set(columns)
    for table, cols in columns.items():
        assert TABLES[table]["description"], table
        assert list(TABLES[table]["columns"]) == cols, table
        assert all(TABLES[table]["columns"].values()), table


def test_facets_sorts_and_labels_name_real_columns() -> None:
    columns = schema_columns()
    for table, meta in TABLES.items():
        for facet in meta.get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns[table], (table, facet)
        for key in ("sort", "sort_desc", "label_column"):
            if key in meta:
                assert meta[key] in columns[table], (table, key)
    assert TABLES["entities"]["label_column"] == "name"
    assert TABLES["build_info"]["hidden"] is True


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_queries_run(db_path: Path, name: str) -> None:
    sql = QUERIES[name]["sql"]
    params = {p: "" for p in re.findall(r":(\w+)", sql)}
    conn = sqlite_connect(db_path)
    conn.execute(sql, params).fetchall()
    assert QUERIES[name]["title"]


@pytest.mark.anyio
async def test_datasette_serves_this_metadata(ds: Datasette) -> None:
    response = await ds.client.get("/-/metadata.json")
    assert response.json() == load_metadata()
    assert load_metadata()["source"] == source_line()  # the placeholders filled
