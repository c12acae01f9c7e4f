"""Reward amounts written in prose, as whole US dollars.

    >>> parse_usd("The FBI is offering a reward of up to $10,000 for information")
    10000
    >>> parse_usd("offering a reward of up to US$2.5 million")
    2500000
"""

from __future__ import annotations

import re

# "$5 million", "US$ 50 million", "USD 1,000,000", "$250,000"; the scale word is optional.
_AMOUNT = re.compile(
    r"(?:US\s?\$|USD\s?|\$)\s?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|[kmb])\b)?",
    re.IGNORECASE,
)
_SCALES: dict[str, int] = {
    "": 1,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "billion": 1_000_000_000,
}


def find_usd(text: str) -> list[int]:
    """Every dollar amount in `text`, in order of appearance.

    >>> find_usd("up to $5 million for X and up to $3 million for Y")
    [5000000, 3000000]
    """
    amounts = []
    for m in _AMOUNT.finditer(text):
        number = float(m.group("number").replace(",", ""))
        scale = _SCALES[(m.group("scale") or "").lower()]
        amounts.append(round(number * scale))
    return amounts


def parse_usd(text: str | None) -> int | None:
    """The first dollar amount in `text` (the "up to" maximum in reward texts), or None."""
    amounts = find_usd(text or "")
    return amounts[0] if amounts else None
