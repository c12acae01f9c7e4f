"""A query form: one token list the query is tried as, with what scoring reads of it for every
candidate name, found once per query instead of once per candidate.

A query is scored against a handful of listed names (and each name against up to a dozen
forms: re-joined, split, respelled, read by its consonants). Its tokens' similar listed words,
their weights and which of them may pair as initials depend on the query alone; `features.align`
reads them from here. A listed word's column (the query words it pairs with, and how well) is
found the first time a candidate has that word and kept for the others ('al', 'ahmad', 'ltd'
come back in most candidates of a query).

    >>> from .index import Index
    >>> from .types import Entity, NameRow
    >>> from .config import DEFAULT_CONFIG as C
    >>> idx = Index.build([Entity("x:1", "x", "1", "person", "MADURO MOROS, Nicolas")],
    ...                   [NameRow(0, "MADURO MOROS, Nicolas", "primary")])
    >>> f = make_form(idx, ["nicolas", "madura"], C)
    >>> f.column("maduro"), f.column("nicolas"), f.column("moros")
    ([(1, 0.8333)], [(0, 1.0)], [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..normalize import LEGAL_CLASSES
from .config import MatchConfig
from .index import Index
from .middle import least_weight
from .slips import TITLES

_NO_TITLES: frozenset[int] = frozenset()  # most queries' (`Form.titles`)


@dataclass(slots=True)
class Form:
    """What an alignment reads of one query token list (`make_form`)."""

    q: list[str]
    nears: list[dict[str, float]]  # per query token: similar listed tokens (`Index.sims`)
    cols: dict[str, list[tuple[int, float]]]  # listed token -> its column (`column`)
    pairing: list[tuple[int, dict[str, float], bool]]  # query index, its near, syllable
    initials: list[int]  # query tokens of one letter, not syllables: may pair as initials
    plain: list[int]  # longer query tokens, not syllables: may pair with a listed initial
    wq: list[float]  # query token weights
    sum_wq: float
    syllables: frozenset[str]
    eq: float  # `MatchConfig.equivalent_similarity`
    # query positions that may abbreviate a listed word (`features._abbreviations`): words of
    # 3 letters or more, not syllables; of 4 or more (in persons' names)
    abbr3: list[int]
    abbr4: list[int]
    words: list[int]  # query positions that are no legal form (`features.feature_joined`)
    least_wq: float  # a person's query weight at its least: inner words middle names (`middle`)
    # query positions of titles ('Mr', `slips.TITLES`; not a word read as one mistyped: it may
    # be a given name no list has, 'Kajji' one letter from 'hajji')
    titles: frozenset[int] = frozenset()
    spelled: set[str] | None = None  # the query's runs of tokens written as one (lazy)
    new_near: list[dict[str, float]] | None = None  # re-joined form: its new words' (lazy)
    extra: dict[tuple[str, str, bool], tuple[float, str] | None] = field(default_factory=dict)

    def column(self, b: str) -> list[tuple[int, float]]:
        """The query tokens listed token b pairs with, in query order, with the similarity
        (a syllable only with a word spelled alike)."""
        col = self.cols.get(b)
        if col is None:
            eq = self.eq
            col = self.cols[b] = [(i, s) for i, near, syllable in self.pairing
                                  if (s := near.get(b, 0.0)) and not (syllable and s < eq)]
        return col

    def spellings(self) -> set[str]:
        """Every run of query tokens written as one ('jin tie san': 'jintiesan', 'tiesan'...)."""
        if self.spelled is None:
            q = self.q
            self.spelled = {"".join(q[i:k]) for i in range(len(q)) for k in range(i + 1,
                                                                                   len(q) + 1)}
        return self.spelled


def make_form(idx: Index, q: list[str], cfg: MatchConfig,
              syllables: frozenset[str] = frozenset()) -> Form:
    """The form of token list `q`; `syllables` as `features.align` takes them. A syllable pairs
    only with words spelled alike (similarity `equivalent_similarity` or more), never as an
    initial, exactly as `align` compared them pair by pair."""
    nears = [idx.sims(a, cfg) for a in q]
    wq = [idx.weight(t, cfg) for t in q]
    pairing: list[tuple[int, dict[str, float], bool]] = []
    initials: list[int] = []
    plain: list[int] = []
    abbr3: list[int] = []
    abbr4: list[int] = []
    words: list[int] = []
    for i, a in enumerate(q):  # one pass: a query is made into a form or two per query
        syllable = a in syllables
        pairing.append((i, nears[i], syllable))
        if not syllable:
            if len(a) == 1:
                initials.append(i)
            elif len(a) > 1:
                plain.append(i)
            if len(a) >= 3 and a.isalpha():
                abbr3.append(i)
                if len(a) >= 4:
                    abbr4.append(i)
        if a not in LEGAL_CLASSES:
            words.append(i)
    sum_wq = sum(wq)
    return Form(q, nears, {}, pairing, initials, plain, wq, sum_wq, syllables,
                cfg.equivalent_similarity, abbr3, abbr4, words,
                least_weight(q, wq, sum_wq, cfg.middle_name_weight),
                _NO_TITLES if TITLES.isdisjoint(q) else frozenset(
                    i for i, a in enumerate(q) if a in TITLES))
