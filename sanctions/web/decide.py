"""Decisions and the audit trail over HTTP.

- `POST /-/decide` records a decision (sanctions.store.decisions) when the server has a token
  (env SANCTIONS_TOKEN, `sanctions serve --token`): the client sends it in a header
  (`Authorization: Bearer TOKEN` or `X-Sanctions-Token: TOKEN`) with a JSON body
  `{"customer_key", "entity_id", "decision": "false_positive"|"confirmed", "by", "note"}`; the
  screening page's form sends the same fields form-encoded, the token as a field. Without a
  configured token the service is read-only: 403. A header cannot be set by another site's
  form and the token is a secret that site does not know, so Datasette's CSRF cookie is skipped.
- the screening answers carry the decisions of their customer keys and are audited when asked
  (sanctions.web.review).

The decisions file is env SANCTIONS_DECISIONS or the one beside the served database; the served
database itself is only read.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette.utils.asgi import Request, Response
from markupsafe import escape

from ..errors import SanctionsError
from ..store.decisions import DECISIONS, decisions_path, record_decision
from .api import BadRequest, json_response, read_body, refused
from .live import get_live

TOKEN_ENV = "SANCTIONS_TOKEN"
MAX_DECIDE_BYTES = 16_384
FIELDS = ("customer_key", "entity_id", "decision", "by", "note")


def configured_token() -> str:
    return os.environ.get(TOKEN_ENV, "").strip()


def _given_token(request: Request, form: Mapping[str, str]) -> str:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return (request.headers.get("x-sanctions-token") or form.get("token") or "").strip()


def _form(request: Request, body: bytes) -> tuple[dict[str, str], bool]:
    """The fields sent, and whether they came from an HTML form (answered with a page)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise BadRequest("the form is not valid UTF-8") from None
        return {k: v[0] for k, v in parsed.items()}, True
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest('body must be JSON: {"customer_key": ..., "entity_id": ..., '
                         '"decision": "false_positive" or "confirmed", "by": ..., "note": ...}'
                         ) from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    extra = sorted(set(data) - set(FIELDS))
    if extra:
        raise BadRequest(f"unknown field(s) {', '.join(map(ascii, extra[:5]))}; "
                         f"expected {', '.join(FIELDS)}")
    bad = [k for k, v in data.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise BadRequest(f"{bad[0]} must be a string")
    return {k: v for k, v in data.items() if v is not None}, False


async def decide(request: Request, datasette: Any) -> Response:
    form: dict[str, str] = {}
    is_form = False
    try:
        if request.method != "POST":
            raise BadRequest("POST a decision: {\"customer_key\", \"entity_id\", \"decision\", "
                             "\"by\", \"note\"} with the token in a header", 405)
        token = configured_token()
        if not token:
            raise BadRequest("decisions are read-only on this server: it has no token "
                             "(start it with `sanctions serve --token` or SANCTIONS_TOKEN)", 403)
        form, is_form = _form(request, await read_body(request, MAX_DECIDE_BYTES))
        given = _given_token(request, form)
        if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8")):
            raise BadRequest("a valid token is required (header Authorization: Bearer TOKEN "
                             "or X-Sanctions-Token)", 401 if not given else 403)
        if form.get("decision") not in DECISIONS:
            raise BadRequest(f"decision must be one of {', '.join(DECISIONS)}")
        live = await get_live(datasette)
        if live is None:
            raise LookupError("no sanctions database is being served")
        path = live.path
        try:
            saved = await asyncio.to_thread(
                record_decision, form.get("customer_key", ""), form.get("entity_id", ""),
                form["decision"], by=form.get("by", ""), note=form.get("note", ""), db=path,
                decisions=decisions_path(path))
        except SanctionsError as exc:
            raise BadRequest(str(exc)) from None
        if is_form:
            return _back(datasette, form, None)
        return json_response({"ok": True, "decision": saved})
    except (BadRequest, LookupError) as exc:
        if is_form:
            return _back(datasette, form, str(exc), getattr(exc, "status", 404))
        return refused(exc)


def _back(datasette: Any, form: Mapping[str, str], problem: str | None,
          status: int = 400) -> Response:
    """After the page's form: back to the screening it came from (a local path only; the page
    writes it under base_url)."""
    target = form.get("return_to", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = datasette.urls.path("-/screen")
    if problem is None:
        return Response.redirect(target, status=303)
    return Response.html(
        f"<p role=\"alert\">Not recorded: {escape(problem)}</p>"
        f"<p><a href=\"{escape(target)}\">Back to the screening</a></p>", status=status)


def page_vars(request: Any) -> dict[str, Any]:
    """For the screening page's decision block: whether recording is possible here, the
    customer key asked about and the rest of the query (kept when the key is changed)."""
    args = getattr(request, "args", None)
    if args is None:
        return {"sanctions_decide": {"enabled": bool(configured_token()), "customer": "",
                                     "keep": [], "query": ""}}
    keep = [(k, v) for k in args if k != "id" for v in args.getlist(k)]
    return {"sanctions_decide": {"enabled": bool(configured_token()),
                                 "customer": (args.get("id") or "").strip(),
                                 "keep": keep, "query": urlencode(keep)}}
