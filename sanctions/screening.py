"""Screening: queries in, the JSON contract out. Used by the CLI and the Datasette plugin.

One result per query:
`{"query": {...}, "matches": [{"entity_id", "source", "source_id", "name", "type", "score",
"band", "matched_name", "programs", "listed_on", "explanation", "related"}]}`.
Records linked across lists (see sanctions.link) come back as one match, the best-scoring
record of the cluster, with the others under `related`.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from .countries import country_code
from .errors import SanctionsError
from .index import load_index
from .match import DEFAULT_CONFIG, Entity, Index, Match, MatchConfig, Query, match
from .models import ENTITY_TYPES
from .sources import SOURCE_MODULES

MAX_LIMIT = 1000
QUERY_FIELDS = ("id", "name", "type", "country", "birth_date", "imo")
_BIRTH = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCE_ORDER = {key: i for i, key in enumerate(SOURCE_MODULES)}


class QueryError(SanctionsError):
    """A query that cannot be screened: the message says which field and why."""


@dataclass
class _Cached:
    key: tuple[float, int]
    index: Index


_CACHE: dict[str, _Cached] = {}


def get_index(db_path: Path | str) -> Index:
    """The index for this database, loaded once and reloaded when the file is replaced."""
    path = Path(db_path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SanctionsError(f"no database at {path}; run `sanctions build` first") from None
    key = (st.st_mtime, st.st_ino)
    cached = _CACHE.get(str(path))
    if cached is None or cached.key != key:
        cached = _Cached(key, load_index(path))
        _CACHE[str(path)] = cached
    return cached.index


def make_query(fields: Mapping[str, Any], sources: tuple[str, ...] = (),
               program: str | None = None) -> Query:
    """Validate one query's fields (from CLI options, a batch row or a web request)."""
    name = fields.get("name")
    name = "" if name is None else str(name)
    imo = str(fields.get("imo") or "").strip() or None
    if not name.strip() and not imo:
        raise QueryError("name is empty")
    etype = (fields.get("type") or None) and str(fields["type"]).strip().lower()
    if etype and etype not in ENTITY_TYPES:
        raise QueryError(f"type must be one of {', '.join(ENTITY_TYPES)}, not {etype!r}")
    country = fields.get("country") or None
    code = country_code(str(country)) if country else None
    if country and code is None:
        raise QueryError(f"unknown country {country!r} (use an ISO code such as VE, or a name)")
    birth = str(fields.get("birth_date") or "").strip() or None
    if birth and not _BIRTH.match(birth):
        raise QueryError(f"birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not {birth!r}")
    if imo and not re.fullmatch(r"(?i)(imo\s*)?\d{7}", imo):
        raise QueryError(f"imo must be 7 digits, not {imo!r}")
    unknown = [s for s in sources if s not in _SOURCE_ORDER]
    if unknown:
        raise QueryError(f"unknown source {unknown[0]!r}; sources: {', '.join(SOURCE_MODULES)}")
    return Query(name, etype or None, code, birth, imo, sources, program or None)


def _entity_json(e: Entity) -> dict[str, Any]:
    return {"entity_id": e.id, "source": e.source, "source_id": e.source_id, "name": e.name,
            "type": e.type, "programs": list(e.programs), "listed_on": e.listed_on,
            "reward_usd": e.reward_usd}


def _match_json(m: Match, related: list[Entity]) -> dict[str, Any]:
    return {
        **_entity_json(m.entity),
        "score": m.score,
        "band": m.band,
        "matched_name": m.matched_name,
        "explanation": m.explanation,
        "related": [_entity_json(e) for e in related],
    }


def screen_query(index: Index, query: Query, *, threshold: float | None = None,
                 limit: int = 10, config: MatchConfig = DEFAULT_CONFIG) -> list[dict[str, Any]]:
    """Matches at or above the threshold, one per cluster, best first, at most `limit`."""
    threshold = config.threshold if threshold is None else threshold
    if not 0 <= threshold <= 1:
        raise QueryError(f"threshold must be between 0 and 1, not {threshold}")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    # --threshold 0 asks for the best `limit` whatever they score: rescore at least that many
    ranked = match(index, query, config, limit=limit * 4, candidates=limit if threshold == 0 else 0)
    best: dict[str, Match] = {}
    for m in ranked:  # already best first: the first of each cluster wins, OFAC on ties
        c = m.entity.cluster or m.entity.id
        cur = best.get(c)
        if cur is None or (m.score == cur.score and _SOURCE_ORDER.get(m.entity.source, 99)
                           < _SOURCE_ORDER.get(cur.entity.source, 99)):
            best[c] = m
    members = index.cluster_members
    out = []
    for c, m in sorted(best.items(), key=lambda kv: (-kv[1].score, kv[1].entity.id)):
        if m.score < threshold:
            continue
        related = [index.entities[i] for i in members.get(c, ())
                   if index.entities[i] is not m.entity]
        out.append(_match_json(m, related))
    return out[:limit]


def screen_record(index: Index, fields: Mapping[str, Any], *, sources: tuple[str, ...] = (),
                  program: str | None = None, threshold: float | None = None,
                  limit: int = 10) -> dict[str, Any]:
    """One query (input fields passed through) and its matches, or its error.

    Batch readers mark rows with `_row` (line number) and unreadable rows with `_error`; both
    stay out of the echoed query and come back as `row` / `error`.
    """
    query_json = {k: v for k, v in fields.items() if k not in ("_row", "_error")}
    if "_error" in fields:
        return {"query": query_json, "matches": [], "error": fields["_error"],
                "row": fields.get("_row")}
    try:
        query = make_query(fields, sources, program)
        return {"query": query_json, "matches": screen_query(index, query, threshold=threshold,
                                                             limit=limit)}
    except QueryError as exc:
        error = {"query": query_json, "matches": [], "error": str(exc)}
        return error | ({"row": fields["_row"]} if "_row" in fields else {})


def screen(db_path: Path | str, name: str, *, type: str | None = None,
           country: str | None = None, birth_date: str | None = None, imo: str | None = None,
           source: str | list[str] | tuple[str, ...] | None = None, program: str | None = None,
           threshold: float | None = None, limit: int = 10) -> dict[str, Any]:
    """Screen one name; raises QueryError for an invalid query.

    >>> screen("db/sanctions.db", "Tren de Aragua")["matches"][0]["entity_id"]  # doctest: +SKIP
    'ofac_sdn:49756'
    """
    sources = (source,) if isinstance(source, str) else tuple(source or ())
    fields = {"name": name, "type": type, "country": country, "birth_date": birth_date,
              "imo": imo}
    query = make_query(fields, sources, program)
    index = get_index(db_path)
    return {"query": {k: v for k, v in fields.items() if v is not None},
            "matches": screen_query(index, query, threshold=threshold, limit=limit)}


# Batch screening. Workers are forked after the index is loaded, so they share it.
_WORKER_INDEX: Index | None = None
CHUNK = 256


def _screen_chunk(args: tuple[list[Mapping[str, Any]], tuple[str, ...], str | None,
                              float | None, int]) -> list[dict[str, Any]]:
    rows, sources, program, threshold, limit = args
    index = _WORKER_INDEX
    assert index is not None
    queries = []
    for row in rows:
        try:
            queries.append(make_query(row, sources, program))
        except QueryError:
            continue
    index.warm(queries)
    return [screen_record(index, row, sources=sources, program=program, threshold=threshold,
                          limit=limit) for row in rows]


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def screen_many(db_path: Path | str, rows: Iterable[Mapping[str, Any]], *,
                sources: tuple[str, ...] = (), program: str | None = None,
                threshold: float | None = None, limit: int = 10,
                workers: int = 2) -> Iterator[dict[str, Any]]:
    """Screen a stream of query rows, yielding results in input order as they are ready.

    A bad row yields `{"query": row, "matches": [], "error": "..."}` and the batch goes on.
    """
    global _WORKER_INDEX
    _WORKER_INDEX = get_index(db_path)
    jobs = ((chunk, sources, program, threshold, limit) for chunk in _chunks(rows, CHUNK))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            yield from _screen_chunk(job)
        return
    # This process is one of the workers: one copy of the index fewer than a pool of `workers`.
    # The index's objects never die: keep the collector off their pages, so the forked helpers
    # share more of them with this process instead of copying them.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            earlier: list[AsyncResult[list[dict[str, Any]]]] = []
            while group := list(islice(jobs, workers)):  # a chunk here, the rest to the helpers
                later = [pool.apply_async(_screen_chunk, (job,)) for job in group[1:]]
                here = _screen_chunk(group[0])
                for result in earlier:  # the previous group's helper chunks come first
                    yield from result.get()
                yield from here
                earlier = later
            for result in earlier:
                yield from result.get()
    finally:
        gc.unfreeze()
