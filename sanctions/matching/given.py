"""Given names that point at another person than the listed one, though a word pairs.

Two name checks (`names.NAME_CHECKS`), both only lowering a person's name score:

- `feature_skipped_given`: the query's given name pairs with the listed person's second given
  name or patronymic while the listed first given name goes unpaired. 'Antônio Moraes' is no
  spelling of 'MORALES GUERRERO, Juan Antonio', nor 'Aleksey Litvinova' of 'Litvinov Boris
  Alekseevich' (there 'Aleksey' names the father): a namesake at most. People do go by their
  second given name, so the second given name counts against only where no surname is
  written exactly ('Kotey Amon' for 'KOTEY, Alexanda Amon' is not charged); and a listed
  first given name that is a form of Muhammad is exempt: it is often left out ('Hussein Gill'
  for 'GILL, Muhammad Hussein'). Where the list gives no surnames (the UK's and the UN's
  names), the patronymic half still applies: a query's given name paired with a listed
  patronymic is no given name wherever it stands.
- `feature_distinct_names`: a query name and a listed name that are two distinct names, not
  two spellings of one, paired on spelling alone ('Saood' as 'saud' against 'SAID';
  'Mahmud' against 'MUHAMMAD'). The pairs are declared, with why, in
  `sanctions/data/names/distinct.tsv`; one vowel apart is as often one name in two
  romanisations (Ebrahim / Ibrahim, Mostafa / Mustafa), so no rule of letters decides it.

    >>> from .features import Alignment
    >>> a = Alignment(["antonio", "moraes"], ["morales", "guerrero", "juan", "antonio"],
    ...               {0: (3, 1.0), 1: (0, 0.86)}, [1.0, 1.0], [1.0] * 4, 0.3)
    >>> skipped_given(a, [0, 1])
    "listed given name 'juan' not in the query; 'antonio' is its second"
    >>> distinct("saud", "said"), distinct("ebrahim", "ibrahim")
    (True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..normalize import HONORIFICS, LEGAL_CLASSES, VARIANTS, vowel_fold
from .config import MatchConfig
from .features import Alignment
from .index import Index
from .listed import listed

_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ovna|evna|ivna|ogly|oglu|ogli|kyzy|qizi)$")
# forms of Muhammad, often left out before the name a person goes by: a listed word arrives
# folded by VARIANTS ('mohammed', 'mohd', 'md'... are 'muhammad'), so only forms it lacks
_MUHAMMAD = frozenset(("muhammad", "mhd", "mahomed"))
# words that begin a compound given name or are no given name ('abd al rahman', 'abu')
_PARTICLE_WORDS = ("al el ad ar as ash at az abu abd abdul abdel bin ben ibn bint de da del dos "
                   "van von")
_PARTICLES = frozenset(_PARTICLE_WORDS.split())


def _given(t: str) -> bool:
    """A listed word that may be a person's given name."""
    return (len(t) > 2 and t.isalpha() and t not in HONORIFICS and t not in LEGAL_CLASSES
            and t not in _PARTICLES)


def skipped_given(a: Alignment, sur: list[int]) -> str | None:
    """What `feature_skipped_given` says of alignment `a` (listed surnames at `sur`), or None."""
    c, pairs = a.c, a.pairs
    used = {j: i for i, (j, _) in pairs.items()}
    surs = set(sur)
    # a surname written exactly corroborates a person known by the second given name ('Kotey
    # Amon' for 'KOTEY, Alexanda Amon'); a surname spelled otherwise does not
    if surs and not a.syllabic and not any(j in surs and s == 1 for j, s in pairs.values()):
        given = [j for j in range(len(c)) if j not in surs and _given(c[j])]
        first = c[given[0]] if given else ""
        # ('NAUNG, Tun Tun': 'tun' paired with either is the first given name)
        # a patronymic paired with a patronymic says nothing of the given name: the name score
        # charges the given name left out ('Illia Dmitriyevich' for 'Ilya Dmitrievich')
        later = [j for j in given[1:] if j in used and len(a.q[used[j]]) > 1
                 and not (_PATRONYMIC.search(c[j]) and _PATRONYMIC.search(a.q[used[j]]))]
        if len(given) >= 2 and given[0] not in used and first not in _MUHAMMAD and all(
                c[j] != first for j in used) and later:
            second = c[later[0]]
            return (f"listed given name {c[given[0]]!r} not in the query; {second!r} is its "
                    "second")
    # a query given name paired with the listed patronymic, the listed given name unpaired
    for i, (j, s) in pairs.items():
        if s < 1 and len(a.q[i]) > 1 and _PATRONYMIC.search(c[j]) and not _PATRONYMIC.search(
                a.q[i]) and any(  # (an initial may stand for the patronymic: 'Y. I. Bessonov')
                k not in used and k not in surs and _given(c[k]) and not _PATRONYMIC.search(c[k])
                for k in range(len(c))):
            return f"{a.q[i]!r} paired with the listed patronymic {c[j]!r}; the given name unpaired"
    return None


def feature_skipped_given(a: Alignment, idx: Index, n_i: int,
                          cfg: MatchConfig) -> tuple[float | None, str]:
    """A query given name paired with the listed second given name or patronymic while the
    listed first given name goes unpaired: another person of that family, at most."""
    if len(a.pairs) < 2 or len(a.pairs) >= len(a.c):  # most names: no listed word left over
        return None, ""
    ln = a.ln if a.ln is not None else listed(idx, n_i, cfg)
    said = skipped_given(a, ln.sur)
    return (None, "") if said is None else (0.0, said)


@lru_cache(maxsize=65536)
def _key(t: str) -> str:
    return vowel_fold(VARIANTS.get(t, t))


@lru_cache(maxsize=1)
def distinct_pairs() -> frozenset[tuple[str, str]]:
    """The declared pairs of distinct names (data/names/distinct.tsv), both ways round."""
    path = Path(__file__).parent.parent / "data" / "names" / "distinct.tsv"
    found: set[tuple[str, str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        left, right = line.split("\t")[:2]
        for x in left.split():
            for y in right.split():
                found |= {(_key(x), _key(y)), (_key(y), _key(x))}
    return frozenset(found)


def distinct(q: str, c: str) -> bool:
    """Whether query word q and listed word c are two distinct names (`distinct_pairs`)."""
    return (_key(q), _key(c)) in distinct_pairs()


def feature_distinct_names(a: Alignment, idx: Index, n_i: int,
                           cfg: MatchConfig) -> tuple[float | None, str]:
    """A query name paired with a listed name that is another name, not its spelling."""
    found = [f"{a.q[i]} / {a.c[j]}" for i, (j, s) in a.pairs.items()
             if s < 1 and distinct(a.q[i], a.c[j])]
    if not found:
        return None, ""
    return 0.0, "distinct names, not spellings of one: " + ", ".join(found)
