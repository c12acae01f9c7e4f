"""What the linker knows about each record, read once from the new database.

One `Ent` per entity: its names by kind, birth dates, nationalities, identifiers by type,
vessel numbers, designation dates and list. `Lists` holds what needs the whole list at once:
who holds each name on each list, so that "unique in each list" and "this name is another
record's primary name" can be asked of any pair.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from ..countries import country_code
from ..dates import birth_bounds
from ..identifiers import identifier_key
from ..sources.ftm import FORMAT as FTM_FORMAT
from .link_names import (
    KIND_RANK,
    PRIMARY,
    WEAK,
    name_forms,
    name_within,
    near_names,
    signature,
    subkeys,
)

# Identifier types specific enough that a shared value says "the same entity" (with a name that
# agrees), and a different value of the same type says "perhaps not".
STRONG_ID_SCHEMES = frozenset({
    "passport", "national_id", "cedula", "tax_id", "registration_number", "lei", "swift_bic",
    "duns", "curp", "rfc", "nit", "ruc", "rif", "ssn", "imo_company", "uscc", "isin", "bik",
})
# The lists of one publisher that share its ids: OFAC's SDN and consolidated lists number their
# entries from one sequence, so ofac_sdn:17015 and ofac_cons:17015 are one entry.
LIST_OF = {"ofac_sdn": "ofac", "ofac_cons": "ofac"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_MMSI = re.compile(r"^\d{9}$")


_NO: frozenset[str] = frozenset()
# Sanctions regimes by the words their programs are named with, so that OFAC's RUSSIA-EO14024,
# the UK's "Russia" and the EU's EU-RUS are one regime. A word not here is not a regime. A
# reward offer has no sanctions program: the organisation it names stands for one (Rewards for
# Justice's "Hizballah (financier)" is terrorism, a Narcotics Rewards Program offer narcotics).
REGIME_WORDS = {
    "russia": "russia", "ukraine": "russia", "rus": "russia", "peesa": "russia",
    "sdgt": "terrorism", "fto": "terrorism", "qaida": "terrorism", "isil": "terrorism",
    "terrorism": "terrorism", "taliban": "terrorism", "afghanistan": "terrorism",
    "iran": "iran", "irgc": "iran", "ifsr": "iran", "ifca": "iran", "syria": "syria",
    "dprk": "dprk", "korea": "dprk", "prk": "dprk", "belarus": "belarus",
    "glomag": "human rights", "magnit": "human rights", "rights": "human rights",
    "corruption": "human rights", "cyber": "cyber", "cyber2": "cyber", "npwmd": "wmd",
    "chemical": "wmd", "nuclear": "wmd", "iraq": "iraq", "iraq2": "iraq", "iraq3": "iraq",
    "libya": "libya", "libya2": "libya", "libya3": "libya", "lby": "libya", "drc": "drc",
    "drcongo": "drc", "congo": "drc", "car": "car", "central": "car", "somalia": "somalia",
    "sudan": "sudan", "darfur": "sudan", "yemen": "yemen", "venezuela": "venezuela",
    "burma": "myanmar", "myanmar": "myanmar", "nicaragua": "nicaragua", "haiti": "haiti",
    "mali": "mali", "balkans": "balkans", "bosnia": "balkans", "lebanon": "lebanon",
    "hizballah": "terrorism", "hamas": "terrorism", "isis": "terrorism", "shabaab": "terrorism",
    "ansarallah": "terrorism", "tahrir": "terrorism",
    "sdntk": "narcotics", "sdnt": "narcotics", "drugs": "narcotics", "nrp": "narcotics",
    "tco": "organised crime", "tocrp": "organised crime",
}
_PROGRAM_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)  # a few hundred combinations of programs among 23,000 records
def regimes(programs: tuple[str, ...]) -> frozenset[str]:
    """The regimes a record's programs belong to.

    >>> sorted(regimes(("RUSSIA-EO14024", "CYBER2"))), sorted(regimes(("Iran (Nuclear)",)))
    (['cyber', 'russia'], ['iran', 'wmd'])
    >>> sorted(regimes(("RFJ", "al-Qa'ida"))), sorted(regimes(("NRP", "ILLICIT-DRUGS-EO14059")))
    (['terrorism'], ['narcotics'])
    """
    return frozenset(REGIME_WORDS[w] for p in programs
                     for w in _PROGRAM_WORD.findall(p.lower().replace("'", ""))
                     if w in REGIME_WORDS)


class Ent:
    """One record as the linker sees it. Most records have no birth date, number or vessel, so
    those start as shared empty values and the loader gives a record its own when it has some:
    23,000 records with nine empty containers each cost more than the rest of the load."""

    __slots__ = ("id", "source", "type", "programs", "list", "regimes", "names", "primaries",
                 "births", "days", "countries", "ids", "imos", "mmsis", "listed", "_near")

    def __init__(self, id: str, source: str, type: str, programs: list[str] | None = None,
                 births: list[tuple[str, str]] | None = None) -> None:
        self.id, self.source, self.type = id, source, type
        self.programs = programs or []
        self.list = LIST_OF.get(source, source)  # the source, or "ofac" for both OFAC lists
        self.regimes = regimes(tuple(self.programs))
        self.names: dict[str, int] = {}  # key -> best rank (PRIMARY, ALIAS, WEAK)
        self.primaries: list[str] = []  # keys of primary names of two words or more
        self.births: list[tuple[str, str]] = births or []  # (from, to) ISO bounds
        self.days: AbstractSet[str] = (  # full dates (day precision)
            {lo for lo, hi in self.births if lo == hi} if self.births else _NO)
        self.countries: AbstractSet[str] = _NO
        self.ids: Mapping[str, AbstractSet[str]] = {}  # scheme -> identifier keys
        self.imos: AbstractSet[str] = _NO
        self.mmsis: AbstractSet[str] = _NO
        self.listed: AbstractSet[str] = _NO  # designation days
        self._near: dict[str, list[str]] | None = None

    @property
    def uid(self) -> str:
        return self.id.split(":", 1)[1]

    def near_keys(self) -> dict[str, list[str]]:
        """Names of two or more words by signature (see link_names.signature), made once."""
        if self._near is None:
            self._near = defaultdict(list)
            for k in self.names:
                if " " in k:
                    self._near[signature(k)].append(k)
        return self._near


@dataclass
class Lists:
    """Every record holding each name key (of its type), and how many names use each word."""

    ents: dict[str, Ent]
    index: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (type, key) -> ids
    df: dict[str, int] = field(default_factory=dict)  # word -> primary names using it
    # Lists whose records are never paired with each other: an FtM file's entities, which its
    # publisher has already resolved (an entity's `referents` are the records it merged).
    # Linking them with each other would also cost time growing with the square of the file.
    resolved: frozenset[str] = frozenset()

    _near: dict[tuple[str, str], list[tuple[str, str]]] | None = None
    _holders: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    _within: dict[str, list[tuple[str, str]]] | None = None

    def near_index(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(type, signature) -> (id, key) of every name of two words or more, made once."""
        if self._near is None:
            self._near = defaultdict(list)
            for e in self.ents.values():
                for sig, keys in e.near_keys().items():
                    self._near[(e.type, sig)].extend((e.id, k) for k in keys)
        return self._near

    def near_holders(self, etype: str, key: str, lst: str) -> list[str]:
        """Records of this type on list `lst` with a name as near to `key` (or the same),
        worked out once per key and list: many pairs ask it of one name."""
        found = self._holders.get((etype, key, lst))
        if found is None:
            ents = self.ents
            found = [h for h, k in self.near_index().get((etype, signature(key)), ())
                     if ents[h].list == lst and (k == key or near_names(k, key))]
            self._holders[(etype, key, lst)] = found
        return found

    def within_index(self) -> dict[str, list[tuple[str, str]]]:
        """subkey -> (id, key) of every person's name that is not a weak alias, by each choice
        of link_names.MIN_WITHIN of its words (`subkeys`), made once. Not of a resolved list's
        records (an FtM file's): up to twenty entries a name, for a file of a million names,
        would cost more than the rest of the linking; they link by the other rules."""
        if self._within is None:
            self._within = defaultdict(list)
            for e in self.ents.values():
                if e.type == "person" and e.list not in self.resolved:
                    for k, rank in e.names.items():
                        if rank > WEAK:
                            for sub in subkeys(k):
                                self._within[sub].append((e.id, k))
        return self._within

    def within_holders(self, key: str, lst: str) -> list[str]:
        """People on list `lst` with a name within `key`, or holding it (link_names.name_within),
        or the same."""
        index = self.within_index()
        return sorted({h for sub in subkeys(key) for h, k in index.get(sub, ())
                       if self.ents[h].list == lst and (k == key or name_within(k, key))})

    def others(self, e: Ent, key: str, but: tuple[str, ...]) -> list[str]:
        """Other records of e's list and type that hold this name."""
        return [h for h in self.index.get((e.type, key), ())
                if h not in but and self.ents[h].list == e.list]

    def primary_of_other(self, e: Ent, key: str, but: tuple[str, ...]) -> list[str]:
        """Other records of e's list whose primary name this is."""
        return [h for h in self.others(e, key, but) if self.ents[h].names[key] == PRIMARY]


def signatures(e: Ent) -> list[str]:
    """Block keys of the entity's names of two words or more: type and signature."""
    return [f"{e.type}|{sig}" for sig in e.near_keys()]


def load(conn: sqlite3.Connection) -> tuple[dict[str, Ent], Lists]:
    ents = {
        r[0]: Ent(r[0], r[1], r[2], json.loads(r[3]))
        for r in conn.execute("SELECT id, source, type, programs FROM entities")
    }
    resolved = frozenset(k for (k,) in conn.execute("SELECT key FROM sources WHERE format = ?",
                                                    (FTM_FORMAT,)))
    lists = Lists(ents, resolved=frozenset(LIST_OF.get(k, k) for k in resolved))
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    df: dict[str, int] = defaultdict(int)
    for eid, kind, name, normalized in conn.execute(
        "SELECT entity_id, kind, name, normalized FROM names"
    ):
        e = ents[eid]
        names = e.names
        forms = name_forms(name, e.type, KIND_RANK[kind], normalized)
        for key, rank in forms:
            old = names.get(key)
            if old is None:
                index[(e.type, key)].append(eid)
                names[key] = rank
                if rank == PRIMARY and " " in key:
                    e.primaries.append(key)
            elif rank > old:
                names[key] = rank
                if rank == PRIMARY and " " in key:
                    e.primaries.append(key)
        if kind == "primary" and forms:  # how common a word is, among primary names
            for t in set(forms[0][0].split()):
                df[t] += 1
    lists.index, lists.df = dict(index), dict(df)
    births: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for eid, date, dfrom, dto, circa in conn.execute(
        "SELECT entity_id, date, date_from, date_to, circa FROM birth_dates"
    ):
        if bounds := birth_bounds(date, dfrom, dto, bool(circa)):
            births[eid].append(bounds)
    for eid, ranges in births.items():
        ents[eid].births = ranges
        ents[eid].days = {lo for lo, hi in ranges if lo == hi}
    countries: dict[str, set[str]] = defaultdict(set)
    for eid, country in conn.execute("SELECT entity_id, country FROM nationalities"):
        if code := country_code(country):
            countries[eid].add(code)
    ids: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for eid, scheme, value in conn.execute("SELECT entity_id, scheme, value FROM identifiers"):
        if scheme in STRONG_ID_SCHEMES:
            clean = identifier_key(value).upper()
            # short or digit-less values are placeholders ("none", "123")
            if len(clean) >= 6 and any(c.isdigit() for c in clean):
                ids[eid].setdefault(scheme, set()).add(clean)
    imos: dict[str, set[str]] = defaultdict(set)
    mmsis: dict[str, set[str]] = defaultdict(set)
    vessels = conn.execute("SELECT entity_id, imo, imo_valid, mmsi FROM vessels")
    for eid, imo, valid, mmsi in vessels:
        if imo and valid == 1:
            imos[eid].add(imo)
        if mmsi and _MMSI.match(mmsi):
            mmsis[eid].add(mmsi)
    listed: dict[str, set[str]] = defaultdict(set)
    for eid, day in conn.execute(
        "SELECT entity_id, listed_on FROM designations WHERE listed_on IS NOT NULL"
        " UNION SELECT id, listed_on FROM entities WHERE listed_on IS NOT NULL"
    ):
        if _DAY.match(day):
            listed[eid].add(day[:10])
    for eid, org in conn.execute("SELECT entity_id, organization FROM rewards"
                                 " WHERE organization IS NOT NULL"):
        ents[eid].regimes |= regimes((org,))  # the organisation a reward names
    for attr, found in (("countries", countries), ("ids", ids), ("imos", imos),
                        ("mmsis", mmsis), ("listed", listed)):
        for eid, value in found.items():
            setattr(ents[eid], attr, value)
    return ents, lists
