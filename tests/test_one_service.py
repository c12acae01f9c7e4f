"""One query type, one validation, one entity reader: the CLI, the web and the library give the
same answer and the same error text for the same input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette
from typer.testing import CliRunner

from sanctions import QueryError, screen, show
from sanctions.cli import app
from sanctions.store import reading
from sanctions.store.entities import entity_detail

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio

runner = CliRunner()

# (fields, the one error message every surface gives)
BAD = [
    ({"name": ""}, "name is required"),
    ({"name": "!!!"}, "name has no letters or digits to match on"),
    ({"name": "x" * 301}, "name is longer than 300 characters"),
    ({"name": "a", "type": "ship"},
     "type must be one of person, organization, vessel, aircraft, not 'ship'"),
    ({"name": "a", "country": "Atlantis"},
     "unknown country 'Atlantis' (use an ISO code such as VE, or a name)"),
    ({"name": "a", "birth_date": "23/11/1962"},
     "birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not '23/11/1962'"),
    ({"name": "a", "imo": "12345"}, "imo must be 7 digits, not '12345'"),
    ({"name": "a", "source": "nope"}, "unknown source 'nope'; known: "),
    ({"name": "a", "threshold": "1.5"}, "threshold must be between 0 and 1"),
    ({"name": "a", "limit": "0"}, "limit must be between 1 and 100"),
    ({"name": "a", "limit": "101"}, "limit must be between 1 and 100"),
]
OPTION = {"type": "--type", "country": "--country", "birth_date": "--birth-date",
          "imo": "--imo", "source": "--source", "threshold": "--threshold", "limit": "--limit"}


def library_error(db: Path, fields: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {k: (float(v) if k == "threshold" else int(v) if k == "limit"
                                  else v) for k, v in fields.items()}
    with pytest.raises(QueryError) as exc:
        screen(db=db, **kwargs)
    return str(exc.value)


def cli_error(db: Path, fields: dict[str, Any]) -> str:
    args = ["screen", fields["name"], "--db", str(db)]
    for key, value in fields.items():
        if key != "name":
            args += [OPTION[key], value]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.startswith("error: ")
    return line.removeprefix("error: ")


async def web_error(ds: Datasette, fields: dict[str, Any]) -> str:
    response = await ds.client.get("/-/screen.json?" + urlencode(fields))
    assert response.status_code == 400, response.text
    return str(response.json()["error"])


@pytest.mark.parametrize(("fields", "message"), BAD, ids=[m for _, m in BAD])
async def test_same_bad_input_same_error(ds: Datasette, db_path: Path, fields: dict[str, Any],
                                         message: str) -> None:
    said = {"library": library_error(db_path, fields), "cli": cli_error(db_path, fields),
            "web": await web_error(ds, fields)}
    assert len(set(said.values())) == 1, said
    assert said["web"].startswith(message)


@pytest.mark.parametrize("fields", [
    {"name": "Tren de Aragua"},
    {"name": "Nicolas Maduro", "birth_date": "1962", "country": "VE"},
    {"name": "Nord Star", "source": "ofac_sdn", "threshold": "0.5", "limit": "3"},
    {"imo": "9323596"},
])
async def test_same_query_same_answer(ds: Datasette, db_path: Path,
                                      fields: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {k: (float(v) if k == "threshold" else int(v) if k == "limit"
                                  else v) for k, v in fields.items()}
    library = screen(db=db_path, **kwargs)
    response = await ds.client.get("/-/screen.json?" + urlencode(fields))
    assert response.status_code == 200
    args = ["screen", *([fields["name"]] if "name" in fields else []), "--db", str(db_path),
            "--format", "json"]
    for key, value in fields.items():
        if key != "name":
            args += [OPTION[key], value]
    cli = runner.invoke(app, args)
    assert cli.exit_code in (0, 1), cli.output
    assert json.loads(cli.stdout)["matches"] == library["matches"] == response.json()["matches"]
    assert library["matches"], "each of these queries finds something in the fixture"


async def test_one_entity_reader(ds: Datasette, db_path: Path) -> None:
    """`show` (CLI and library) and the entity page read the same record."""
    shown = show("ofac_sdn:22790", db=db_path)["records"][0]
    with reading(db_path) as conn:
        page = entity_detail(conn, "ofac_sdn:22790")
    assert page is not None and page["entity"] == shown
    response = await ds.client.get("/sanctions/entities/ofac_sdn~3A22790")
    assert response.status_code == 200
    for name in shown["names"]:
        assert name["name"] in response.text
