"""Tables for people (sanctions.web.tables, templates/table.html, _table.html, _facet_results.html):
arrays as lists and as JSON arrays, one facet value per country, facets not doubled, the search
over names and aliases, the columns a reader wants first. On the fixture database, and on the
full build for the countries the real lists spell two ways.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette_fixtures import register_plugin

from sanctions.store.labels import country_labels
from sanctions.web.metadata import load_metadata
from sanctions.web.tables import _tidy_query, render_table_cell

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures


async def get_json(ds: Datasette, url: str) -> Any:
    response = await ds.client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.anyio
async def test_array_columns_are_arrays_in_json(ds: Datasette) -> None:
    rows = await get_json(ds, "/sanctions/entities.json?_shape=array&id=ofac_sdn:49756"
                              "&_col=programs&_col=countries")
    assert rows == [{"id": "ofac_sdn:49756", "programs": ["TCO", "FTO", "SDGT"],
                     "countries": ["VE", "CO", "CL", "PE"]}]
    # a caller who asks for _json itself gets exactly that
    rows = await get_json(ds, "/sanctions/entities.json?_shape=array&id=ofac_sdn:49756"
                              "&_col=programs&_col=countries&_json=programs")
    assert rows == [{"id": "ofac_sdn:49756", "programs": ["TCO", "FTO", "SDGT"],
                     "countries": '["VE", "CO", "CL", "PE"]'}]


@pytest.mark.anyio
async def test_arrays_are_lists_in_html(ds: Datasette) -> None:
    page = (await ds.client.get("/sanctions/entities?id=ofac_sdn:49756")).text
    assert ('<td class="col-programs type-str"><ul class="cell-list"><li>TCO</li><li>FTO</li>'
            "<li>SDGT</li></ul></td>") in page
    assert "[&#34;" not in page and '["' not in page.split("<tbody>")[1]
    # the country code with the name the lists use for it
    assert "<li>VE <small>Venezuela</small></li>" in page


@pytest.mark.anyio
async def test_a_requested_facet_is_not_shown_twice(ds: Datasette) -> None:
    data = await get_json(ds, "/sanctions/entities.json?_facet=source&_facet_array=countries"
                              "&_facet=gender")
    assert sorted(data["facet_results"]) == ["countries", "gender", "programs", "source", "type"]
    page = (await ds.client.get("/sanctions/entities?_facet=source")).text
    assert page.count('id="facet-source"') == 1


@pytest.mark.anyio
async def test_search_covers_aliases(ds: Datasette) -> None:
    # "TdA" is only an alias of State's Tren de Aragua; "ARAGUA TRAIN" only OFAC's weak alias
    rows = await get_json(ds, "/sanctions/entities.json?_search=TdA&_shape=array&_col=name")
    assert rows == [{"id": "state_fto:tren-de-aragua", "name": "Tren de Aragua"}]
    rows = await get_json(ds, "/sanctions/entities.json?_search=train&_shape=array&_col=name")
    assert rows == [{"id": "ofac_sdn:49756", "name": "TREN DE ARAGUA"}]


@pytest.mark.anyio
async def test_sources_columns_read_first(ds: Datasette) -> None:
    page = (await ds.client.get("/sanctions/sources")).text
    head = page.split("<thead>")[1].split("</thead>")[0]
    order = [c.split('"')[0] for c in head.split('data-column="')[1:]]
    assert order[:5] == ["key", "title", "kind", "as_of", "entity_count"]
    assert sorted(order) == sorted(["key", "title", "publisher", "url", "format", "licence",
                                    "kind", "as_of", "entity_count", "counts", "notes",
                                    "description", "imported_at"])


@pytest.mark.anyio
async def test_row_page_details_and_profile_link(ds: Datasette) -> None:
    page = (await ds.client.get("/sanctions/entities/ofac_sdn~3A22790")).text
    assert '<a href="/-/profile/ofac_sdn~3A22790"><strong>Profile</strong>' in page
    assert '<details id="row"><summary>Details: every column as stored</summary>' in page
    assert "0 rows from" not in page


def test_clipped_and_plain_cells() -> None:
    long = "x" * 500
    assert render_table_cell(long, "remarks", "entities", {}) == (
        f'<span class="clip" title="{long}">{"x" * 400}</span>')
    assert render_table_cell("short", "remarks", "entities", {}) is None
    assert render_table_cell('["KP"]', "countries", "entities", {"KP": "Korea, North"}) == (
        '<ul class="cell-list"><li>KP <small>Korea, North</small></li></ul>')
    assert render_table_cell("not json", "countries", "entities", {}) is None
    assert render_table_cell('["<b>"]', "programs", "entities", {}) == (
        '<ul class="cell-list"><li>&lt;b&gt;</li></ul>')


@pytest.mark.parametrize(("query", "is_json", "expected"), [
    ("_facet=source&_facet=gender", False, "_facet=gender"),
    ("_facet=gender&_facet=gender", False, "_facet=gender"),
    ("_facet_array=countries&_search=x", True,
     "_search=x&_json=programs&_json=countries"),
    ("_json=raw", True, "_json=raw"),
])
def test_tidy_query(query: str, is_json: bool, expected: str) -> None:
    facets = {"source", "type", "programs", "countries"}
    assert _tidy_query(query, facets, is_json, ("programs", "countries")) == expected


def test_one_facet_value_per_country_on_the_real_lists(full_db: Path) -> None:
    with sqlite3.connect(f"file:{full_db}?mode=ro", uri=True) as conn:
        values = {v for (v,) in conn.execute(
            "SELECT DISTINCT j.value FROM entities, json_each(entities.countries) j")}
        labels = country_labels(conn)
    assert "KP" in values
    assert not values & {"Korea, North", "Democratic People's Republic of Korea", "Russia",
                         "Russian Federation"}
    assert labels["KP"] == "Korea, North"
    assert labels["RU"] == "Russia"


@pytest.mark.anyio
async def test_a_rows_json_has_arrays(ds: Datasette) -> None:
    data = await get_json(ds, "/sanctions/entities/ofac_sdn~3A56706.json?_shape=objects")
    assert [(r["programs"], r["countries"]) for r in data["rows"]] == [
        (["VENEZUELA-EO13850"], ["PA"])]


@pytest.mark.anyio
async def test_links_stay_under_base_url(db_path: Path) -> None:
    # every link the plugin's templates write goes through Datasette's urls helpers, so a
    # server behind a path prefix (--setting base_url /app/) links within it
    register_plugin()
    ds = Datasette(immutables=[str(db_path)], metadata=load_metadata(db_path),
                   settings={"base_url": "/app/"})
    await ds.invoke_startup()
    # metadata.yml's own links (about_url, source_url) are written as-is by Datasette
    from_metadata = {"/-/screen", "/sanctions/sources"}
    for url in ("/-/screen?name=Nicolas+Maduro", "/-/profile/ofac_sdn~3A22790",
                "/sanctions/entities/ofac_sdn~3A56706", "/sanctions/entities?_facet=source",
                "/sanctions/sources"):
        page = await ds.client.get(url)
        assert page.status_code == 200, url
        links = set(re.findall(r'(?:href|src|action)="(/[^"]*)"', page.text))
        assert links, url
        assert {h for h in links if not h.startswith("/app/")} <= from_metadata, url
