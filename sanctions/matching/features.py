"""Features: small named measures of one query against one listed name.

Each returns `(score, detail)`: a score in [0, 1] (or None when it has nothing to say) and a
line of explanation. `sanctions.matching.score` declares which features count and how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from ..dates import bounds
from ..normalize import HONORIFICS, LEGAL_CLASSES
from .config import MatchConfig
from .index import Index
from .tokens import SPELLINGS, token_similarity  # noqa: F401 (they used to live here)
from .types import Entity, Prepared

_NUMBER = re.compile(r"\d+")
# Endings of patronymics: a query's patronymic the listed name lacks is weak evidence.
_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ich|ovna|evna|ogly|oglu|ogli|kyzy|qizi)$")


@dataclass(slots=True)
class Alignment:
    """Query tokens paired with listed tokens, with the weights the name feature used."""

    q: list[str]
    c: list[str]
    pairs: dict[int, tuple[int, float]]  # query index -> (listed index, similarity)
    wq: list[float]
    wc: list[float]
    drop: float  # weight factor of listed tokens the query leaves out

    @property
    def unmatched_q(self) -> list[int]:
        return [i for i in range(len(self.q)) if i not in self.pairs]

    @property
    def unmatched_c(self) -> list[int]:
        used = {j for j, _ in self.pairs.values()}
        return [j for j in range(len(self.c)) if j not in used]


def align(idx: Index, q: list[str], n_i: int, etype: str, cfg: MatchConfig) -> Alignment:
    """Pair each query token with its most similar listed token, best pairs first."""
    c = idx.tokens[n_i]
    person = etype == "person"
    found = []
    for i, a in enumerate(q):
        near = idx.sims(a, cfg)
        for j, b in enumerate(c):
            s = near.get(b, 0.0)
            if not s and person and (len(a) == 1 or len(b) == 1):
                s = token_similarity(a, b, cfg, True)
            if s:
                found.append((s, i, j))
    pairs = sorted(found, reverse=True)
    used_q: dict[int, tuple[int, float]] = {}
    used_c: set[int] = set()
    for s, i, j in pairs:
        if s > 0 and i not in used_q and j not in used_c:
            used_q[i] = (j, s)
            used_c.add(j)
    surnames = idx.surnames[n_i]
    if person:  # 'Irina' paired with the patronymic initial of 'SOKOLOVA, Natalya I.' while
        # 'Natalya' goes unmatched: a given name the listed one does not have, not an initial
        left = [j for j in range(len(c)) if j not in used_c and len(c[j]) > 1
                and c[j] not in surnames and c[j].isalpha()]
        for i, (j, _) in list(used_q.items()):
            if left and len(c[j]) == 1 and len(q[i]) > 1:
                del used_q[i]
                used_c.discard(j)
    _abbreviations(q, c, used_q, used_c, cfg, 4 if person else 3)
    wq = [idx.weight(t, cfg) for t in q]
    # a matched surname counts more; a left-out one (second surname) no more than a name
    wc = [idx.weight(t, cfg) * (cfg.family_name_weight if t in surnames and j in used_c else 1.0)
          for j, t in enumerate(c)]
    all_found = len(used_q) == len(q) and all(s >= 0.8 for _, s in used_q.values())
    drop = cfg.dropped_token_weight if all_found and person else 1.0
    return Alignment(q, c, used_q, wq, wc, drop)


def _abbreviations(q: list[str], c: list[str], used_q: dict[int, tuple[int, float]],
                   used_c: set[int], cfg: MatchConfig, shortest: int) -> None:
    """Pair a query word left over with a listed word it abbreviates: its start ('diosd' for
    'diosdado') or its letters in order from the first ('trdg' for 'trading'). Only when the
    rest of the name agrees: a word paired at 0.9 or better that is no legal form nor initial.
    Words of `shortest` letters at least ('imp' for 'import'; four in persons' names)."""
    if not any(s >= 0.9 and len(c[j]) > 1 and c[j] not in LEGAL_CLASSES
               for j, s in used_q.values()):
        return
    for i, a in enumerate(q):
        if len(a) < shortest or not a.isalpha():  # 'mad' is no sure start of 'mohamad'
            continue
        # a pair made on spelling alone ('nandu' 0.71 of 'nandutu') may be a cut word too
        best = (used_q[i][1], used_q[i][0]) if i in used_q else None
        for j, b in enumerate(c):
            if (j in used_c and (best is None or j != best[1])) or len(b) < len(a) + 2 \
                    or b[0] != a[0]:
                continue
            if b.startswith(a):
                s = cfg.prefix_similarity
            elif _in_order(a, b):
                s = cfg.abbreviation_similarity
            else:
                continue
            if best is None or s > best[0]:
                best = (s, j)
        if best is not None and (i not in used_q or best[0] > used_q[i][1]):
            if i in used_q:
                used_c.discard(used_q[i][0])
            used_q[i] = (best[1], best[0])
            used_c.add(best[1])


def _in_order(a: str, b: str) -> bool:
    """Whether the letters of a appear in b in order ('trdg' in 'trading')."""
    it = iter(b)
    return all(ch in it for ch in a)


def feature_extra_words(a: Alignment, idx: Index, etype: str,
                        cfg: MatchConfig) -> tuple[float | None, str]:
    """Query words the listed name does not have, charged by their role: another given name
    is evidence of another person, an extra distinctive word of another company or ship; a
    legal form, title or particle costs nothing, an initial or patronymic little, a common
    word less than a rare one. Returns the factor applied to the name score."""
    factor, said = 1.0, []
    listed_numbers = any(t.isdigit() for t in a.c)
    for i in a.unmatched_q:
        t = a.q[i]
        if t in LEGAL_CLASSES or t in HONORIFICS or (t.isdigit() and listed_numbers):
            continue  # numbers against numbers: the `numbers` qualifier decides
        rarity = min(1.0, max(0.2, (idx.idf.get(t, idx.max_idf) - 2) / (0.6 * idx.max_idf - 2)))
        if etype == "person" and t.isalpha():
            if len(t) == 1 or _PATRONYMIC.search(t):
                p, role = 0.03, "initial or patronymic"
            else:
                p, role = cfg.extra_given_name_penalty * max(rarity, 0.5), "name"
        elif t.isdigit():
            p, role = cfg.extra_word_penalty, "number"
        else:
            p, role = cfg.extra_word_penalty * rarity, "word"
        factor *= 1 - p
        said.append(f"{t} ({role})")
    if not said:
        return None, ""
    return round(factor, 4), "not listed: " + ", ".join(said)


def feature_name(a: Alignment) -> tuple[float, str]:
    """Token alignment: each query token paired with its most similar listed token, IDF-weighted
    on both sides; listed tokens the query leaves out (a middle name, a second surname) weigh
    less when every query token found its pair; surnames weigh more."""
    if not a.q or not a.c:
        return 0.0, "no name tokens"
    got_q = sum(a.wq[i] * s for i, (_, s) in a.pairs.items())
    got_c = sum(a.wc[j] * s for j, s in a.pairs.values())
    missing = a.unmatched_c
    den_c = sum(a.wc) - (1 - a.drop) * sum(a.wc[j] for j in missing)
    score = 0.5 * got_q / sum(a.wq) + 0.5 * got_c / den_c
    parts = [f"{a.q[i]}={a.c[j]} {s:.2f}" for i, (j, s) in sorted(a.pairs.items())]
    parts += [f"{a.q[i]}: no match" for i in a.unmatched_q]
    if missing:
        parts.append(f"not in query: {' '.join(a.c[j] for j in missing)}"
                     + (" (dropped, low weight)" if a.drop < 1 else ""))
    return score, "; ".join(parts)


def feature_joined(a: Alignment, cfg: MatchConfig) -> tuple[float | None, str]:
    """Joined or split words: the query words left unpaired, written as one string, against
    the listed words left unpaired ('thievesinlaw' against 'thieves in law')."""
    # words paired exactly stay; the rest ('alfurqan' paired with 'furqan') are compared joined
    exact = {i: j for i, (j, p) in a.pairs.items() if p == 1.0}
    rq = [i for i in range(len(a.q)) if i not in exact and a.q[i] not in LEGAL_CLASSES]
    rc = [j for j in range(len(a.c)) if j not in exact.values() and a.c[j] not in LEGAL_CLASSES]
    if not rq or not rc or len(rq) + len(rc) < 3:  # one word each is a typo, not a join
        return None, ""
    left, right = "".join(a.q[i] for i in rq), "".join(a.c[j] for j in rc)
    s = round(OSA.normalized_similarity(left, right), 4)
    if s < cfg.joined_min_similarity:
        return None, ""
    got_q = sum(a.wq[i] for i in exact) + s * sum(a.wq[i] for i in rq)
    got_c = sum(a.wc[j] for j in exact.values()) + s * sum(a.wc[j] for j in rc)
    score = (0.5 * got_q / sum(a.wq) + 0.5 * got_c / sum(a.wc)) * cfg.joined_factor
    return score, f"{left!r} = {' '.join(a.c[j] for j in rc)!r} {s:.2f}"


def feature_distinctive(a: Alignment, idx: Index, n_i: int,
                        cfg: MatchConfig) -> tuple[float | None, str]:
    """The listed name's most telling word (its surname for a person, else its rarest word)
    replaced by another word in the query: 'BRIGHT CONSTRUCTION' is not 'FURAHA CONSTRUCTION'."""
    words = [t for t in a.c if not t.isdigit() and t not in LEGAL_CLASSES]
    if len(words) < 2 or not a.q:
        return None, ""
    surnames = [t for t in words if t in idx.surnames[n_i]]
    key = surnames or [max(words, key=lambda t: idx.idf.get(t, 0.0))]
    near = [idx.sims(q, cfg) for q in a.q]
    missing = [t for t in key if max(m.get(t, 0.0) for m in near) < 0.8]
    if not missing:
        return None, ""
    paired = {i for i, (_, s) in a.pairs.items() if s >= 0.8}  # 'diosd' for 'diosdado' too
    others = [q for i, (q, m) in enumerate(zip(a.q, near, strict=True))
              if q not in LEGAL_CLASSES and i not in paired
              and max((m.get(t, 0.0) for t in a.c), default=0.0) < 0.8]
    if not others:  # left out, not replaced: the name feature already weighs that
        return None, ""
    return 0.0, f"listed {' '.join(missing)!r}, query has {' '.join(others)!r} instead"


def feature_numbers(q: list[str], c: list[str]) -> tuple[float, str]:
    """Numbers in both names must agree: 'JI SONG 6' is another ship than 'JI SONG 8'."""
    qn = {d for t in q for d in _NUMBER.findall(t)}  # '77th' -> '77', 't7oky' -> '7'
    cn = {d for t in c for d in _NUMBER.findall(t)}
    if qn and cn and not qn & cn:
        return 0.0, f"query {sorted(qn)} vs listed {sorted(cn)}"
    if qn and cn:
        return 1.0, f"{sorted(qn & cn)} agree"
    return 1.0, ""


def feature_identifier(p: Prepared, e: Entity) -> tuple[float | None, str]:
    """An IMO, MMSI or ID number in the query that the entity carries (or contradicts)."""
    shared = p.identifiers & e.identifiers
    if shared:
        return 1.0, f"{', '.join(sorted(shared))} listed for this entity"
    listed_imos = {i for i in e.identifiers if len(i) == 7 and i.isdigit()}
    if p.imos and e.type == "vessel" and listed_imos:
        asked, listed = ", ".join(sorted(p.imos)), ", ".join(sorted(listed_imos))
        return 0.0, f"query IMO {asked}, listed {listed}"
    return None, ""


def feature_birth_date(query_date: str | None, e: Entity) -> tuple[float | None, str]:
    """The query's birth date against the listed ones: agree, unknown, or conflict."""
    if not query_date or not e.births:
        return None, ""
    lo, hi = bounds(query_date)
    for a, b in e.births:
        if a <= hi and lo <= b:
            return 1.0, f"{query_date} within listed {a[:10]}..{b[:10]}"
    return 0.0, f"{query_date} vs listed " + ", ".join(a if a == b else f"{a}..{b}"
                                                       for a, b in e.births)


def feature_country(country: str | None, e: Entity) -> tuple[float | None, str]:
    """The query's country among the entity's nationalities, addresses or flag."""
    if not country or not e.countries:
        return None, ""
    if country in e.countries:
        return 1.0, f"{country} listed"
    return 0.0, f"{country} not among {', '.join(sorted(e.countries))}"
