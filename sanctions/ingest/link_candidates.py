"""Which pairs of records are worth judging: those that share something.

Judging every pair of 23,000 records is 260 million pairs; these blocks find the few thousand
that share a name, a number, or a near name together with something that could confirm it:

- a name key (any kind, exact after link_names' normalisation), held by at most MAX_NAME_GROUP
  records: a name more common than that is judged only together with a birth date below;
- an identifier, IMO or MMSI, held by at most MAX_ID_GROUP records (more is a placeholder);
- a near-name signature together with a birth day, or a designation day: "…Valentinovna"
  born 1970-06-26 meets "…Valentinova" born that day; and a primary name of three words or
  more by the first (or last) three letters of each word, within one sanctions regime: OFAC's
  "MATVEYEV Mikhail Nikolayevich" (RUSSIA-EO14024) meets the UK's "MATVEEV Mikhail
  Nikolaevich" (Russia);
- a person's name within another's (every word of one, three or more, among the other's, with
  at most two more: link_names.name_within) within one sanctions regime, blocked by each choice
  of three of its words: a reward offer's 'Nemesio Rubén Oseguera Cervantes' meets OFAC's
  'OSEGUERA CERVANTES, Nemesio' (NRP and SDNTK, narcotics both);
- one OFAC entry on both OFAC lists (the same ent_num);
- every pair a reviewer judged (sanctions/data/link_judgements.csv).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .link_data import Lists, signatures

MAX_NAME_GROUP = 12
MAX_ID_GROUP = 6
MAX_BLOCK = 16


def _pairs(groups: Iterable[list[str]], limit: int, out: set[tuple[str, str]], lists: Lists,
           across: bool = False) -> None:
    """Every pair within each group of 2..limit ids; across lists only, when `across`. Never
    two records of one resolved list (an FtM file: its publisher resolved them)."""
    ents, resolved = lists.ents, lists.resolved
    for ids in groups:
        if 1 < len(ids) <= limit:
            ids = sorted(set(ids))
            for i, a in enumerate(ids):
                la = ents[a].list
                for b in ids[i + 1:]:
                    if la != ents[b].list or not (across or la in resolved):
                        out.add((a, b))


def candidates(lists: Lists, judged: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """(a, b) with a < b, every pair worth a decision."""
    ents = lists.ents
    out: set[tuple[str, str]] = set()
    numbers: dict[tuple[str, str], list[str]] = defaultdict(list)
    near: dict[tuple[str, ...], list[str]] = defaultdict(list)
    regime_near: dict[tuple[str, ...], list[str]] = defaultdict(list)
    ofac: dict[str, list[str]] = defaultdict(list)
    for e in ents.values():
        for scheme, values in e.ids.items():
            for v in values:
                numbers[(scheme, v)].append(e.id)
        for imo in e.imos:
            numbers[("imo", imo)].append(e.id)
        for mmsi in e.mmsis:
            numbers[("mmsi", mmsi)].append(e.id)
        if e.list == "ofac":
            ofac[e.uid].append(e.id)
        confirm = [f"b{d}" for d in e.days] + [f"l{d}" for d in e.listed]
        if confirm:
            for sig in signatures(e):
                for c in confirm:
                    near[(sig, c)].append(e.id)
        for regime in e.regimes:
            for key in e.primaries:
                if key.count(" ") >= 2:
                    words = key.split()
                    block = regime_near[(e.type, regime, "<", *sorted(w[:3] for w in words))]
                    block.append(e.id)
                    block = regime_near[(e.type, regime, ">", *sorted(w[-3:] for w in words))]
                    block.append(e.id)
    _pairs(lists.index.values(), MAX_NAME_GROUP, out, lists)
    _pairs(numbers.values(), MAX_ID_GROUP, out, lists)
    _pairs(near.values(), MAX_BLOCK, out, lists)
    _pairs(regime_near.values(), MAX_BLOCK, out, lists, across=True)  # says nothing within a list
    within: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sub, held in lists.within_index().items():
        for eid, _ in held:
            for regime in ents[eid].regimes:
                within[(regime, sub)].append(eid)
    _pairs(within.values(), MAX_BLOCK, out, lists, across=True)
    _pairs(ofac.values(), 2, out, lists)
    for a, b in judged:
        if a in ents and b in ents and a != b:
            out.add((min(a, b), max(a, b)))
    return out
