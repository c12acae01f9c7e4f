"""Titles, swapped letters, a surname's particle, kinds of company (issue 11, session 16:
`sanctions.matching.slips`, `sanctions.matching.common`); real rows of the bundled OFAC list,
queries made here."""

from __future__ import annotations

from functools import partial

import pytest

from sanctions.matching.slips import is_title, swapped
from tests.small_index import best_of, index_of

IDX = index_of([
    ("ofac_sdn:21326", "person", "BOGACHEV, Evgeniy Mikhaylovich"),
    ("ofac_sdn:7714", "person", "KRYEZIU, Izmet"),
    ("ofac_sdn:27529", "vessel", "CALM BRIDGE"),
    ("ofac_sdn:29242", "person", "TANG, Chris"),
    ("ofac_sdn:13423", "person", "BADR AL DIN, Mustafa"),
    ("ofac_sdn:54750", "organization", "PRINCE HOLDING GROUP"),
    ("ofac_sdn:42279", "organization", "ISMAIL GENERAL TRADING"),
    ("ofac_sdn:20420", "person", "NUMBI, John"),
    ("ofac_sdn:22790", "person", "MADURO MOROS, Nicolas"),
    ("ofac_sdn:12735", "person", "AL-ASSAD, Bashar"),
])


best = partial(best_of, IDX)


@pytest.mark.parametrize(("query", "entity"), [
    ("Colonl Evgeniy Mikhaylovich BOGACHEV", "ofac_sdn:21326"),  # a title mistyped
    ("Prof. Izmet Kryeziu", "ofac_sdn:7714"),
    ("CLAM BRIDGE", "ofac_sdn:27529"),  # two letters swapped in the key word
    ("Chris ATNG", "ofac_sdn:29242"),
    ("Ismael General Trading", "ofac_sdn:42279"),  # the listed name says no more
])
def test_slips_and_titles_do_not_sink_the_listed_name(query: str, entity: str) -> None:
    got, score, why = best(query)
    assert got == entity and score >= 0.80, why
    assert "distinctive" not in why


@pytest.mark.parametrize(("query", "entity"), [
    ("President Bashar al-Assad", "ofac_sdn:12735"),
    ("President Nicolas Maduro", "ofac_sdn:22790"),
])
def test_an_office_before_the_name_is_a_title(query: str, entity: str) -> None:
    """The press puts an office before a name (issue 11, press set): it weighs as a title
    and replaces no listed word ('President' for MORO's second surname is no other name)."""
    got, _, why = best(query)
    assert got == entity and "distinctive" not in why
    assert is_title("president") and is_title("chairman") and is_title("ayatollah")


def test_a_surname_particle_is_no_key_word() -> None:
    """'el' for the listed 'al' is no replaced surname (on the whole list: 0.724 -> 0.852)."""
    got, _, why = best("Moustafa BADR EL DIN")
    assert got == "ofac_sdn:13423" and "distinctive" not in why


def test_a_title_mistyped_is_no_other_given_name() -> None:
    _, _, why = best("Colonl Evgeniy Mikhaylovich BOGACHEV")
    assert "extra_words" not in why


def test_one_common_name_and_a_kind_of_company_is_charged() -> None:
    _, score, why = best("Prince Group")
    assert score < 0.80 and "one_word" in why


@pytest.mark.parametrize("query", ["John Peter Numbi", "Peter John Numbi"])
def test_a_real_given_name_stays_evidence(query: str) -> None:
    """Names spelled like a title are not read as one: only words no list spells."""
    assert not is_title("peter") and not is_title("saeed") and not is_title("general")
    assert best(query)[1] < 0.95


def test_swapped_is_one_transposition() -> None:
    assert swapped("clam", "calm") and not swapped("mira", "mari") and not swapped("calm", "calm")
