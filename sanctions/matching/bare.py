"""One word alone: a query that names a party by a single word says less than it seems.

A compliance analyst's view: a customer called 'Vargas' is not an alarm on 'VARGAS, Jorge',
it is a lookup. The listed given name the query leaves out is what would tell that person
from the many who share the surname, and a one-word query cannot say it. Likewise a one-word
company or ship name one letter away from a one-word listed name ('Moura', 'OURA') is as
likely another word as a slip, when the letter is the first (slips rarely hit a word's first
letter; a name is recognised by its start) or when the two words agree only by their
romanisation key ('Marques', 'MARQUISE': a short word's four consonants, its vowels free, are
shared by many words).

Each check here only lowers a score (a factor of `MatchConfig`), so no bound on what a name
can score changes. The checks read only what the query and the listed name say; a birth date
or identifier that agrees is corroboration, and then nothing is charged (`qualify`).

    >>> from .features import Alignment
    >>> a = Alignment(["vargas"], ["vargas", "jorge"], {0: (0, 1.0)}, [1.0], [1.3, 1.0], 0.3)
    >>> feature_bare_person(a)
    (0.0, "one word only: 'vargas'; not in query: jorge")
    >>> b = Alignment(["moura"], ["oura"], {0: (0, 0.8)}, [1.0], [1.0], 1.0)
    >>> feature_one_word_slip(b)
    (0.0, "one word only, unlike at its first letter: 'moura' for 'oura'")
"""

from __future__ import annotations

from collections.abc import Container

from rapidfuzz.distance import OSA

from ..normalize import HONORIFICS, LEGAL_CLASSES
from .config import MatchConfig
from .facts import feature_birth_date
from .features import Alignment
from .types import Entity, Prepared, Query

# A word this short (letters) paired with another by its romanisation key alone is no
# evidence by itself: 'marques', 'marquise' and 'markus' share one key. 'hezbollah' (9) is
# longer: its vowels are fewer of its letters' choices.
KEY_ONLY_SHORTER = 8
PRESS_NAME_CHARS = 4
# kana, Chinese characters, Hangul, half-width kana: compared, not a regex, whose compiler walks
# every code point of these ranges (about 5 ms of every process's start)
_SYLLABIC = (("\u3040", "\u30ff"), ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"),
             ("\uac00", "\ud7a3"), ("\uff66", "\uff9f"))
EQUIVALENT = 0.95  # a pair this alike is one name's spellings (`tokens.token_equivalence`)


def _words(tokens: list[str], paired: Container[int] = ()) -> list[int]:
    """Positions of the name's words: no legal form or lone initial, and no honorific
    unless `paired` (a query's 'Sheikh' paired with a listed name's says as much as a name)."""
    return [i for i, t in enumerate(tokens) if len(t) > 1 and t not in LEGAL_CLASSES
            and (t not in HONORIFICS or i in paired)]


def press_name(text: str) -> bool:
    """A query written as a foreign name in Chinese characters, kana or Hangul, of four
    characters or more ('卢卡申科', 'ヒズボラ'): the press writes a known foreign party by one
    word there, and a native name of those scripts is shorter (two or three characters:
    '武宁' is a Chinese name, not the foreign word it could be read as)."""
    letters = [ch for ch in text if not ch.isspace() and ch not in "・·=-"]
    return len(letters) >= PRESS_NAME_CHARS and all(
        any(lo <= ch <= hi for lo, hi in _SYLLABIC) for ch in letters)


def feature_bare_person(a: Alignment) -> tuple[float | None, str]:
    """A query of one word (a bare surname or given name) paired with one word of a listed
    person's name of several: the names it leaves out are evidence it may be someone else.
    Or paired with a one-word listed name (a nickname alias: 'MAURO') it does not spell:
    one word, and not even that word. A query word that stands for several listed ones
    ('AlekseyMAKAROV' split) is no bare word: the query's best form then has several."""
    qw = _words(a.q, a.pairs)
    if len(qw) != 1 or qw[0] not in a.pairs:
        return None, ""
    j, s = a.pairs[qw[0]]
    used = {j for j, _ in a.pairs.values()}
    words = _words(a.c)
    left = [a.c[k] for k in words if k not in used]
    if left:
        return 0.0, f"one word only: {a.q[qw[0]]!r}; not in query: {' '.join(left)}"
    if words == [j] and s < EQUIVALENT:
        return 0.0, f"one word only, not spelled alike: {a.q[qw[0]]!r} for {a.c[j]!r}"
    return None, ""


def feature_one_word_slip(a: Alignment) -> tuple[float | None, str]:
    """A one-word query against a one-word listed company or ship name, not spelled alike:
    unlike at the first letter, or alike only by the romanisation key of a short word (two
    edits apart or more: a slip is one, 'grnch' for 'grinch')."""
    qw = _words(a.q, a.pairs)
    # the listed name's every word but legal forms: 'B LUMINOSA' is two ('bluminosa' joined)
    cw = [j for j, t in enumerate(a.c) if t not in LEGAL_CLASSES and t not in HONORIFICS]
    if len(qw) != 1 or len(cw) != 1 or qw[0] not in a.pairs:
        return None, ""
    j, s = a.pairs[qw[0]]
    q, c = a.q[qw[0]], a.c[j]
    if j != cw[0] or s >= EQUIVALENT or q == c:  # spellings of one name ('qasem', 'kasem')
        return None, ""
    if q[0] != c[0] and q[1::-1] != c[:2]:  # not 'atmia' for 'tamia': a swap is a slip
        return 0.0, f"one word only, unlike at its first letter: {q!r} for {c!r}"
    if len(q) < KEY_ONLY_SHORTER and OSA.distance(q, c) >= 2:
        return 0.0, f"one short word only, alike by its romanisation key: {q!r} for {c!r}"
    return None, ""


def feature_guessed_word(a: Alignment, p: Prepared) -> tuple[float | None, str]:
    """A one-word query read by its consonants (an abjad word, or Chinese characters read as
    one foreign word) against a one-word listed name of a person (a nickname alias): the
    reading is one guess of several at the vowels ('毛林' read as 'moalin' for MO'ALIN),
    and one word is all it says. Not for companies: an abjad query for a company named by
    one word is how the press writes it ('حماس' for HAMAS)."""
    if not p.read_from or len(qw := _words(a.q, a.pairs)) != 1 or qw[0] not in a.pairs \
            or len(_words(a.c)) != 1:
        return None, ""
    guesses = p.alternatives[p.read_from:] + p.vessel_alternatives[p.read_from:]
    if a.q not in guesses or a.q in p.alternatives[:p.read_from]:
        return None, ""
    return 0.0, f"one word only, its vowels guessed: {a.q[qw[0]]!r}"


def qualify(a: Alignment, e: Entity, query: Query, p: Prepared,
            cfg: MatchConfig) -> tuple[float, dict[str, object] | None]:
    """The factor the checks above put on a candidate's score (1: none applies), and what
    they saw. Corroboration lifts the charge: a birth date that agrees, or an identifier
    the entity carries (which settles the match anyway)."""
    s: float | None = None
    if e.type == "person":
        s, detail, factor = *feature_bare_person(a), cfg.bare_name_factor
    elif e.type in ("organization", "vessel"):
        s, detail, factor = *feature_one_word_slip(a), cfg.one_word_slip_factor
    if s is None and e.type == "person":  # not a company: 'حماس' read as 'hamas' is HAMAS
        s, detail, factor = *feature_guessed_word(a, p), cfg.bare_name_factor
    if s is None or press_name(query.name):
        return 1.0, None
    if not p.identifiers.isdisjoint(e.identifiers) or feature_birth_date(
            query.birth_date, e)[0]:
        return 1.0, {"score": 1.0, "detail": detail + " (corroborated: no charge)"}
    return factor, {"score": factor, "detail": detail}
