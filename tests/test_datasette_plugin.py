"""The Datasette side, driven through Datasette's own test client on a small real database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from datasette.app import Datasette

from sanctions.sources import all_sources
from sanctions.web.api import MAX_QUERIES

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures

pytestmark = pytest.mark.anyio

MATCH_KEYS = {"entity_id", "source", "source_id", "name", "type", "score", "band",
              "matched_name", "programs", "listed_on", "explanation"}


async def get_json(ds: Datasette, url: str, status: int = 200) -> Any:
    response = await ds.client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def post_json(ds: Datasette, body: Any, status: int = 200) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = await ds.client.post("/-/screen.json", content=content,
                                    headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    return response.json()


# --- tables, search, facets, labels ----------------------------------------------------------


async def test_table_json_shape_array(ds: Datasette) -> None:
    rows = await get_json(ds, "/sanctions/vessels.json?_shape=array")
    assert rows == [{
        "entity_id": "ofac_sdn:56706", "imo": "9323596", "imo_valid": 1, "mmsi": "352003296",
        "call_sign": "3E7463", "vessel_type": "Crude Oil Tanker", "tonnage": None, "grt": None,
        "flag": "Panama", "owner": None,
    }]


async def test_search_entities_and_names(ds: Datasette) -> None:
    entities = await get_json(ds, "/sanctions/entities.json?_search=aragua&_shape=array&_col=name")
    assert [e["id"] for e in entities] == ["state_fto:tren-de-aragua", "ofac_sdn:49756"] or [
        e["id"] for e in entities] == ["ofac_sdn:49756", "state_fto:tren-de-aragua"]
    assert {e["name"] for e in entities} == {"TREN DE ARAGUA", "Tren de Aragua"}
    names = await get_json(ds, "/sanctions/names.json?_search=aragua&_shape=array")
    assert sorted(n["name"] for n in names) == [
        "ARAGUA TRAIN", "EL TREN DE ARAGUA", "TREN DE ARAGUA", "Tren de Aragua"]


async def test_search_ignores_accents_and_does_not_stem(ds: Datasette) -> None:
    names = await get_json(ds, "/sanctions/names.json?_search=nicolas&_shape=array")
    assert {n["name"] for n in names} == {"MADURO MOROS, Nicolas", "Nicolás Maduro Moros"}
    assert await get_json(ds, "/sanctions/names.json?_search=aragu&_shape=array") == []


async def test_default_facets(ds: Datasette) -> None:
    data = await get_json(ds, "/sanctions/entities.json")
    facets = {name: {r["value"]: r["count"] for r in f["results"]}
              for name, f in data["facet_results"].items()}
    assert facets["source"] == {"ofac_sdn": 3, "state_fto": 1, "state_rewards": 1}
    assert facets["type"] == {"organization": 2, "person": 2, "vessel": 1}
    assert facets["programs"]["FTO"] == 2
    assert facets["countries"]["VE"] == 2  # ISO codes (sanctions.store.write)
    vessels = await get_json(ds, "/sanctions/vessels.json")
    flag = vessels["facet_results"]["flag"]["results"]
    assert [(r["value"], r["count"]) for r in flag] == [("Panama", 1)]


async def test_label_column_expands_foreign_keys(ds: Datasette) -> None:
    rows = await get_json(
        ds, "/sanctions/designations.json?_shape=array&_labels=on&program=FTO&source=ofac_sdn")
    assert rows[0]["entity_id"] == {"value": "ofac_sdn:49756", "label": "TREN DE ARAGUA"}
    assert rows[0]["source"] == {"value": "ofac_sdn",
                                 "label": "OFAC Specially Designated Nationals (SDN) List"}


async def test_internal_tables_hidden(ds: Datasette) -> None:
    data = await get_json(ds, "/sanctions.json")
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert "build_info" not in visible
    assert not any(t.endswith("_fts") or "_fts_" in t for t in visible)
    assert {"entities", "names", "vessels", "designations", "sources"} <= visible


# --- canned queries --------------------------------------------------------------------------


async def test_canned_entity_profile(ds: Datasette) -> None:
    rows = await get_json(ds, "/sanctions/entity_profile.json?id=ofac_sdn:22790&_shape=array")
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "MADURO MOROS, Nicolas"
    assert row["identifiers"] == "cedula 5892464 (Venezuela)"
    assert row["programs"] == "VENEZUELA since 2017-07-31; IRAN-CON-ARMS-EO since 2020-03-26"
    assert row["addresses"] == "Caracas, Capital District, Venezuela"
    assert row["birth_dates"] == "23 Nov 1962"


async def test_canned_vessels_designations_rewards_identifiers(ds: Datasette) -> None:
    vessels = await get_json(
        ds, "/sanctions/vessels_by_flag.json?flag=panama&vessel_type=tanker&_shape=array")
    assert [(v["name"], v["imo"]) for v in vessels] == [("NORD STAR", "9323596")]
    assert await get_json(
        ds, "/sanctions/vessels_by_flag.json?flag=Liberia&vessel_type=&_shape=array") == []
    listed = await get_json(
        ds, "/sanctions/designations_between.json?since=2025-02-01&until=2025-02&program="
        "&_shape=array")
    assert sorted((d["entity_id"], d["program"]) for d in listed) == [
        ("ofac_sdn:49756", "FTO"), ("ofac_sdn:49756", "SDGT"), ("state_fto:tren-de-aragua", "FTO")]
    rewards = await get_json(ds, "/sanctions/largest_rewards.json?_shape=array")
    assert [(r["name"], r["amount_usd"]) for r in rewards] == [("Nicolás Maduro Moros", 50_000_000)]
    holders = await get_json(ds, "/sanctions/identifier_lookup.json?number=589-2464&_shape=array")
    assert [h["entity_id"] for h in holders] == ["ofac_sdn:22790"]


# --- SQL functions ---------------------------------------------------------------------------


async def test_sql_functions(ds: Datasette) -> None:
    sql = ("select normalize_name('MADURO MOROS, Nicolás') as n,"
           " name_similarity('MADURO MOROS, Nicolas', 'Nicolás Maduro Moros') as s,"
           " name_similarity('Tren de Aragua', 'Cartel de los Soles') < 0.6 as low,"
           " imo_is_valid('IMO 9323596') as good, imo_is_valid('9323597') as bad,"
           " imo_is_valid(null) as missing")
    rows = await get_json(ds, "/sanctions.json?_shape=array&sql=" + sql.replace(" ", "+"))
    assert rows == [{"n": "maduro moros nicolas", "s": 1.0, "low": 1, "good": 1, "bad": 0,
                     "missing": None}]


# --- screening JSON --------------------------------------------------------------------------


async def test_screen_get(ds: Datasette) -> None:
    data = await get_json(ds, "/-/screen.json?name=Tren+de+Aragua")
    assert set(data) >= {"query", "matches"}
    assert data["matches"][0]["name"].casefold() == "tren de aragua"
    # one match per linked cluster: the OFAC record, with the FTO listing as related
    assert data["matches"][0]["entity_id"] == "ofac_sdn:49756"
    assert [r["entity_id"] for r in data["matches"][0]["related"]] == ["state_fto:tren-de-aragua"]
    for match in data["matches"]:
        assert set(match) >= MATCH_KEYS
        for feature in match["explanation"].values():
            assert set(feature) >= {"score", "detail"}


async def test_screen_get_filters(ds: Datasette) -> None:
    data = await get_json(ds, "/-/screen.json?name=Tren+de+Aragua&source=ofac_sdn&limit=5")
    assert [m["entity_id"] for m in data["matches"]][:1] == ["ofac_sdn:49756"]
    assert {m["source"] for m in data["matches"]} == {"ofac_sdn"}
    vessels = await get_json(ds, "/-/screen.json?name=Nord+Star&type=vessel&threshold=0.5")
    assert vessels["matches"][0]["entity_id"] == "ofac_sdn:56706"
    assert {m["type"] for m in vessels["matches"]} == {"vessel"}


async def test_screen_post_keeps_order(ds: Datasette) -> None:
    queries = [{"name": "Nicolas Maduro Moros", "type": "person"},
               {"name": "TREN DE ARAGUA"},
               {"name": "NORD STAR", "type": "vessel", "threshold": 0.5, "limit": 3}]
    data = await post_json(ds, {"queries": queries})
    assert list(data) == ["results", "data_version"]  # the version once, at the top
    assert [r["matches"][0]["entity_id"] for r in data["results"]] == [
        "ofac_sdn:22790", "ofac_sdn:49756", "ofac_sdn:56706"]
    single = await get_json(ds, "/-/screen.json?name=TREN+DE+ARAGUA")
    assert single.pop("data_version") == data["data_version"]
    assert data["results"][1] == single


async def test_screen_post_accepts_the_maximum(ds: Datasette) -> None:
    data = await post_json(ds, {"queries": [{"name": "Tren de Aragua"}] * MAX_QUERIES})
    assert len(data["results"]) == MAX_QUERIES


# --- errors ----------------------------------------------------------------------------------

BAD_GETS = [
    ("", "name is required"),
    ("name=", "name is required"),
    ("name=%20%20", "name is required"),
    ("name=%21%21%21", "name has no letters or digits to match on"),
    ("name=" + "x" * 301, "name is longer than 300 characters"),
    ("name=a&type=ship", "type must be one of person, organization, vessel, aircraft, not 'ship'"),
    ("name=a&source=nope", "unknown source 'nope'; known: ofac_sdn, ofac_cons, state_fto, "
                           "state_rewards, fbi_wanted, un_sc, uk_sanctions, eu_vessels"),
    ("name=a&threshold=abc", "threshold must be a number"),
    ("name=a&threshold=1.5", "threshold must be between 0 and 1"),
    ("name=a&threshold=nan", "threshold must be a finite number"),
    ("name=a&threshold=-inf", "threshold must be a finite number"),
    ("name=a&limit=0", "limit must be between 1 and 100"),
    ("name=a&limit=1.5", "limit must be an integer"),
    ("name=a&limit=99999999999999999999999", "limit must be between 1 and 100"),
]


@pytest.mark.parametrize(("qs", "message"), BAD_GETS)
async def test_screen_get_errors(ds: Datasette, qs: str, message: str) -> None:
    assert await get_json(ds, "/-/screen.json?" + qs, 400) == {
        "ok": False, "error": message, "status": 400}


BAD_BODIES: list[tuple[Any, str]] = [
    (b"", 'body must be JSON: {"queries": [{"name": "..."}, ...]}'),
    (b"{not json", 'body must be JSON: {"queries": [{"name": "..."}, ...]}'),
    (b"\xff\xfe", 'body must be JSON: {"queries": [{"name": "..."}, ...]}'),
    (b"[" * 100_000, 'body must be JSON: {"queries": [{"name": "..."}, ...]}'),
    ([], 'body must be a JSON object with a "queries" list'),
    ({"queries": "Tren"}, 'body must be a JSON object with a "queries" list'),
    ({"queries": []}, "queries is empty"),
    ({"queries": [{"name": "a"}], "x": 1}, "unknown field(s) x; expected queries"),
    ({"queries": [{"name": "a"}] * (MAX_QUERIES + 1)},
     "at most 1,000 queries per request, got 1,001"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
async def test_screen_post_errors(ds: Datasette, body: Any, message: str) -> None:
    assert await post_json(ds, body, 400) == {"ok": False, "error": message, "status": 400}


BAD_ROWS: list[tuple[Any, str]] = [
    ("Tren", "a query must be an object, not a string"),
    ({"nam": "b"}, "name is required"),
    ({"name": 5}, "name must be a string"),
    ({"name": "a", "threshold": True}, "threshold must be a number"),
    ({"name": "a", "threshold": "0.9x"}, "threshold must be a number"),
    ({"name": "a", "limit": 2.5}, "limit must be an integer"),
    ({"name": "a", "limit": [1]}, "limit must be an integer"),
]


@pytest.mark.parametrize(("query", "message"), BAD_ROWS)
async def test_screen_post_bad_query_is_its_rows_error(ds: Datasette, query: Any,
                                                       message: str) -> None:
    # one bad query costs its own row (tests/test_web_batch.py has the whole contract)
    data = await post_json(ds, {"queries": [{"name": "a"}, query]})
    assert data["results"][1]["error"] == message
    assert data["results"][1]["matches"] == []
    assert "error" not in data["results"][0]


async def test_screen_post_nan_threshold(ds: Datasette) -> None:
    body = b'{"queries": [{"name": "a", "threshold": NaN}]}'
    data = await post_json(ds, body)
    assert data.pop("data_version")["build"] == "2026-06-03T00:00:00+00:00"
    assert data == {"results": [{"query": {"name": "a"}, "matches": [],
                                 "error": "threshold must be a finite number"}]}


async def test_screen_post_too_large(ds: Datasette) -> None:
    body = json.dumps({"queries": [{"name": "x" * 250}] * 20_000}).encode()
    assert await post_json(ds, body, 413) == {
        "ok": False, "error": "body is larger than 4,000,000 bytes", "status": 413}


async def test_screen_wrong_method(ds: Datasette) -> None:
    response = await ds.client.request("PUT", "/-/screen.json")
    assert response.status_code == 405
    assert response.json() == {"ok": False, "status": 405,
                                "error": "use GET with ?name=... or POST a JSON body"}


# Nothing a client sends gives a 500: the Hypothesis properties in test_web_properties.py.


# --- HTML pages ------------------------------------------------------------------------------


async def test_screen_page_form_and_results(ds: Datasette) -> None:
    empty = await ds.client.get("/-/screen")
    assert empty.status_code == 200
    assert '<input type="search" name="name"' in empty.text
    assert ('<input type="checkbox" name="source" value="ofac_sdn" id="source-ofac_sdn">'
            '<label for="source-ofac_sdn" title="OFAC Specially Designated Nationals (SDN) List">'
            'OFAC SDN</label>') in empty.text
    for field in ("type", "country", "birth_date", "imo", "program", "threshold"):
        assert f'name="{field}"' in empty.text
    page = await ds.client.get("/-/screen?name=Tren+de+Aragua&type=&source=&threshold=")
    assert page.status_code == 200
    first = page.text.split('<tr class="match">')[1]
    assert '<a href="/sanctions/entities/ofac_sdn~3A49756">TREN DE ARAGUA</a>' in first or (
        '<a href="/sanctions/entities/state_fto~3Atren-de-aragua">Tren de Aragua</a>' in first)
    assert "explanation" in first


async def test_screen_page_shows_the_closest_under_the_threshold(ds: Datasette) -> None:
    # one word alone scores under the threshold on purpose (matching.bare): the page says no
    # match and names the closest records under it, with their why; the JSON stays the
    # screening's own
    page = await ds.client.get("/-/screen?name=Maduro")
    assert page.status_code == 200
    assert "No listed name scores above the threshold" in page.text
    closest = page.text.split('<div id="closest">')[1].split("</div>")[0]
    assert "MADURO MOROS" in closest and "one word only" in closest
    assert '<a class="profile" href="/-/profile/' in closest
    data = await get_json(ds, "/-/screen.json?name=Maduro")
    assert data["matches"] == [] and "closest" not in data
    found = await ds.client.get("/-/screen?name=Tren+de+Aragua")
    assert '<div id="closest">' not in found.text


async def test_screen_page_bad_input_is_400_with_message(ds: Datasette) -> None:
    page = await ds.client.get("/-/screen?name=Tren&threshold=7")
    assert page.status_code == 400
    assert "threshold must be between 0 and 1" in page.text


@pytest.mark.parametrize("url", [
    "/", "/sanctions", "/sanctions/entities", "/sanctions/entities/ofac_sdn~3A49756",
    "/sanctions/entity_profile?id=ofac_sdn:49756", "/-/screen", "/-/screen?name=Maduro",
])
async def test_every_page_shows_as_of_dates(ds: Datasette, url: str) -> None:
    page = await ds.client.get(url)
    assert page.status_code == 200
    footer = page.text.split('<p class="sanctions-as-of">')[1].split("</p>")[0]
    labels = {s.key: s.short for s in all_sources()}
    for key, as_of in (("ofac_sdn", "2026-06-02"), ("state_fto", "2026-01-15"),
                       ("state_rewards", "2025-08-07")):
        assert f"{labels.get(key, key)}</a> {as_of}" in footer


async def test_entity_row_page(ds: Datasette) -> None:
    page = (await ds.client.get("/sanctions/entities/ofac_sdn~3A56706")).text
    assert "<title>NORD STAR</title>" in page
    for expected in (
        '<a href="/sanctions/designations?entity_id=ofac_sdn%3A56706">(1)</a>',
        "<tr><th>imo</th><td>9323596</td></tr>",
        "<tr><th>imo_valid</th><td>check digit correct</td></tr>",
        '<a href="/sanctions/vessels?flag=Panama">Panama</a>',
        '<a href="/sanctions/entities/ofac_sdn~3A49756">TREN DE ARAGUA</a>',
        "linked to: KRAPE MYRTLE CO LTD",
        "<td>mmsi</td><td>352003296</td>",
    ):
        assert expected in page, expected
    maduro = (await ds.client.get("/sanctions/entities/ofac_sdn~3A22790")).text
    for expected in ("<li>Born: 23 Nov 1962</li>", "<li>Citizenship: Venezuela</li>",
                     "<td>cedula</td><td>5892464</td><td>Venezuela</td>",
                     "Caracas, Capital District, Venezuela"):
        assert expected in maduro, expected
    tda = (await ds.client.get("/sanctions/entities/ofac_sdn~3A49756")).text
    assert '<a href="/sanctions/entities/ofac_sdn~3A56706">NORD STAR</a>' in tda


async def test_other_row_pages_unchanged(ds: Datasette) -> None:
    page = await ds.client.get("/sanctions/sources/ofac_sdn")
    assert page.status_code == 200
    assert "<h1" in page.text and "sources: ofac_sdn" in page.text


async def test_screen_json_qualifiers_and_library_errors(ds) -> None:
    """country, birth_date and imo reach the matcher; its own validation becomes a 400."""
    r = await ds.client.get("/-/screen.json?name=Nicolas+Maduro&birth_date=1962&country=VE")
    assert r.status_code == 200
    first = r.json()["matches"][0]
    assert first["entity_id"] == "ofac_sdn:22790"
    assert first["explanation"]["birth_date"]["score"] == 1.0
    assert first["explanation"]["country"] == {"score": 1.0, "detail": "VE listed"}
    r = await ds.client.get("/-/screen.json?name=Nicolas+Maduro&country=Atlantis")
    assert r.status_code == 400
    assert r.json() == {
        "ok": False, "status": 400,
        "error": "unknown country 'Atlantis' (use an ISO code such as VE, or a name)"}
