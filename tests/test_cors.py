"""CORS on the plugin's routes under `sanctions serve --cors`, and none without it: a real
served process, requests carrying a browser's Origin, and a real browser (Chromium) fetching the
JSON API from a page of another origin."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from test_serve import serving

pytest_plugins = ["datasette_fixtures"]  # the db_path fixture

ORIGIN = "http://app.example.org"
ALLOW = {"access-control-allow-origin": "*",
         "access-control-allow-headers": "Authorization, Content-Type",
         "access-control-expose-headers": "Link, Retry-After"}
PREFLIGHT = {**ALLOW, "access-control-allow-methods": "GET, POST, OPTIONS",
             "access-control-max-age": "3600"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


@pytest.fixture(scope="module")
def with_cors(db_path: Path) -> Iterator[str]:
    with serving(db_path, "--cors") as url:
        yield url


@pytest.fixture(scope="module")
def without_cors(db_path: Path) -> Iterator[str]:
    with serving(db_path) as url:
        yield url


def test_plugin_routes_get_cors_headers_under_cors(with_cors: str) -> None:
    with httpx.Client(base_url=with_cors, headers={"Origin": ORIGIN}, timeout=10) as client:
        one = client.get("/-/screen.json", params={"name": "Tren de Aragua"})
        assert one.status_code == 200 and cors_headers(one) == ALLOW
        assert one.json()["matches"][0]["entity_id"] == "ofac_sdn:49756"
        answers = {
            "batch": client.post("/-/screen.json", json={"queries": [{"name": "NORD STAR"}]}),
            "bad": client.get("/-/screen.json", params={"name": "x", "type": "ship"}),
            "match": client.post("/-/match", json={"queries": {"a": {
                "schema": "Vessel", "properties": {"name": "NORD STAR"}}}}),
            "reconcile": client.post("/-/reconcile", data={"queries": json.dumps(
                {"q": {"query": "NORD STAR"}})}),
            "manifest": client.get("/-/reconcile"),
            "openapi": client.get("/-/openapi.json"),
            "healthz": client.get("/-/healthz"),
        }
        assert {k: (r.status_code, cors_headers(r)) for k, r in answers.items()} == {
            k: (400 if k == "bad" else 200, ALLOW) for k in answers}
        for path in ("/-/screen.json", "/-/match", "/-/reconcile", "/-/openapi.json"):
            preflight = client.options(path, headers={
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type"})
            assert (preflight.status_code, cors_headers(preflight), preflight.content) == (
                204, PREFLIGHT, b""), path
        # Datasette's own JSON keeps Datasette's own headers
        versions = client.get("/-/versions.json")
        assert cors_headers(versions)["access-control-allow-origin"] == "*"


def test_no_cors_headers_without_cors(without_cors: str) -> None:
    with httpx.Client(base_url=without_cors, headers={"Origin": ORIGIN}, timeout=10) as client:
        one = client.get("/-/screen.json", params={"name": "Tren de Aragua"})
        assert one.status_code == 200 and cors_headers(one) == {}
        for path in ("/-/screen.json", "/-/reconcile", "/-/openapi.json"):
            preflight = client.options(path, headers={"Access-Control-Request-Method": "POST"})
            assert (preflight.status_code, cors_headers(preflight)) == (405, {}), path


@contextmanager
def origin_page() -> Iterator[str]:
    """A page on another origin (another port of loopback), as an analyst's web tool."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = b"<!DOCTYPE html><title>tool</title><p>tool</p>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


FETCH = """async (url) => {
  try {
    const r = await fetch(url + "/-/screen.json", {method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({queries: [{name: "Tren de Aragua"}]})});
    const body = await r.json();
    return {status: r.status, first: body.results[0].matches[0].entity_id};
  } catch (e) { return {error: e.name}; }
}"""


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_a_browser_on_another_origin(with_cors: str, without_cors: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with origin_page() as page_url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(page_url)
            # a JSON POST is preflighted: it goes through only when the server allows it
            assert page.evaluate(FETCH, with_cors) == {"status": 200, "first": "ofac_sdn:49756"}
            assert page.evaluate(FETCH, without_cors) == {"error": "TypeError"}
        finally:
            browser.close()
