"""Other scripts read as Latin letters, for names: Hangul syllable by syllable as DPRK names
are listed, Chinese characters one by one, Greek letter pairs as one sound, the rest through
anyascii; and which scripts a text is written in (for the explanation of how a query was read).
`normalize.name_tokens` reads every name through `read_as_latin` first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache


def anyascii(text: str) -> str:
    """anyascii's transliteration, its package imported on first non-ASCII text: anyascii
    returns ASCII text as it is, and importing it brings importlib.resources (with tempfile,
    shutil, random...), about 8 ms of a one-off query's start that an ASCII name never needs."""
    return text if text.isascii() else _anyascii()(text)


@cache
def _anyascii() -> Callable[[str], str]:
    from anyascii import anyascii as transliterate

    return transliterate  # type: ignore[no-any-return]


_HANGUL_LEAD = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch",
                "k", "t", "p", "h"]
_HANGUL_VOWEL = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo",
                 "u", "wo", "we", "wi", "yu", "u", "ui", "i"]
_HANGUL_TAIL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
                "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
_SCRIPTS = ((0x0370, 0x03FF, "Greek"), (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"),
            (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"),
            (0x10A0, 0x10FF, "Georgian"), (0x3040, 0x30FF, "Japanese kana"),
            (0x3400, 0x9FFF, "Chinese characters"), (0xAC00, 0xD7A3, "Hangul"),
            (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"))


def _hangul(ch: str) -> str:
    """One Hangul syllable, romanised as DPRK names are listed ('김' -> 'kim', '정' -> 'jong')."""
    code = ord(ch) - 0xAC00
    lead, rest = divmod(code, 588)
    vowel, tail = divmod(rest, 28)
    return f" {_HANGUL_LEAD[lead]}{_HANGUL_VOWEL[vowel]}{_HANGUL_TAIL[tail]} "


# Greek letter pairs that write one sound in names taken from other languages ('Λουκασένκο',
# 'Αλεξάντερ': Lukashenko, Alexander), where anyascii writes the letters one by one.
_GREEK = re.compile("[\u0370-\u03ff]")
_GREEK_PAIRS = [(re.compile(a, re.I), b) for a, b in (
    (r"ου", "u"), (r"\bμπ", "b"), (r"μπ", "mb"), (r"(?<=[αεηιοωυάέήίόύώ])ντ", "nd"),
    (r"ντ", "d"), (r"γκ", "g"), (r"γγ", "ng"))]


def read_as_latin(text: str) -> str:
    """Hangul syllables and Chinese characters one by one, Greek letter pairs as one sound,
    the rest through anyascii."""
    if _GREEK.search(text):
        text = unicodedata.normalize("NFC", "".join(
            ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)))
        for rx, rep in _GREEK_PAIRS:
            text = rx.sub(rep, text)
    if not any(ch >= "\u3400" for ch in text):
        return anyascii(text)
    out = []
    for ch in text:
        if "\uac00" <= ch <= "\ud7a3":
            out.append(_hangul(ch))
        elif "\u3400" <= ch <= "\u9fff":
            out.append(f" {anyascii(ch)} ")
        else:
            out.append(anyascii(ch))
    return "".join(out)


def scripts_of(text: str) -> list[str]:
    """The non-Latin scripts a text is written in, in order of first use."""
    found: list[str] = []
    for ch in text:
        if ch.isalpha() and ord(ch) >= 0x0370:
            name = next((n for lo, hi, n in _SCRIPTS if lo <= ord(ch) <= hi), "non-Latin")
            if name not in found:
                found.append(name)
    return found
