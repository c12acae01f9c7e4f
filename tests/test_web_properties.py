"""The README's promise, as a property: nothing a client sends to the JSON API gives a 500.

Hypothesis sends query strings and POST bodies made of any text (lone surrogates included),
numbers of any size, and wrong shapes; every answer must be a complete JSON response with a 2xx
or 4xx status, and an error must be one short line."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from datasette.app import Datasette
from datasette.utils.asgi import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctions.web.api import query_fields

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio

FIELDS = ["id", "name", "type", "country", "birth_date", "imo", "source", "program",
          "threshold", "limit"]
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)  # surrogates too
NUMBERS = (st.integers() | st.integers(min_value=-(10**4000), max_value=10**4000)
           | st.floats() | st.decimals(allow_nan=False, places=3).map(str))
WORDS = st.sampled_from(["Tren de Aragua", "Maduro", "NORD STAR", "9323596", "IMO 9323596",
                         "ofac_sdn", "vessel", "person", "VE", "1962", "0", "1", "0.5", "100"])
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_answer(status: int, text: str, ok_statuses: tuple[int, ...]) -> Any:
    assert status in ok_statuses, text
    data = json.loads(text)  # complete, parseable: the connection was not broken off
    if status >= 400:
        assert data["ok"] is False and data["status"] == status
        assert isinstance(data["error"], str) and data["error"]
        assert "\n" not in data["error"] and len(data["error"]) < 400
        assert "Traceback" not in data["error"]
    return data


def percent(value: str | bytes) -> str:
    """A query-string value as a client sends it: percent-encoded bytes, whatever they are (a
    lone surrogate as its would-be UTF-8, invalid UTF-8 as is)."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote(raw, safe="")


@SETTINGS
@given(params=st.lists(st.tuples(st.sampled_from([*FIELDS, "other"]),
                                 ANY_TEXT | WORDS | NUMBERS.map(str) | st.binary(max_size=20)),
                       max_size=6))
async def test_get_never_500(ds: Datasette, params: list[tuple[str, str | bytes]]) -> None:
    qs = "&".join(f"{k}={percent(v)}" for k, v in params)
    response = await ds.client.get("/-/screen.json?" + qs)
    data = check_answer(response.status_code, response.text, (200, 400))
    if response.status_code == 200:
        assert set(data) == {"query", "matches", "data_version"}


@SETTINGS
@given(params=st.lists(st.tuples(st.sampled_from([*FIELDS, "other", ""]),
                                 ANY_TEXT | WORDS | st.binary(max_size=20)), max_size=8),
       bare=st.booleans())
def test_the_query_string_read_in_one_pass_is_what_request_args_give(
        params: list[tuple[str, str | bytes]], bare: bool) -> None:
    """GET /-/screen.json reads its fields from the query string in one pass
    (sanctions.web.api.query_fields): the same fields, values and order as request.args."""
    qs = "&".join(k if bare and i % 2 else f"{k}={percent(v)}" for i, (k, v) in enumerate(params))
    request = Request({"type": "http", "query_string": qs.encode("latin-1")}, None)
    from_args, one_pass = query_fields(request.args), query_fields(request.query_string)
    assert one_pass == from_args and list(one_pass) == list(from_args)


VALUES = st.none() | st.booleans() | NUMBERS | ANY_TEXT | WORDS
QUERY = st.dictionaries(st.sampled_from(FIELDS) | ANY_TEXT,
                        VALUES | st.lists(VALUES, max_size=3), max_size=5)
BODY = (st.fixed_dictionaries({"queries": st.lists(QUERY, max_size=5)})
        | st.recursive(VALUES, lambda c: st.lists(c, max_size=3)
                       | st.dictionaries(st.sampled_from(["queries", *FIELDS]) | ANY_TEXT, c,
                                         max_size=3), max_leaves=10))


def dumps(body: Any) -> bytes:
    """JSON the way any client library would write it (NaN included, as Python does)."""
    return json.dumps(body).encode()


@SETTINGS
@given(body=BODY)
async def test_post_never_500(ds: Datasette, body: Any) -> None:
    response = await ds.client.post("/-/screen.json", content=dumps(body))
    data = check_answer(response.status_code, response.text, (200, 400, 413))
    if response.status_code == 200:
        assert list(data) == ["results", "data_version"]
        assert len(data["results"]) == len(body["queries"])


@SETTINGS
@given(raw=st.binary(max_size=200) | st.text(max_size=100).map(str.encode))
async def test_post_of_any_bytes_never_500(ds: Datasette, raw: bytes) -> None:
    response = await ds.client.post("/-/screen.json", content=raw)
    check_answer(response.status_code, response.text, (200, 400))
