"""One decision over all the evidence two records share and contradict.

`judge(x, y)` weighs every piece of evidence for and against (points, roughly log-odds) and
returns a `Decision`: the score, the reasons either way, and whether the pair is judged the
same (score >= SAME), different (a hard contradiction, or score < DIFFERENT), or neither. No
single rule decides: a shared number between two differently named records is weak, a primary
name that is only the other's alias, where it is a third record's primary name, counts against,
and two entries of one list are presumed different unless the rest of the evidence is strong.
The weights are in `W`; docs/linking.md explains each with the cases that set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import exp

from .link_data import Ent, Lists
from .link_names import (
    ALIAS,
    PRIMARY,
    RANK_WORD,
    WEAK,
    distinct_tokens,
    name_within,
    near_names,
)

SAME = 3.0  # at or above: the same entity
MAX_BIRTH_GAP = 5  # years: birth dates further apart rule a pair out
DIFFERENT = -1.0  # below (or a hard contradiction): two different entities

W = {
    "imo": 5.0, "ofac_entry": 5.0, "mmsi": 2.5, "fto": 2.0,
    "id": 2.5, "id_partial_name": 1.5, "id_no_name": 1.0, "id_more": 1.0,
    "id_differs": -1.5, "passport_differs": -0.5,
    "born_same_day": 2.5, "born_compatible": 0.25, "born_apart": -3.0,
    "nationality": 0.5, "nationality_differs": -1.5,
    "listed_same_day": 1.0, "regime": 0.75,
    "unique": 1.0, "not_unique": -1.0, "extra_name": 0.25, "extra_names_max": 0.75,
    "near_name_discount": -1.0,
    "primary_of_other": -3.0, "same_list": -2.0, "sole_vessel": 0.75,
}
# A shared name by the kinds it has on each side (best, other).
NAME_VALUE = {(PRIMARY, PRIMARY): 2.25, (PRIMARY, ALIAS): 2.0, (ALIAS, ALIAS): 1.25}
WEAK_NAME_VALUE = 0.5
# Rules, strongest first: a link's reason is the first whose evidence it holds.
REASONS = ("judgement", "shared_imo", "same_ofac_entry", "fto_listing", "shared_identifier",
           "close_name_corroborated", "same_name_and_birth_date", "shared_mmsi",
           "same_name_sole_vessel", "same_name_unique", "same_name_and_other_evidence")


@dataclass(slots=True)
class Decision:
    a: str
    b: str
    score: float = 0.0
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    hard: str | None = None  # a contradiction no evidence outweighs
    name_class: int = -1  # the best shared name's kinds, for ties between candidates

    def add(self, points: float, why: str, tag: str = "") -> None:
        self.score += points
        (self.pros if points > 0 else self.cons).append(why)
        if tag:
            self.tags.add(tag)

    @property
    def same(self) -> bool:
        return self.hard is None and self.score >= SAME

    @property
    def different(self) -> bool:
        return self.hard is not None or self.score < DIFFERENT

    @property
    def reason(self) -> str:
        return next((r for r in REASONS if r in self.tags), "same_name_and_other_evidence")

    @property
    def confidence(self) -> float:
        if self.hard is not None:
            return 0.0
        return round(1 / (1 + exp(-(self.score - 1.5))), 3)

    @property
    def detail(self) -> str:
        against = [self.hard] if self.hard else self.cons
        parts = ["; ".join(self.pros)] if self.pros else []
        return " | ".join(parts + ([f"against: {'; '.join(against)}"] if against else []))


def births_compatible(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> bool:
    """Unknown on either side is compatible; otherwise some pair of ranges must overlap."""
    if not a or not b:
        return True
    return any(lo1 <= hi2 and lo2 <= hi1 for lo1, hi1 in a for lo2, hi2 in b)


def birth_gap(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> int:
    """Years between the nearest of two sets of birth-date ranges (0: the same year)."""
    return min(max(0, int(lo2[:4]) - int(hi1[:4]), int(lo1[:4]) - int(hi2[:4]))
               for lo1, hi1 in a for lo2, hi2 in b)


def _specificity(key: str, etype: str) -> tuple[float, str]:
    """Short names say less: a person's two-word name, anyone's one word."""
    n = distinct_tokens(key)
    if etype == "person":
        return {1: (-1.5, "one-word name"), 2: (-0.5, "two-word name")}.get(n, (0.0, ""))
    if n >= 2:
        return 0.0, ""
    if etype == "organization" and len(key) >= 7:
        return -0.25, "one-word name"
    if etype == "organization":
        return -1.0, "one short word"
    if len(key) >= 7:
        return -0.5, "a one-word vessel or aircraft name"
    return -1.5, "one short word, as ships reuse them"  # 'ECHO', 'OLIVE', 'KAZAN'



def _value(rx: int, ry: int) -> float:
    if WEAK in (rx, ry):
        return WEAK_NAME_VALUE
    return NAME_VALUE[(max(rx, ry), min(rx, ry))]


def _kinds(rx: int, ry: int) -> str:
    return f"{RANK_WORD[rx]} = {RANK_WORD[ry]}"


def _names(d: Decision, x: Ent, y: Ent, lists: Lists, corroborated: bool) -> str | None:
    """Name evidence: the best shared name, exact, else near (counted only when a birth day,
    a number or a designation day confirms it). Returns 'exact', 'near' or None."""
    shared = x.names.keys() & y.names.keys()
    if shared:
        best = max(shared, key=lambda k: (_value(x.names[k], y.names[k]), distinct_tokens(k), k))
        rx, ry = x.names[best], y.names[best]
        d.name_class = min(rx, ry) * 3 + max(rx, ry)
        d.add(_value(rx, ry), f"same name {best!r} ({_kinds(rx, ry)})", "name")
        _uniqueness(d, x, y, lists, best, best, len(shared))
        extra = len({k for k in shared if " " in k} - {best})
        if extra:
            d.add(min(W["extra_names_max"], extra * W["extra_name"]), f"{extra} more names shared")
        _specific(d, best, x.type)
        if d.name_class != PRIMARY * 4:
            _taken(d, x, y, lists, shared)
        return "exact"
    s, kx, ky = _nearest(x, y)
    found = _within(x, y) if not s and x.type == "person" else None
    if found is not None:
        kx, ky = found
    elif not s:
        return None
    rx, ry = x.names[kx], y.names[ky]
    if found is not None:
        small, large = (kx, ky) if len(kx) < len(ky) else (ky, kx)
        said = f"name {small!r} within {large!r} ({_kinds(rx, ry)})"
    else:
        said = f"near names {kx!r} ~ {ky!r} ({_kinds(rx, ry)}, {s:.2f})"
    if not corroborated:
        d.cons.append(said + ", but no birth date, number, designation day or regime in common")
        return None
    d.name_class = min(rx, ry) * 3 + max(rx, ry)
    d.add(_value(rx, ry) + W["near_name_discount"], said, "near")
    rivals = _rivals(lists, x, y, kx, found is not None) + _rivals(lists, y, x, ky,
                                                                  found is not None)
    if rivals:
        d.add(W["not_unique"], f"{', '.join(sorted(set(rivals))[:3])} also near")
    else:
        d.add(W["unique"], "no other record as near on either list", "unique")
    _specific(d, kx, x.type)
    if d.name_class != PRIMARY * 4:
        _taken(d, x, y, lists, set())
    return "near"


def _nearest(x: Ent, y: Ent) -> tuple[float, str, str]:
    """The most alike pair of names of two or more words, a letter or a spelling apart."""
    best: tuple[float, float, str, str] = (0.0, 0.0, "", "")
    near_y = y.near_keys()
    for sig, keys_x in x.near_keys().items():
        for kx in keys_x:
            for ky in near_y.get(sig, ()):
                s = near_names(kx, ky)
                if s and (s, _value(x.names[kx], y.names[ky])) > best[:2]:
                    best = (s, _value(x.names[kx], y.names[ky]), kx, ky)
    return best[0], best[2], best[3]


def _within(x: Ent, y: Ent) -> tuple[str, str] | None:
    """The best pair of names (not weak aliases) one within the other (link_names.name_within),
    by their value then length, or None."""
    pairs = [(_value(rx, ry), len(kx) + len(ky), kx, ky) for kx, rx in x.names.items()
             if rx > WEAK and " " in kx for ky, ry in y.names.items()
             if ry > WEAK and " " in ky and name_within(kx, ky)]
    if not pairs:
        return None
    _, _, kx, ky = max(pairs)
    return kx, ky


def _rivals(lists: Lists, x: Ent, y: Ent, kx: str, within: bool = False) -> list[str]:
    """Records of y's list, other than y, with a name as near to x's name kx (`within`: a name
    within kx or holding it, link_names.name_within)."""
    held = (lists.within_holders(kx, y.list) if within
            else lists.near_holders(x.type, kx, y.list))
    return [h for h in held if h != y.id and h != x.id]


def _uniqueness(d: Decision, x: Ent, y: Ent, lists: Lists, kx: str, ky: str, n: int) -> None:
    """Unique in each list, or the best fit among the records holding the name (another holder
    that shares as many names with the other side is a rival), or ambiguous."""
    pair = (x.id, y.id)
    others = lists.others(x, kx, pair) + lists.others(y, ky, pair)
    if not others:
        d.add(W["unique"], "unique in each list", "unique")
        return
    value = _value(x.names[kx], y.names[ky])
    rivals = [h for h in lists.others(x, kx, pair) if _fits(lists.ents[h], y, n, value)]
    rivals += [h for h in lists.others(y, ky, pair) if _fits(lists.ents[h], x, n, value)]
    if rivals:
        d.add(W["not_unique"], f"the name of {len(set(others))} other record(s) too")
    else:
        d.cons.append(f"also the name of {', '.join(sorted(set(others)))}, which fit less well")


def _fits(h: Ent, other: Ent, n: int, value: float) -> bool:
    """Whether h fits `other` as well as the pair does: as many names, one as good."""
    shared = h.names.keys() & other.names.keys()
    return len(shared) >= n and max(_value(h.names[k], other.names[k]) for k in shared) >= value


def _specific(d: Decision, key: str, etype: str) -> None:
    points, why = _specificity(key, etype)
    if points:
        d.add(points, why)


def _taken(d: Decision, x: Ent, y: Ent, lists: Lists, shared: set[str]) -> None:
    """Against: a name shared as one side's alias is the primary name of another record of
    that side's list; or one side's primary name is another record's primary on the other
    side's list. Either way the alias names another party."""
    pair = (x.id, y.id)
    for k in sorted(shared):
        for e in (x, y):
            if e.names[k] < PRIMARY and (taken := lists.primary_of_other(e, k, pair)):
                d.add(W["primary_of_other"], f"{k!r} is the primary name of {taken[0]}")
                return
    for e, other in ((x, y), (y, x)):
        for k in e.primaries:
            if k not in other.names and (taken := lists.primary_of_other(other, k, pair)):
                d.add(W["primary_of_other"],
                      f"{e.id}'s primary name {k!r} is the primary name of {taken[0]}")
                return


def _shared_token(x: Ent, y: Ent, df: dict[str, int]) -> str | None:
    """A rare word both records' names use: part of a name in common ('SBERBANK')."""
    tx = {t for k in x.names for t in k.split()}
    ty = {t for k in y.names for t in k.split()}
    rare = [t for t in tx & ty if len(t) > 2 and df.get(t, 0) <= 50]
    return min(rare) if rare else None


def judge(x: Ent, y: Ent, lists: Lists, judgement: tuple[str, str] | None = None) -> Decision:
    """Every piece of evidence x and y share or contradict, weighed into one decision."""
    d = Decision(x.id, y.id)
    if judgement is not None:
        verdict, note = judgement
        if verdict == "same":
            d.add(10.0, f"judged the same by a reviewer: {note}", "judgement")
        else:
            d.hard = f"judged different by a reviewer: {note}"
        return d
    if x.type != y.type:
        d.hard = "different types"
        return d
    if not births_compatible(x.births, y.births):
        gap = birth_gap(x.births, y.births)
        if gap > MAX_BIRTH_GAP:
            d.hard = "different birth dates"
            return d
        # lists disagree on a year now and then (Mutassim Qadhafi: 1975 for OFAC, 1976 for
        # the UN): near dates count against, far ones rule the pair out
        d.add(W["born_apart"] * max(gap, 1) / MAX_BIRTH_GAP,
              f"birth dates {gap or 'under one'} year(s) apart")
    if x.imos and y.imos and not x.imos & y.imos:
        d.hard = "different IMO numbers"
        return d
    days = x.days & y.days
    shared_ids = {s: x.ids[s] & y.ids[s] for s in x.ids.keys() & y.ids.keys()}
    listed = x.listed & y.listed
    # within one list, a shared regime or designation day tells nothing: batches share both
    regime = x.regimes & y.regimes if x.list != y.list else frozenset()
    listed = listed if x.list != y.list else set()
    corroborated = bool(days or any(shared_ids.values()) or listed or x.imos & y.imos or regime)
    names = _names(d, x, y, lists, corroborated)
    if x.list == y.list:
        if x.uid == y.uid:
            d.add(W["ofac_entry"], f"one {x.list.upper()} entry ({x.uid}) on both lists",
                  "same_ofac_entry")
        else:
            d.add(W["same_list"], f"two separate entries on {x.list}")
    if imos := x.imos & y.imos:
        d.add(W["imo"], f"IMO {min(imos)}", "shared_imo")
    if mmsis := x.mmsis & y.mmsis:
        d.add(W["mmsi"], f"MMSI {min(mmsis)}", "shared_mmsi")
    first = True
    for scheme in sorted(shared_ids):
        if values := shared_ids[scheme]:
            if not first:
                d.add(W["id_more"], f"{scheme} {min(values)}")
                continue
            first = False
            if names:
                d.add(W["id"], f"{scheme} {min(values)}", "shared_identifier")
            elif token := _shared_token(x, y, lists.df):
                d.add(W["id_partial_name"], f"{scheme} {min(values)}, names share {token!r}",
                      "shared_identifier")
            else:
                d.add(W["id_no_name"], f"{scheme} {min(values)}, names unrelated")
        else:
            key = "passport_differs" if scheme == "passport" else "id_differs"
            d.add(W[key], f"different {scheme}: {min(x.ids[scheme])} vs {min(y.ids[scheme])}")
    if days:
        d.add(W["born_same_day"], f"born {min(days)}", "birth_date")
    elif x.births and y.births:
        d.add(W["born_compatible"], "birth dates compatible")
    if x.countries and y.countries:
        if common := x.countries & y.countries:
            d.add(W["nationality"], f"nationality {min(common)}")
        elif x.type == "person":
            d.add(W["nationality_differs"], "different nationalities: "
                  f"{','.join(sorted(x.countries))} vs {','.join(sorted(y.countries))}")
    if names and regime:
        d.add(W["regime"], f"both listed under {'/'.join(sorted(regime))} sanctions", "regime")
    if names == "exact" and regime and x.type == "vessel":
        _sole_vessel(d, x, y, lists)
    if names and listed:
        d.add(W["listed_same_day"], f"designated the same day, {min(listed)}", "listed")
    if names and _fto_pair(x, y):
        d.add(W["fto"], "State FTO listing and an OFAC entry tagged FTO", "fto_listing")
    _tag_reason(d, names)
    return d


def _sole_vessel(d: Decision, x: Ent, y: Ent, lists: Lists) -> None:
    """For: one ship carries no number (the UK's summary list gives none) and every vessel
    holding the shared names on the other lists carries the other ship's IMO. The name then
    points at one hull only; a second vessel of the name elsewhere, or one without an IMO,
    leaves the pair to the rest of the evidence (the UK's ONYX is the EU's ONYX, IMO 9236640;
    its RIGEL, beside two EU RIGELs, stays unlinked)."""
    bare, numbered = (x, y) if not x.imos else (y, x)
    if bare.imos or bare.mmsis or not numbered.imos:
        return
    ents = lists.ents
    shared = sorted(x.names.keys() & y.names.keys())
    for key in shared:
        holders = lists.index.get((bare.type, key), ())
        if lists.others(bare, key, (bare.id,)) or any(
                ents[h].list != bare.list and ents[h].imos != numbered.imos for h in holders):
            return
    d.add(W["sole_vessel"], f"no number on {bare.id}; the only vessel named {shared[0]!r}"
          f" on the other lists is IMO {min(numbered.imos)}", "same_name_sole_vessel")


def _fto_pair(x: Ent, y: Ent) -> bool:
    for a, b in ((x, y), (y, x)):
        if a.source == "state_fto" and b.list == "ofac" and "FTO" in b.programs:
            return True
    return False


def _tag_reason(d: Decision, names: str | None) -> None:
    if "near" in d.tags:
        d.tags.add("close_name_corroborated")
    elif names == "exact" and "birth_date" in d.tags:
        d.tags.add("same_name_and_birth_date")
    elif names == "exact" and "unique" in d.tags:
        d.tags.add("same_name_unique")
