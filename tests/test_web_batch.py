"""POST /-/screen.json as the batch contract: caller keys and passthrough fields echoed, results
in input order, a bad query its own row's error (HTTP 200), the request's own problems a 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from datasette.app import Datasette

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio

NORD_STAR = {
    "entity_id": "ofac_sdn:56706", "source": "ofac_sdn", "source_id": "56706",
    "name": "NORD STAR", "type": "vessel", "programs": ["VENEZUELA-EO13850"],
    "listed_on": "2025-12-10", "reward_usd": None, "score": 1.0, "band": "exact",
    "matched_name": "NORD STAR", "related": []}


async def post(ds: Datasette, body: Any) -> tuple[int, Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = await ds.client.post("/-/screen.json", content=content)
    return r.status_code, r.json()


async def test_keys_and_passthrough_come_back_in_order_with_one_bad_row(ds: Datasette) -> None:
    status, data = await post(ds, {"queries": [
        {"id": "c1", "name": "NORD STAR", "type": "vessel", "limit": 1, "branch": "Leeds"},
        {"id": "c2", "name": "!!!", "branch": "York"},
        {"id": "c3", "imo": "9323596", "limit": 1, "opened": 2019, "tags": ["a", "b"]}]})
    assert status == 200
    assert data.pop("data_version")["build"] == "2026-06-03T00:00:00+00:00"
    assert data == {"results": [
        {"query": {"id": "c1", "name": "NORD STAR", "type": "vessel", "branch": "Leeds"},
         "matches": [{**NORD_STAR, "explanation": {
             "name": {"score": 1.0, "detail": "nord=nord 1.00; star=star 1.00"}}}]},
        {"query": {"id": "c2", "name": "!!!", "branch": "York"}, "matches": [],
         "error": "name has no letters or digits to match on"},
        {"query": {"id": "c3", "imo": "9323596", "opened": 2019, "tags": ["a", "b"]},
         "matches": [{**NORD_STAR, "explanation": {
             "identifier": {"score": 1.0, "detail": "9323596 listed for this entity"}}}]},
    ]}


async def test_a_passthrough_field_is_not_a_filter_but_the_querys_options_are(
        ds: Datasette) -> None:
    # Each query object is an explicit request: its own source, program, threshold and limit
    # are its options (a customer file's columns of those names are not: sanctions.batch).
    status, data = await post(ds, {"queries": [
        {"id": 1, "name": "Tren de Aragua", "source": "state_fto", "limit": 1},
        {"id": 2, "name": "Tren de Aragua", "source": ["ofac_sdn"], "limit": 1},
        {"id": 3, "name": "Tren de Aragua", "program": "NOPE", "limit": 1},
        {"id": 4, "name": "Tren de Aragua", "sources": "state_fto", "limit": 1}]})
    assert status == 200
    assert [[m["entity_id"] for m in r["matches"]] for r in data["results"]] == [
        ["state_fto:tren-de-aragua"], ["ofac_sdn:49756"], [], ["ofac_sdn:49756"]]
    assert [r["query"] for r in data["results"]] == [
        {"id": 1, "name": "Tren de Aragua"}, {"id": 2, "name": "Tren de Aragua"},
        {"id": 3, "name": "Tren de Aragua"},
        {"id": 4, "name": "Tren de Aragua", "sources": "state_fto"}]


BAD_ROWS: list[tuple[Any, dict[str, Any], str]] = [
    ("Tren", {}, "a query must be an object, not a string"),
    ([1], {}, "a query must be an object, not a list"),
    ({"id": "k", "nam": "b"}, {"id": "k", "nam": "b"}, "name is required"),
    ({"id": "k", "name": 5}, {"id": "k", "name": 5}, "name must be a string"),
    ({"id": "k", "name": "a", "threshold": True}, {"id": "k", "name": "a"},
     "threshold must be a number"),
    ({"id": "k", "name": "a", "limit": 2.5}, {"id": "k", "name": "a"},
     "limit must be an integer"),
    ({"id": "k", "name": "a", "source": "nope"}, {"id": "k", "name": "a"},
     "unknown source 'nope'; known: ofac_sdn, ofac_cons, state_fto, state_rewards, fbi_wanted, "
     "un_sc, uk_sanctions, eu_vessels"),
    ({"id": "k", "name": "a", "birth_date": "1/2/1970"}, {"id": "k", "name": "a",
     "birth_date": "1/2/1970"}, "birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not '1/2/1970'"),
]


@pytest.mark.parametrize(("query", "echoed", "message"), BAD_ROWS)
async def test_a_bad_row_is_its_own_error(ds: Datasette, query: Any, echoed: dict[str, Any],
                                          message: str) -> None:
    status, data = await post(ds, {"queries": [
        {"id": "before", "name": "NORD STAR", "limit": 1}, query,
        {"id": "after", "name": "NORD STAR", "limit": 1}]})
    assert status == 200
    before, bad, after = data["results"]
    assert bad == {"query": echoed, "matches": [], "error": message}
    assert (before["query"]["id"], after["query"]["id"]) == ("before", "after")
    assert [m["entity_id"] for m in before["matches"] + after["matches"]] == [
        "ofac_sdn:56706", "ofac_sdn:56706"]


async def test_surrogates_in_a_row_cost_only_that_row(ds: Datasette) -> None:
    status, data = await post(ds, b'{"queries": [{"id": "\\udfff", "name": "a"}, '
                                  b'{"id": "k", "name": "a\\ud800b"}, '
                                  b'{"id": "ok", "\\ud800": 1, "name": "NORD STAR", "limit": 1}]}')
    assert status == 200
    assert data["results"][:2] == [
        {"query": {"id": "\udfff", "name": "a"}, "matches": [],
         "error": "id is not valid text (it has an unpaired surrogate)"},
        {"query": {"id": "k", "name": "a\ud800b"}, "matches": [],
         "error": "name is not valid text (it has an unpaired surrogate)"}]
    assert data["results"][2]["query"] == {"id": "ok", "\ud800": 1, "name": "NORD STAR"}
    assert [m["entity_id"] for m in data["results"][2]["matches"]] == ["ofac_sdn:56706"]


async def test_bad_rows_do_no_work_and_the_budget_counts_the_others(ds: Datasette) -> None:
    ok = [{"name": "Tren de Aragua", "limit": 100}] * 100  # exactly 10,000
    bad = [{"name": "", "limit": 100}] * 50  # refused before matching: no work
    status, data = await post(ds, {"queries": ok + bad})
    assert status == 200 and len(data["results"]) == 150
    assert {r.get("error") for r in data["results"][100:]} == {"name is required"}
    status, data = await post(ds, {"queries": [*ok, {"name": "x", "limit": 1}]})
    assert (status, data["error"][:40]) == (413, "this batch asks for up to 10,001 matches")


@pytest.mark.parametrize(("body", "message"), [
    ({"queries": [{"name": "a"}], "x": 1}, "unknown field(s) x; expected queries"),
    ({"queries": {"a": {"name": "a"}}}, 'body must be a JSON object with a "queries" list'),
    ({"queries": []}, "queries is empty"),
])
async def test_the_requests_own_problems_stay_4xx(ds: Datasette, body: Any, message: str) -> None:
    assert await post(ds, body) == (400, {"ok": False, "status": 400, "error": message})


async def test_get_finds_a_vessel_by_imo_alone(ds: Datasette) -> None:
    r = await ds.client.get("/-/screen.json?imo=9323596&limit=1")
    assert r.status_code == 200
    data = r.json()
    assert data.pop("data_version")["build"] == "2026-06-03T00:00:00+00:00"
    assert data == {"query": {"imo": "9323596"}, "matches": [{**NORD_STAR, "explanation": {
        "identifier": {"score": 1.0, "detail": "9323596 listed for this entity"}}}]}


async def test_an_identifier_alone_or_with_a_name_get_and_post(ds: Datasette) -> None:
    # NORD STAR's MMSI and Maduro's cedula, as the fixture lists them
    r = await ds.client.get("/-/screen.json?identifier=MMSI+352003296&limit=1")
    assert r.status_code == 200
    data = r.json()
    data.pop("data_version")
    assert data == {"query": {"identifier": "MMSI 352003296"}, "matches": [{
        **NORD_STAR, "explanation": {
            "identifier": {"score": 1.0, "detail": "352003296 listed for this entity"}}}]}
    status, data = await post(ds, {"queries": [
        {"id": "p", "name": "Nicolas Maduro", "identifier": "5892464", "limit": 1},
        {"id": "v", "identifier": "352003296", "limit": 1},
        {"id": "bad", "identifier": "V-12"}]})
    assert status == 200
    results = data["results"]
    assert [[m["entity_id"] for m in r["matches"]] for r in results] == [
        ["ofac_sdn:22790"], ["ofac_sdn:56706"], []]
    assert results[0]["matches"][0]["explanation"]["identifier"] == {
        "score": 1.0, "detail": "5892464 listed for this entity"}
    assert results[2]["error"] == "identifier needs at least 5 letters or digits, not 'V-12'"
    r = await ds.client.get("/-/screen.json?identifier=" + "1" * 65)
    assert (r.status_code, r.json()) == (400, {
        "ok": False, "status": 400, "error": "identifier is longer than 64 characters"})
