"""Given names that point at another person (issue 11, `sanctions.matching.given`): a query's
given name paired with the listed second given name or patronymic while the listed first
given name goes unpaired; declared distinct names paired on spelling alone; a common name
taken as an abbreviation; Hangul syllables joined across another first letter. Real rows of
the bundled lists, queries made here (read from the customer file's and the blind dev set's
false alarms, issue 11)."""

from __future__ import annotations

from functools import partial

import pytest

from sanctions.matching.given import distinct, distinct_pairs
from tests.small_index import best_of, index_of

IDX = index_of([
    ("ofac_sdn:9341", "person", "MORALES GUERRERO, Juan Antonio"),
    ("ofac_sdn:8330", "person", "AL-MAJID, Husayn Kamil Hasan"),
    ("uk_sanctions:RUS0020", "person", "Litvinov Boris Alekseevich"),
    ("ofac_sdn:24322", "person", "ZHAROV, Aleksandr"),
    ("ofac_sdn:17185", "person", "ARIF, Said"),
    ("ofac_sdn:26093", "person", "AL-QAHTANI, Saud"),  # a listed Saud: "saood" reads as it
    ("ofac_sdn:24308", "person", "IHSAN, Muhammad"),
    ("ofac_sdn:15606", "person", "JABIR, Ayman"),
    ("ofac_sdn:15656", "person", "RA, Kyong-Su"),
    ("ofac_sdn:22167", "person", "MUSTAFA, Ibrahim"),
    ("ofac_sdn:16994", "person", "GILL, Muhammad Hussein"),
    ("ofac_sdn:31775", "person", "NAUNG, Tun Tun"),
    ("ofac_sdn:21363", "person", "KOTEY, Alexanda Amon"),
    ("ofac_sdn:29113", "person", "MANDEL, Andrei Sergeevich"),
])


best = partial(best_of, IDX)


@pytest.mark.parametrize(("query", "said"), [
    ("Antônio Moraes", "listed given name 'juan' not in the query"),
    ("Majd Kaamil", "listed given name 'husayn' not in the query"),
    ("Aleksey Litvinova", "paired with the listed patronymic 'alekseevich'"),
])
def test_a_second_given_name_or_patronymic_is_no_given_name(query: str, said: str) -> None:
    _, score, why = best(query)
    assert score < 0.80
    assert said in str(why["skipped_given"]["detail"])


@pytest.mark.parametrize("query", [
    "Juan Antonio Morales",  # the first given name there: no charge
    "Juan Morales Guerrero",
    "Boris Litvinov",
    "Hussein Gill",  # a listed first given name Muhammad is often left out
    "Tun Naung",  # NAUNG, Tun Tun: either "tun" is the first given name
    "Kotey Amon",  # the surname exact: a person may go by the second given name
])
def test_a_first_given_name_exact_surname_or_left_out_muhammad_not_charged(query: str) -> None:
    _, score, why = best(query)
    assert "skipped_given" not in why and score >= 0.80


@pytest.mark.parametrize(("query", "pair"), [
    ("Saood Aarif", "saud / said"),
    ("Mahmud Ihsaan", "mahmud / muhammad"),
    ("Cabir Yaman", "yaman / ayman"),
])
def test_declared_distinct_names_are_charged(query: str, pair: str) -> None:
    _, score, why = best(query)
    assert score < 0.80 and pair in str(why["distinct_names"]["detail"])


def test_two_romanisations_of_one_name_are_not_distinct() -> None:
    # the rule the last session dropped charged these; the declared list must not
    assert not distinct("ebrahim", "ibrahim") and not distinct("mostafa", "mustafa")
    assert not distinct("youssef", "yusuf") and not distinct("omar", "umar")
    _, score, why = best("Ebrahim Mostafa")
    assert score >= 0.80 and "distinct_names" not in why
    assert ("said", "saud") in distinct_pairs() and ("saud", "said") in distinct_pairs()


def test_a_common_name_is_no_abbreviation() -> None:
    # 'alan' has the letters of 'aleksandr' in order, and is a name of its own
    _, score, why = best("Alan Zharov")
    assert score < 0.80 and "alan=aleksandr" not in str(why["name"]["detail"])


def test_hangul_syllables_join_only_where_a_listed_word_begins() -> None:
    # pak yong su: 'pakyong' is not 'ra kyong' written apart, whatever their letters share
    _, score, why = best("박영수")
    assert score < 0.80 and "joined_tokens" not in why


@pytest.mark.parametrize("query", [
    "I. S. Mandel",  # an initial for the patronymic is no given name paired with it
    "Ilja Sergeyevich Mandell",  # a patronymic paired with the patronymic: the name score
    # charges the given name left out, this rule does not again
])
def test_initials_and_patronymics_are_not_taken_for_given_names(query: str) -> None:
    _, _, why = best(query)
    assert "skipped_given" not in why
