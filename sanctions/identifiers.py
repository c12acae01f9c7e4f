"""Checks for identifier schemes that carry their own check digits."""

from __future__ import annotations

import re

_IMO = re.compile(r"^\d{7}$")
_ID_CLEAN = re.compile(r"[^0-9a-z]")


def identifier_key(value: str) -> str:
    """How identifiers are compared, listed and queried alike.

    >>> identifier_key("A-1234 567")
    'a1234567'
    """
    return _ID_CLEAN.sub("", value.lower())


def imo_is_valid(imo: str) -> bool:
    """IMO ship numbers: the 7th digit is sum(digit_i * (7 - i)) mod 10 over the first six.

    >>> imo_is_valid("9323596"), imo_is_valid("9323597")
    (True, False)
    """
    if not _IMO.match(imo):
        return False
    digits = [int(c) for c in imo]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10 == digits[6]


def clean_imo(text: str) -> str | None:
    """The 7 digits of an IMO number written as 'IMO 9323596', '9323596' or 'IMO: 9323596'."""
    m = re.search(r"(?<!\d)(\d{7})(?!\d)", text)
    return m.group(1) if m else None
