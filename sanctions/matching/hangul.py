"""Hangul words read as a foreign name: how the Korean press writes non-Korean names.

Korean names are listed syllable by syllable ('김정은' -> KIM JONG UN, `sanctions.normalize`).
A foreign name in Hangul is one word whose syllables spell sounds, with a vowel 'eu' (ㅡ)
added after every consonant that has none ('알렉산드르' al-lek-san-deu-reu: Aleksandr). Read
as one word, with that vowel dropped, it meets the listed romanisation:

    >>> loanword("알렉산드르"), loanword("루카셴코"), loanword("블라디미르"), loanword("푸틴")
    ('aleksandr', 'lukashenko', 'bladimir', 'putin')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container

from ..normalize import name_tokens
from .consonants import Written, likeness
from .letters import script_pattern

# The consonants as loanwords use them (ㄱ 'g', ㅂ 'b': the press writes a foreign g and b so),
# not as DPRK names are listed (ㄱ 'k')
_LEAD = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "tch", "ch",
         "k", "t", "p", "h"]
_VOWEL = ["a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "oe", "yo", "u", "wo",
          "we", "wi", "yu", "", "ui", "i"]
_TAIL = ["", "k", "k", "ks", "n", "n", "n", "t", "l", "lk", "lm", "lb", "ls", "lt", "lp", "l",
         "m", "p", "ps", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
_EU, _R, _L_TAIL, _SILENT = 18, 5, 8, 11  # ㅡ, ㄹ as onset, ㄹ as tail, ㅇ
_SIBILANT = {"s", "ss", "j", "ch", "tch"}  # before 'y': one sound ('셴' shen, not syen)
_WORD = script_pattern("[\uac00-\ud7a3]{2,}")
# The commonest Korean surnames (about nine Koreans in ten bear one of them)
_SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류유전홍고문양"
                      "손배백허남심노하곽성차주우구민진나지엄채원천방공현"
                      "함변염여추도소석선설길연위표명기반왕금옥육인맹제모"
                      "탁국어은편용")
_GLIDE_Y = re.compile("y(?=[aeiou])")  # a 'y' before a vowel is a consonant
_NOT_VOWEL = re.compile("[^aeiouy]")


def loanword(word: str) -> str:
    """A word of Hangul syllables read as one foreign word."""
    out: list[str] = []
    prev_tail = -1
    for k, ch in enumerate(word):
        lead, rest = divmod(ord(ch) - 0xAC00, 588)
        vowel, tail = divmod(rest, 28)
        onset = _LEAD[lead]
        if lead == _R:  # 'l' where it starts the word, nothing where a tail ㄹ already says it
            onset = "" if prev_tail == _L_TAIL else "l" if k == 0 else "r"
        nucleus = _VOWEL[vowel]
        if vowel == _EU and lead == _SILENT:
            nucleus = "u"  # '으': a vowel of its own, not one added
        elif vowel == _EU and onset == "j":
            onset = "z"  # '즈' writes a z ('헤즈볼라' Hezbollah): Korean has no z
        if onset in _SIBILANT and nucleus.startswith("y"):
            onset, nucleus = ("sh" if onset.startswith("s") else onset), nucleus[1:]
        out.append(onset + nucleus + _TAIL[tail])
        prev_tail = tail
    return "".join(out)


def has_hangul_word(text: str) -> bool:
    """Whether the query may be a foreign name in Hangul: a word of two syllables or more, and
    not a Korean name alone ('이숙자': one word of three syllables that starts with a common
    Korean surname and has no vowel added to a bare consonant, as '하마스', HAMAS, has)."""
    if _WORD.search(text) is None:
        return False
    word = text.strip()
    return not (_WORD.fullmatch(word) and len(word) == 3 and word[0] in _SURNAMES
                and not any(_added_vowel(ch) for ch in word))


def _added_vowel(ch: str) -> bool:
    """A syllable of a consonant and 'eu' (ㅡ) alone, which writes a bare consonant ('스')."""
    lead, rest = divmod(ord(ch) - 0xAC00, 588)
    return rest == _EU * 28 and lead != _SILENT


def hangul_joined(text: str) -> list[str]:
    """The query's tokens with each Hangul word of two syllables or more read as one foreign
    word ('알렉산드르 루카셴코' -> ['aleksandr', 'lukashenko'])."""
    out: list[str] = []
    for word in text.split():
        out += [loanword(word)] if _WORD.fullmatch(word) else name_tokens(word)
    return out


# Each consonant's classes as `consonants.consonant_key` writes Latin ones (g/k/q 'k', b/p/v/f
# 'b', z/d 'd', s/sh/ch/ts 's', kh/h 'h'), with the letters Korean writes alike: ㄹ is l or r,
# ㅈ j or z, a final ㅅ t or s. A first ㅇ before a 'y' or 'w' vowel may be written ('Yevgeny')
# or not ('Evgeny').
_LEAD_KEYS = [("k",), ("k",), ("n",), ("d",), ("t",), ("r", "l"), ("m",), ("b",), ("b",),
              ("s",), ("s",), ("",), ("j", "d"), ("s", "j"), ("s",), ("k",), ("t",), ("b",),
              ("h",)]
_TAIL_KEYS = [("",), ("k",), ("k",), ("ks",), ("n",), ("n",), ("n",), ("t",), ("l", "r"),
              ("lk",), ("lm",), ("lb",), ("ls",), ("lt",), ("lb",), ("l",), ("m",), ("b",),
              ("bs",), ("t", "s"), ("t", "s"), ("nk",), ("t",), ("s",), ("k",), ("t",), ("b",),
              ("t",)]
_GLIDE = {2: "y", 3: "y", 6: "y", 7: "y", 12: "y", 17: "y", 9: "w", 10: "w", 14: "w", 15: "w",
          16: "w"}  # vowels that start with a glide
MAX_KEYS = 16  # consonant keys a Hangul word is looked up by, at most
MIN_ALIKE = 0.5  # a reading's listed word spelled this much like the Hangul one, or misread


def hangul_keys(word: str) -> list[str]:
    """The consonant keys a Hangul word may have as a foreign name, at most MAX_KEYS."""
    parts: list[tuple[str, ...]] = []
    prev_tail = -1
    for k, ch in enumerate(word):
        lead, rest = divmod(ord(ch) - 0xAC00, 588)
        vowel, tail = divmod(rest, 28)
        if lead == _SILENT and k == 0 and vowel in _GLIDE:
            parts.append(("", _GLIDE[vowel]))
        elif not (lead == _R and prev_tail == _L_TAIL):  # ㄹㄹ: one l
            parts.append(("d",) if lead == 12 and vowel == _EU else _LEAD_KEYS[lead])
        # a vowel ('V') keeps two like consonants apart ('vyacheslav': s, s), as in Latin keys
        parts.append(("V",) if vowel != _EU or lead == _SILENT else ("",))
        parts.append(_TAIL_KEYS[tail])
        prev_tail = tail
    keys: list[str] = []
    for combo in itertools.islice(itertools.product(*parts), MAX_KEYS * 4):
        key = re.sub(r"(.)\1+", r"\1", "".join(combo)).replace("V", "")
        if key and key not in keys:
            keys.append(key)
    return keys[:MAX_KEYS]


def hangul_written(text: str) -> list[Written]:
    """The query's words for `consonants.consonant_readings`: a Hangul word of two syllables
    or more by its loanword reading and every consonant key it may have."""
    from .consonants import consonant_key

    out: list[Written] = []
    for word in text.split():
        if _WORD.fullmatch(word) and (keys := hangul_keys(word)):
            out.append(Written(loanword(word), keys[0], alts=tuple(keys[1:])))
        else:
            out += [Written(t, consonant_key(t)) for t in name_tokens(word)]
    return out


def misread(words: list[Written], reading: list[str], listed: Container[str] = ()) -> int:
    """How many words a reading spells unlike the Hangul's own letters or vowels (Hangul
    writes its vowels, so a listed word that shares only the consonants, 'hms' for '하미스',
    'manzi' for '오민지', is another name), plus one when the words read hold fewer than three
    consonants. A word spelled as written is read too where it is `listed` (a Chinese
    transliteration's reading is no form of the query: `consonant_readings`, unread)."""
    read = [(w, r) for w, r in zip(words, reading, strict=True) if w.word != r or r in listed]
    short = sum(len(w.key) for w, _ in read) < 3
    return short + sum(likeness(w, r) < MIN_ALIKE or likeness(w, r, _vowels) < MIN_ALIKE
                       for w, r in read)


def _vowels(word: str) -> str:
    """The vowels in order, a 'y' between consonants among them ('kadyrov' 'aio')."""
    return _NOT_VOWEL.sub("", _GLIDE_Y.sub("", word).replace("y", "i"))
