"""`/-/profile/<entity_id>`: one real-world entity, every list's record of it on one page.

The cluster is read by sanctions.store.profile (the store is the only code that knows the
schema); this view only finds the served version and renders templates/sanctions_profile.html.
"""

from __future__ import annotations

from typing import Any

from datasette.utils import tilde_decode
from datasette.utils.asgi import Request, Response

from ..display import format_score
from ..store.profile import profile
from .live import get_state


async def profile_page(request: Request, datasette: Any) -> Response:
    entity_id = tilde_decode(request.url_vars.get("entity_id", ""))
    state = await get_state(datasette)
    found = None
    if state is not None and entity_id:
        found = await state.db.execute_fn(lambda conn: profile(conn, entity_id))
    context: dict[str, Any] = {
        "p": found, "entity_id": entity_id, "format_score": format_score,
        "database": state.database if state else None,
        # the footer's short list names ("OFAC SDN"), and each record by id, to name both
        # sides of a link in words rather than by key
        "short": {s["key"]: s["short"] for s in state.sources} if state else {},
        "by_id": {r["id"]: r for r in found["records"]} if found else {},
    }
    html = await datasette.render_template("sanctions_profile.html", context, request=request)
    return Response.html(html, status=200 if found else 404)
