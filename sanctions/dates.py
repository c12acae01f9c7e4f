"""Dates: one module for every source, the linker and the matcher.

Sources publish dates in their own shapes ("23 Nov 1962", "February 20, 2025", "25.6.2024",
"24/02/2022 00:00"); each source declares its `date_formats` (strptime patterns) on its
`Source`, and its parser calls `parse_date(text, formats)`. Everything stored is a reduced ISO
date: "1962-11-23", "1962-11" or "1962". Kept by hand rather than with dateutil: the formats are
few and declared, and a guessing parser would read "02/03/1960" either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_YEAR = re.compile(r"^\d{4}$")
_REDUCED = re.compile(r"^(?:(?P<d>\d{1,2}) )?(?:(?P<m>[A-Z][a-z]{2}) )?(?P<y>\d{4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T].*)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str | None, formats: Iterable[str]) -> str | None:
    """The ISO day of `text` in the first of `formats` that reads it; a bare year stays a year;
    blank or unreadable -> None.

    >>> parse_date("February 20, 2025", ("%B %d, %Y", "%m/%d/%Y"))
    '2025-02-20'
    >>> parse_date(" 1970 ", ()), parse_date("soon", ("%Y-%m-%d",))
    ('1970', None)
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    if _YEAR.match(text):
        return text
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def reduced_iso(text: str) -> str | None:
    """OFAC's day-month-year with what is known: '23 Nov 1962' -> '1962-11-23',
    'Nov 1962' -> '1962-11', '1962' -> '1962'; anything else -> None.

    >>> reduced_iso("23 Nov 1962"), reduced_iso("Nov 1962"), reduced_iso("23 1962")
    ('1962-11-23', '1962-11', None)
    """
    m = _REDUCED.match(text)
    if not m or (m["m"] and m["m"] not in MONTHS) or (m["d"] and not m["m"]):
        return None
    parts = [m["y"]] + ([MONTHS[m["m"]]] if m["m"] else []) + (
        [f"{int(m['d']):02d}"] if m["d"] else [])
    return "-".join(parts)


def day_first(text: str) -> str:
    """European day-first dates, with any separator and an optional time:
    '25.6.2024', '23-07-2025', '24/02/2022 00:00' -> ISO day; ISO passes through; else ValueError.

    >>> day_first("25.6.2024"), day_first("24/02/2022 00:00"), day_first("2024-01-31")
    ('2024-06-25', '2022-02-24', '2024-01-31')
    """
    text = text.strip()
    if _ISO_DAY.match(text):
        return text
    m = _DAY_FIRST.match(text)
    if not m:
        raise ValueError(text)
    day, month, year = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(text)
    return f"{year:04d}-{month:02d}-{day:02d}"


def bounds(reduced: str) -> tuple[str, str]:
    """A reduced ISO date as an inclusive range of comparable strings.

    >>> bounds("1962"), bounds("1962-11-23")
    (('1962-00-00', '1962-99-99'), ('1962-11-23', '1962-11-23'))
    """
    if len(reduced) >= 10:
        return reduced, reduced
    return reduced + "-00-00"[: 10 - len(reduced)], reduced + "-99-99"[: 10 - len(reduced)]


def birth_bounds(date: str | None, date_from: str | None, date_to: str | None,
                 circa: bool) -> tuple[str, str] | None:
    """A birth date as an inclusive (from, to) range of ISO days; circa widens it by a year.

    >>> birth_bounds("1962", None, None, True)
    ('1961-00-00', '1963-99-99')
    """
    lo, hi = (date, date) if date else (date_from, date_to)
    if not lo or not hi:
        return None
    lo_y, hi_y = int(lo[:4]) - circa, int(hi[:4]) + circa
    lo = f"{lo_y:04d}{lo[4:]}" if len(lo) == 10 and not circa else f"{lo_y:04d}-00-00"
    hi = f"{hi_y:04d}{hi[4:]}" if len(hi) == 10 and not circa else f"{hi_y:04d}-99-99"
    if len(lo) == 7:
        lo += "-00"
    if len(hi) == 7:
        hi += "-99"
    return lo, hi


def age_days(as_of: str | None, today: date) -> int | None:
    """Days from a reduced ISO date (its first day) to today.

    >>> age_days("2026-11", date(2026, 11, 30))
    29
    """
    if not as_of:
        return None
    parts = [int(p) for p in as_of.split("-")] + [1, 1]
    return (today - date(parts[0], parts[1], parts[2])).days
