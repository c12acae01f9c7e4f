"""Features: small named measures of one query against one listed name.

Each returns `(score, detail)`: a score in [0, 1] (or None when it has nothing to say) and a
line of explanation. `sanctions.matching.score` declares which features count and how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from ..normalize import HONORIFICS, LEGAL_CLASSES, common_names
from .config import MatchConfig
from .forms import Form, make_form
from .index import Index
from .listed import Listed, listed, listed_of
from .middle import middle_names, weight_off
from .slips import DESCRIPTORS, TITLES, honorific, swapped
from .spelled import cut_short
from .tokens import SPELLINGS, token_similarity  # noqa: F401 (they used to live here)

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
    keep: frozenset[int] = frozenset()  # ...but not of these (a left-out first surname)
    syllabic: bool = False  # the query was read from Chinese characters or Hangul
    # what scoring read to make it, kept for the checks after it (None: worked out again);
    # no part of what the alignment is, so left out of comparisons
    nears: list[dict[str, float]] | None = field(default=None, compare=False)  # per query
    # token: its similar listed words
    qwords: list[int] | None = field(default=None, compare=False)  # no legal form
    ln: Listed | None = field(default=None, compare=False)  # the listed name's facts
    # query words that are middle names the listed name does not carry (`middle`)
    middle: frozenset[int] = frozenset()
    less: float = 0.0  # ...and the query weight they take off (`middle_name_weight`)

    @property
    def unmatched_q(self) -> list[int]:
        return [i for i in range(len(self.q)) if i not in self.pairs]

    @property
    def unmatched_c(self) -> list[int]:
        used = {j for j, _ in self.pairs.values()}
        return [j for j in range(len(self.c)) if j not in used]


def align(idx: Index, q: list[str], n_i: int, etype: str, cfg: MatchConfig,
          syllables: frozenset[str] = frozenset()) -> Alignment:
    """Pair each query token with its most similar listed token, best pairs first. The single
    syllables of a query read from Chinese characters or Hangul (`syllables`) pair only with
    words spelled alike: 'yong' is another syllable than 'jong', not a typo of it."""
    return align_form(make_form(idx, q, cfg, syllables), idx.tokens[n_i], idx.surnames[n_i],
                      etype == "person", idx, cfg)


def _named_without(articles: list[int], n: int, used_c: set[int]) -> bool:
    """Whether the query found every other word of a listed name with an article, two at
    least ('Familia Michoacana' for LA FAMILIA MICHOACANA): then it names the same thing
    without the article. One word left is too little to tell ('Base Ltd' is not THE BASE, an
    alias of al-Qaida; 'Zetas' for LOS ZETAS scores as before), and a listed word it leaves
    out ('Saafir PLC' for AL-SAFIR OTO) keeps the article's weight too."""
    rest = [j for j in range(n) if j not in articles]
    return len(rest) >= 2 and all(j in used_c for j in rest)


def align_form(f: Form, c: list[str], surnames: frozenset[str], person: bool, idx: Index,
               cfg: MatchConfig, ln: Listed | None = None) -> Alignment:
    """`align` of listed tokens `c` (with their `surnames`) with what depends on the query
    alone found once (`forms.make_form`), and what depends on the listed name alone (`ln`,
    `listed.listed`; worked out here when not given)."""
    if ln is None:
        ln = listed_of(idx, c, surnames, cfg)
    q = f.q
    found = []
    cols = f.cols
    for j, b in enumerate(c):  # each listed word against the query words it is similar to
        hits = cols.get(b)
        if hits is None:
            hits = f.column(b)
        if hits:
            found += [(s, i, j) for i, s in hits]
    if person:  # initials: 'n' for 'nicolas', either way round, where no similarity said more
        nears = f.nears
        for i in f.initials:
            a, near = q[i], nears[i]
            found += [(s, i, j) for j, b in enumerate(c)
                      if b not in near and (s := token_similarity(a, b, cfg, True))]
        if f.plain:
            for j in ln.singles:
                b = c[j]
                found += [(s, i, j) for i in f.plain if b not in nears[i]
                          and (s := token_similarity(q[i], b, cfg, True))]
    found.sort(reverse=True)
    used_q: dict[int, tuple[int, float]] = {}
    used_c: set[int] = set()
    for s, i, j in found:
        if s > 0 and i not in used_q and j not in used_c:
            used_q[i] = (j, s)
            used_c.add(j)
    if person and ln.singles and any(len(c[j]) == 1 and len(q[i]) > 1
                                     for i, (j, _) in used_q.items()):
        # 'Irina' paired with the patronymic initial of 'SOKOLOVA, Natalya I.' while
        # 'Natalya' goes unmatched: a given name the listed one does not have, not an initial
        left = [j for j in range(len(c)) if j not in used_c and len(c[j]) > 1
                and c[j] not in surnames and c[j].isalpha()]
        for i, (j, _) in list(used_q.items()):
            if left and len(c[j]) == 1 and len(q[i]) > 1:
                del used_q[i]
                used_c.discard(j)
    syllables = f.syllables
    _abbreviations(q, c, used_q, used_c, cfg, person, syllables,
                   f.abbr4 if person else f.abbr3)
    # a matched surname counts more; a left-out one (second surname) no more than a name
    wc = ln.w.copy()
    for j in ln.sur:
        if j in used_c:
            wc[j] *= cfg.family_name_weight
    if not person and ln.articles and _named_without(ln.articles, len(c), used_c):
        for j in ln.articles:  # a listed article the query leaves out (`slips.ARTICLES`)
            if j not in used_c:
                wc[j] *= cfg.legal_form_weight
    # every word found, a title aside: 'Mr. Oleg Deripaska' leaves out the listed patronymic
    # as 'Oleg Deripaska' does ('Mr' weighs little, `slips`)
    titles = f.titles
    all_found = (len(used_q) == len(q) and all(s >= 0.8 for _, s in used_q.values())
                 if not titles else bool(used_q) and all(
                     used_q[i][1] >= 0.8 if i in used_q else i in titles for i in range(len(q))))
    drop = cfg.dropped_token_weight if all_found and person else 1.0
    # a second surname or a middle name may be left out, the first surname may not: 'Jesus
    # Hernandez' is not 'CISNEROS HERNANDEZ, Jesus', 'guo ying' not 'WANG, Guoying'
    first = ln.first
    keep = {first} if first is not None and first not in used_c else set()
    if syllables:  # a syllable left out of a Chinese or Korean name leaves another name ('chen
        # huan' is not 'CHEN, Shih Huan'), unless the query spells it ('jin tie san' JIN TIESAN)
        spelled = f.spellings()
        keep |= {j for j in range(len(c)) if j not in used_c and c[j] not in spelled}
    # a syllable left over is part of a given name, no middle name ('li xin yi' is not 'LI, Yi')
    mid = middle_names(q, c, used_q, ln.sur) if person and not syllables else frozenset()
    less = weight_off(q, f.wq, mid, cfg.middle_name_weight) if mid else 0.0
    return Alignment(q, c, used_q, f.wq, wc, drop, frozenset(keep), bool(syllables), f.nears,
                     f.words, ln, mid, less)


def _abbreviations(q: list[str], c: list[str], used_q: dict[int, tuple[int, float]],
                   used_c: set[int], cfg: MatchConfig, person: bool,
                   syllables: frozenset[str] = frozenset(),
                   eligible: list[int] | None = None) -> None:
    """Pair a query word left over with a listed word it abbreviates: its start ('diosd' for
    'diosdado') or its letters in order from the first ('trdg' for 'trading'). Only when the
    rest of the name agrees: a word paired at 0.9 or better that is no legal form nor initial.
    Words of three letters at least ('imp' for 'import'), four in a `person`'s name, where a
    common name is no abbreviation by letters in order ('alan' is not 'aleksandr'):
    `eligible`, those query positions, when the caller knows them (`forms.Form`)."""
    # 'mad' is no sure start of 'mohamad', 'long' no cut 'longbao'; a word paired as well as a
    # cut word could be has nothing to replace (only the word looked at changes its pair)
    sure = max(cfg.prefix_similarity, cfg.abbreviation_similarity)
    shortest = 4 if person else 3  # a person's words: 'abd' is a name, not a cut word
    if eligible is None:
        eligible = [i for i, a in enumerate(q) if len(a) >= shortest and a.isalpha()
                    and a not in syllables]
    todo = [i for i in eligible if not (i in used_q and used_q[i][1] >= sure)]
    if not todo:  # the cheaper test first: both must pass
        return
    if not any(s >= 0.9 and len(c[j]) > 1 and c[j] not in LEGAL_CLASSES
               for j, s in used_q.values()):
        return
    # 'volodimir' is the cut patronymic 'volodimirovich' only where the listed given name is
    # in the query too; else it is that person's father's name, as a given name
    given_left = any(j not in used_c and len(b) > 1 and not _PATRONYMIC.search(b)
                     for j, b in enumerate(c))
    for i in todo:
        a = q[i]
        folded = a in SPELLINGS
        # a pair made on spelling alone ('nandu' 0.71 of 'nandutu') may be a cut word too
        best = (used_q[i][1], used_q[i][0]) if i in used_q else None
        for j, b in enumerate(c):
            if (j in used_c and (best is None or j != best[1])) or (
                    _PATRONYMIC.search(b) and given_left):
                continue
            fits = len(b) >= len(a) + 2 and b[0] == a[0]
            # or a cut of another spelling: 'petr' of 'petroleum', folded 'pyotr' (`spelled`)
            if (fits and b.startswith(a)) or (
                    (folded or b in SPELLINGS) and cut_short(a, b, shortest)):
                s = cfg.prefix_similarity
            elif fits and in_order(a, b) and not (person and a in common_names()):
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


def in_order(a: str, b: str) -> bool:
    """Whether the letters of a appear in b in order ('trdg' in 'trading')."""
    it = iter(b)
    return all(ch in it for ch in a)


def feature_extra_words(a: Alignment, idx: Index, etype: str, cfg: MatchConfig,
                        explain: bool = True) -> tuple[float | None, str]:
    """Query words the listed name does not have, charged by their role: another given name
    is evidence of another person, an extra distinctive word of another company or ship; a
    legal form, title, particle or (but in a person's name) word of an organisation's kind
    ('gang', `slips`) costs nothing, an initial or patronymic little, a common word less than
    a rare one. Returns the factor applied to the name score (and no detail
    unless `explain`)."""
    if len(a.pairs) == len(a.q):
        return None, ""  # every query word paired: nothing extra
    factor, said = 1.0, []
    listed_numbers = any(t.isdigit() for t in a.c)
    for i in a.unmatched_q:
        t = a.q[i]
        if t in LEGAL_CLASSES or honorific(t, idx.vocab, etype == "person") or (
                t.isdigit() and listed_numbers):
            continue  # numbers against numbers: the `numbers` qualifier decides
        rarity = min(1.0, max(0.2, (idx.idf.get(t, idx.max_idf) - 2) / (0.6 * idx.max_idf - 2)))
        if etype == "person" and t.isalpha():
            if i in a.middle:
                p = 0.03 if len(t) == 1 else cfg.extra_middle_name_penalty
                role = "middle name not on the list"
            elif len(t) == 1 or _PATRONYMIC.search(t):
                p, role = 0.03, "initial or patronymic"
            else:
                p, role = cfg.extra_given_name_penalty * max(rarity, 0.5), "name"
        elif t.isdigit():
            p, role = cfg.extra_word_penalty, "number"
        else:
            p, role = cfg.extra_word_penalty * rarity, "word"
        factor *= 1 - p
        said.append(f"{t} ({role})" if explain else "")
    if not said:
        return None, ""
    return round(factor, 4), "not listed: " + ", ".join(said) if explain else ""


def feature_name(a: Alignment, explain: bool = True) -> tuple[float, str]:
    """Token alignment: each query token paired with its most similar listed token, IDF-weighted
    on both sides; listed tokens the query leaves out (a middle name, a second surname) weigh
    less when every query token found its pair; surnames weigh more. No detail unless
    `explain` (the score is the same)."""
    if not a.q or not a.c:
        return 0.0, "no name tokens"
    wq, wc, pairs = a.wq, a.wc, a.pairs
    got_q = sum([wq[i] * s for i, (_, s) in pairs.items()])  # lists: the same sums, sooner
    got_c = sum([wc[j] * s for j, s in pairs.values()])
    den_c = sum(wc)
    if a.drop != 1:  # else it takes away 0 * (a finite sum): nothing
        den_c -= (1 - a.drop) * sum(wc[j] for j in a.unmatched_c if j not in a.keep)
    # a middle name the list does not carry weighs less (`middle`): a.less of its weight off
    score = 0.5 * got_q / (sum(wq) - a.less) + 0.5 * got_c / den_c
    if not explain:
        return score, ""
    missing = a.unmatched_c
    parts = [f"{a.q[i]}={a.c[j]} {s:.2f}" for i, (j, s) in sorted(a.pairs.items())]
    parts += [f"{a.q[i]}: " + ("middle name not on the list" + (" (low weight)" if len(a.q[i]) > 1
                               else "") if i in a.middle else "no match") for i in a.unmatched_q]
    low = [a.c[j] for j in missing if j not in a.keep] if a.drop < 1 else []
    if low:
        parts.append(f"not in query: {' '.join(low)} (dropped, low weight)")
    if full := [a.c[j] for j in missing if a.drop == 1 or j in a.keep]:
        parts.append(f"not in query: {' '.join(full)}"
                     + (" (full weight: the first surname, or a syllable)" if a.drop < 1 else ""))
    return score, "; ".join(parts)


def feature_joined(a: Alignment, cfg: MatchConfig) -> tuple[float | None, str]:
    """Joined or split words: the query words left unpaired, written as one string, against
    the listed words left unpaired ('thievesinlaw' against 'thieves in law')."""
    # words paired exactly stay; the rest ('alfurqan' paired with 'furqan') are compared joined
    q, c = a.q, a.c
    exact = {i: j for i, (j, p) in a.pairs.items() if p == 1.0}
    qwords = a.qwords if a.qwords is not None else [
        i for i in range(len(q)) if q[i] not in LEGAL_CLASSES]
    cwords = a.ln.words if a.ln is not None else [
        j for j in range(len(c)) if c[j] not in LEGAL_CLASSES]
    found = joined_words(q, c, exact, qwords, cwords)
    if found is None:
        return None, ""
    rq, rc, left, s = found
    if s < cfg.joined_min_similarity:
        return None, ""
    if a.syllabic and left[0] != a.c[rc[0]][0]:  # syllables read from Chinese characters or
        return None, ""  # Hangul begin where a word does: 'pak yong' is not 'ra kyong' joined
    got_q = sum(a.wq[i] for i in exact) + s * sum(a.wq[i] for i in rq)
    got_c = sum(a.wc[j] for j in exact.values()) + s * sum(a.wc[j] for j in rc)
    score = (0.5 * got_q / sum(a.wq) + 0.5 * got_c / sum(a.wc)) * cfg.joined_factor
    return score, f"{left!r} = {' '.join(a.c[j] for j in rc)!r} {s:.2f}"


def joined_words(q: list[str], c: list[str], exact: dict[int, int], qwords: list[int],
                 cwords: list[int]) -> tuple[list[int], list[int], str, float] | None:
    """The words `feature_joined` compares: of `qwords` and `cwords` (the words that are no
    legal form) those not paired exactly (`exact`: query word -> listed word), the query's
    written as one, and its rounded similarity to the listed ones written as one; None for
    one word each (a typo, not a join) or none on a side."""
    rq = [i for i in qwords if i not in exact]
    paired = set(exact.values())
    rc = [j for j in cwords if j not in paired]
    if not rq or not rc or len(rq) + len(rc) < 3:
        return None
    left, right = "".join([q[i] for i in rq]), "".join([c[j] for j in rc])
    return rq, rc, left, round(OSA.normalized_similarity(left, right), 4)


def feature_distinctive(a: Alignment, idx: Index, n_i: int,
                        cfg: MatchConfig) -> tuple[float | None, str]:
    """The listed name's most telling word (its surname for a person, else its rarest word)
    replaced by another word in the query: 'BRIGHT CONSTRUCTION' is not 'FURAHA CONSTRUCTION'."""
    key = (a.ln if a.ln is not None else listed(idx, n_i, cfg)).key
    if key is None or not a.q:  # fewer than two words that are no number nor legal form
        return None, ""
    near = a.nears if a.nears is not None else [idx.sims(q, cfg) for q in a.q]
    missing = [t for t in key if max(m.get(t, 0.0) for m in near) < 0.8  # 'clam': 'calm' mistyped
               and not any(t in m and swapped(w, t) for w, m in zip(a.q, near, strict=True))]
    if not missing:
        return None, ""
    paired = {i for i, (_, s) in a.pairs.items() if s >= 0.8}  # 'diosd' for 'diosdado' too
    others = [q for i, (q, m) in enumerate(zip(a.q, near, strict=True))  # a title replaces
              if q not in LEGAL_CLASSES and q not in TITLES and q not in DESCRIPTORS  # nothing
              and i not in paired
              and max((m.get(t, 0.0) for t in a.c), default=0.0) < 0.8]
    if not others:  # left out, not replaced: the name feature already weighs that
        return None, ""
    return 0.0, f"listed {' '.join(missing)!r}, query has {' '.join(others)!r} instead"


def feature_surname(a: Alignment, idx: Index, n_i: int) -> tuple[float | None, str]:
    """A person listed under a surname that no query word pairs with: a namesake by given
    names at most ('guo ying' against 'WANG, Guoying')."""
    surnames = idx.surnames[n_i]
    words = [t for t in a.c if t in surnames and t not in HONORIFICS]  # in the listed order
    if not words or not a.pairs or any(a.c[j] in surnames for j, _ in a.pairs.values()):
        return None, ""
    return 0.0, f"listed surname {' '.join(words)!r} not in the query"


def feature_syllables(a: Alignment) -> tuple[float | None, str]:
    """A Chinese or Korean name with a syllable the query does not have: another given name
    ('chen huan' against 'CHEN, Shih Huan'), as a syllable the listed name lacks would be."""
    left = [a.c[j] for j in a.unmatched_c if j in a.keep]
    if not a.syllabic or not left or not a.pairs:
        return None, ""
    return 0.0, f"listed syllables not in the query: {' '.join(left)}"


def feature_numbers(q: list[str], c: list[str]) -> tuple[float, str]:
    """Numbers in both names must agree: 'JI SONG 6' is another ship than 'JI SONG 8'."""
    qn = {d for t in q for d in _NUMBER.findall(t)}  # '77th' -> '77', 't7oky' -> '7'
    if not qn:
        return 1.0, ""
    cn = {d for t in c for d in _NUMBER.findall(t)}
    if qn and cn and not qn & cn:
        return 0.0, f"query {sorted(qn)} vs listed {sorted(cn)}"
    if qn and cn:
        return 1.0, f"{sorted(qn & cn)} agree"
    return 1.0, ""
