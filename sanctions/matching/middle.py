"""Middle names the listed name does not carry: 'John Luis NUMBI' for 'NUMBI, John'.

Lists often give a person's given name and surname only; a customer file, a passport or a
payment writes the middle name or initial too. Such a word is no evidence of another person
the way another given name is ('Samuel Okello Mwangi' is not 'OKELLO MWANGI, Peter': there
the listed given name goes unpaired). So a query word counts as a middle name only where its
place says so, and the listed name leaves nothing unsaid:

- the name is a person's, with surnames known (written 'SURNAME, Given'), and the query was
  not read from Chinese characters or Hangul: a syllable left over there is part of a given
  name ('李欣怡', li xin yi, is not 'LI, Yi');
- every listed word is paired: a listed middle name or initial the query gives otherwise
  ('Elena H. LENSKAYA' for 'LENSKAYA, Elena V.') is another person's;
- the word is unpaired, a word of letters (no number, legal form nor honorific), and sits
  between a paired given name and a paired surname in the query's order, either name order,
  both paired at 0.8 or better (the given name no bare initial);
- two such words at most ('Jorge Luis Jesus Ramirez Rodriguez' is more than 'RODRIGUEZ,
  Jorge' with middle names).

A middle name of two letters or more then weighs `MatchConfig.middle_name_weight` of its
weight on the query's side of the name score, and is charged `extra_middle_name_penalty`, as
"middle name not on the list" in the explanation (`features.feature_extra_words`). A middle
initial keeps its weight and its small charge (0.03), and is only named so: 'Elena H.
LENSKAYA' for a listed 'LENSKAYA, Yelena' is as often another person with that initial as
the listed one (the blind set's `other_initial` hard negatives), and initials already cost
little ('Mohamad H. Wehbe' for 'WEHBE, Mohamad' scored 0.799 before this rule, and does now).

The bound before aligning (`bound.below`) and the re-screen's reach (`reach_names`) take a
person's query weight at its least (`least_weight`: every inner word a middle name) where the
rule may apply (`may_apply`): a listed name with surnames, of fewer words than the query.

    >>> middle_names(["john", "luis", "numbi"], ["numbi", "john"], {0: (1, 1.0), 2: (0, 1.0)},
    ...              [0])
    frozenset({1})
    >>> middle_names(["samuel", "okello", "mwangi"], ["okello", "mwangi", "peter"],
    ...              {1: (0, 1.0), 2: (1, 1.0)}, [0, 1])  # 'peter' unpaired, no given name
    frozenset()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..normalize import HONORIFICS, LEGAL_CLASSES

MOST = 2  # middle names a person may have; three words the list lacks say more than that


def middle_names(q: list[str], c: list[str], pairs: dict[int, tuple[int, float]],
                 sur: list[int]) -> frozenset[int]:
    """The query positions that are middle names the listed name `c` (surnames at positions
    `sur`) does not carry, by the rule in the module's docstring; `pairs` the alignment's
    (query position -> listed position, similarity)."""
    if len(q) < 3 or not sur or len(pairs) == len(q) or len(pairs) < 2:
        return frozenset()
    if len(pairs) < len(c):  # a listed word unpaired (so a name of fewer words than the query)
        return frozenset()
    surs = set(sur)
    given = [i for i, (j, s) in pairs.items() if j not in surs and s >= 0.8 and len(q[i]) > 1]
    family = [i for i, (j, s) in pairs.items() if j in surs and s >= 0.8]
    if not given or not family:
        return frozenset()
    found = frozenset(i for i in range(1, len(q) - 1) if i not in pairs and _nameword(q[i])
                      and any(min(g, f) < i < max(g, f) for g in given for f in family))
    return found if len(found) <= MOST else frozenset()


def _nameword(t: str) -> bool:
    return t.isalpha() and t not in LEGAL_CLASSES and t not in HONORIFICS


def may_apply(q_len: int, c_len: int, surnames: bool) -> bool:
    """Whether a listed person's name of `c_len` words (with `surnames` or not) may have
    middle names against a query of `q_len`: every listed word paired, a query word not."""
    return surnames and c_len < q_len and q_len >= 3


def least_weight(q: list[str], wq: list[float], sum_wq: float, weight: float) -> float:
    """The least the query side's weight of a person's name can be: every inner word of
    letters a middle name (weighed `weight` of its own). Used by the bounds, which must stay
    above any score."""
    if len(q) < 3 or weight >= 1:
        return sum_wq
    return sum_wq - weight_off(q, wq, inner_names(q), weight)


def inner_names(q: Sequence[str]) -> Iterator[int]:
    """The positions of a query's words that may be middle names: inner words of letters, no
    legal form nor honorific (where the query has fewer than three words, none)."""
    return (i for i in range(1, len(q) - 1) if _nameword(q[i]))


def weight_off(q: Sequence[str], wq: Sequence[float], middle: Iterable[int], weight: float
               ) -> float:
    """The query weight that the `middle` names take off, each weighing `weight` of its own;
    an initial keeps its weight (see the module's docstring)."""
    return (1 - weight) * sum(wq[i] for i in middle if len(q[i]) > 1)
