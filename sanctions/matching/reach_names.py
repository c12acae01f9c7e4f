"""A bound on a query form's score against each name of a small index, both sides counted
(sanctions.matching.reach asks it of the few names of a customer file that pass its cheaper
test, so that fewer of them are screened).

The name score is `0.5 * got_q / sum(wq) + 0.5 * got_c / den_c` (`features.feature_name`). For
each listed name: a query word pairs at most as well as its best pairing with one of the name's
words (its similar words, `Index.sims`; the initials of a person's name; a word it abbreviates
or cuts short, `features._abbreviations`), so `got_q / sum(wq)` is at most the weighted sum of
those bests. Of the listed side, only the words some query word may pair with (`M`) count in
`got_c`, each at most its weight (a surname's raised by `family_name_weight`), and the others
count in `den_c` at least at `dropped_token_weight` (a person's name whose every query word may
pair at 0.8 or better, its first surname aside) or in full:

    got_c / den_c <= A / (A + B),  A = sum of M's weights, B = the others' as above

(x / (x + y) grows with x and falls with y; moving a word of the name into M raises A by at
least what it takes from B). The joined-words score (`features.feature_joined`) is the one
score above the name score: where it may apply to a name (`bound.joinable`'s test, from the
words the alignment pairs exactly), no bound is given. The qualifiers only lower a score but
for their bonuses, which the caller takes off the threshold (`lowers_only`). A name no form
of the query pairs with is not retrieved (`Index.retrieve`), and is not looked at.
"""

from __future__ import annotations

from collections.abc import Sequence

from .bound import EPS, Shape, boundable, joinable, query_share, shape
from .config import MatchConfig
from .features import in_order
from .forms import Form, make_form
from .index import Index
from .listed import Listed, listed
from .middle import may_apply
from .score import CUT_MARGIN, lowers_only
from .slips import ARTICLES, TITLES
from .spelled import spelled
from .tokens import INITIAL_OF_ARTICLE

Pairs = dict[str, float]  # listed word -> the best similarity a query word may pair with it


class NameBound:
    """The names of a small index, and each query word's pairings with their words."""

    def __init__(self, index: Index, cfg: MatchConfig, near: set[str], looked: set[str]
                 ) -> None:
        """`near`: the words `Index.sims` may find a listed word like; `looked`: the words
        that were looked up (a word of those not `near` has no similar listed word)."""
        self.index, self.cfg, self.near, self.looked = index, cfg, near, looked
        self.person = [index.entities[row.entity].type == "person" for row in index.names]
        self.listed: list[Listed] = [listed(index, n, cfg) for n in range(len(index.names))]
        # each listed word's places: (name, position)
        self.places: dict[str, list[tuple[int, int]]] = {}
        for n, toks in enumerate(index.tokens):
            for j, t in enumerate(toks):
                self.places.setdefault(t, []).append((n, j))
        self.by_first: dict[str, list[str]] = {}
        for w in self.places:
            self.by_first.setdefault(w[:1], []).append(w)
        # the other spellings a listed word's fold stands for ('husayn': hossein...), with
        # the word, by first letter: a query word may be cut short of one (`spelled`)
        self.spelled_first: dict[str, list[tuple[str, str]]] = {}
        for w in self.places:
            for x in spelled(w)[1:]:
                self.spelled_first.setdefault(x[:1], []).append((x, w))
        self.memo: dict[str, tuple[Pairs, Pairs]] = {}
        # the bound holds where no similarity tops 1, no weight is negative and every factor
        # only lowers a score (bound.boundable, score.lowers_only); else none is given
        self.sound = boundable(cfg) and lowers_only(cfg)

    def pairs(self, t: str) -> tuple[Pairs, Pairs]:
        """The listed words query word t may pair with, and how well at most: in any name, and
        as an initial (in a person's name only)."""
        found = self.memo.get(t)
        if found is not None:
            return found
        cfg = self.cfg
        some: Pairs = {}
        if t in self.near or t not in self.looked:
            some.update(self.index.sims(t, cfg))
        if t in self.places:
            some[t] = 1.0
        cut = max(cfg.prefix_similarity, cfg.abbreviation_similarity)
        for x in spelled(t):  # a word it abbreviates or cuts short, in any of its spellings
            if len(x) < 3 or not x.isalpha():
                continue
            for b in self.by_first.get(x[0], ()):
                if len(b) >= len(x) + 2 and some.get(b, 0.0) < cut and in_order(x, b):
                    some[b] = cut
            for y, b in self.spelled_first.get(x[0], ()):
                if len(y) >= len(x) + 2 and some.get(b, 0.0) < cut and in_order(x, y):
                    some[b] = cut
        initials: Pairs = {}
        if t.isalpha():
            s = cfg.initial_similarity
            if len(t) == 1:
                initials = {b: s for b in self.by_first.get(t, ()) if b != t}
                initial, article = INITIAL_OF_ARTICLE  # 'e' for an 'el' read 'al'
                if t == initial and article in self.places:  # (tokens.token_similarity)
                    initials[article] = s
            elif t[0] in self.places and len(t) > 1:
                initials = {t[0]: s}
        found = self.memo[t] = (some, initials)
        return found

    def reaches(self, forms: Sequence[Sequence[str]], target: float) -> bool:
        """Whether some form could score `target` on names against a name of the index (or
        have its words joined alike), by the bound in the module's docstring."""
        if not self.sound:
            return True
        target -= CUT_MARGIN + EPS  # under it by this, it stays under after rounding
        distinct = list(dict.fromkeys(tuple(f) for f in forms))
        seen = [self._paired(form) for form in distinct]
        touched = {n for top, _, _ in seen for n in top}
        for form, (top, exact, mine) in zip(distinct, seen, strict=True):
            f = make_form(self.index, list(form), self.cfg)  # what the scorer reads of it
            if f.sum_wq <= 0:
                return True  # the scorer divides by it: no bound
            sh = shape(f)
            for n in touched:
                got = top.get(n)
                # the listed share is at most 1 (A / (A + B), weights not negative: `sound`),
                # so it is worked out only where the query's share leaves the target in reach
                # (0.5 * share <= 0.5 and float sums are monotonic: the same answers)
                if got is not None and (half := 0.5 * query_share(f, sum(
                        w * s for w, s in zip(f.wq, got, strict=True)), self.person[n]
                        and may_apply(len(f.q), len(self.index.tokens[n]),
                                      bool(self.listed[n].sur))
                        )) + 0.5 >= target and half + 0.5 * self._listed_share(
                        n, mine, got, form) >= target:
                    return True
                if self._joinable(n, f, sh, exact.get(n, ())):
                    return True
        return False

    def _paired(self, form: Sequence[str]) -> tuple[dict[int, list[float]],
                                                    dict[int, list[tuple[int, int]]],
                                                    tuple[set[str], set[str]]]:
        """By name: the best each word of the form may pair with one of its words, and the
        pairs of words that may be exact (similarity 1: query position, listed position); and
        the listed words the form's words may pair with, otherwise than as initials and so."""
        top: dict[int, list[float]] = {}
        exact: dict[int, list[tuple[int, int]]] = {}
        mine: set[str] = set()
        by_initial: set[str] = set()
        person = self.person
        for i, t in enumerate(form):
            some, initials = self.pairs(t)
            mine.update(some)
            by_initial.update(initials)
            for b, s in (*some.items(), *initials.items()):
                only_initial = b not in some
                for n, j in self.places.get(b, ()):
                    if only_initial and not person[n]:
                        continue
                    got = top.get(n)
                    if got is None:
                        got = top[n] = [0.0] * len(form)
                    if s > got[i]:
                        got[i] = s
                    if s == 1.0:
                        exact.setdefault(n, []).append((i, j))
        return top, exact, (mine, by_initial)

    def _listed_share(self, n: int, mine: tuple[set[str], set[str]], top: list[float],
                      form: Sequence[str]) -> float:
        """At most the share of name n's weight the form's words may pair with (A / (A + B)):
        `mine`, the listed words they may pair with, and those they may pair with as
        initials."""
        cfg = self.cfg
        ln, c = self.listed[n], self.index.tokens[n]
        person = self.person[n]
        # the weight of a word left out: low only where every query word may pair at 0.8, a
        # title aside (`forms.Form.titles`)
        drop = (min(1.0, cfg.dropped_token_weight) if person and all(
            s >= 0.8 or t in TITLES for s, t in zip(top, form, strict=True)) else 1.0)
        raise_ = max(1.0, cfg.family_name_weight)
        a = b = 0.0
        for j, (t, w) in enumerate(zip(c, ln.w, strict=True)):
            if t in mine[0] or (person and t in mine[1]):
                a += w * raise_ if j in ln.sur else w
            elif not person and t in ARTICLES:  # weighs as a legal form (`slips.ARTICLES`)
                b += w * cfg.legal_form_weight
            else:
                b += w if j == ln.first else w * drop  # a left-out first surname counts in full
        return a / (a + b) if a + b > 0 else 1.0

    def _joinable(self, n: int, f: Form, sh: Shape, exact: Sequence[tuple[int, int]]) -> bool:
        """Whether `features.feature_joined` may score form `f` against name n: `bound.joinable`
        of the pairs of words the alignment pairs exactly (`exact`: those of similarity 1)."""
        c = self.index.tokens[n]
        pairs = _taken(exact, f.q, c) if exact else {}
        return pairs is None or joinable(f, sh, c, self.listed[n], list(pairs.items()), self.cfg)


def _taken(exact: Sequence[tuple[int, int]], form: Sequence[str], c: Sequence[str]
           ) -> dict[int, int] | None:
    """The pairs of words of similarity 1 the alignment takes: it takes its pairs best first,
    of equal ones the later query word and then the later listed word first
    (`features.align_form` sorts (similarity, i, j) from the top), and no later step undoes
    such a pair; None where one may be undone (an initial paired with a longer word)."""
    out: dict[int, int] = {}
    used: set[int] = set()
    for i, j in sorted(exact, reverse=True):
        if i in out or j in used:
            continue
        if (len(c[j]) == 1) != (len(form[i]) == 1):
            return None
        out[i] = j
        used.add(j)
    return out
