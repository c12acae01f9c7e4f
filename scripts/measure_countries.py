#!/usr/bin/env python
"""How `sanctions.countries.country_code` does on every country string of a built database.

    python scripts/measure_countries.py --db db/sanctions.db [--old /tmp/countries_old.py]

Reads nationalities.country, addresses.country, vessels.flag and the JSON lists in
entities.countries; prints how many distinct strings there are, how many map, the ones that
do not (with how often they occur), and, given an older copy of the module (`--old`, a file
path), every string the two map differently.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sanctions.countries import country_code

Mapper = Callable[[str | None], str | None]
COLUMNS = (("nationalities", "country"), ("addresses", "country"), ("vessels", "flag"))


def country_strings(db: Path) -> Counter[str]:
    """Every country string in the database, with how many rows hold it."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    counts: Counter[str] = Counter()
    for table, column in COLUMNS:
        for (value,) in conn.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"):
            counts[value] += 1
    for (countries,) in conn.execute("SELECT countries FROM entities"):
        counts.update(json.loads(countries))
    conn.close()
    return counts


def load_mapper(path: Path) -> Mapper:
    spec = importlib.util.spec_from_file_location("countries_old", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    mapper: Mapper = module.country_code
    return mapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    parser.add_argument("--old", type=Path, help="an older countries.py to compare with")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no database at {args.db}")

    counts = country_strings(args.db)
    strings = sorted(counts, key=str.casefold)
    new = {s: country_code(s) for s in strings}
    unmapped = [s for s in strings if new[s] is None]
    print(f"distinct strings: {len(strings)} ({sum(counts.values())} occurrences)")
    print(f"mapped:   {len(strings) - len(unmapped)}")
    print(f"unmapped: {len(unmapped)}")
    for s in unmapped:
        print(f"  {s!r} ×{counts[s]}")
    if args.old is None:
        return
    old_map = load_mapper(args.old)
    old = {s: old_map(s) for s in strings}
    old_unmapped = sum(1 for s in strings if old[s] is None)
    print(f"old module ({args.old}): mapped {len(strings) - old_unmapped}, "
          f"unmapped {old_unmapped}")
    changed = [s for s in strings if old[s] != new[s]]
    print(f"mapped differently: {len(changed)}")
    for s in changed:
        print(f"  {s!r} ×{counts[s]}: {old[s]} -> {new[s]}")


if __name__ == "__main__":
    main()
