"""Screening: THE service. One query type, one validation, `screen` and `screen_many`.

The CLI, the web (page and JSON API) and the library call only this module, so the same input
gets the same answer and the same error text everywhere. One result per query:
`{"query": {...}, "matches": [{"entity_id", "source", "source_id", "name", "type", "score",
"band", "matched_name", "programs", "listed_on", "reward_usd", "explanation", "related"}]}`.
Records linked across lists (see sanctions.ingest.link) come back as one match, the
best-scoring record of the cluster, with the others under `related`.

    >>> screen("Tren de Aragua")["matches"][0]["entity_id"]  # doctest: +SKIP
    'ofac_sdn:49756'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from .errors import SanctionsError
from .matching import DEFAULT_CONFIG, Entity, Index, Match, MatchConfig, Query, match
from .queries import (  # noqa: F401 (the service's validation, re-exported)
    DEFAULT_LIMIT,
    FIELDS,
    MAX_LIMIT,
    MAX_NAME_CHARS,
    OPTION_FIELDS,
    QUERY_FIELDS,
    Options,
    Parsed,
    QueryError,
    _sources,
    hold_sources,
    make_query,
    parse,
    parse_options,
)
from .store import DEFAULT_DB

# A reader who found nothing at the threshold is shown the closest records under it (the CLI's
# one-off table, the web page): a lookup by one word ('Maduro') scores under the threshold on
# purpose (a bare surname is no alarm, matching.bare), and "no match" alone reads as "not
# listed". Shown to a reader only: JSON, CSV and exit statuses stay the screening's own.
CLOSEST = 3  # at most this many
CLOSEST_FLOOR = 0.5  # and none scoring under this (unlike in every way that counts)


def closest_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """A query's options for the second look: every record, best first, CLOSEST of them."""
    return {**options, "threshold": 0.0, "limit": CLOSEST}


def closest_of(matches: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The second look's matches a reader is shown."""
    return [m for m in matches if m["score"] >= CLOSEST_FLOOR]


# --- the index ---------------------------------------------------------------------------------


@dataclass
class _Cached:
    key: tuple[float, int]
    index: Index


_CACHE: dict[str, _Cached] = {}
# The data version of the database each loaded index came from (sanctions.store.version),
# computed once per load and attached to every result screened against that index.
_VERSIONS: WeakKeyDictionary[Index, dict[str, Any]] = WeakKeyDictionary()


def get_index(db_path: Path | str = DEFAULT_DB) -> Index:
    """The index for this database, loaded once and reloaded when the file is replaced."""
    path = Path(db_path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SanctionsError(f"no database at {path}; run `sanctions build` first") from None
    key = (st.st_mtime, st.st_ino)
    cached = _CACHE.get(str(path))
    if cached is None or cached.key != key:
        cached = _Cached(key, load_index(path))  # this module's: with its data version
        _CACHE[str(path)] = cached
    return cached.index


def data_version(index: Index) -> dict[str, Any] | None:
    """The data version (build id, each source's as-of date and content hash) of the database
    `index` was loaded from; None for an index built by hand."""
    return _VERSIONS.get(index)


def note_version(index: Index, db_path: Path | str) -> None:
    """Give an index opened from its file alone (a server's worker) the data version of the
    database it serves, so that its results carry the same `stale` notes as the server's."""
    from .store.version import read_data_version

    _VERSIONS[index] = read_data_version(db_path)


def load_index(db_path: Path | str) -> Index:
    """A fresh index for this database file, not cached: for a server that loads the next one
    beside the one it is serving and swaps them itself (sanctions.web.live)."""
    from .store.index import load_index as load  # sqlite and numpy arrays: only when screening
    from .store.version import read_data_version

    version = read_data_version(db_path)  # read first: a swap in between shows as a new file
    hold_sources(version.get("sources", {}) if version else ())  # an FtM key: a known source
    index = load(db_path)
    _VERSIONS[index] = version
    return index


def warm_index(index: Index, queries: Iterable[Mapping[str, Any]]) -> None:
    """Look up every token of these queries (invalid ones skipped) in one go, so that a newly
    loaded index answers them as fast as the one it replaces."""
    valid = []
    for fields in queries:
        try:
            valid.append(make_query(fields))
        except QueryError:
            continue
    index.warm(valid)


# --- screening ---------------------------------------------------------------------------------


def _entity_json(e: Entity) -> dict[str, Any]:
    return {"entity_id": e.id, "source": e.source, "source_id": e.source_id, "name": e.name,
            "type": e.type, "programs": list(e.programs), "listed_on": e.listed_on,
            "reward_usd": e.reward_usd}


def _match_json(m: Match, related: list[Entity]) -> dict[str, Any]:
    return {**_entity_json(m.entity), "score": m.score, "band": m.band,
            "matched_name": m.matched_name, "explanation": m.explanation,
            "related": [_entity_json(e) for e in related]}


def _priority(m: Match) -> int:
    return _source_priority()(m.entity.source)


@cache
def _source_priority() -> Callable[[str], int]:
    """sources.source_priority, imported on first use: the registry is read only for a tie
    within a cluster. Kept, not imported per call: an import statement costs about 5,000
    instructions even of a module loaded long ago (Python looks for a `__path__` its module
    may lack, and makes the error message of its absence)."""
    from .sources import source_priority

    return source_priority


@cache
def _review() -> tuple[Callable[..., Iterator[dict[str, Any]]],
                       Callable[[Mapping[str, Any]], str | None]]:
    """store.audit.reviewed and store.decisions.customer_key, imported on first use (not with
    this module: the CLI's --help needs neither) and kept, as `_source_priority` is: every
    screening calls them, and two import statements were 1% of a warm query's CPU."""
    from .store.audit import reviewed
    from .store.decisions import customer_key

    return reviewed, customer_key


def screen_query(index: Index, query: Query, *, threshold: float | None = None,
                 limit: int = DEFAULT_LIMIT, config: MatchConfig = DEFAULT_CONFIG
                 ) -> list[dict[str, Any]]:
    """Matches at or above the threshold, one per cluster, best first, at most `limit`."""
    options = parse_options({"threshold": threshold, "limit": limit})
    threshold = config.threshold if options.threshold is None else options.threshold
    # --threshold 0 asks for the best `limit` whatever they score: rescore at least that many
    # the candidates do not depend on `limit` or filters, so neither changes the best match
    ranked = match(index, query, config, limit=limit * 4, floor=threshold)
    best: dict[str, Match] = {}
    for m in ranked:  # already best first: the first of each cluster wins, priority on ties
        c = m.entity.cluster or m.entity.id
        cur = best.get(c)
        if cur is None or (m.score == cur.score and _priority(m) < _priority(cur)):
            best[c] = m
    members = index.cluster_members
    out = []
    for c, m in sorted(best.items(), key=lambda kv: (-kv[1].score, kv[1].entity.id)):
        if m.score < threshold:
            continue
        related = [index.entities[i] for i in members.get(c, ())
                   if index.entities[i].id != m.entity.id]  # a stored index rereads rows
        out.append(_match_json(m, related))
    return out[:limit]


def _echo(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The query as the caller gave it, for the result (options and blanks left out)."""
    return {k: v for k, v in fields.items() if k not in OPTION_FIELDS and v is not None}


def row_query(row: Mapping[str, Any]) -> dict[str, Any]:
    """The query fields of a batch row; the rest is passthrough."""
    return {k: v for k, v in row.items() if k in QUERY_FIELDS}


def screen_record(index: Index, fields: Mapping[str, Any],
                  defaults: Mapping[str, Any] | None = None, *,
                  query: Query | None = None) -> dict[str, Any]:
    """One batch row (any passthrough fields) and its matches, or its error; never raises
    QueryError. Only the row's query fields (QUERY_FIELDS) are read from it: the search options
    come from `defaults` alone, so a customer file's own "program" or "source" column is passed
    through, never taken as a filter. Batch readers mark rows with `_row` (line number) and
    unreadable rows with `_error`; both stay out of the echoed query and come back as `row` /
    `error`. `query`: the one `make_query` made of these fields and defaults already (a
    batch makes each row's to look its words up first), not made again."""
    echo = {k: v for k, v in fields.items() if k not in ("_row", "_error")}
    row = {"row": fields["_row"]} if "_row" in fields else {}
    if "_error" in fields:
        return {"query": echo, "matches": [], "error": fields["_error"], **row}
    try:
        given = {**(defaults or {}), **row_query(echo)}
        query, options = parse(given) if query is None else (query, parse_options(given))
        return {"query": echo, "matches": screen_query(
            index, query, threshold=options.threshold, limit=options.limit)}
    except QueryError as exc:
        return {"query": echo, "matches": [], "error": str(exc), **row}


def screen_fields(fields: Mapping[str, Any], db: Path | str = DEFAULT_DB, *,
                  index: Index | None = None, version: bool = True,
                  decisions: Path | str | bool | None = None, audit: bool | None = None,
                  surface: str = "library", parsed: Parsed | None = None
                  ) -> dict[str, Any]:
    """One query given as fields (the web's query string, the CLI's options); raises
    QueryError for an invalid one. `index`: the one to use instead of `db`'s (a server that
    swaps its index itself). The result carries `data_version` (unless `version` is False: a
    caller that puts it elsewhere) and, when the query has an `id`, the decisions recorded for
    it (see `screen_many` for `decisions` and `audit`). `parsed`: what `parse(fields)` gave
    the caller, who validated the fields already (the server, before its worker screens
    them), not parsed again."""
    if parsed is not None:
        query, options = parsed
    else:
        if index is None and fields.get("source"):  # loaded first: it may hold an FtM key
            index = get_index(db)
        query, options = parse(fields)
    index = index if index is not None else get_index(db)
    matches = screen_query(index, query, threshold=options.threshold, limit=options.limit)
    result = {"query": _echo(fields), "matches": matches}
    dv = data_version(index)
    if version and dv is not None:
        result["data_version"] = dv
    reviewed, customer_key = _review()
    if customer_key(fields) is None:  # no customer key: no decision applies to it
        decisions = False
    return next(reviewed(iter([result]), db, dv, decisions=decisions, audit=audit,
                         surface=surface, options=options_in_force(fields)))


def options_in_force(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The search options a query ran with, for the audit trail: as given, the threshold as
    applied (the default when none was given)."""
    options = {k: fields.get(k) for k in OPTION_FIELDS if fields.get(k) not in (None, "", [])}
    if options.get("threshold") is None:
        options["threshold"] = DEFAULT_CONFIG.threshold
    return options


def screen(name: str | None = None, *, db: Path | str = DEFAULT_DB, type: str | None = None,
           country: str | None = None, birth_date: str | None = None, imo: str | None = None,
           identifier: str | None = None, source: str | Iterable[str] | None = None,
           program: str | None = None, threshold: float | None = None,
           limit: int = DEFAULT_LIMIT, id: str | None = None,
           decisions: Path | str | bool | None = None, audit: bool | None = None,
           surface: str = "library") -> dict[str, Any]:
    """Screen one name (or IMO number or identifier) against every list; raises QueryError for
    an invalid query and SanctionsError when there is no database. `id`: the customer key the
    decisions are recorded under (see `screen_many` for `decisions` and `audit`).

    >>> screen("Nicolás Maduro", limit=1)["matches"][0]["band"]  # doctest: +SKIP
    'strong'
    """
    sources = source if source is None or isinstance(source, str) else list(source)
    fields = {"name": name, "type": type, "country": country, "birth_date": birth_date, "imo": imo,
              "identifier": identifier, "source": sources, "program": program,
              "threshold": threshold, "limit": limit, **({"id": id} if id is not None else {})}
    return screen_fields(fields, db, decisions=decisions, audit=audit, surface=surface)


def screen_many(rows: Iterable[Mapping[str, Any]], *, db: Path | str = DEFAULT_DB,
                workers: int = 2, decisions: Path | str | bool | None = None,
                audit: bool | None = None, surface: str = "library", **defaults: Any
                ) -> Iterator[dict[str, Any]]:
    """Screen a stream of rows (dicts of query fields plus any passthrough), yielding one result
    per row in input order; a bad row yields `{"query": row, "matches": [], "error": "..."}`
    and the batch goes on. `defaults` (source, program, threshold, limit, ...) apply to every
    row that does not set them. Every screened result carries `data_version`; a row with an
    `id` gets the decisions recorded for that customer key on its matches (`decision`), from
    the decisions file beside `db` (`decisions`: another file; False: none). `audit` (default:
    env SANCTIONS_AUDIT) writes every result to that file's audit trail.

    >>> [r["query"]["id"] for r in screen_many([{"id": "c1", "name": "Nord Star"}])]
    ... # doctest: +SKIP
    ['c1']
    """
    unknown = sorted(set(defaults) - set(FIELDS))
    if unknown:
        raise QueryError(f"unknown option(s) {', '.join(unknown)}")
    if defaults.get("source"):  # loaded first: it may hold an FtM source's key
        get_index(db)
    parse({"name": "x", **defaults})  # a bad default is the caller's error, not every row's
    from .batch import run_batch

    index = get_index(db)
    dv = data_version(index)
    results = (r if "error" in r or dv is None else {**r, "data_version": dv}
               for r in run_batch(index, rows, defaults, workers))
    reviewed = _review()[0]
    yield from reviewed(results, db, dv, decisions=decisions, audit=audit, surface=surface,
                        options=options_in_force(defaults))
