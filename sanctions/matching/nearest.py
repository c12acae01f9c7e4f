"""Names of one word that a query of one word misspells: retrieved beside the coarse pool.

Retrieval's coarse score (`coarse.coarse_of`) weighs a query word that no list spells at the
highest IDF, so a name of common words holding one of its neighbours counts as wholly covered
('HALI' against 'ABU ALI': 'hali' is like 'ali' at 0.75, and 'ali' weighs little), while a
name of one rare word it misspells covers only the similarity ('HALTI' at 0.8). A short word
has many neighbours (31 for 'hali'), the common ones reach many names, and the pool of 15
filled with 'ALI' names: the vessel HALTI, which the scorer puts at 0.8, was never scored.

So a query of one word also reaches the names of one word that are one of its nearest listed
words (the highest similarity it has with any, below 1: an exact word is in the pool already),
the first `MAX_NEAREST_NAMES` by number (the query alone decides which, never a limit or a
filter). The scorer pairs the query word with that word at that similarity, so a name added
here is one the query pairs with: the re-screen's bound (`reach`) already counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .config import MatchConfig

if TYPE_CHECKING:
    from .index import Index

MAX_NEAREST_NAMES = 20  # names added per query, at most (HALI adds 3)
NEAREST_FLOOR = 0.8  # the nearest words' similarity, at least (one edit in five letters)


def nearest_names(index: Index, tokens: Sequence[str], cfg: MatchConfig) -> set[int]:
    """The names of one word that are the nearest listed words of a one-word query."""
    if len(tokens) != 1 or tokens[0] in index.vocab:
        return set()
    sims = index.sims(tokens[0], cfg)
    top = max(sims.values(), default=0.0)
    if top < NEAREST_FLOOR or top >= 1.0:
        return set()
    near = np.array(sorted(index.vocab[w] for w, s in sims.items() if s == top), dtype=np.int64)
    rows = index.rows(near)
    names = np.unique(np.concatenate(rows)) if len(rows) > 1 else rows[0]
    whole = names[np.asarray(index.name_len)[names] == 1]
    return set(whole[:MAX_NEAREST_NAMES].tolist())
