#!/usr/bin/env python
"""Write common.tsv: given names and surnames common in many countries, from Faker's lists.

    pip install faker        # a dev/test dependency; the table is bundled
    python scripts/make_common_names.py

Faker's person providers carry, per locale, the first and last names most often borne there
(most lists are drawn from national statistics offices' frequency tables). A word that several
locales list ('maria', 'garcia', 'kim', 'ali') says little about who someone is: two people
who share only such words are namesakes more often than not. Output: one line per normalised
word (`sanctions.normalize.name_tokens`) listed by at least MIN_LOCALES locales, with the
number of locales. Read by `sanctions.normalize.common_names`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

import faker
import faker.providers.person as person

from sanctions.normalize import name_tokens

OUT = Path(__file__).resolve().parent.parent / "sanctions" / "data" / "names" / "common.tsv"
MIN_LOCALES = 2  # one locale's list reaches far down its own tail ('raman' in en_IN only)


def locale_names() -> dict[str, set[str]]:
    """word -> the locales whose person provider lists it as a first or last name."""
    found: dict[str, set[str]] = defaultdict(set)
    for m in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"{person.__name__}.{m.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in dir(provider):
            if not attr.startswith(("first_names", "last_names")):
                continue
            values = getattr(provider, attr)
            if isinstance(values, dict):  # some lists are {name: frequency}
                values = list(values)
            if not isinstance(values, list | tuple):
                continue
            for name in values:
                for t in name_tokens(str(name)):
                    if len(t) > 1 and t.isalpha():
                        found[t].add(m.name)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    found = locale_names()
    rows = sorted((t, len(locs)) for t, locs in found.items() if len(locs) >= MIN_LOCALES)
    with args.out.open("w", encoding="utf-8") as f:
        f.write(f"# word\tlocales: Faker {faker.VERSION} person names, in {MIN_LOCALES}+ "
                "locales; scripts/make_common_names.py\n")
        for t, n in rows:
            f.write(f"{t}\t{n}\n")
    print(f"wrote {len(rows)} words to {args.out}")


if __name__ == "__main__":
    main()
