"""Features that read how common a name is: a query made of common names only, or a company
named by one common name, says less about which party it is than the listed name does.

    >>> from .features import Alignment
    >>> a = Alignment(["prince", "group"], ["prince", "holding", "group"],
    ...               {0: (0, 1.0), 1: (2, 1.0)}, [1.0, 1.0], [1.0, 1.0, 1.0], 1.0)
    >>> feature_one_word(a)
    (0.0, "one common name only: 'prince'")
"""

from __future__ import annotations

from ..normalize import HONORIFICS, LEGAL_CLASSES, common_names
from .features import Alignment
from .slips import TITLES

# Words of companies' names that say what kind of company it is, not which: 'Prince Group' is
# named by 'Prince' as 'Tara LLC' by 'Tara' (where the listed name says more than the query).
_GENERIC = (
    "group groups holding holdings trading international intl global industries industry "
    "enterprise enterprises services service solutions partners associates investments "
    "investment ventures consulting")
GENERIC = frozenset(_GENERIC.split())


def feature_common(a: Alignment) -> tuple[float | None, str]:
    """A query made of common names only ('Ana Lopez') that a longer listed name contains
    ('LOPEZ TORRES, Ana Lilia'): what the query leaves out is what tells namesakes apart. A
    title says no more whether paired or not ('Seyyed Ghasemi': the common name 'Ghasemi',
    against GHASEMI, Morteza as against GHASEMI, Seyyed Reza)."""
    common = common_names()
    left = [a.c[j] for j in a.unmatched_c if len(a.c[j]) > 1 and a.c[j] not in HONORIFICS]
    words = [i for i, t in enumerate(a.q) if t not in TITLES]
    if not left or not words or any(i not in a.pairs or a.q[i] not in common for i in words):
        return None, ""
    return 0.0, f"{' '.join(a.q)!r}: common names only; not in query: {' '.join(left)}"


def feature_one_word(a: Alignment) -> tuple[float | None, str]:
    """A company named by one common name and a legal form ('Tara LLC', 'Morgan Ltd'): many
    companies are, so that word alone does not say which one. So too with words that say
    only what kind of company it is (`GENERIC`: 'Prince Group' for PRINCE HOLDING GROUP, 'Kara
    Group' for TIVA KARA GROUP), where the listed name says more: a word of it (no legal form)
    the query leaves out. A listed 'ISMAIL GENERAL TRADING' asked as 'Ismael General Trading'
    says no more than the query: no charge."""
    words = [t for t in a.q if t not in LEGAL_CLASSES and t not in HONORIFICS]
    if len(words) > 1 and len(names := [t for t in words if t not in GENERIC]) == 1 and any(
            a.c[j] not in LEGAL_CLASSES for j in a.unmatched_c):
        words = names  # the listed name says more than the common name and kinds of company
    if len(words) != 1 or words[0] not in common_names():
        return None, ""
    return 0.0, f"one common name only: {words[0]!r}"
