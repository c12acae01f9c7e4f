"""Names to show beside the ISO codes of `entities.countries`: for each code, the name the lists
themselves use most often for it (in addresses and flags, else nationalities), so "KP" reads
"Korea, North" as OFAC writes it. Made from the data, not a hand-kept table.

    >>> country_labels(conn)["KP"]  # doctest: +SKIP
    'Korea, North'
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

from ..countries import country_code

# Addresses and flags name countries ("Palestinian Territories"); nationalities are often
# demonyms ("Palestinian"), used only for a country no address or flag names.
_PLACES = """
SELECT country, count(*) FROM addresses WHERE country IS NOT NULL GROUP BY country
UNION ALL SELECT flag, count(*) FROM vessels WHERE flag IS NOT NULL GROUP BY flag
"""
_NATIONALITIES = "SELECT country, count(*) FROM nationalities GROUP BY country"


def country_labels(conn: sqlite3.Connection) -> dict[str, str]:
    """ISO code -> the most frequent way the lists write that country."""
    labels: dict[str, str] = {}
    for sql in (_PLACES, _NATIONALITIES):
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text, n in conn.execute(sql):
            code = country_code(text)
            if code and code not in labels and text and text.strip().upper() != code:
                counts[code][text.strip()] += n  # "RU" says nothing beside RU
        labels.update({code: c.most_common(1)[0][0] for code, c in counts.items()})
    return labels
