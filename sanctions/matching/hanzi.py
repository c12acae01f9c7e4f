"""Chinese characters read as a foreign name: how the Chinese press writes non-Chinese names.

The press writes a foreign name one character a syllable, from a small set of characters
Xinhua's transliteration tables give each syllable ('卡德罗夫' KA DE LUO FU: Kadyrov), with a
vowel after a bare consonant (德 de, 斯 si, 夫 fu, 尔 er) and one letter for l and r. Their
pinyin keeps the consonants in order, so a word made only of those characters
(data/names/xinhua.txt) is looked up by its consonant keys, l tried as r, r as zh, j as g or
d, q as ch or k, w as v ('维' wei writes vi):

    >>> hanzi_word("卡德罗夫"), hanzi_word("哈梅内伊"), hanzi_word("普里戈任")
    ('kadlof', 'hameneyi', 'puligren')
    >>> hanzi_keys("卡德罗夫")[:2], has_foreign_hanzi("张建平"), has_foreign_hanzi("扎里夫")
    (['kdlb', 'kdrb'], False, True)

A Chinese name ('张建平') holds characters no transliteration uses and is left alone; only text
holding a word made of transliteration characters pays for any of this.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from pathlib import Path

from ..normalize import name_tokens
from ..scripts import anyascii  # imported when first needed
from .consonants import Written, consonant_key, keys_of
from .letters import script_pattern

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q",
             "x", "r", "z", "c", "s", "y", "w")
# the Latin consonants a pinyin initial writes in foreign names ('基' ji: ki, gi, di)
_ALTS = {"l": ("l", "r"), "r": ("r", "zh"), "j": ("j", "g", "d"), "q": ("ch", "k"),
         "x": ("sh", "s"), "zh": ("zh", "j"), "w": ("w", "v"), "c": ("ts",)}
# a syllable that writes a bare consonant: its vowel dropped before another consonant and at
# the end of a word (not as the word's first syllable)
_BARE = re.compile("^(?:[dtkghlsrzc]e|[szc]i|[fbpmkgltdr]u|er)$")
_FINALS = [(re.compile(a), b) for a, b in (
    ("uo$", "o"), ("ao$", "o"), ("ou$", "o"), ("ei$", "e"), ("ie$", "e"), ("ng$", "n"))]
_WORDS = re.compile("[\\s\u30fb\u00b7=\uff1d-]+")  # spaces, '・', '·', '='
_HAN = script_pattern("[\u3400-\u9fff]")
MAX_KEYS = 16  # consonant keys a word is looked up by, at most
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=1)
def transliteration_characters() -> frozenset[str]:
    path = Path(__file__).parent.parent / "data" / "names" / "xinhua.txt"
    return frozenset("".join(line.strip() for line in path.read_text(encoding="utf-8")
                             .splitlines() if not line.startswith("#")))


def _foreign(word: str) -> bool:
    chars = transliteration_characters()
    return len(word) >= 2 and all(ch in chars for ch in word)


def has_foreign_hanzi(text: str) -> bool:
    """Whether a word of the text is made only of transliteration characters."""
    return _HAN.search(text) is not None and any(map(_foreign, _WORDS.split(text)))


def _syllables(word: str) -> list[tuple[str, str]]:
    """Each character's pinyin as (initial, final), the final as foreign names spell it."""
    out = []
    for ch in word:
        py = anyascii(ch).lower()
        initial = next((i for i in _INITIALS if py.startswith(i) and len(py) > len(i)), "")
        final = py[len(initial):]
        if initial not in ("y", "w"):  # 'ye', 'wei' keep their glide's vowel
            for rx, rep in _FINALS:
                final = rx.sub(rep, final)
        out.append((initial, final))
    return out


def _read(word: str) -> list[tuple[tuple[str, ...], str]]:
    """Each syllable as its initial's alternatives and its final, a bare consonant's vowel
    dropped."""
    syls = _syllables(word)
    out = []
    for i, (initial, final) in enumerate(syls):
        nxt = syls[i + 1] if i + 1 < len(syls) else ("", "")
        if i and _BARE.match(initial + final) and (nxt == ("", "") or nxt[0] not in ("", "y")):
            final = "r" if final == "er" else ""
        out.append((_ALTS.get(initial, (initial,)), final))
    return out


def hanzi_spellings(word: str) -> list[str]:
    """Other Latin spellings of such a word, at most MAX_KEYS: each initial's alternatives, and
    a bare consonant's vowel kept or dropped (普里戈任 'prigzhen', PRIGOZHIN: the first
    syllable 普 pu may write a bare p too, 任 ren a 'zhen')."""
    parts = []
    for i, ((alts, final), (initial, full)) in enumerate(zip(_read(word), _syllables(word),
                                                             strict=True)):
        bare = _BARE.match(initial + full) is not None
        finals = dict.fromkeys((final, full, "") if bare and not i else (final, full))
        parts.append([a + f for a in alts for f in finals])
    first = hanzi_word(word)
    out = dict.fromkeys("".join(p) for p in itertools.islice(itertools.product(*parts), 256))
    return [s for s in out if s != first][:MAX_KEYS]


def hanzi_word(word: str) -> str:
    """A word of transliteration characters read as one foreign word."""
    return "".join(alts[0] + final for alts, final in _read(word))


def hanzi_keys(word: str) -> list[str]:
    """The consonant keys such a word may have as a foreign name, at most MAX_KEYS."""
    parts = [tuple(a + final for a in alts) for alts, final in _read(word)]
    return keys_of(parts, MAX_KEYS)


def hanzi_written(text: str) -> list[Written]:
    """The query's words for `consonants.consonant_readings`: a word of transliteration
    characters by its reading and every consonant key it may have."""
    out: list[Written] = []
    for word in _WORDS.split(text):
        if _foreign(word) and (keys := hanzi_keys(word)):
            out.append(Written(hanzi_word(word), keys[0], alts=tuple(keys[1:]),
                               spellings=tuple(hanzi_spellings(word))))
        else:
            out += [Written(t, consonant_key(t)) for t in name_tokens(word)]
    return out
