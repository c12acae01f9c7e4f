"""The SQL functions do what the README says: every example of its "SQL functions" table, run
as a query through a real Datasette (the small fixture database)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette

pytest_plugins = ["datasette_fixtures"]  # the ds fixture
pytestmark = pytest.mark.anyio

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\s*\| `((?:normalize_name|name_tokens|name_similarity|imo_is_valid)"
                 r"\(.*\))` \| `(.+?)` \|", re.MULTILINE)


def documented() -> list[tuple[str, Any]]:
    rows = ROW.findall(README.read_text(encoding="utf-8"))
    return [(call, None if shown == "NULL" else ast.literal_eval(shown)) for call, shown in rows]


def test_the_readme_documents_every_function() -> None:
    calls = {call.split("(")[0] for call, _ in documented()}
    assert calls == {"normalize_name", "name_tokens", "name_similarity", "imo_is_valid"}


@pytest.mark.parametrize(("call", "expected"), documented())
async def test_readme_example(ds: Datasette, call: str, expected: Any) -> None:
    response = await ds.client.get("/sanctions.json", params={
        "sql": f"select {call} as v", "_shape": "array"})
    assert response.status_code == 200, response.text
    assert response.json() == [{"v": expected}]


async def test_a_stored_name_is_found_by_normalize_name(ds: Datasette) -> None:
    response = await ds.client.get("/sanctions.json", params={
        "sql": "select entity_id from names where normalized = normalize_name(:name)",
        "name": "Maduro Moros, NICOLÁS", "_shape": "array"})
    assert response.json() == [{"entity_id": "ofac_sdn:22790"}]
