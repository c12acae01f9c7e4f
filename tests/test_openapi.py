"""`/-/openapi.json`: a valid OpenAPI 3.1 document that describes every route the plugin
registers, and the live answers of a real Datasette (the small fixture database) fit it: each
status is one the document lists for that operation, each JSON body validates against its
schema."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import anyio
import httpx
import pytest
from datasette.app import Datasette
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sanctions import web

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio

EXAMPLES = {"kind": "entity", "job": "0123456789abcdef", "format": "csv",
            "entity_id": "ofac_sdn:22790"}
# the server answers ready at the latest web.workers.READY_GRACE_SECONDS (10 s) after it
# started its workers: six times that, for a loaded machine
READY_SECONDS = 60.0


async def spec(ds: Datasette) -> dict[str, Any]:
    response = await ds.client.get("/-/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def fits(document: dict[str, Any], method: str, path: str, response: httpx.Response) -> Any:
    """The response's body, once its status is documented for the operation and its JSON
    validates against the documented schema."""
    operation = document["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (method, path, response.status_code, response.text[:200])
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return response.text
    body = response.json()
    registry = Registry().with_resource("urn:api", Resource.from_contents(document, DRAFT202012))
    pointer = "/".join(["paths", path.replace("~", "~0").replace("/", "~1"), method,
                        "responses", str(response.status_code), "content",
                        "application~1json", "schema"])
    Draft202012Validator({"$ref": f"urn:api#/{pointer}"}, registry=registry).validate(body)
    return body


async def ready(ds: Datasette, document: dict[str, Any]) -> Any:
    """/-/readyz polled as a client (a load balancer) does until it answers ready, each answer
    fitting the document (503 while not ready): the lane workers start on the first screen,
    and are ready a moment later, whichever test of the file runs first. Its last answer when
    not ready by the deadline (for the caller's assert)."""
    deadline = time.monotonic() + READY_SECONDS
    while True:
        body = fits(document, "get", "/-/readyz", await ds.client.get("/-/readyz"))
        if body["ready"] is True or time.monotonic() > deadline:
            return body
        await anyio.sleep(0.05)


async def test_the_document_is_valid_openapi(ds: Datasette) -> None:
    document = await spec(ds)
    validate(document)  # raises on an invalid document
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    # every JSON operation documents the error shape
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")) and "content" in answer and path != "/-/readyz":
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (path, method, status)


async def test_every_registered_route_is_described(ds: Datasette) -> None:
    document = await spec(ds)
    described = [re.sub(r"\{(\w+)\}", lambda m: EXAMPLES[m.group(1)], p)
                 for p in document["paths"]]
    for pattern, _ in web.register_routes():
        assert any(re.match(pattern, p) for p in described), (
            f"{pattern} is not in /-/openapi.json: describe it in sanctions/web/openapi.py")


async def test_live_answers_fit_the_document(ds: Datasette) -> None:
    d = await spec(ds)
    get = ds.client.get
    one = fits(d, "get", "/-/screen.json", await get("/-/screen.json?name=Tren+de+Aragua"))
    assert one["matches"][0]["entity_id"] == "ofac_sdn:49756"
    bad = fits(d, "get", "/-/screen.json", await get("/-/screen.json?name=x&type=ship"))
    assert bad == {"ok": False, "status": 400, "error": (
        "type must be one of person, organization, vessel, aircraft, not 'ship'")}
    fits(d, "get", "/-/screen.json", await get("/-/screen.json?name=x&limit=1000"))
    batch = await ds.client.post("/-/screen.json", json={"queries": [
        {"id": "c1", "name": "NORD STAR"}, {"id": "c2", "name": ""}]})
    body = fits(d, "post", "/-/screen.json", batch)
    assert [r.get("error") for r in body["results"]] == [None, "name is required"]
    fits(d, "post", "/-/screen.json", await ds.client.post("/-/screen.json", content=b"{"))
    match = await ds.client.post("/-/match", json={"queries": {"a": {
        "schema": "Person", "properties": {"name": ["Nicolas Maduro"]}}}})
    assert fits(d, "post", "/-/match", match)["responses"]["a"]["results"][0]["id"] == (
        "ofac_sdn:22790")
    fits(d, "post", "/-/match", await ds.client.post("/-/match", content=b"[]"))
    fits(d, "get", "/-/reconcile", await get("/-/reconcile"))
    queries = json.dumps({"q": {"query": "Tren de Aragua"}, "e": {"query": "x", "type": "Z"}})
    fits(d, "get", "/-/reconcile", await get("/-/reconcile", params={"queries": queries}))
    fits(d, "post", "/-/reconcile", await ds.client.post("/-/reconcile",
                                                         data={"queries": queries}))
    fits(d, "get", "/-/reconcile", await get("/-/reconcile?callback=a(b)"))
    for kind in ("entity", "type", "property"):
        fits(d, "get", "/-/reconcile/suggest/{kind}",
             await get(f"/-/reconcile/suggest/{kind}?prefix=tren"))
    fits(d, "get", "/-/reconcile/preview", await get("/-/reconcile/preview?id=ofac_sdn:49756"))
    fits(d, "get", "/-/reconcile/view", await get("/-/reconcile/view?id=ofac_sdn:49756"))
    fits(d, "get", "/-/reconcile/view", await get("/-/reconcile/view"))
    fits(d, "get", "/-/healthz", await get("/-/healthz"))
    assert (await ready(ds, d))["ready"] is True
    # no token configured: the service is read-only (403), in the error shape
    fits(d, "post", "/-/decide", await ds.client.post("/-/decide", json={}))
    fits(d, "get", "/-/screen/upload/{job}.json", await get("/-/screen/upload/"
                                                            "0123456789abcdef.json"))
    fits(d, "get", "/-/openapi.json", await get("/-/openapi.json"))
