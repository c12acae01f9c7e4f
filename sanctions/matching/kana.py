"""Katakana words read as a foreign name: how the Japanese press writes non-Japanese names.

Japanese writes a foreign name by sound in katakana, one word a name with '・' between words
('アレクサンドル・ルカシェンコ'), a vowel after every consonant that has none (ku, su, ru, do,
to: 'a-re-ku-sa-n-do-ru', Aleksandr) and one consonant for l and r. anyascii reads the small
kana of foreign sounds letter by letter ('ショイグ' shiyoigu, 'ディ' dei). Read by the modified
Hepburn table below (the standard one, with the extended katakana of the Japanese cabinet's
1991 notice on loanwords, 外来語の表記), with an added vowel dropped, it meets the listed
romanisation:

    >>> kana_word("アレクサンドル"), kana_word("ルカシェンコ"), kana_word("ショイグ")
    ('areksandr', 'rukashenko', 'shoig')
    >>> kana_word("ラムザン"), kana_word("カディロフ"), kana_word("プーチン")
    ('ramzan', 'kadirof', 'puchin')

The consonant keys (`kana_keys`) try l for r, t for ch ('チ' writes 'ti' too) and d for j ('ジ'
writes 'zhi', PRIGOZHIN), so `consonants.consonant_readings` finds the listed spelling.
Only text holding katakana pays for any of this.
"""

from __future__ import annotations

import re

from ..normalize import name_tokens
from .consonants import Written, consonant_key, keys_of

_ROWS = {  # the gojuon with dakuten and handakuten, modified Hepburn
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu", "ョ": "yo",
}
# A kana and a small one after it: one syllable. The small ya/yu/yo after an i-kana; the
# extended katakana of foreign sounds (fa, ti, di, she, je, che, tsa, wi, we, wo, va...)
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_V = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_PAIRS: dict[str, str] = {}
for _k, _v in _ROWS.items():
    if _v.endswith("i") and len(_v) > 1 and _k not in "ヰ":
        stem = _v[:-1]
        for _s, _vow in _SMALL_Y.items():  # キャ kya, シャ sha, チョ cho, ジュ ju
            _PAIRS[_k + _s] = (stem if stem in ("sh", "ch", "j") else stem + "y") + _vow
        for _s, _vow in _SMALL_V.items():  # シェ she, ジェ je, チェ che, ティ... below
            _PAIRS.setdefault(_k + _s, (stem if stem in ("sh", "ch", "j") else stem + "y")
                              + _vow)
for _k, _cons in (("フ", "f"), ("ヴ", "v"), ("ウ", "w"), ("ツ", "ts"), ("ク", "kw"),
                  ("グ", "gw"), ("テ", "t"), ("デ", "d"), ("ト", "t"), ("ド", "d"),
                  ("ス", "s"), ("ズ", "z"), ("イ", "y")):
    for _s, _vow in _SMALL_V.items():  # ファ fa, ヴィ vi, ウェ we, ツァ tsa, ティ ti, ドゥ du
        _PAIRS[_k + _s] = _cons + _vow
_PAIRS.update({"テュ": "tyu", "デュ": "dyu", "フュ": "fyu", "ウィ": "wi", "イェ": "ye"})
_STEM_ALTS = {"r": ("r", "l"), "ch": ("ch", "t"), "j": ("j", "d"), "w": ("w", "v")}
# a kana that writes a consonant with no vowel of its own, as Japanese adds one: its vowel is
# dropped before another consonant and at the end of a word (not as the word's first kana)
_ADDED = re.compile("^(?:k|g|s|z|ts|f|b|p|m|r)u$|^(?:t|d)o$")
_KATAKANA = re.compile("[\u30a1-\u30fa]")
_WORDS = re.compile("[\\s\u30fb\u30a0=\uff1d\u00b7-]+")  # spaces, '・', '゠', '=', '·', '-'
MAX_KEYS = 16  # consonant keys a katakana word is looked up by, at most
_VOWELS = frozenset("aeiou")


def has_katakana(text: str) -> bool:
    return _KATAKANA.search(text) is not None


def _syllables(word: str) -> list[str]:
    """A katakana word as its syllables, ッ doubling the next consonant, ー dropped (the
    lists write long vowels once)."""
    out: list[str] = []
    double = False
    k = 0
    while k < len(word):
        pair, ch = word[k:k + 2], word[k]
        k += 1
        if pair in _PAIRS:
            syl = _PAIRS[pair]
            k += 1
        elif ch in _ROWS:
            syl = _ROWS[ch]
        elif ch == "ッ":
            double = True
            continue
        else:  # ー, or what no table holds
            continue
        if double and syl[0] not in _VOWELS:
            syl = syl[0] + syl
        double = False
        out.append(syl)
    return out


def _dropped(syls: list[str]) -> list[str]:
    """The syllables with each vowel Japanese adds to a bare consonant left out."""
    out = list(syls)
    for i in range(1, len(syls)):
        nxt = syls[i + 1][:1] if i + 1 < len(syls) else ""
        if _ADDED.match(syls[i]) and (nxt == "" or nxt not in _VOWELS and nxt != "y"):
            out[i] = syls[i][:-1]
    return out


def kana_word(word: str) -> str:
    """A katakana word read as one foreign word, the vowels Japanese adds left out."""
    return "".join(_dropped(_syllables(word)))


def kana_keys(word: str) -> list[str]:
    """The consonant keys a katakana word may have as a foreign name, at most MAX_KEYS."""
    parts: list[tuple[str, ...]] = []
    for i, syl in enumerate(_dropped(_syllables(word))):
        if i == 0 and syl == "u":  # a first 'u' before a consonant writes a v ('ウラジーミル')
            parts.append(("u", "v"))
            continue
        stem = syl.rstrip("aeiou")
        rest = syl[len(stem):]
        if len(stem) > 1 and stem[0] == stem[1]:
            stem = stem[1:]  # doubled by ッ: the key writes it once anyway
        alts = _STEM_ALTS.get(stem, (stem,))
        parts.append(tuple(a + rest for a in alts))
    return keys_of(parts, MAX_KEYS)


def _words(text: str) -> list[str]:
    """The words, a katakana run cut from the characters it is written against: in
    '鈴木ガス' (Suzuki Gas) only 'ガス' writes a foreign word, and the name is more than it."""
    return [run for w in _WORDS.split(text) if w for run in _RUNS.findall(w)]


_RUNS = re.compile("[ァ-ヿ]+|[^ァ-ヿ]+")


def kana_joined(text: str) -> list[str]:
    """The query's tokens with each katakana word read as one foreign word
    ('アレクサンドル・ルカシェンコ' -> ['areksandr', 'rukashenko'])."""
    out: list[str] = []
    for word in _words(text):
        read = kana_word(word) if _KATAKANA.search(word) else ""
        out += [read] if read else name_tokens(word)
    return out


def kana_written(text: str) -> list[Written]:
    """The query's words for `consonants.consonant_readings`: a katakana word by its reading
    and every consonant key it may have."""
    out: list[Written] = []
    for word in _words(text):
        if _KATAKANA.search(word) and (keys := kana_keys(word)):
            out.append(Written(kana_word(word), keys[0], alts=tuple(keys[1:])))
        else:
            out += [Written(t, consonant_key(t)) for t in name_tokens(word)]
    return out
