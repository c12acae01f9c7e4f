"""Token similarity: the one measure retrieval and scoring share.

    >>> from .config import DEFAULT_CONFIG as C
    >>> token_similarity("madura", "maduro", C, False), token_similarity("x", "xavier", C, True)
    (0.8333, 0.85)
    >>> token_similarity("pyotr", "peter", C, False)  # one name in rigour's data
    0.95
    >>> token_similarity("hezbollah", "hizballah", C, False)  # one romanisation key
    0.85
    >>> token_similarity("e", "al", C, True)  # 'Abd E. Samie' for 'ABD EL SAMIE'
    0.85
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from ..normalize import VARIANTS, equivalents, phonetic_key, vowel_fold
from .config import MatchConfig

# A query's initial 'E.' and a listed 'al': the article as Egyptian names write it ('Abd El
# Samie'), which normalisation reads 'al' (`normalize._EL_ARTICLE`); the initial is of the
# word as written. (A query's 'el' is read 'al' too: it pairs with a listed 'al' as a word.)
INITIAL_OF_ARTICLE = ("e", "al")

# Every spelling of the names with variants, and for each canonical form its spellings.
SPELLINGS: dict[str, tuple[str, ...]] = {
    canon: tuple(v for v in VARIANTS if VARIANTS[v] == canon and v != canon)
    for canon in set(VARIANTS.values())}


def token_equivalence(q: str, c: str, cfg: MatchConfig) -> float:
    """Two spellings of one name: in one group of the equivalents table (rigour's name data),
    alike but for long vowels (and a listed q written k), or with one romanisation key of 4+
    consonants and 60% of their letters alike; else 0."""
    if q == c:
        return 1.0
    eq = equivalents()
    # five letters at least: rigour links syllables of East Asian names across languages
    # ('jin' and 'kim' are one Chinese character), which would pair 'jong' with 'tong'
    if (len(q) >= 5 and len(c) >= 5 and (gq := eq.get(q)) and (gc := eq.get(c)) and gq & gc):
        return cfg.equivalent_similarity
    if min(len(q), len(c)) >= 3 and max(len(q), len(c)) >= 4 and q.isalpha() and c.isalpha() and (
            (fq := vowel_fold(q)) == (fc := vowel_fold(c)) or (
                "q" in fc and fq == fc.replace("q", "k"))):  # 'yunoos' / 'yunus', 'deen' /
        # 'din', 'kuds' / 'quds': one spelling, its long vowels written long, q as k
        return cfg.equivalent_similarity
    if (len(q) >= 5 and len(c) >= 5 and q.isalpha() and c.isalpha()
            and len(key := phonetic_key(q)) >= 4 and key == phonetic_key(c)
            # not 'carter', 'carretero'; a doubled letter or a final h is no more length
            and min(lq := _length(q), lc := _length(c)) >= 0.8 * max(lq, lc)  # ('hezbollah')
            and OSA.normalized_similarity(q, c) >= 0.6):  # not marshall, marcelo
        return cfg.phonetic_similarity
    return 0.0


def _length(token: str) -> int:
    """Letters as a romanisation key counts them: a doubled letter once, a final h not."""
    return len(token) - sum(a == b for a, b in zip(token, token[1:], strict=False)) - (
        token.endswith("h"))


def token_similarity(q: str, c: str, cfg: MatchConfig, initials: bool) -> float:
    """Two tokens: 1 when equal, an initial's fixed score, OSA similarity above the floor, or
    the similarity of two spellings of one name."""
    if q == c:
        return 1.0
    if not (q.isalpha() and c.isalpha()):  # tokens are [a-z0-9]+: numbers match only exactly
        return 0.0
    if len(q) == 1 or len(c) == 1:  # initials stand for names of people, not of companies
        return cfg.initial_similarity if initials and (
            c.startswith(q) or q.startswith(c) or (q, c) == INITIAL_OF_ARTICLE) else 0.0
    # OSA: a typo or a swapped pair of letters is one edit; unlike fuzz.ratio, letters added
    # to a short name cost their full share ('carter' is not 'carretero'). A name with
    # spelling variants is as near as its nearest spelling ('ahemd' to 'ahmad' via 'ahmed').
    s = max(OSA.normalized_similarity(q, v) for v in (c, *SPELLINGS.get(c, ())))
    s = round(s, 4)
    return max(s if s >= cfg.token_floor else 0.0, token_equivalence(q, c, cfg))
