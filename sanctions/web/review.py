"""Decisions and the audit trail on the web's screening answers.

The answers of screened queries get their customer keys' decisions (sanctions.store.decisions)
after the answer cache, so a decision recorded a second ago shows at once, and are written to
the audit trail when auditing is on (env SANCTIONS_AUDIT, `sanctions serve --audit`). The
decisions file is env SANCTIONS_DECISIONS or the one beside the served database, which is only
read. A decisions file that cannot be read is logged and its decisions are not applied (the
matches alarm as undecided ones do); an audit write that fails is logged; either way the client
gets its answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import screening
from ..errors import SanctionsError
from ..store.audit import AuditWriter, audit_enabled
from ..store.decisions import Decisions, customer_key, decisions_path
from .guard import json_bytes
from .log import log
from .state import State


def decisions_file(state: State) -> Path:
    return decisions_path(state.db.path)


async def review(state: State, queries: Sequence[Mapping[str, Any]], answers: list[str],
                 surface: str = "web") -> list[str]:
    """`answers` (JSON texts, one per query) with decisions applied to those whose query has a
    customer key, audited when auditing is on; the others as they were (the same text)."""
    keyed = [i for i, q in enumerate(queries) if customer_key(q) is not None]
    audit = audit_enabled()
    if not keyed and not audit:
        return answers
    path = decisions_file(state)
    if keyed and path.exists():
        keys = [k for i in keyed if (k := customer_key(queries[i])) is not None]

        def apply(conn: Any) -> dict[int, str]:
            found = Decisions(state.db.path, path, conn=conn, keys=keys)
            if not found:
                return {}
            out = {}
            for i in keyed:
                result = json.loads(answers[i])
                if "error" not in result:
                    out[i] = json_bytes(found.apply(result)).decode("utf-8")
            found.close()
            return out

        try:
            changed = await state.db.execute_fn(apply)
        except SanctionsError as exc:  # fail safe: the matches alarm as if undecided
            log(f"cannot read the decisions in {path}: {exc}")
            changed = {}
        answers = [changed.get(i, a) for i, a in enumerate(answers)]
    if audit:
        await asyncio.to_thread(_audit, state, path, queries, answers, surface)
    return answers


def _audit(state: State, path: Path, queries: Sequence[Mapping[str, Any]], answers: list[str],
           surface: str) -> None:
    version = screening.data_version(state.index) if state.index is not None else None
    writer = AuditWriter(state.db.path, path, surface)
    try:
        for query, answer in zip(queries, answers, strict=True):
            writer.write(json.loads(answer), version, screening.options_in_force(query))
        writer.close()
    except Exception as exc:  # whatever it is, the answer is still given; the log says why
        log(f"cannot write the audit trail to {path}: {exc}")
