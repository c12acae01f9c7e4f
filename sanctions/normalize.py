"""Name normalisation, pure and shared by import and query time.

    >>> normalize_name("MADURO MOROS, Nicolás")
    'maduro moros nicolas'
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_name(name: str) -> str:
    """Casefold, transliterate to ASCII, drop punctuation, squeeze spaces."""
    text = anyascii(unicodedata.normalize("NFKC", name)).casefold()
    return _NON_ALNUM.sub(" ", text).strip()
