"""POST /-/match: yente's /match request and response shapes over the same screening service
as POST /-/screen.json (same lane, same limits), so the same query gets the same entities and
scores through either."""

from __future__ import annotations

import json
from typing import Any

import pytest
from datasette.app import Datasette
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio

MADURO = {"schema": "Person", "properties": {
    "name": ["Nicolas Maduro"], "birthDate": ["1962-11-23"], "nationality": ["ve"]}}
GANG = {"schema": "Organization", "properties": {"name": "Tren de Aragua", "country": ["VE"]}}
SHIP = {"schema": "Vessel", "properties": {"imoNumber": ["9323596"]}}


async def post(ds: Datasette, path: str, body: Any) -> tuple[int, Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = await ds.client.post(path, content=content)
    assert r.headers["content-type"].startswith("application/json")
    return r.status_code, r.json()


async def test_a_yente_request_gets_a_yente_response(ds: Datasette) -> None:
    # the shape of yente's documented example (a person, a company), with our own values
    status, data = await post(ds, "/-/match?limit=2", {"queries": {
        "cust-1": MADURO,
        "cust-2": {"schema": "Company", "properties": {
            "name": ["Nord Star Shipping Limited"], "jurisdiction": ["pa"],
            "registrationNumber": ["PA-1234"]}},
    }})
    assert status == 200
    assert list(data) == ["responses", "limit", "matcher", "data_version"]
    assert (data["limit"], data["matcher"]) == (2, {"name": "sanctions", "threshold": 0.8})
    assert list(data["responses"]) == ["cust-1", "cust-2"]
    assert data["responses"]["cust-1"] == {
        "status": 200, "total": {"value": 1, "relation": "eq"}, "query": MADURO,
        "results": [{
            "id": "ofac_sdn:22790", "caption": "MADURO MOROS, Nicolas", "schema": "Person",
            "properties": {"name": ["MADURO MOROS, Nicolas"],
                           "program": ["VENEZUELA", "IRAN-CON-ARMS-EO"],
                           "listingDate": ["2017-07-31"]},
            "datasets": ["ofac_sdn", "state_rewards"], "referents": ["state_rewards:nrp-maduro"],
            "target": True, "first_seen": None, "last_seen": None, "last_change": None,
            "score": 0.9923, "match": True,
            "features": {"name": 0.942, "birth_date": 1.0, "country": 1.0},
            "explanations": {
                "name": {"score": 0.942, "detail": "nicolas=nicolas 1.00; maduro=maduro 1.00; "
                                                   "not in query: moros (dropped, low weight)"},
                "birth_date": {"score": 1.0,
                               "detail": "1962-11-23 within listed 1962-11-23..1962-11-23"},
                "country": {"score": 1.0, "detail": "VE listed"}},
            "band": "exact", "matched_name": "MADURO MOROS, Nicolas"}]}
    # an organization query is not a vessel: nothing to alarm on, and still a 200
    assert data["responses"]["cust-2"]["status"] == 200
    assert all(r["schema"] == "Organization" for r in data["responses"]["cust-2"]["results"])


async def test_match_and_screen_json_give_the_same_entities_and_scores(ds: Datasette) -> None:
    pairs = [(MADURO, {"name": "Nicolas Maduro", "type": "person", "birth_date": "1962-11-23",
                       "country": "ve"}),
             (GANG, {"name": "Tren de Aragua", "type": "organization", "country": "VE"}),
             (SHIP, {"type": "vessel", "imo": "9323596"}),
             ({"schema": "Thing", "properties": {"name": ["Aragua"]}}, {"name": "Aragua"})]
    counts = []
    for threshold in (0.8, 0.0):
        status, matched = await post(ds, f"/-/match?threshold={threshold}&limit=5", {
            "queries": {f"k{i}": example for i, (example, _) in enumerate(pairs)}})
        assert status == 200
        status, screened = await post(ds, "/-/screen.json", {"queries": [
            {**fields, "threshold": threshold, "limit": 5} for _, fields in pairs]})
        assert status == 200
        got = [[(r["id"], r["score"]) for r in matched["responses"][f"k{i}"]["results"]]
               for i in range(len(pairs))]
        want = [[(m["entity_id"], m["score"]) for m in r["matches"]]
                for r in screened["results"]]
        assert got == want
        counts.append(sum(map(len, got)))
    assert counts[1] > counts[0]  # at threshold 0, weaker candidates come back too


async def test_cutoff_and_threshold_as_in_yente(ds: Datasette) -> None:
    # results from the lower of cutoff and threshold; `match` from threshold
    status, data = await post(ds, "/-/match?threshold=0.995&cutoff=0.5", {"queries": {
        "a": MADURO}})
    assert status == 200
    results = data["responses"]["a"]["results"]
    assert [(r["id"], r["score"], r["match"]) for r in results][:1] == [
        ("ofac_sdn:22790", 0.9923, False)]
    assert data["matcher"] == {"name": "sanctions", "threshold": 0.995}


async def test_several_names_are_merged_by_entity(ds: Datasette) -> None:
    status, data = await post(ds, "/-/match", {"queries": {"a": {"schema": "Organization",
        "properties": {"name": ["Aragua Train", "Tren de Aragua"], "alias": ["TREN DE ARAGUA"]}}}})
    assert status == 200
    ids = [r["id"] for r in data["responses"]["a"]["results"]]
    assert ids == ["ofac_sdn:49756"]  # one result per cluster, however many names found it
    assert data["responses"]["a"]["results"][0]["score"] == 1.0


async def test_identifier_properties_become_the_identifier(ds: Datasette) -> None:
    # the fixture's real numbers: NORD STAR's MMSI, Maduro's cedula
    status, data = await post(ds, "/-/match?limit=1", {"queries": {
        "mmsi": {"schema": "Vessel", "properties": {"mmsi": ["352003296"]}},
        "id": {"schema": "Person", "properties": {"idNumber": ["5892464"]}},
        # too short to compare (skipped), then a passport: the first usable value is screened
        "passport": {"schema": "Person", "properties": {
            "name": ["Nicolas Maduro"], "idNumber": ["12"], "passportNumber": ["5892464"]}},
        "other": {"schema": "Person", "properties": {"taxNumber": ["99"]}},
    }})
    assert status == 200
    responses = data["responses"]
    found = {k: [(r["id"], r["score"], r["features"].get("identifier"))
                 for r in v["results"]] for k, v in responses.items() if k != "other"}
    assert found == {"mmsi": [("ofac_sdn:56706", 1.0, 1.0)],
                     "id": [("ofac_sdn:22790", 1.0, 1.0)],
                     "passport": [("ofac_sdn:22790", 1.0, 1.0)]}
    assert (responses["other"]["status"], responses["other"]["error"]) == (
        400, "name is required")


async def test_a_bad_example_is_its_own_error(ds: Datasette) -> None:
    status, data = await post(ds, "/-/match", {"queries": {
        "ok": SHIP,
        "dog": {"schema": "Dog", "properties": {"name": ["Rex"]}},
        "noname": {"schema": "Person", "properties": {"birthDate": ["1970"]}},
        "badprop": {"schema": "Person", "properties": {"name": [5]}},
        "nodict": "Tren",
        "badcountry": {"schema": "Person", "properties": {"name": "A B", "country": "Atlantis"}},
    }})
    assert status == 200
    responses = data["responses"]
    assert [r["id"] for r in responses.pop("ok")["results"]] == ["ofac_sdn:56706"]
    empty = {"status": 400, "results": [], "total": {"value": 0, "relation": "eq"}}
    assert responses == {
        "dog": {**empty, "query": {"schema": "Dog", "properties": {"name": ["Rex"]}},
                "error": "schema must be one of Thing, LegalEntity, Person, Organization, "
                         'Company, PublicBody, Vessel, Airplane, not "Dog"'},
        "noname": {**empty, "query": {"schema": "Person", "properties": {"birthDate": ["1970"]}},
                   "error": "name is required"},
        "badprop": {**empty, "query": {"schema": "Person", "properties": {"name": [5]}},
                    "error": "properties.name must be a string or a list of strings"},
        "nodict": {**empty, "query": {},
                   "error": "an example must be an object with schema and properties"},
        "badcountry": {**empty, "query": {"schema": "Person", "properties": {
            "name": "A B", "country": "Atlantis"}},
            "error": "unknown country 'Atlantis' (use an ISO code such as VE, or a name)"},
    }


@pytest.mark.parametrize(("path", "body", "status", "message"), [
    ("/-/match", b"nope", 400, 'body must be JSON: {"queries": {"key": {"schema": "Person", '
                                '"properties": {"name": ["..."]}}}}'),
    ("/-/match", {"queries": [SHIP]}, 400, 'body must be a JSON object with a "queries" object'),
    ("/-/match", {"queries": {}}, 400, "queries is empty"),
    ("/-/match", {"queries": {"a": SHIP}, "x": 1}, 400,
     "unknown field(s) 'x'; expected config, queries, weights"),
    ("/-/match?threshold=2", {"queries": {"a": SHIP}}, 400, "threshold must be between 0 and 1"),
    ("/-/match?limit=0", {"queries": {"a": SHIP}}, 400, "limit must be between 1 and 100"),
    ("/-/match?include_dataset=nope", {"queries": {"a": SHIP}}, 400,
     "include_dataset: unknown source 'nope'; known: ofac_sdn, ofac_cons, state_fto, "
     "state_rewards, fbi_wanted, un_sc, uk_sanctions, eu_vessels"),
    ("/-/match", {"queries": {str(i): SHIP for i in range(1001)}}, 400,
     "at most 1,000 queries per request, got 1,001"),
    ("/-/match?limit=1", {"queries": {str(i): {"schema": "Thing", "properties": {
        "name": ["A B", "C D"]}} for i in range(501)}}, 400,
     "at most 1,000 names per request, got 1,002"),
    ("/-/match?limit=100", {"queries": {str(i): SHIP for i in range(101)}}, 413,
     "this batch asks for up to 10,100 matches (the sum of each query's limit, 10 by default); "
     "at most 10,000 per request: send fewer queries or a lower limit"),
])
async def test_the_requests_own_problems_are_4xx(ds: Datasette, path: str, body: Any,
                                                 status: int, message: str) -> None:
    assert await post(ds, path, body) == (status, {"ok": False, "status": status,
                                                   "error": message})


async def test_weights_are_accepted_and_datasets_filter(ds: Datasette) -> None:
    status, data = await post(ds, "/-/match?include_dataset=state_fto", {
        "weights": {"name_literal": 0.8}, "queries": {"g": GANG}})
    assert status == 200
    assert [r["id"] for r in data["responses"]["g"]["results"]] == ["state_fto:tren-de-aragua"]


async def test_only_post(ds: Datasette) -> None:
    r = await ds.client.get("/-/match")
    assert (r.status_code, r.json()["error"]) == (
        405, 'POST a JSON body: {"queries": {"key": {"schema": ..., "properties": ...}}}')


# --- nothing a client sends gives a 500 ------------------------------------------------------

TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)  # surrogates too
VALUE = (st.none() | st.booleans() | st.integers() | st.floats() | TEXT
         | st.sampled_from(["Tren de Aragua", "9323596", "VE", "1962-11-23", "Person"]))
PROPS = st.dictionaries(st.sampled_from(["name", "alias", "birthDate", "country", "imoNumber",
                                         "firstName", "lastName"]) | TEXT,
                        VALUE | st.lists(VALUE, max_size=3), max_size=4)
EXAMPLE = (st.fixed_dictionaries({"schema": st.sampled_from(["Person", "Vessel", "Thing"]) | TEXT,
                                  "properties": PROPS}) | VALUE)
BODY = (st.fixed_dictionaries({"queries": st.dictionaries(TEXT, EXAMPLE, max_size=4)})
        | st.dictionaries(st.sampled_from(["queries", "weights"]) | TEXT, VALUE, max_size=3))
PARAMS = st.lists(st.tuples(st.sampled_from(["threshold", "cutoff", "limit", "include_dataset"]),
                            st.sampled_from(["0", "0.5", "1", "2", "-1", "x", "ofac_sdn", ""])),
                  max_size=3)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODY, params=PARAMS)
async def test_match_never_500(ds: Datasette, body: Any, params: list[tuple[str, str]]) -> None:
    qs = "&".join(f"{k}={v}" for k, v in params)
    r = await ds.client.post("/-/match?" + qs, content=json.dumps(body).encode())
    assert r.status_code in (200, 400), r.text
    data = json.loads(r.text)
    if r.status_code == 200:
        assert list(data["responses"]) == list(body["queries"])
        assert {resp["status"] for resp in data["responses"].values()} <= {200, 400}
    else:
        assert data["ok"] is False and "\n" not in data["error"] and len(data["error"]) < 400


async def test_decisions_apply_under_the_examples_keys(db_path: Any, tmp_path: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An example's key is its customer key: a decided false positive is marked and is no
    `match`, as in /-/screen.json; another key's same query still alarms."""
    import shutil

    from datasette_fixtures import register_plugin

    from sanctions.store.decisions import record_decision
    from sanctions.web.metadata import load_metadata

    monkeypatch.delenv("SANCTIONS_DECISIONS", raising=False)
    monkeypatch.delenv("SANCTIONS_AUDIT", raising=False)
    db = tmp_path / "sanctions.db"
    shutil.copy(db_path, db)
    saved = record_decision("cust-1", "ofac_sdn:56706", "false_positive", by="ana",
                            note="a ferry", db=db)
    register_plugin()
    served = Datasette(immutables=[str(db)], metadata=load_metadata(db))
    await served.invoke_startup()
    nord = {"schema": "Vessel", "properties": {"name": ["NORD STAR"]}}
    status, data = await post(served, "/-/match", {"queries": {"cust-1": nord, "cust-2": nord}})
    assert status == 200
    decided, other = (data["responses"][k]["results"][0] for k in ("cust-1", "cust-2"))
    assert (decided["id"], decided["score"], decided["match"]) == ("ofac_sdn:56706", 1.0, False)
    assert decided["decision"] == {
        "decision": "false_positive", "by": "ana", "at": saved["at"], "note": "a ferry",
        "entity_id": "ofac_sdn:56706", "status": "current", "alarm": False}
    assert (other["id"], other["match"], "decision" in other) == ("ofac_sdn:56706", True, False)
    answer = (await served.client.get("/-/screen.json?name=NORD+STAR&id=cust-1")).json()
    assert answer["matches"][0]["decision"] == decided["decision"]
