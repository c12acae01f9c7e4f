"""Re-screening on change: a customer file against only what the lists changed since a build.

`rescreen(rows, since=...)` reads the entity-level changes every build records
(sanctions.ingest.history, `sanctions changes`), loads an index of just the entities added or
changed since then (sanctions.store.index_part.load_entities_index, weighted as the whole
database, so a customer scores against each of them exactly as in a full screen) and screens
the rows through the one service (sanctions.batch / sanctions.screening: same thresholds, same
scores).
Its cost follows the size of the change: 20,000 customers against 10 changed entities take a
few percent of a full screen (scripts/bench_rescreen.py).

Each reported match carries `change`:

- `new_hit`: the entity was added since;
- `changed`: its record changed since (a new alias, a new identifier...);
- `resurfaced`: a decided false positive (sanctions.store.decisions) whose record changed since
  the decision;
- `removed`: the entity was removed since, and the customer matches its last known name. The
  rest of a removed record is gone, so this is re-derived from the name alone (its type, birth
  date and countries no longer rule anything out): information for the analyst, not an alarm.

A decided false positive whose record is unchanged since the decision is not reported. Only
customers with a reported match (or a row error) come back, in input order. A row that cannot
be read is always an error; a row's fields (a bad birth date...) are checked only when it is
screened, that is when it could match a changed entity.

    >>> [r["matches"][0]["change"] for r in rescreen(rows, since="2026-11-30")]  # doctest: +SKIP
    ['new_hit']
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SanctionsError
from .matching import DEFAULT_CONFIG, Entity, Index, NameRow
from .matching.reach_prepared import Prepared
from .screening import FIELDS, QueryError, parse, parse_options
from .store import DEFAULT_DB

CHANGES = ("new_hit", "changed", "resurfaced", "removed")
ALARMS = ("new_hit", "changed", "resurfaced")  # `removed` informs; the others need a review
_SINCE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")


@dataclass
class ChangeSet:
    """What the lists changed since a build or a date: entity ids added and changed (present
    now), removed (id -> its last known name and source), and the builds that made them."""

    since: str
    added: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    removed: dict[str, tuple[str, str]] = field(default_factory=dict)
    builds: list[str] = field(default_factory=list)
    baselines: list[str] = field(default_factory=list)  # sources first recorded since

    @property
    def screened(self) -> set[str]:
        return self.added | self.changed

    def notes(self) -> list[str]:
        """Lines for the operator: what a re-screen cannot cover."""
        return [f"{s} was first recorded since {self.since}: its entities have no change "
                f"history before it, so screen the file in full against it" for s in
                self.baselines]


def changes_since(since: str, db: Path | str = DEFAULT_DB) -> ChangeSet:
    """The changes recorded after build `since` (a data version's `build`, e.g.
    2026-11-30T09:00:55+00:00), or at or after a date or time that is not a build."""
    from .store.catalog import list_changes

    since = (since or "").strip()
    if not _SINCE.match(since):
        raise SanctionsError(f"--since must be a build (as a result's data version shows it, "
                             f"e.g. 2026-11-30T09:00:55+00:00) or an ISO date, not {since!r}")
    rows = list_changes(db, since=since)
    if any(r["at"] == since for r in rows):  # a build: what it held is what was screened
        rows = [r for r in rows if r["at"] != since]
    out = ChangeSet(since, builds=sorted({r["at"] for r in rows}))
    first: dict[str, str] = {}
    last: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["at"], r["id"])):  # oldest first
        if r["change"] == "baseline":
            out.baselines.append(r["source"])
            continue
        first.setdefault(r["entity_id"], r["change"])
        last[r["entity_id"]] = r
    for eid, r in last.items():
        existed = first[eid] != "added"  # before `since`
        if r["change"] == "removed":
            if existed:
                out.removed[eid] = (r["name"] or "", r["source"])
        elif existed:
            out.changed.add(eid)
        else:
            out.added.add(eid)
    return out


def _removed_index(removed: Mapping[str, tuple[str, str]]) -> Index:
    """The removed entities as their last known names: all that is left of them."""
    entities = [Entity(eid, source, eid.partition(":")[2], "unknown", name)
                for eid, (name, source) in sorted(removed.items())]
    names = [NameRow(i, e.name, "primary") for i, e in enumerate(entities) if e.name]
    return Index.build(entities, names)


def _untyped(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    # A removed record's type is gone: the query's own must not count against it.
    return ({k: v for k, v in row.items() if k != "type"} for row in rows)


def rescreen(rows: Iterable[Mapping[str, Any]], *, since: str | ChangeSet,
             db: Path | str = DEFAULT_DB, decisions: Path | str | None = None,
             audit: bool | None = None, workers: int = 2, prepared: bool = True,
             **defaults: Any) -> Iterator[dict[str, Any]]:
    """Screen rows (the batch contract of sanctions.screening.screen_many: `id`, query fields,
    passthrough) against what changed since `since`; yield, in input order, each row with a
    reported match (every match marked with `change`) or an error, with the `data_version`
    that answered. `decisions`: the decisions file (default: beside `db`). `audit` (default:
    env SANCTIONS_AUDIT): every row re-screened goes to its audit trail, reported or not.
    `prepared`: read (and keep) the file's preparation beside the decisions file
    (sanctions.store.prepared: a later re-screen of the file does a quarter less work; the
    answers are the same without).
    `defaults` as for screen_many (threshold, limit, source, program...)."""
    from .store.audit import AuditWriter, audit_enabled
    from .store.entities import StaleNotes
    from .store.version import read_data_version

    dv = read_data_version(db)
    notes = StaleNotes(db, dv)  # a record from an older file of its list, as a screen says
    threshold = parse_options(defaults).threshold
    # what the audit records it ran with: the options as applied, and what it compared with
    options = {**defaults, "threshold": DEFAULT_CONFIG.threshold if threshold is None
               else threshold, "since": since.since if isinstance(since, ChangeSet) else since}
    writer = AuditWriter(db, decisions, "rescreen", options) if audit_enabled(audit) else None
    try:
        for row, result in _rescreen(rows, since, db, decisions, workers, defaults,
                                     every=writer is not None, prepare=prepared):
            if result is None:  # not screened, no match: built only for the audit trail
                result = _unscreened(row)
            if "error" not in result:
                result["data_version"] = dv
            if writer is not None:
                writer.write(result, dv)
            if result["matches"] or result.get("error"):
                yield notes.note(result)
    finally:
        notes.close()
        if writer is not None:
            writer.close()  # what was screened is audited, even when the caller stops early


def _rescreen(rows: Iterable[Mapping[str, Any]], since: str | ChangeSet, db: Path | str,
              decisions: Path | str | None, workers: int, defaults: dict[str, Any],
              every: bool = True, prepare: bool = True
              ) -> Iterator[tuple[Mapping[str, Any], dict[str, Any] | None]]:
    """Every row with its result against the change, reported or not: None for a row that was
    not screened (it cannot match a changed record) and is no error. Not `every`: only the
    rows with a match or an error (no audit trail wants the others). A re-screen's cost is
    its filter's and a few fixed ones: a Python step for each of 20,000 rows here costs 2-4 ms,
    0.3-0.5% of it, so the rows are picked by C loops (itertools, operator)."""
    from .rescreen_filter import collector_paused, keep_prepared
    from .store.decisions import Decisions
    from .store.index_part import load_entities_index
    from .store.prepared import load as prepared
    from .store.prepared import prepared_path

    unknown = sorted(set(defaults) - set(FIELDS))
    if unknown:
        raise QueryError(f"unknown option(s) {', '.join(unknown)}")
    parse({"name": "x", **defaults})  # a bad default is the caller's error, not every row's
    found = since if isinstance(since, ChangeSet) else changes_since(since, db)
    with collector_paused():  # what lives now, and the rows, outlive it (rescreen_filter)
        rows = list(rows)
        # the names' tokens and words' spellings, stored by an earlier re-screen of the file
        path = prepared_path(db, decisions) if prepare else None
        prep = prepared(path) if path and (found.removed or found.screened) else None
        # One batch at a time (sanctions.batch keeps its index in a global for the forked
        # helpers): the removed records' is screened in full first.
        gone = (_screen(_removed_index(found.removed), list(_untyped(rows)), defaults, workers,
                        prep) if found.removed else [None] * len(rows))
        changed = _screen(load_entities_index(db, found.screened) if found.screened else None,
                          rows, defaults, workers, prep)
        if path and prep is not None:
            keep_prepared(prep, rows, path)
    known = Decisions(db, decisions)
    try:
        picked: Iterable[tuple[Mapping[str, Any], dict[str, Any] | None,
                               dict[str, Any] | None]] = zip(rows, changed, gone, strict=True)
        if not every:  # the rows with a result, picked without a Python step per row
            picked = itertools.compress(picked, map(
                operator.or_, map(operator.is_not, changed, itertools.repeat(None)),
                map(operator.is_not, gone, itertools.repeat(None))))
        for row, result, other in picked:
            if (result is None or not result["matches"]) and (
                    other is None or not other["matches"]):
                # most rows: nothing reached a changed or removed record
                if every or (result is not None and result.get("error")):
                    yield row, result
                continue
            result = known.apply(result or _unscreened(row))
            matches = [m for m in (_mark(m, found) for m in result["matches"]) if m]
            if other is not None and not other.get("error"):
                matches += [{**m, "change": "removed"} for m in other["matches"]]
            yield row, {**result, "matches": matches}
    finally:
        known.close()


def _screen(index: Index | None, rows: Sequence[Mapping[str, Any]], defaults: Mapping[str, Any],
            workers: int, prep: Prepared | None = None) -> list[dict[str, Any] | None]:
    """Each row's result against `index`, in order: the rows that could reach one of its
    entities are screened by the service; the others cannot match and are not screened (None,
    or the row's error when it could not be read)."""
    from .rescreen_filter import screen_reaching

    threshold = parse_options(defaults).threshold
    given = {k: defaults[k] for k in ("birth_date", "country") if defaults.get(k)}
    view = [{**given, **r} for r in rows] if given else rows  # a default applies to every row
    found: list[dict[str, Any] | None] = [None] * len(rows) if index is None else screen_reaching(
        index, view, rows, threshold if threshold is not None else DEFAULT_CONFIG.threshold,
        defaults, workers, prep)
    # only a row that could not be read is an error here (a row's fields are checked when it is
    # screened; a full screen checks every one): the few found without a Python step per row
    for i in itertools.compress(range(len(rows)), map(operator.contains, rows,
                                                      itertools.repeat("_error"))):
        if found[i] is None:
            found[i] = _unscreened(rows[i])
    return found


def _unscreened(row: Mapping[str, Any]) -> dict[str, Any]:
    """The result of a row that was not screened: no match, and its error if it had one."""
    result = {"query": {k: v for k, v in row.items() if k not in ("_row", "_error")},
              "matches": []}
    if "_error" in row:
        result.update({"error": row["_error"], **({"row": row["_row"]} if "_row" in row
                                                  else {})})
    return result


def _mark(match: dict[str, Any], found: ChangeSet) -> dict[str, Any] | None:
    decision = match.get("decision")
    if decision and not decision["alarm"]:
        return None  # a decided false positive, unchanged since the decision
    if decision and decision["decision"] == "false_positive":
        return {**match, "change": "resurfaced"}
    return {**match, "change": "new_hit" if match["entity_id"] in found.added else "changed"}


def alarms(results: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any result holds a match that needs a review (new, changed or resurfaced)."""
    return any(m["change"] in ALARMS for r in results for m in r["matches"])

