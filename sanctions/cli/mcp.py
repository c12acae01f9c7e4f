"""`sanctions mcp`: the MCP tool server on stdio (sanctions.mcp_server), for assistants.

The SDK is an optional extra (`pip install 'sanctions[mcp]'`); without it the command says so
in one line. Nothing but the protocol may go to stdout, so messages go to stderr.
"""

from __future__ import annotations

import typer

from ..store import DEFAULT_DB
from .common import DbOption, fail


def mcp(db: DbOption = DEFAULT_DB) -> None:
    """Serve the tools screen, show and sources over stdio (Model Context Protocol)."""
    from importlib.util import find_spec

    if find_spec("mcp") is None:
        fail("the MCP server needs the MCP SDK: pip install 'sanctions[mcp]'")
    from ..mcp_server import serve_stdio

    if not db.is_file():
        fail(f"no database at {db}; run `sanctions build` first")
    typer.echo(f"sanctions MCP server on stdio, database {db}", err=True)
    serve_stdio(db)
