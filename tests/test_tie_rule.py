"""The tie rules: which of an entity's equal-scoring names is shown (`score.shown_first`), and
which of the names tied at the pool's cut are rescored (`coarse.best_k`). Both depend on the
scores (and the query) alone, never on the order retrieval hands names over, so a pool found
by pruning (`matching.topk`) gives the same answer as one found by scoring every name."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, prepare
from sanctions.matching.coarse import best_k
from sanctions.matching.score import rank
from sanctions.matching.types import Entity, NameRow, Query

# names of three OFAC SDN entries as the bundled list gives them, in its row order
ENTITIES = [
    Entity("ofac_sdn:20029", "ofac_sdn", "20029", "organization", "PJSC MOSTOTREST"),
    Entity("ofac_sdn:23708", "ofac_sdn", "23708", "organization",
           "KOREA ANSAN SHIPPING COMPANY"),
    Entity("ofac_sdn:41059", "ofac_sdn", "41059", "person",
           "BRECHALOV, Aleksandr Vladimirovich"),
]
NAMES = [
    NameRow(0, "PJSC MOSTOTREST", "primary"),
    NameRow(0, "MOSTOTREST", "aka"),
    NameRow(0, "OPEN JOINT STOCK COMPANY 'MOSTOTREST'", "aka"),
    NameRow(0, "MOSTOTREST, PAO", "aka"),
    NameRow(0, "PUBLIC JOINT STOCK COMPANY MOSTOTREST", "aka"),
    NameRow(1, "KOREA ANSAN SHIPPING COMPANY", "primary"),
    NameRow(1, "KOREA ANSAN SHPG CO", "aka"),
    NameRow(2, "BRECHALOV, Aleksandr Vladimirovich", "primary"),
    NameRow(2, "BRECHALOV, Alexander Vladimirovich", "aka"),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(ENTITIES, NAMES)


@pytest.mark.parametrize(("query", "shown"), [
    # PJSC MOSTOTREST, MOSTOTREST, PAO and the long form all score 1.0: the one typed is shown
    ("mostotrest pao", ("ofac_sdn:20029", 1.0, "MOSTOTREST, PAO")),
    ("PJSC Mostotrest", ("ofac_sdn:20029", 1.0, "PJSC MOSTOTREST")),
    ("Public Joint Stock Company Mostotrest",
     ("ofac_sdn:20029", 1.0, "PUBLIC JOINT STOCK COMPANY MOSTOTREST")),
    # both read as 'korea ansan shipping co'; the abbreviation typed shows the abbreviated name
    ("Korea Ansan Shpg Co", ("ofac_sdn:23708", 1.0, "KOREA ANSAN SHPG CO")),
    ("Korea Ansan Shipping Company", ("ofac_sdn:23708", 1.0, "KOREA ANSAN SHIPPING COMPANY")),
    # neither spelling of the given name typed, both as like the query: the list's first
    ("A. Vladimirovich Brechalov",
     ("ofac_sdn:41059", 0.947, "BRECHALOV, Aleksandr Vladimirovich")),
    ("Alexander Brechalov", ("ofac_sdn:41059", 0.9423, "BRECHALOV, Alexander Vladimirovich")),
])
def test_the_name_shown_for_a_tie_does_not_depend_on_the_order(
        index: Index, query: str, shown: tuple[str, float, str]) -> None:
    q = Query(query)
    p = prepare(q, index, DEFAULT_CONFIG)
    mine = [i for i, row in enumerate(NAMES) if ENTITIES[row.entity].id == shown[0]]
    for floor in (None, 0.8):
        for order in itertools.permutations(mine):
            got = rank(p, q, index, DEFAULT_CONFIG, order, 10, floor)
            assert [(m.entity.id, m.score, m.matched_name) for m in got] == [shown]


def test_ties_at_the_cut_go_to_the_lowest_ids() -> None:
    hits = np.array([3, 5, 8, 9, 12, 20], dtype=np.int32)
    coarse = np.array([0.5, 0.9, 0.7, 0.7, 0.9, 0.7], dtype=np.float32)
    assert best_k(hits, coarse, 2).tolist() == [5, 12]
    assert best_k(hits, coarse, 3).tolist() == [5, 8, 12]
    assert best_k(hits, coarse, 4).tolist() == [5, 8, 9, 12]
    assert best_k(hits, coarse, 5).tolist() == [5, 8, 9, 12, 20]
    # the same names from any subset holding every name at or above the cut
    keep = np.array([1, 2, 3, 4, 5])
    assert best_k(hits[keep], coarse[keep], 3).tolist() == [5, 8, 12]
