"""Words the press sets aside in a name: a nickname in quotes ('Ismael "El Mayo" Zambada'), an
acronym or a gloss in brackets ('Tren de Aragua (TdA)'). The listed name seldom writes them
there (a nickname is an a.k.a. of the record, if at all), so a query holding them is also
tried without them, as one of its forms (`query.prepare`, scored at `joined_factor` like
every form but the query itself); the re-screen's bound follows it (`reach_forms`).

A single quote opens an aside only after a space or at the start, and closes one only before
a space or at the end: the apostrophes of "Mu'ammar", "O'Neil" or OFAC's "'ABD AL-'AZIZ" open
none.

    >>> aside_form('Ismael "El Mayo" Zambada'), aside_form("Tren de Aragua (TdA)")
    (['ismael', 'zambada'], ['tren', 'de', 'aragua'])
    >>> aside_form("'Abd al-'Aziz"), aside_form("(TdA)"), aside_form("Nicolas Maduro")
    (None, None, None)
    >>> aside_form("OOO «Romashka»"), aside_form("Hezbollah (Party of God)")
    (None, None)
"""

from __future__ import annotations

import re

from ..normalize import LEGAL_CLASSES, name_tokens

_ASIDE = re.compile(r"""\([^()]*\)|\[[^\[\]]*\]|"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»"""
                    r"""|(?<!\S)'[^']+'(?!\S)|(?<!\S)‘[^’]+’(?!\S)""")
_OPENERS = frozenset("([\"“„«'‘")


def aside_form(text: str) -> list[str] | None:
    """The tokens of `text` without its asides in quotes or brackets; None where it has none,
    or fewer than two words besides them that are no legal form."""
    if _OPENERS.isdisjoint(text):  # most names: no quote nor bracket at all
        return None
    rest = _ASIDE.sub(" ", text)
    if rest == text:
        return None
    tokens = name_tokens(rest)
    # two words or more that are no legal form: a Russian company's name is its quoted part
    # ('ЗАО «Ромашка»'), and one word left says little
    return tokens if sum(t not in LEGAL_CLASSES for t in tokens) >= 2 else None
