"""Pages for people: the screening form (`/-/screen`) and the change feed (`/-/changes.atom`)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from datasette.utils import tilde_encode
from datasette.utils.asgi import Request, Response

from .. import screening
from ..answer import answer as answer_text
from ..display import format_score
from ..models import ENTITY_TYPES
from ..store.profile import match_facts
from .api import BadRequest, check, error, query_fields, screen
from .lane import LANE, Busy
from .limits import limits
from .live import get_state, indexed_state
from .state import State, entity_url
from .upload import UPLOAD_LIMITS

FORM_FIELDS = ("name", "type", "threshold", "limit", "country", "birth_date", "imo", "identifier",
               "program")
FEED_SIZE = 200


async def screen_page(request: Request, datasette: Any) -> Response:
    state = await get_state(datasette)
    form: dict[str, Any] = {k: (request.args.get(k) or "").strip() for k in FORM_FIELDS}
    form["source"] = [s for s in request.args.getlist("source") if s]
    context: dict[str, Any] = {
        "form": form, "types": ENTITY_TYPES, "result": None, "error": None,
        "sources": state.sources if state else [], "database": state.database if state else None,
        "format_score": format_score, "upload": UPLOAD_LIMITS, "closest": [],
    }
    status = 200
    if state is None:
        context["error"], status = "No sanctions database is being served.", 404
    elif form["name"] or form["imo"] or form["identifier"]:  # each can be a query alone
        try:
            fields = query_fields(request.args)
            check(fields)
            state = await indexed_state(datasette)  # the result, its links and footer agree
            [answer] = await screen(datasette, state, [fields], False)
            result = json.loads(answer)
            await _describe(datasette, state, result.get("matches", []))
            if form["name"] and not result.get("matches") and not result.get("error"):
                context["closest"] = await _closest(datasette, state, fields)
            context.update(result=result, sources=state.sources, database=state.database)
        except BadRequest as exc:
            context["error"], status = str(exc), exc.status
        except Busy as exc:
            context["error"], status = str(exc), 503
    html = await datasette.render_template("sanctions_screen.html", context, request=request)
    return Response.html(html, status=status)


async def _closest(datasette: Any, state: State, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The closest records under the threshold when none reached it (screening.closest_of),
    described as matches are: straight from the matcher, so neither decided nor audited."""
    [text] = await LANE.run([partial(answer_text, state, screening.closest_options(fields))],
                            seconds=limits(datasette).single_wait_seconds)
    matches = [dict(m) for m in screening.closest_of(json.loads(text).get("matches", []))]
    await _describe(datasette, state, matches)
    return matches


async def _describe(datasette: Any, state: State, matches: list[dict[str, Any]]) -> None:
    """What a reader needs beside each match and related record: its page, its list's title,
    the designation date its list states, a vessel's IMO and flag."""
    titles = {s["key"]: s["title"] for s in state.sources}
    shorts = {s["key"]: s["short"] for s in state.sources}
    every = [*matches, *(r for m in matches for r in m.get("related", []))]
    facts = await state.db.execute_fn(lambda conn: match_facts(
        conn, list(dict.fromkeys(m["entity_id"] for m in every))))
    for m in every:
        m["url"] = entity_url(datasette, state.database, m["entity_id"])
        m["profile_url"] = datasette.urls.path("-/profile/" + tilde_encode(m["entity_id"]))
        m["source_title"] = titles.get(m["source"], m["source"])
        m["source_short"] = shorts.get(m["source"], m["source"])
        m.update(facts.get(m["entity_id"], {}))
        m["listed_on"] = m.get("listed_on") or m.get("designated_on")


async def changes_atom(request: Request, datasette: Any) -> Response:
    """The newest entity-level changes as an Atom feed (?source=KEY to follow one list),
    rendered from templates/sanctions_changes.atom (autoescaped like every template)."""
    state = await get_state(datasette)
    if state is None:
        return error("no sanctions database is being served", 404)
    db = state.db  # the version this State describes, whatever has been swapped in since
    if "changes" not in set(await db.table_names()):
        return error("this database has no change history", 404)
    source = (request.args.get("source") or "").strip()
    rows = (await db.execute(
        "select id, at, source, source_as_of, change, entity_id, name, fields from changes"
        " where (:source = '' or source = :source) order by id desc limit :n",
        {"source": source, "n": FEED_SIZE})).rows
    entries = [{
        **dict(r),
        # entity_url is already under base_url: joined to the host, not to this page's path
        "link": datasette.absolute_url(request, entity_url(datasette, state.database,
                                                           r["entity_id"]))
        if r["entity_id"] else "",
        "summary": f"{r['entity_id'] or ''} {r['fields'] or ''} as of "
                   f"{r['source_as_of'] or '?'}".strip(),
    } for r in rows]
    context = {"source": source, "entries": entries,
               "updated": rows[0]["at"] if rows else "1970-01-01T00:00:00+00:00"}
    feed = await datasette.render_template("sanctions_changes.atom", context, request=request)
    return Response(feed, content_type="application/atom+xml; charset=utf-8")
