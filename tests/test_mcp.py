"""`sanctions mcp`: the official MCP SDK's own client starts the server over stdio, lists its
tools and calls them; each answers with the JSON the CLI prints for the same request."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import typer
from datasette_fixtures import make_db
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import TextContent
from typer.testing import CliRunner

from sanctions.cli import app as cli_app
from sanctions.cli.mcp import mcp

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent
# `sanctions mcp` as its command module defines it (registered in sanctions/cli/app.py).
SERVER = "import typer; from sanctions.cli.mcp import mcp; a = typer.Typer(); a.command()(mcp); a()"
TIMEOUT = 60  # seconds for one call, or for starting the server and its handshake
SESSION_TIMEOUT = 300  # for the whole module's session, calls included


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("mcp") / "sanctions.db")


@pytest.fixture(scope="module")
async def client(db: Path) -> AsyncIterator[Client]:
    """One server for the module's tests, as a client keeps one for a conversation."""
    params = StdioServerParameters(command=sys.executable, args=["-c", SERVER, "--db", str(db)],
                                   cwd=str(ROOT))
    with anyio.fail_after(SESSION_TIMEOUT):
        async with Client(params) as session:
            yield session


def cli_json(*args: str) -> tuple[str, Any]:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout, json.loads(result.stdout)


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> tuple[str, Any]:
    with anyio.fail_after(TIMEOUT):
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    (content,) = result.content
    assert isinstance(content, TextContent)
    return content.text, result.structured_content


async def test_lists_the_three_read_only_tools(client: Client) -> None:
    with anyio.fail_after(TIMEOUT):
        tools = (await client.list_tools()).tools
    assert [t.name for t in tools] == ["screen", "show", "sources"]
    assert all(t.annotations and t.annotations.read_only_hint for t in tools)
    screen = tools[0].input_schema
    assert list(screen["properties"]) == ["name", "type", "country", "birth_date", "imo",
                                          "source", "program", "threshold", "limit"]
    assert screen["properties"]["type"]["anyOf"][0]["enum"] == [
        "person", "organization", "vessel", "aircraft"]
    assert tools[1].input_schema["required"] == ["entity_id"]


async def test_screen_answers_like_the_cli(client: Client, db: Path) -> None:
    text, structured = await call(client, "screen", {"name": "Tren de Aragua"})
    assert structured["matches"][0]["entity_id"] == "ofac_sdn:49756"
    assert structured["matches"][0]["related"][0]["entity_id"] == "state_fto:tren-de-aragua"
    cli_text, cli = cli_json("screen", "Tren de Aragua", "--format", "json", "--db", str(db))
    assert (text + "\n", structured) == (cli_text, cli)


async def test_screen_with_options_answers_like_the_cli(client: Client, db: Path) -> None:
    args = {"name": "Nicolas Maduro", "type": "person", "country": "Venezuela",
            "birth_date": "1962", "source": ["ofac_sdn"], "threshold": 0.5, "limit": 1}
    text, structured = await call(client, "screen", args)
    cli_text, cli = cli_json(
        "screen", "Nicolas Maduro", "--type", "person", "--country", "Venezuela",
        "--birth-date", "1962", "--source", "ofac_sdn", "--threshold", "0.5", "--limit", "1",
        "--format", "json", "--db", str(db))
    assert (text + "\n", structured) == (cli_text, cli)
    assert [m["entity_id"] for m in structured["matches"]] == ["ofac_sdn:22790"]


async def test_show_and_sources_answer_like_the_cli(client: Client, db: Path) -> None:
    text, structured = await call(client, "show", {"entity_id": "ofac_sdn:22790"})
    assert (text + "\n", structured) == cli_json(
        "show", "ofac_sdn:22790", "--format", "json", "--db", str(db))
    assert [w["amount_usd"] for w in structured["rewards"]] == [50_000_000, 15_000_000]
    text, structured = await call(client, "sources", {})
    cli_text, cli = cli_json("sources", "--format", "json", "--db", str(db))
    assert (text + "\n", structured) == (cli_text, {"sources": cli})


async def test_errors_are_tool_errors_with_the_cli_message(client: Client, db: Path) -> None:
    for tool, arguments, cli_args in (
        ("show", {"entity_id": "nope"}, ["show", "nope"]),
        ("screen", {"name": "x", "birth_date": "23/11/1962"},
         ["screen", "x", "--birth-date", "23/11/1962"]),
    ):
        with anyio.fail_after(TIMEOUT):
            result = await client.call_tool(tool, arguments)
        assert result.is_error
        (content,) = result.content
        assert isinstance(content, TextContent)
        cli = CliRunner().invoke(cli_app, [*cli_args, "--db", str(db)])
        assert (cli.exit_code, cli.stderr) == (2, f"error: {content.text}\n")


def test_no_database_is_one_line_and_status_2(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(mcp)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "missing.db")])
    assert (result.exit_code, result.stderr) == (
        2, f"error: no database at {tmp_path / 'missing.db'}; run `sanctions build` first\n")
