"""Legal forms glued to a company's name, at its end or inside it (real OFAC rows)."""

from __future__ import annotations

import pytest

from sanctions.matching import Entity, Index, NameRow, Query, match, prepare
from sanctions.normalize import spelling_variants


def glued_index() -> Index:
    entities = [
        Entity("ofac_sdn:42328", "ofac_sdn", "42328", "organization",
               "VOHOM TECHNOLOGY HK CO., LIMITED"),
        Entity("ofac_sdn:47863", "ofac_sdn", "47863", "organization", "TSENTRKVARTS PAO"),
        Entity("ofac_sdn:34763", "ofac_sdn", "34763", "organization",
               "SOVCOMCARD LIMITED LIABILITY COMPANY"),
        Entity("ofac_sdn:26098", "ofac_sdn", "26098", "organization", "MAIWAND TOBACCO LIMITED"),
        Entity("ofac_sdn:10927", "ofac_sdn", "10927", "organization", "JOZA INDUSTRIAL COMPANY"),
        # listed words that cut 'maiwandtobac' two letters at a time ('to', 'bac')
        Entity("ofac_sdn:1", "ofac_sdn", "1", "organization", "BAC TO TRADING"),
    ]
    return Index.build(entities, [NameRow(i, e.name, "primary") for i, e in enumerate(entities)])


IDX = glued_index()


@pytest.mark.parametrize(("word", "expected"), [
    ("TSENTRKVARTSPAO", ["tsentrkvarts pao"]),  # Russian forms after the name, as before it
    ("KRIOGENMASHOJSC", ["kriogenmash ojsc"]),
    ("JOZAINDUSTRIALCOMPANY", ["jozaindustrial company"]),
    ("Tobacco", []),  # a word ending in 'co' holds no form
    ("Cacao", []),
])
def test_forms_glued_after_the_name(word: str, expected: list[str]) -> None:
    # (a romanisation's respelling of the word, 'tawbacco', is no form split off)
    assert [v for v in spelling_variants(word) if " " in v][:1] == expected


@pytest.mark.parametrize(("query", "tokens", "read"), [
    # 'hk' is a listed word of two letters: cut so only beside a glued legal form
    ("VOHOMTECHNOLOGYHKCOLIMITED", ["vohom", "technology", "hk", "co", "ltd"],
     "spelled as listed: VOHOMTECHNOLOGYHKCOLIMITED as vohom technology hk co ltd"),
    # the whole form glued: cut apart, so that it folds to one
    ("SOVCOMCARDLIMITEDLIABILITYCOMPANY", ["sovcomcard", "llc"],
     "spelled as listed: SOVCOMCARDLIMITEDLIABILITYCOMPANY as sovcomcard ltd liability company"),
    # a spelling with listed words of three letters or more wins over two-letter cuts
    ("MAIWANDTOBACCOLIMITED", ["maiwandtobacco", "ltd"],
     "spelled as listed: MAIWANDTOBACCOLIMITED as maiwandtobacco limited"),
    ("TSENTRKVARTSPAO", ["tsentrkvarts", "pjsc"],
     "spelled as listed: TSENTRKVARTSPAO as tsentrkvarts pao"),
])
def test_glued_form_read_as_listed(query: str, tokens: list[str], read: str) -> None:
    p = prepare(Query(query), IDX)
    assert (p.tokens, p.reading) == (tokens, read)


@pytest.mark.parametrize(("query", "expected", "score"), [
    ("VOHOMTECHNOLOGYHKCOLIMITED", "ofac_sdn:42328", 1.0),
    ("SOVCOMCARDLIMITEDLIABILITYCOMPANY", "ofac_sdn:34763", 1.0),
    ("MAIWANDTOBACCOLIMITED", "ofac_sdn:26098", 0.97),
    ("TSENTRKVARTSPAO", "ofac_sdn:47863", 1.0),
    ("JOZA INDUSTRIALCOMPANY", "ofac_sdn:10927", 1.0),
])
def test_glued_form_finds_the_company(query: str, expected: str, score: float) -> None:
    [m] = match(IDX, Query(query), limit=1)
    assert (m.entity.id, m.score) == (expected, score)
