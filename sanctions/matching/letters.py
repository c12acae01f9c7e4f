"""Patterns of a non-Latin script's letters, compiled when a text that may hold one first asks.

re.compile lists every code point of a character class: '[\u3400-\u9fff]' (the CJK
ideographs, 27,000 of them) costs it about 12 million instructions, and the four such patterns
the matcher compiled at import were 7% of a whole one-off query (`sanctions screen NAME`), most
of whose names hold no such letter. Every match of these patterns holds a letter of its
script, never an ASCII character, so a text in plain ASCII matches none of them:
`script_pattern` gives a pattern that answers such a text at once, and compiles itself when
another text first asks. Its answers are the compiled pattern's, whatever the text.

    >>> han = script_pattern("[\u3400-\u9fff]{3,}")
    >>> han.search("Xi Jinping") is None, han.search("\u4e60\u8fd1\u5e73").group()
    (True, '\u4e60\u8fd1\u5e73')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast


class _ScriptPattern:
    """A compiled pattern's methods the matcher uses, and its source (`pattern`), which other
    patterns are built from without compiling this one."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _re(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile it: the same pattern either way
            compiled = self._compiled = re.compile(self.pattern)
        return compiled

    def search(self, text: str, *span: int) -> re.Match[str] | None:
        return None if text.isascii() else self._re().search(text, *span)

    def match(self, text: str, *span: int) -> re.Match[str] | None:
        return None if text.isascii() else self._re().match(text, *span)

    def fullmatch(self, text: str, *span: int) -> re.Match[str] | None:
        return None if text.isascii() else self._re().fullmatch(text, *span)

    def finditer(self, text: str, *span: int) -> Iterator[re.Match[str]]:
        return iter(()) if text.isascii() else self._re().finditer(text, *span)

    def findall(self, text: str, *span: int) -> list[str]:
        return [] if text.isascii() else self._re().findall(text, *span)

    def __repr__(self) -> str:
        return f"script_pattern({self.pattern!r})"


def script_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled on first use by a text that is not ASCII; every match of `pattern`
    must hold a character outside ASCII (tests/test_match_scripts.py checks those given)."""
    return cast("re.Pattern[str]", _ScriptPattern(pattern))
