"""The name score: the best token alignment over the query's forms, then the name checks.

`NameScorer` scores one prepared query against many listed names. What depends on the query
alone is found once: its forms (`forms.make_form`) and, for each re-joined form, its new words'
similar listed words. A listed name written alike under several entities (one alias on four
lists) gets its name score once. Scores are the same whether explained or not: the explanation
only adds text, on the same code path.

    >>> from .config import DEFAULT_CONFIG as C
    >>> from .index import Index
    >>> from .query import prepare
    >>> from .types import Entity, NameRow, Query
    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> ns = NameScorer(prepare(Query("tren de aragva"), idx), idx, C)
    >>> ex = {}
    >>> round(ns.name_score(0, "organization", ex)[0], 4), ex["name"]["detail"]
    (0.9444, 'tren=tren 1.00; de=de 1.00; aragva=aragua 0.83')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .bound import Shape, below, boundable, shape
from .common import feature_common, feature_one_word
from .config import MatchConfig
from .features import (
    Alignment,
    align_form,
    feature_distinctive,
    feature_extra_words,
    feature_joined,
    feature_name,
    feature_surname,
    feature_syllables,
)
from .forms import Form, make_form
from .given import feature_distinct_names, feature_skipped_given
from .index import Index
from .listed import Listed, kept, listed
from .types import Prepared

Said = dict[str, dict[str, Any]]
NameCheck = Callable[[Alignment, Index, int, MatchConfig], tuple[float | None, str]]
ALL_TYPES = ("person", "organization", "vessel", "aircraft")
# What the query says and the listed name does not (or the reverse): each a factor on the name
# score when it applies, by entity type, with the MatchConfig field that holds the factor.
NAME_CHECKS: tuple[tuple[str, tuple[str, ...], NameCheck, str], ...] = (
    ("distinctive", ALL_TYPES, feature_distinctive, "distinctive_factor"),
    ("surname", ("person",), lambda a, idx, n_i, cfg: feature_surname(a, idx, n_i),
     "no_surname_factor"),
    ("common_names", ("person",), lambda a, *_: feature_common(a), "common_name_factor"),
    ("one_word", ("organization",), lambda a, *_: feature_one_word(a), "one_common_word_factor"),
    ("syllables", ("person",), lambda a, *_: feature_syllables(a), "missing_syllable_factor"),
    ("skipped_given", ("person",), feature_skipped_given, "skipped_given_factor"),
    ("distinct_names", ("person",), feature_distinct_names, "distinct_name_factor"),
)


UNALIGNED = Alignment([], [], {}, [], [], 1.0)  # a name cut short before it was aligned...
CUT_BELOW = 1e-6  # ...scores this far under the cut (any score under it is as good)


class NameScorer:
    """Name scores of one prepared query (see the module's docstring)."""

    def __init__(self, p: Prepared, idx: Index, cfg: MatchConfig) -> None:
        self.p, self.idx, self.cfg = p, idx, cfg
        self.kept = kept(idx, cfg)  # the listed names' facts (`listed`)
        syllabic = "(Chinese characters" in p.reading or "(Hangul" in p.reading
        self.syllables = frozenset(p.tokens if syllabic else ())
        # keyed by the token list's id: the lists live in `p` as long as this scorer
        self.forms: dict[int, Form] = {}
        self.new_words: dict[tuple[int, bool], list[dict[str, float]]] = {}
        # listed tokens, surnames, type -> score, alignment, explanation, cut short
        self.named: dict[tuple[tuple[str, ...], frozenset[str], str],
                         tuple[float, Alignment, Said | None, bool]] = {}
        # ...and its best form (`best_form`), kept to explain it without aligning it again
        self.bests: dict[tuple[tuple[str, ...], frozenset[str], str],
                         tuple[float, Alignment, int] | None] = {}
        # the forms with their factors and shapes, for the bound before aligning (`bound`),
        # for vessels and for the rest; None: the config allows no bound
        self.bounded: dict[bool, list[tuple[Form, float, Shape]]] | None = (
            {} if boundable(cfg) else None)

    def form(self, tokens: list[str]) -> Form:
        f = self.forms.get(id(tokens))
        if f is None:  # a form's own syllables: a Hangul word read as one foreign word
            # ('루카셴코' as lukashenko) is no syllable a listed name must hold them all of
            f = self.forms[id(tokens)] = make_form(
                self.idx, tokens, self.cfg, self.syllables & frozenset(tokens))
        return f

    def near_new(self, tokens: list[str], vessel: bool, q: list[str], c: list[str]) -> bool:
        """Whether a listed word is like a word this form has and the query's tokens lack."""
        near = self.new_words.get((id(tokens), vessel))
        if near is None:
            near = self.new_words[id(tokens), vessel] = [
                self.idx.sims(t, self.cfg) for t in tokens if t not in q]
        return any(b in m for m in near for b in c)

    def name_score(self, n_i: int, etype: str, ex: Said | None,
                   cut: float | None = None) -> tuple[float, Alignment, bool]:
        """The best name score over the query's tokens and its re-joined forms, explained in
        `ex` (None: not explained; the score is the same). With `cut`, a name score that
        provably stays below it is returned early, as that bound, with True (cut short): the
        checks after the alignment only ever lower it."""
        idx = self.idx
        c, surnames = idx.tokens[n_i], idx.surnames[n_i]
        key = (tuple(c), surnames, etype)
        hit = self.named.get(key)
        if hit is None or (ex is not None and hit[2] is None) or (hit[3] and cut is None):
            said: Said | None = {} if ex is not None else None
            score, a, short = self._name_score(n_i, c, key, said, cut)
            hit = self.named[key] = (score, a, said, short)
        if ex is not None and hit[2] is not None:
            ex.update({k: dict(v) for k, v in hit[2].items()})
        return hit[0], hit[1], hit[3]

    def best_form(self, c: list[str], surnames: frozenset[str], etype: str,
                  ln: Listed | None = None) -> tuple[float, Alignment, int] | None:
        """The best alignment over the query's forms: its name score (the form's factor
        applied), the alignment and the form's number; None when the query has no name."""
        p, idx, cfg = self.p, self.idx, self.cfg
        vessel, person = etype == "vessel", etype == "person"
        q = p.vessel_tokens if vessel else p.tokens
        best: tuple[float, Alignment, int] | None = None
        for k, tokens in enumerate(p.vessel_alternatives if vessel else p.alternatives):
            if not tokens:
                continue
            if k and best is not None and (best[0] >= cfg.joined_factor or (
                    k != p.aside_at and not self.near_new(tokens, vessel, q, c))):
                continue  # a re-joined form that cannot win: no listed word like its new word
                # (the query without its asides has none, and may win: `asides`)
            a = align_form(self.form(tokens), c, surnames, person, idx, cfg, ln)
            s = feature_name(a, False)[0]
            s *= self.factor(k)
            if best is None or s > best[0]:
                best = (s, a, k)
        return best

    def forms_of(self, vessel: bool) -> list[tuple[Form, float, Shape]]:
        """The forms `best_form` tries, each with the factor on its score and its shape."""
        assert self.bounded is not None
        found = self.bounded.get(vessel)
        if found is None and self.p.vessel_alternatives is self.p.alternatives:
            # no vessel prefix: a vessel's forms are the others' (the same token lists)
            found = self.bounded.get(not vessel)
            if found is not None:
                self.bounded[vessel] = found
        if found is None:
            p = self.p
            found = self.bounded[vessel] = [
                (f := self.form(tokens), self.factor(k), shape(f))
                for k, tokens in enumerate(p.vessel_alternatives if vessel else p.alternatives)
                if tokens]
        return found

    def factor(self, k: int) -> float:
        """The factor on form k's score: 1 for the query itself, a reading's own, the query
        without its asides' (`asides`), or a re-joined or respelled form's."""
        p, cfg = self.p, self.cfg
        if 0 < p.read_from <= k:
            return p.read_factors[k - p.read_from]
        return 1.0 if not k else cfg.aside_factor if k == p.aside_at else cfg.joined_factor

    def how(self, k: int, etype: str) -> str:
        """How form k of the query was made, for the explanation ('' for the query itself)."""
        p = self.p
        vessel = etype == "vessel"
        q = p.vessel_tokens if vessel else p.tokens
        tokens = (p.vessel_alternatives if vessel else p.alternatives)[k]
        return ("" if not k else f" (read by its consonants as {' '.join(tokens)!r})"
                if 0 < p.read_from <= k else " (as written, not respelled)"
                if 0 < p.written_at <= k else " (words in quotes or brackets left out)"
                if k == p.aside_at else " (split words joined)" if len(tokens) < len(q)
                else " (joined words split)")

    def _name_score(self, n_i: int, c: list[str],
                    name: tuple[tuple[str, ...], frozenset[str], str], ex: Said | None,
                    cut: float | None) -> tuple[float, Alignment, bool]:
        """`name_score` of name n_i: its listed tokens `c`; `name` them as a tuple, its
        surnames and its entity's type."""
        idx, cfg = self.idx, self.cfg
        surnames, etype = name[1], name[2]
        if name in self.bests:  # scored before unexplained: explained now, not aligned again
            found = self.bests[name]
        else:
            ln = self.kept.get(n_i) or listed(idx, n_i, cfg)
            if cut is not None and self.bounded is not None and below(
                    self.forms_of(etype == "vessel"), c, ln, etype == "person", cfg, cut):
                return cut - CUT_BELOW, UNALIGNED, True  # most names: no need to align them
            found = self.bests[name] = self.best_form(c, surnames, etype, ln)
        if found is None:  # an identifier-only query ("IMO 9323596") has no name to explain
            q = self.p.vessel_tokens if etype == "vessel" else self.p.tokens
            return 0.0, align_form(make_form(idx, q, cfg), c, surnames, etype == "person", idx,
                                   cfg), False
        score, a, k = found
        detail = feature_name(a)[1] + self.how(k, etype) if ex is not None else ""
        if ex is not None:
            ex["name"] = {"score": round(score, 3), "detail": detail}
        joined_s, jdetail = feature_joined(a, cfg)
        if joined_s is not None and joined_s > score:
            if ex is not None:
                ex["joined_tokens"] = {"score": round(joined_s, 3), "detail": jdetail}
            return joined_s, a, False
        if cut is not None and score < cut:
            return score, a, True  # every check below is a factor of at most 1
        for key, types, feature, factor in NAME_CHECKS:
            if etype in types:
                seen, detail = feature(a, idx, n_i, cfg)
                if seen is not None:
                    score *= getattr(cfg, factor)
                    if ex is not None:
                        ex[key] = {"score": seen, "detail": detail}
        extra, edetail = feature_extra_words(a, idx, etype, cfg, ex is not None)
        if extra is not None:
            score *= extra
            if ex is not None:
                ex["extra_words"] = {"score": extra, "detail": edetail}
        return score, a, False
