"""Link records that are the same real-world entity, within and across sources.

A post-import step of every build, in four parts:

1. `link_candidates`: the pairs that share a name, a number, or a near name with a birth or
   designation day to confirm it;
2. `link_evidence.judge`: one decision per pair over all the evidence it shares and
   contradicts (names with their kind, birth dates, nationalities, identifiers by type, lists,
   programs), with a score and the reasons either way;
3. ties: a record whose names fit two records of one list equally well (an alias that names
   another listed party) is linked to neither on that evidence;
4. `Clusters`: pairs judged the same are merged strongest first, and a merge is refused (and
   recorded) when any record of one cluster and any of the other are judged different, or are
   two entries of one list that the evidence does not call one.

Reviewers' decisions in sanctions/data/link_judgements.csv win over everything else, on every
build. The result is two tables (docs/schema.md): `links`, every accepted link with its reason,
confidence and evidence, and `clusters`, every entity with its cluster's representative.
docs/linking.md describes the evidence and its weights.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SanctionsError
from ..sources import source_priority
from ..sources.base import DATA_DIR
from ..store import has_tables, schema
from .link_candidates import candidates
from .link_data import Ent, Lists, load
from .link_evidence import Decision, judge

JUDGEMENTS = DATA_DIR / "link_judgements.csv"
Judgements = dict[tuple[str, str], tuple[str, str]]
TIE_MARGIN = 0.5  # scores this close are a tie between two candidates on one list


def read_judgements(path: Path | None = None) -> Judgements:
    """(a, b) -> (same|different, note) from the reviewers' file (JUDGEMENTS unless given);
    '#' lines are comments."""
    path = path or JUDGEMENTS
    if not path.exists():
        return {}
    out: Judgements = {}
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for n, row in enumerate(rows, 2):
            a, b = (row.get("entity_a") or "").strip(), (row.get("entity_b") or "").strip()
            verdict = (row.get("judgement") or "").strip()
            if not a or not b or verdict not in ("same", "different"):
                raise SanctionsError(f"{path.name}: row {n}: expected entity_a, entity_b and a"
                                     f" judgement of 'same' or 'different', got {dict(row)}")
            out[(min(a, b), max(a, b))] = (verdict, (row.get("note") or "").strip())
    return out


@dataclass
class Linker:
    """Everything known while linking: records, lists, and the decisions taken so far."""

    ents: dict[str, Ent]
    lists: Lists
    judgements: Judgements = field(default_factory=dict)
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)

    def decide(self, a: str, b: str) -> Decision:
        key = (min(a, b), max(a, b))
        if key not in self.decisions:
            self.decisions[key] = judge(self.ents[key[0]], self.ents[key[1]], self.lists,
                                        self.judgements.get(key))
        return self.decisions[key]


class Clusters:
    """Union-find that checks the merged cluster as a whole before every union."""

    def __init__(self, linker: Linker) -> None:
        self.linker = linker
        # only merged records get entries: 23,000 one-member lists up front cost more than
        # all the merges
        self.parent: dict[str, str] = {}
        self.merged: dict[str, list[str]] = {}

    def find(self, eid: str) -> str:
        parent = self.parent
        while eid in parent:
            up = parent[eid]
            if up in parent:
                parent[eid] = parent[up]
            eid = up
        return eid

    def members_of(self, root: str) -> list[str]:
        return self.merged.get(root, [root])

    def union(self, a: str, b: str) -> str | None:
        """Merge the clusters of a and b; return why not if refused, else None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for x in self.members_of(ra):
            for y in self.members_of(rb):
                d = self.linker.decide(x, y)
                if d.different:
                    return f"{x} and {y} judged different ({d.hard or '; '.join(d.cons)})"
                ex, ey = self.linker.ents[x], self.linker.ents[y]
                if ex.list == ey.list and not d.same:
                    return f"{x} and {y} are two entries on {ex.list}"
        if len(self.members_of(ra)) < len(self.members_of(rb)):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.merged[ra] = self.members_of(ra) + self.merged.pop(rb, [rb])
        return None

    def clusters(self) -> list[list[str]]:
        """Every cluster, one-record ones included."""
        return [*self.merged.values(),
                *([e] for e in self.linker.ents if e not in self.parent and e not in self.merged)]


def ties(linker: Linker, same: list[Decision]) -> dict[tuple[str, str], str]:
    """Decisions to drop before clustering, for a record that fits several records of one list
    (which are not judged one): all of them when the best fit is a tie (an umbrella entry whose
    aliases name several listed parties), else all but the best (its primary name is another
    record's, an alias is this one's: the alias names another party)."""
    by_side: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in same:
        if "judgement" in d.tags:
            continue
        by_side[(d.a, linker.ents[d.b].list)].append(d)
        by_side[(d.b, linker.ents[d.a].list)].append(d)
    dropped: dict[tuple[str, str], str] = {}
    for (eid, lst), found in sorted(by_side.items()):
        if len(found) < 2:
            continue
        found.sort(key=lambda d: (d.name_class, d.score), reverse=True)
        top = found[0]
        other = {d.a if d.b == eid else d.b: d for d in found}
        best = top.a if top.b == eid else top.b
        apart = sorted(o for o in other if o != best and not linker.decide(best, o).same)
        if not apart:
            continue
        tied = [o for o in apart if other[o].name_class == top.name_class
                and other[o].score >= top.score - TIE_MARGIN]
        for o in apart:
            d = other[o]
            dropped[(d.a, d.b)] = f"{eid} fits {best} better"
        if tied:
            names = ", ".join([best, *tied])
            why = f"{eid} fits {len(tied) + 1} records of {lst} equally ({names})"
            for o in [best, *tied]:
                dropped[(other[o].a, other[o].b)] = why
    return dropped


@dataclass
class Result:
    accepted: list[Decision]
    refused: list[tuple[Decision, str]]
    clusters: Clusters
    linker: Linker


def compute(conn: sqlite3.Connection, judgements: Judgements | None = None) -> Result:
    """Links and clusters of the database's entities, nothing written."""
    ents, lists = load(conn)
    linker = Linker(ents, lists, read_judgements() if judgements is None else judgements)
    for a, b in sorted(candidates(lists, linker.judgements)):
        linker.decide(a, b)
    same = sorted((d for d in linker.decisions.values() if d.same),
                  key=lambda d: (-d.score, d.a, d.b))
    dropped = ties(linker, same)
    clusters = Clusters(linker)
    accepted: list[Decision] = []
    refused: list[tuple[Decision, str]] = []
    for d in same:
        why = dropped.get((d.a, d.b)) or clusters.union(d.a, d.b)
        if why is None:
            accepted.append(d)
        else:
            refused.append((d, why))
    return Result(accepted, refused, clusters, linker)


def _representative(members: list[str], ents: dict[str, Ent], rank: dict[str, int]) -> str:
    return min(members, key=lambda m: (rank[ents[m].source], m))


def write(conn: sqlite3.Connection, result: Result) -> None:
    conn.executescript(schema.LINK_SCHEMA)
    ents = result.linker.ents
    with conn:
        conn.executemany(
            "INSERT INTO links (entity_a, entity_b, reason, confidence, detail) VALUES (?,?,?,?,?)",
            [(d.a, d.b, d.reason, d.confidence, d.detail) for d in result.accepted],
        )
        rank = {s: source_priority(s) for s in {e.source for e in ents.values()}}
        rows: list[tuple[str, str, int]] = []
        for members in result.clusters.clusters():
            rep = _representative(members, ents, rank)
            rows.extend((m, rep, len(members)) for m in members)
        conn.executemany("INSERT INTO clusters VALUES (?,?,?)", rows)
        if has_tables(conn, "link_refusals"):  # once the schema declares it
            conn.executemany(
                "INSERT INTO link_refusals (entity_a, entity_b, reason, detail) VALUES (?,?,?,?)",
                [(d.a, d.b, why, d.detail) for d, why in result.refused],
            )


def link_entities(conn: sqlite3.Connection, previous: Path | None = None) -> None:
    """Post-import step: compute links and clusters into the new database."""
    link_and_count(conn)


def link_and_count(conn: sqlite3.Connection, judgements: Judgements | None = None,
                   ) -> dict[str, int]:
    """Compute and write links and clusters; return accepted links by reason and refusals."""
    result = compute(conn, judgements)
    write(conn, result)
    counts: dict[str, int] = defaultdict(int)
    for d in result.accepted:
        counts[d.reason] += 1
    for _, why in result.refused:
        kind = ("tie" if "equally" in why else "fits another better" if "better" in why
                else "two entries on one list" if "two entries" in why else "judged different")
        counts["refused: " + kind] += 1
    return dict(counts)
