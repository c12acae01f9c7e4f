"""A full screen scores an entity at least as high as an index of that entity alone does: on
the real built database, for rows where retrieval once lost the alias the scorer credits most
(`scripts/check_retrieval.py` finds such rows over the dev sets and customers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.matching import Query, match
from sanctions.screening import get_index
from sanctions.store.index_part import load_entities_index

pytestmark = pytest.mark.slow

EVERY = 10**6  # a limit past every candidate

# query, entity, the alias an index of that entity alone scores it on, and why it was lost
ROWS = [
    ("Mohammad Iris CHAGHAZARDY", "ofac_sdn:25443", "CHAGHAZARDY, MohammadKazem",
     "'mohammad' starts the alias's 'mohammadkazem'; the primary name took the pool's place"),
    ("Abdul Makki", "ofac_sdn:12295", "MAKKI, ABDULRAHMAN",
     "'abdul' starts too many listed words to be retrieved as a cut word"),
    ("Qari Muham Yaqoob SHEIKH", "ofac_sdn:19680", "YAQOOB, Muhammad",
     "a short alias among 19 names of one person, below its siblings in the pool"),
    ("Al-haramain Fdn (union Of The Comoros)", "ofac_sdn:7199", "AL-HARAMAIN FOUNDATION",
     "'fdn' abbreviates 'foundation' by its letters in order, which retrieval does not see"),
]


@pytest.mark.parametrize(("query", "entity", "alias", "why"), ROWS)
def test_full_screen_scores_an_entity_as_its_own_index_does(
        full_db: Path, query: str, entity: str, alias: str, why: str) -> None:
    alone = match(load_entities_index(full_db, {entity}), Query(query), limit=1)
    assert [(m.entity.id, m.matched_name) for m in alone] == [(entity, alias)], why
    full = {m.entity.id: m for m in match(get_index(full_db), Query(query), limit=EVERY)}
    assert entity in full, why
    assert (full[entity].score, full[entity].matched_name) == (alone[0].score, alias), why
