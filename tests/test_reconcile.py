"""`/-/reconcile` (the Reconciliation Service API 0.2) through a real Datasette on the full
build: every answer validates against the specification's own schemas (fixtures/reconciliation,
copied from reconciliation-api/specs), and a 200-row name column reconciles as the CLI screens.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette_fixtures import register_plugin
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from sanctions.web.metadata import load_metadata

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMAS = FIXTURES / "reconciliation"
NAMES = FIXTURES / "reconcile_names.csv"
TYPE_IDS = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
            "aircraft": "Airplane"}

pytestmark = pytest.mark.anyio


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema, DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def valid(name: str, data: Any) -> Any:
    """`data`, once it validates against the specification's schema `name`."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft7Validator(schema, registry=REGISTRY).validate(data)
    return data


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def ds(full_db: Path) -> AsyncIterator[Datasette]:
    register_plugin()
    datasette = Datasette(immutables=[str(full_db)], metadata=load_metadata(full_db))
    await datasette.invoke_startup()
    yield datasette


async def reconcile(ds: Datasette, queries: dict[str, Any]) -> dict[str, Any]:
    """A batch as OpenRefine sends it: a form field `queries` in a POST."""
    valid("reconciliation-query-batch", queries)
    response = await ds.client.post("/-/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    return valid("reconciliation-result-batch", response.json())  # type: ignore[no-any-return]


async def test_manifest(ds: Datasette) -> None:
    response = await ds.client.get("/-/reconcile")
    assert response.status_code == 200
    manifest = valid("manifest", response.json())
    base = "http://localhost/-/reconcile"
    assert manifest == {
        "versions": ["0.2"], "name": "Sanctions and designation lists",
        "identifierSpace": "http://localhost/sanctions/entities",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "documentation": "http://localhost/-/openapi.json",
        "view": {"url": base + "/view?id={{id}}"},
        "defaultTypes": [{"id": t, "name": t} for t in TYPE_IDS.values()],
        "preview": {"url": base + "/preview?id={{id}}", "width": 430, "height": 300},
        "suggest": {k: {"service_url": "http://localhost",
                        "service_path": f"/-/reconcile/suggest/{k}"}
                    for k in ("entity", "type", "property")},
    }
    # the view template leads to the entity's page
    view = await ds.client.get("/-/reconcile/view?id=ofac_sdn%3A22790")
    assert (view.status_code, view.headers["location"]) == (
        302, "/sanctions/entities/ofac_sdn~3A22790")
    page = await ds.client.get(view.headers["location"])
    assert page.status_code == 200 and "MADURO MOROS" in page.text


def cli_results(db: Path, rows: list[dict[str, str]], tmp: Path) -> list[dict[str, Any]]:
    """The CLI's answers to the same rows (`sanctions screen --input`), down to the lowest
    score reconciliation lists."""
    path = tmp / "names.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        fields = ["id", "name", "type", "country", "birth_date", "imo"]
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**r, "id": str(i)} for i, r in enumerate(rows))
    done = subprocess.run(
        [sys.executable, "-m", "sanctions.cli", "screen", "--db", str(db), "--input", str(path),
         "--format", "jsonl", "--threshold", "0.5", "--limit", "5"],
        capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


async def test_a_name_column_reconciles_as_the_cli_screens(
        ds: Datasette, full_db: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(NAMES.open(encoding="utf-8")))
    assert len(rows) == 200
    listed = [r for r in rows if r["expected"]]
    assert len(listed) == 120
    conn = sqlite3.connect(full_db)
    cluster = dict(conn.execute("SELECT entity_id, cluster_id FROM clusters"))
    conn.close()
    cli = cli_results(full_db, rows, tmp_path)
    assert [c["query"]["id"] for c in cli] == [str(i) for i in range(200)]
    answers: dict[str, Any] = {}
    for start in range(0, len(rows), 10):  # OpenRefine's batches of ten
        batch = {}
        for i in range(start, min(start + 10, len(rows))):
            r = rows[i]
            props = [{"pid": p, "v": r[p]} for p in ("country", "birth_date", "imo") if r[p]]
            batch[f"q{i}"] = {"query": r["name"], "type": TYPE_IDS[r["type"]],
                              **({"properties": props} if props else {})}
        answers.update(await reconcile(ds, batch))
    matched = 0
    for i, row in enumerate(rows):
        result = answers[f"q{i}"]["result"]
        bands = {m["entity_id"]: m["band"] for m in cli[i]["matches"]}
        # every candidate is one of the CLI's, its score the CLI's times 100, and `match`
        # exactly where the CLI's band is exact or strong
        assert [c["id"] for c in result] == [m["entity_id"] for m in cli[i]["matches"]]
        assert [c["score"] for c in result] == [round(m["score"] * 100, 2)
                                                for m in cli[i]["matches"]]
        assert [c["match"] for c in result] == [bands[c["id"]] in ("exact", "strong")
                                                for c in result]
        if row["expected"]:
            top = result[0]["id"]
            assert cluster.get(top, top) == cluster.get(row["expected"], row["expected"]), row
            matched += result[0]["match"]
        else:  # an unlisted Faker name is never a certain match
            assert not any(c["match"] for c in result), row
    assert matched >= 110  # 118 of 120 when written; the rest are "review"/"weak" at the top


async def test_constraints_and_errors(ds: Datasette) -> None:
    answers = await reconcile(ds, {
        "maduro": {"query": "Nicolas Maduro", "type": "Person", "limit": 2,
                   "properties": [{"pid": "country", "v": "VE"},
                                  {"pid": "birthDate", "v": ["1962"]}]},
        "ship": {"properties": [{"pid": "imo", "v": 9323596}]},
        "tda": {"query": "Tren de Aragua", "type": ["Organization", "LegalEntity"]},
        "ship_type": {"query": "x", "type": "Ship"},
        "bad_pid": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]},
        "bad_date": {"query": "x", "properties": [{"pid": "birth_date", "v": "23/11/1962"}]},
    })
    maduro = answers["maduro"]["result"]
    assert len(maduro) == 2
    assert maduro[0]["id"] == "ofac_sdn:22790" and maduro[0]["match"] is True
    assert maduro[0]["type"] == [{"id": "Person", "name": "Person"}]
    features = {f["id"]: f["value"] for f in maduro[0]["features"]}
    assert features["birth_date"] == 1.0 and features["country"] == 1.0
    assert maduro[0]["description"].endswith("also on state_rewards")
    assert answers["ship"]["result"][0]["id"] == "ofac_sdn:56706"
    assert answers["ship"]["result"][0]["name"] == "NORD STAR"
    assert answers["tda"]["result"][0]["id"] == "ofac_sdn:49756"
    assert answers["ship_type"] == {"result": [], "error": (
        'unknown type "Ship"; known: Person, Organization, Vessel, Airplane '
        "(or LegalEntity / Thing for any)")}
    assert answers["bad_pid"] == {"result": [], "error": (
        'unknown property "colour"; known: country, birth_date, imo, identifier, source, '
        'program')}
    assert answers["bad_date"] == {"result": [], "error": (
        "birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not '23/11/1962'")}


async def test_get_json_body_and_jsonp(ds: Datasette) -> None:
    queries = {"a": {"query": "Tren de Aragua"}}
    by_get = await ds.client.get("/-/reconcile", params={"queries": json.dumps(queries)})
    by_json = await ds.client.post("/-/reconcile", json={"queries": queries})
    assert valid("reconciliation-result-batch", by_get.json()) == by_json.json()
    assert by_get.json()["a"]["result"][0]["id"] == "ofac_sdn:49756"
    jsonp = await ds.client.get("/-/reconcile", params={"callback": "jQuery_12.cb$"})
    assert jsonp.headers["content-type"] == "text/javascript; charset=utf-8"
    assert jsonp.headers["x-content-type-options"] == "nosniff"
    assert jsonp.text.startswith("/**/jQuery_12.cb$(") and jsonp.text.endswith(");")
    valid("manifest", json.loads(jsonp.text[len("/**/jQuery_12.cb$("):-2]))
    for bad in ("alert(1)", "a;b", "x</script>", "1abc", "a" * 101):
        refused = await ds.client.get("/-/reconcile", params={"callback": bad})
        assert refused.status_code == 400
        assert refused.json() == {"ok": False, "status": 400, "error": (
            "callback must be a JavaScript identifier (letters, digits, _ $ .)")}
    for body, error in ((b"queries=nope", 'queries must be JSON: {"q0": {"query": "..."}}'),
                        (b"queries=%5B%5D", 'queries must be a JSON object: {"q0": '
                                            '{"query": "..."}}'),
                        (b"queries=%7B%7D", "queries is empty")):
        response = await ds.client.post(
            "/-/reconcile", content=body,
            headers={"content-type": "application/x-www-form-urlencoded"})
        assert (response.status_code, response.json()) == (
            400, {"ok": False, "error": error, "status": 400})


async def test_suggest_and_preview(ds: Datasette) -> None:
    entity = await ds.client.get("/-/reconcile/suggest/entity",
                                 params={"prefix": "Tren de Aragua"})
    found = valid("suggest-entities-response", entity.json())["result"]
    assert found[0] == {"id": "ofac_sdn:49756", "name": "TREN DE ARAGUA",
                        "description": "ofac_sdn · FTO · SDGT · TCO",
                        "notable": [{"id": "Organization", "name": "Organization"}]}
    empty = await ds.client.get("/-/reconcile/suggest/entity", params={"prefix": " "})
    assert valid("suggest-entities-response", empty.json()) == {"result": []}
    types = await ds.client.get("/-/reconcile/suggest/type", params={"prefix": "p"})
    assert valid("suggest-types-response", types.json()) == {
        "result": [{"id": "Person", "name": "Person"}]}
    props = await ds.client.get("/-/reconcile/suggest/property", params={"prefix": "birth"})
    assert valid("suggest-properties-response", props.json()) == {"result": [{
        "id": "birth_date", "name": "birth_date",
        "description": "Birth date (YYYY, YYYY-MM or YYYY-MM-DD)"}]}
    card = await ds.client.get("/-/reconcile/preview", params={"id": "ofac_sdn:22790"})
    assert card.status_code == 200
    assert ('<h1><a href="http://localhost/sanctions/entities/ofac_sdn~3A22790" '
            'target="_blank" rel="noopener">MADURO MOROS, Nicolas</a></h1>') in card.text
    assert "<dt>Born</dt><dd>1962-11-23</dd>" in card.text
    assert "<dt>Same as</dt><dd>state_rewards:nicolas-maduro-moros</dd>" in card.text
    missing = await ds.client.get("/-/reconcile/preview", params={"id": "<b>x</b>"})
    assert (missing.status_code, missing.text) == (404, "<p>No entity &lt;b&gt;x&lt;/b&gt;.</p>")
