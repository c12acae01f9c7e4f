"""A bound on a listed name's name score, found before the name is aligned with the query.

Most names retrieval reaches score well under the threshold: they share one word of the query
and nothing else. `Scorer` with a floor stops at the name score for those, but it aligns each
with every form of the query first (`features.align_form`), most of scoring's cost. The bound
needs only what a form already holds: for each query word, the best similarity a word of the
listed name has to it (`forms.Form.column`), or the most an initial or a cut word could give
it. A name score pairs each query word once at most and weighs the listed side by at most 1:

    name score <= factor * (0.5 * sum(w_i * best_i) / sum(w_i) + 0.5)

on every form (its factor: 1, `joined_factor` or a reading's). The one score a name can get
above its name score is the joined-words one (`features.feature_joined`). It compares the
words not paired exactly, which are known before aligning when no word pairs exactly with two
(`exact_pairs`); their lengths alone then mostly say it cannot reach its minimum (an edit
changes a length by one at most). Where it may, or where the exact pairs are not known, no
bound is given. A name under the bound is one the scorer would have cut short, so scores and
answers do not change (`tests/test_score_bound.py` compares both on the evaluation sets).

    >>> from .config import DEFAULT_CONFIG as C
    >>> from .forms import make_form
    >>> from .index import Index
    >>> from .listed import listed
    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "person", "MADURO MOROS, Nicolas"),
    ...                    Entity("x:2", "x", "2", "person", "SMITH, John")],
    ...                   [NameRow(0, "MADURO MOROS, Nicolas", "primary"),
    ...                    NameRow(1, "SMITH, John", "primary")])
    >>> f = make_form(idx, ["nicolas", "madura"], C)
    >>> forms = [(f, 1.0, shape(f))]
    >>> below(forms, idx.tokens[1], listed(idx, 1, C), True, C, 0.79)  # bound 0.5
    True
    >>> below(forms, idx.tokens[0], listed(idx, 0, C), True, C, 0.79)  # bound 0.9583
    False
"""

from __future__ import annotations

from operator import mul

from ..normalize import LEGAL_CLASSES
from .config import MatchConfig, per_config
from .features import joined_words
from .forms import Form
from .listed import Listed
from .middle import may_apply
from .spelled import spelled

EPS = 1e-9  # sums taken in another order than the scorer's may differ in the last bits
ROUNDING = 5e-5  # `feature_joined` rounds its similarity to 4 decimals

# of a form: its words that may be cut ones (position, first letter, the length a listed word
# needs), in names of organisations and of persons; its words that are no legal form and
# their letters
Shape = tuple[list[tuple[int, str, int]], list[tuple[int, str, int]], int, int]


@per_config
def boundable(cfg: MatchConfig) -> bool:
    """Whether the similarities scoring gives outside the query's words' own similar words (an
    initial, a cut word, an abbreviation) stay under 1, and no similarity is over 1: then a pair
    scored 1 is two words spelled alike, which `exact_pairs` needs. And no weight is negative,
    so that the listed side's share of a name score is at most 1."""
    return (max(cfg.initial_similarity, cfg.prefix_similarity, cfg.abbreviation_similarity) < 1
            and max(cfg.equivalent_similarity, cfg.phonetic_similarity) <= 1
            and min(cfg.legal_form_weight, cfg.family_name_weight,
                    cfg.dropped_token_weight, cfg.middle_name_weight) >= 0)


def shape(f: Form) -> Shape:
    """What the bound reads of a form besides the form itself."""
    q = f.q  # each spelling a word stands for may be cut short (`spelled.cut_short`)
    return ([(i, x[0], len(x) + 2) for i in f.abbr3 for x in spelled(q[i]) if len(x) >= 3],
            [(i, x[0], len(x) + 2) for i in f.abbr4 for x in spelled(q[i]) if len(x) >= 4],
            len(f.words), sum(len(q[i]) for i in f.words))


def below(forms: list[tuple[Form, float, Shape]], c: list[str], ln: Listed, person: bool,
          cfg: MatchConfig, cut: float) -> bool:
    """Whether listed words `c` (with their facts `ln`) provably score under `cut` on names
    against every form (each with its factor and shape): the bound is under it, and the words
    cannot be joined. No forms (an identifier alone): no bound, the scorer says why."""
    if not forms:
        return False
    cut -= EPS
    cut_word = max(cfg.prefix_similarity, cfg.abbreviation_similarity)
    longest = ln.longest
    for f, factor, sh in forms:
        if f.sum_wq <= 0:
            return False
        cols = f.cols
        top = [0.0] * len(f.q)
        exact: list[tuple[int, int]] | None = None  # this call's own list: appended to
        for j, b in enumerate(c):
            col = cols.get(b)
            if col is None:
                col = f.column(b)
            for i, s in col:
                if s > top[i]:
                    top[i] = s
                if s == 1.0:
                    if exact is None:
                        exact = [(i, j)]
                    else:
                        exact.append((i, j))
        if person and (f.initials or (ln.singles and f.plain)):
            exact = _initials(f, c, ln, top, exact, cfg)
        for i, first, need in (sh[1] if person else sh[0]):
            if top[i] < cut_word and longest.get(first, 0) >= need:
                top[i] = cut_word
        mid = person and may_apply(len(f.q), len(c), bool(ln.sur))
        if ((0.5 * query_share(f, sum(map(mul, f.wq, top)), mid) + 0.5) * factor >= cut
                or joinable(f, sh, c, ln, exact, cfg)):
            return False
    return True


def query_share(f: Form, got: float, middle: bool) -> float:
    """At most the query's side of a name score whose query words pair `got` of their
    weight at most: where there may be `middle` names (`middle.may_apply`) they weigh less,
    so the query's least weight."""
    if middle and f.least_wq < f.sum_wq:
        return min(1.0, got / f.least_wq) if f.least_wq > 0 else 1.0
    return got / f.sum_wq


def _initials(f: Form, c: list[str], ln: Listed, top: list[float],
              exact: list[tuple[int, int]] | None, cfg: MatchConfig
              ) -> list[tuple[int, int]] | None:
    """A person's initials: one may pair with any word it starts (or be that word), and a
    query word with a listed initial."""
    q = f.q
    for i in f.initials:
        top[i] = 1.0
        exact = [*(exact or ()), *((i, j) for j, b in enumerate(c) if b == q[i])]
    if ln.singles:
        for i in f.plain:
            top[i] = max(top[i], cfg.initial_similarity)
    return exact


def exact_pairs(exact: list[tuple[int, int]], q: list[str], c: list[str]
                ) -> dict[int, int] | None:
    """The query and listed words the alignment pairs exactly, from every pair of words that
    score 1: all of them when no word is in two (the alignment takes pairs best first, so it
    takes every such pair), else None (which it takes depends on the order)."""
    if len(exact) == 1:  # most names: one word in common
        i, j = exact[0]
        return None if (len(c[j]) == 1) != (len(q[i]) == 1) else {i: j}
    out: dict[int, int] = {}
    used: set[int] = set()
    for i, j in dict.fromkeys(exact):  # an initial's pair may be its column's too
        if i in out or j in used or (len(c[j]) == 1) != (len(q[i]) == 1):
            return None  # in two pairs; or an initial's pair, which the alignment may undo
        out[i] = j
        used.add(j)
    return out


def joinable(f: Form, sh: Shape, c: list[str], ln: Listed,
             exact: list[tuple[int, int]] | None, cfg: MatchConfig) -> bool:
    """Whether `features.feature_joined` may give a score on this form: the query words not
    paired exactly, written as one, alike enough to the listed words left (or not known:
    which words are paired exactly is not)."""
    q = f.q
    pairs = exact_pairs(exact, q, c) if exact else {}
    if pairs is None:
        return True
    rq, left = sh[2], sh[3]  # the query's words that are no legal form, and their letters
    rc, right = len(ln.words), ln.letters
    for i, j in pairs.items():
        if q[i] not in LEGAL_CLASSES:
            rq, left = rq - 1, left - len(q[i])
        if c[j] not in LEGAL_CLASSES:
            rc, right = rc - 1, right - len(c[j])
    if not rq or not rc or rq + rc < 3:
        return False
    # an edit changes a length by one at most: the similarity is at most the shorter's share
    if min(left, right) / max(left, right) + EPS < cfg.joined_min_similarity - ROUNDING:
        return False
    found = joined_words(q, c, pairs, f.words, ln.words)
    return found is not None and found[3] >= cfg.joined_min_similarity
