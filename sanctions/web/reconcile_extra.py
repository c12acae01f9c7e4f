"""The reconciliation services beside the queries (sanctions.web.reconcile): suggest (entity,
type, property: OpenRefine's auto-complete), preview (a small HTML card of one entity) and the
view redirect (the manifest's `view` URL template to the entity's page).

Suggest for entities is the screening service on the typed text (its best few, whatever they
score), so what the box offers is what a reconciliation would find.
"""

from __future__ import annotations

import json
from typing import Any

from datasette.utils.asgi import Request, Response
from markupsafe import Markup, escape

from .. import screening
from ..store.entities import entity_detail
from .api import BadRequest, refused, screen
from .lane import Busy
from .live import get_state, indexed_state
from .reconcile import ANY_TYPE, PROPERTIES, TYPE_IDS, TYPES, callback_of, reply
from .state import entity_url

SUGGESTIONS = 10


async def suggest(request: Request, datasette: Any) -> Response:
    callback = None
    try:
        callback = callback_of(request)
        kind = request.url_vars["kind"]
        prefix = (request.args.get("prefix") or "").strip()
        if kind == "type":
            found = [{"id": t, "name": t} for t in (*TYPES, *ANY_TYPE)
                     if t.lower().startswith(prefix.lower())]
        elif kind == "property":
            found = [{"id": pid, "name": pid, "description": label}
                     for pid, label in ((p, v[1]) for p, v in PROPERTIES.items())
                     if prefix.lower() in pid or prefix.lower() in label.lower()]
        else:
            found = await _entities(datasette, prefix, request.args.get("type"))
        return reply({"result": found}, callback)
    except (BadRequest, LookupError, Busy) as exc:
        response = refused(exc)
        return response if callback is None else reply(
            json.loads(response.body), callback, response.status)


async def _entities(datasette: Any, prefix: str, kind: str | None) -> list[dict[str, Any]]:
    fields: dict[str, Any] = {"name": prefix, "threshold": 0, "limit": SUGGESTIONS,
                              "type": TYPES.get(kind or "")}
    try:
        screening.parse(fields)
    except screening.QueryError:
        return []  # nothing to match on yet (an empty box, punctuation): nothing to suggest
    [text] = await screen(datasette, await indexed_state(datasette), [fields], False)
    out = []
    for m in json.loads(text)["matches"]:
        kind_id = TYPE_IDS.get(m["type"], "LegalEntity")
        out.append({"id": m["entity_id"], "name": m["name"],
                    "description": " · ".join([m["source"], *m["programs"][:3]]),
                    "notable": [{"id": kind_id, "name": kind_id}]})
    return out


CARD = Markup("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{name}</title>
<style>body{{font:13px sans-serif;margin:6px}}h1{{font-size:15px;margin:0 0 4px}}
dl{{margin:0}}dt{{font-weight:bold;float:left;clear:left;width:90px}}dd{{margin:0 0 2px 95px}}
</style></head><body>
<h1><a href="{url}" target="_blank" rel="noopener">{name}</a></h1><dl>{rows}</dl>
</body></html>
""")


def card(detail: dict[str, Any], url: str) -> str:
    """A small card: what tells two namesakes apart at a glance."""
    e = detail["entity"]
    source = detail.get("source") or {}
    aliases = [n["name"] for n in e.get("names", []) if n.get("kind") != "primary"]
    rows = [
        ("Type", e.get("type")), ("List", source.get("title") or e.get("source")),
        ("Id", e.get("id")), ("Programs", ", ".join(e.get("programs") or [])),
        ("Listed on", e.get("listed_on")),
        ("Born", ", ".join(d.get("date") or d.get("raw") or "" for d in e.get("birth_dates", []))),
        ("Countries", ", ".join(e.get("countries") or [])),
        ("Aliases", "; ".join(aliases[:5]) + (" ..." if len(aliases) > 5 else "")),
        ("IMO", (e.get("vessel") or {}).get("imo")),
        ("Same as", ", ".join(s["id"] for s in detail.get("same_as", []))),
    ]
    html = Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(k, v) for k, v in rows if v)
    return str(CARD.format(name=e.get("name") or e.get("id"), url=url, rows=html))


async def preview(request: Request, datasette: Any) -> Response:
    entity_id = request.args.get("id") or ""
    state = await get_state(datasette)
    if state is None:
        return Response.html("<p>No sanctions database is being served.</p>", status=404)
    detail = await state.db.execute_fn(lambda conn: entity_detail(conn, entity_id))
    if detail is None:
        return Response.html(f"<p>No entity {escape(entity_id[:100])}.</p>", status=404)
    url = datasette.absolute_url(request, entity_url(datasette, state.database, entity_id))
    return Response.html(card(detail, url))


async def view(request: Request, datasette: Any) -> Response:
    """The manifest's view URL: the id cannot be put in a row URL by template (Datasette's
    tilde encoding), so it is a query argument, redirected."""
    state = await get_state(datasette)
    entity_id = request.args.get("id") or ""
    if state is None or not entity_id:
        return refused(BadRequest("id is required", 400) if state else
                       LookupError("no sanctions database is being served"))
    return Response.redirect(entity_url(datasette, state.database, entity_id))
