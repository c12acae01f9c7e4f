"""`sanctions mcp`: a Model Context Protocol tool server over stdio, on the official MCP SDK
(`pip install 'sanctions[mcp]'`), so that an assistant can ask "is this tanker sanctioned?".

Three read-only tools, each answering with the same JSON as the CLI's `--format json`, from the
same library functions: `screen` (sanctions.screening.screen), `show`
(sanctions.store.entities.show) and `sources` (sanctions.store.catalog.source_status). The
JSON is the text of the answer and, as an object, its structured content (`sources`, a list,
comes as `{"sources": [...]}` there). An invalid query or a missing entity is a tool error with
the CLI's one-line message.

Client configuration (Claude Desktop and the like)::

    {"mcpServers": {"sanctions": {"command": "sanctions", "args": ["mcp", "--db", "/path/db"]}}}
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at run time,
# and they name types imported inside build_server.
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from . import __version__
from .errors import SanctionsError
from .models import EntityType

if TYPE_CHECKING:
    from mcp.server import MCPServer
    from mcp_types import CallToolResult

INSTRUCTIONS = (
    "Screens names of people, companies, vessels and aircraft against official sanctions and "
    "designation lists (OFAC SDN and Consolidated, State FTO and reward offers, FBI, UN, UK, "
    "EU vessels). Use `screen` for a name or an IMO number, `show` with an entity_id from its "
    "matches for everything known about one entity and the same entity on other lists, "
    "`sources` for what each list is and how old it is. A match is a lead to check, not a "
    "finding: read the band (exact, strong, possible, weak) and the explanation."
)


def _answer(call: Callable[[], Any], key: str | None = None) -> "CallToolResult":
    """The CLI's JSON as text and as structured content; a library error as a tool error."""
    from mcp_types import CallToolResult, TextContent

    try:
        result = call()
    except SanctionsError as exc:
        return CallToolResult(content=[TextContent(type="text", text=str(exc))], is_error=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    structured = {key: result} if key else result
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=structured)


def build_server(db: Path) -> "MCPServer":
    """The server with its three tools, reading the database at `db`."""
    from mcp.server import MCPServer
    from mcp_types import CallToolResult, ToolAnnotations
    from pydantic import Field  # the SDK's own dependency

    from .screening import screen as screen_one
    from .store.catalog import source_status
    from .store.entities import show as show_entity

    server: MCPServer = MCPServer("sanctions", instructions=INSTRUCTIONS, version=__version__,
                                  log_level="WARNING")
    # Reads only, and only the local database: clients may call these without asking.
    annotations = ToolAnnotations(read_only_hint=True, destructive_hint=False,
                                  idempotent_hint=True, open_world_hint=False)

    @server.tool(annotations=annotations)
    def screen(
        name: Annotated[str | None, Field(
            description="Name of a person, company, vessel or aircraft, or 'IMO 1234567'.")
                        ] = None,
        type: Annotated[EntityType | None, Field(description="What the name is of.")] = None,
        country: Annotated[str | None, Field(
            description="Country: ISO code or name.")] = None,
        birth_date: Annotated[str | None, Field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
                              ] = None,
        imo: Annotated[str | None, Field(description="Vessel IMO number, 7 digits.")] = None,
        source: Annotated[list[str] | None, Field(
            description="Only these source keys (see the sources tool).")] = None,
        program: Annotated[str | None, Field(
            description="Only entities listed under this program.")] = None,
        threshold: Annotated[float | None, Field(
            description="Report matches scoring at least this (0 to 1; default 0.80).")] = None,
        limit: Annotated[int, Field(description="At most this many matches (1 to 100).")] = 10,
    ) -> CallToolResult:
        """Screen a name (or an IMO number) against every list. Matches come best first, one
        per real-world entity, with a score, a band and an explanation of the score."""
        return _answer(lambda: screen_one(
            name, db=db, type=type, country=country, birth_date=birth_date, imo=imo,
            source=source or [], program=program, threshold=threshold, limit=limit))

    @server.tool(annotations=annotations)
    def show(entity_id: Annotated[str, Field(
            description="An entity id from a screen match, e.g. ofac_sdn:22790.")]
             ) -> CallToolResult:
        """Everything known about one entity: every record of it on every list, its listings,
        reward offers, identifiers, and why the records were linked."""
        return _answer(lambda: show_entity(entity_id, db=db))

    @server.tool(annotations=annotations)
    def sources() -> CallToolResult:
        """Every list: key, title, publisher, as-of date and age in days, entity counts."""
        return _answer(lambda: source_status(db, today=date.today()), key="sources")

    return server


def serve_stdio(db: Path) -> None:
    """Run the server on stdin/stdout until the client closes it."""
    build_server(db).run("stdio")
