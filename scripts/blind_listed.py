"""Every listed name of the database, folded, for scripts/make_blind_set.py: the pool of
OFAC SDN entities to vary and the checks that keep the blind set unambiguous."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import blind_tables as bt
from rapidfuzz import fuzz, process

GENERIC: set[str] = set()  # words in over 100 listed names (filled by Listed)


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z\u0080-\uffff]+", " ", s).split())


def toks(s: str) -> frozenset[str]:
    return frozenset(fold(s).split())


@dataclass
class Ent:
    id: str
    type: str
    name: str  # primary name as listed
    gender: str
    names: list[str]
    imo: str = ""

    @property
    def surname(self) -> str:
        return self.name.split(",", 1)[0].strip()

    @property
    def given(self) -> list[str]:
        return self.name.split(",", 1)[1].split() if "," in self.name else []


class Listed:
    """Every listed name of every source, for the ambiguity and not-listed checks."""

    def __init__(self, db: Path) -> None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self._cl: dict[str, str] = dict(conn.execute("SELECT entity_id, cluster_id FROM "
                                                     "clusters"))
        self.names: list[tuple[frozenset[str], str]] = []
        self.folded: list[str] = []
        self.post: dict[str, list[int]] = defaultdict(list)
        self.keys: dict[frozenset[str], set[str]] = defaultdict(set)
        self.imos: dict[str, set[str]] = defaultdict(set)
        for eid, name in conn.execute("SELECT entity_id, name FROM names"):
            t = toks(name)
            self.keys[t].add(self.cluster(eid))
            for w in t:
                self.post[w].append(len(self.names))
            self.names.append((t, self.cluster(eid)))
            self.folded.append(" ".join(sorted(t)))
        for eid, imo in conn.execute("SELECT entity_id, imo FROM vessels WHERE imo <> ''"):
            self.imos[imo].add(self.cluster(eid))
        for eid, v in conn.execute("SELECT entity_id, value FROM identifiers "
                                   "WHERE scheme='imo'"):
            self.imos[re.sub(r"\D", "", v)].add(self.cluster(eid))
        GENERIC.update(w for w, p in self.post.items() if len(p) > 100)
        rows = conn.execute(
            "SELECT e.id, e.type, e.name, coalesce(e.gender,''), v.imo FROM entities e "
            "LEFT JOIN vessels v ON v.entity_id=e.id WHERE e.source='ofac_sdn' "
            "AND e.type IN ('person','organization','vessel') ORDER BY e.id").fetchall()
        alln: dict[str, list[str]] = defaultdict(list)
        for eid, name in conn.execute("SELECT entity_id, name FROM names"):
            alln[eid].append(name)
        conn.close()
        self.ents = [Ent(r[0], r[1], r[2], r[3], alln[r[0]], r[4] or "") for r in rows]

    def cluster(self, eid: str) -> str:
        return self._cl.get(eid, eid)

    def covering(self, t: frozenset[str]) -> set[str]:
        """Clusters with a name that holds every token of t."""
        if not t:
            return set()
        lists = sorted((self.post.get(w, []) for w in t), key=len)
        if not lists[0]:
            return set()
        return {self.names[i][1] for i in lists[0] if t <= self.names[i][0]}

    def contained(self, t: frozenset[str]) -> set[str]:
        """Clusters with a name whose words (legal forms and titles aside) are all in t: a
        listed name the query holds whole, like the vessel ZENITH in "ZENITH OJSC"."""
        ids = {i for w in t for i in self.post.get(w, ())}
        return {self.names[i][1] for i in ids
                if (core := self.names[i][0] - bt.NOISE_WORDS) and core <= t}

    def near(self, text: str, cutoff: float = 85) -> set[str]:
        """Clusters with a name within `cutoff` (rapidfuzz token_sort_ratio, folded)."""
        hits = process.extract(fold(text), self.folded, scorer=fuzz.token_sort_ratio,
                               score_cutoff=cutoff, limit=20)
        return {self.names[i][1] for _, _, i in hits}

    def unambiguous(self, e: Ent, used: str) -> bool:
        t = toks(used) - bt.NOISE_WORDS
        return bool(t) and self.covering(t) <= {self.cluster(e.id)}


def split_of(key: str) -> str:
    return "dev" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "holdout"
