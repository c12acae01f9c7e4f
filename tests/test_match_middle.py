"""Middle names the list does not carry (issue 11, `sanctions.matching.middle`): lifted only
where the query's order says middle name and the listed name leaves nothing unsaid; real rows
of the bundled OFAC list, queries made here."""

from __future__ import annotations

from functools import partial

import pytest

from sanctions.matching import Query, match
from sanctions.matching.reach import reaching
from tests.small_index import best_of, index_of

IDX = index_of([
    ("ofac_sdn:20420", "person", "NUMBI, John"),
    ("ofac_sdn:40906", "person", "LENSKAYA, Yelena"),
    ("ofac_sdn:26142", "person", "VALDEZ GARCIA, Bernardo Antonio"),
    ("ofac_sdn:29113", "person", "MANDEL, Andrei Sergeevich"),
    ("ofac_sdn:27472", "person", "LI, Yi"),
    ("ofac_sdn:46812", "person", "KULEMEKOV, Vladimir"),
])


best = partial(best_of, IDX)


@pytest.mark.parametrize("query", ["John Peter Numbi", "NUMBI Peter John",
                                   "Vladimir Petrovich Kulemekov"])
def test_a_middle_name_the_list_lacks_is_charged_little(query: str) -> None:
    entity, score, why = best(query)
    assert entity in ("ofac_sdn:20420", "ofac_sdn:46812") and score >= 0.80
    assert "middle name not on the list" in str(why["name"]["detail"])
    assert "middle name not on the list" in str(why["extra_words"]["detail"])


@pytest.mark.parametrize("query", [
    "Peter John Numbi",  # a word before the given name: no middle name, another given name
    "Bernardo Luis Valdez Garcia",  # the listed middle name ANTONIO goes unpaired
    "Andrei Pavel Mandel",  # ...the listed patronymic SERGEEVICH
])
def test_another_given_name_stays_evidence_of_another_person(query: str) -> None:
    entity, score, why = best(query)
    assert score < 0.80
    assert "middle name not on the list" not in str(why)


def test_a_middle_initial_keeps_its_weight() -> None:
    # another person with that initial as often as the listed one: named, not lifted
    _, score, why = best("Elena H. Lenskaya")
    assert "h: middle name not on the list" in str(why["name"]["detail"])
    assert "(low weight)" not in str(why["name"]["detail"])
    assert why["extra_words"]["score"] == 0.97


def test_a_syllable_left_over_is_no_middle_name() -> None:
    _, score, why = best("李欣怡")  # li xin yi: another given name than LI, Yi
    assert score < 0.80 and "middle name not on the list" not in str(why)


def test_the_reach_finds_what_a_middle_name_lets_match() -> None:
    """A re-screen's pre-filter (`reach.reaching`, its bound `reach_names`) reaches every
    query the matcher now scores at the threshold through a middle name."""
    queries = ["John Peter Numbi", "NUMBI Peter John", "Vladimir Petrovich Kulemekov",
               "John Peter Paul Numbi", "Peter John Numbi", "Maria Lopez"]
    scored = [max((m.score for m in match(IDX, Query(q))), default=0.0) >= 0.80
              for q in queries]
    assert scored == [True, True, True, False, False, False]  # two middle names: 0.798
    reached = reaching(IDX, queries, [0.0] * len(queries), 0.80)
    assert all(r for r, s in zip(reached, scored, strict=True) if s)
