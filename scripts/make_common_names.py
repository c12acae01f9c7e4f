#!/usr/bin/env python
"""Write common.tsv: given names and surnames that many people bear, from two sources that
have nothing to do with the Faker lists the customer file is generated from.

    pip install names==0.3.0     # its 1990 US Census name files (public domain)
    python scripts/make_common_names.py --db <a built database>

- **The lists themselves**: a word that the person names of MIN_LISTED or more different
  listed people (clusters) of MIN_COUNTRIES or more countries carry ('muhammad', 'sergei',
  'kim', 'hernandez', 'maria') is one that two people share by chance; it says little about
  which of them a customer is.
- **The 1990 US Census** name frequency files, as the `names` package ships them: surnames
  borne by at least CENSUS_LAST percent of the population, first names by at least
  CENSUS_FIRST percent of either sex ('smith', 'meyer', 'david', 'linda').

Output: one line per normalised word (`sanctions.normalize.name_tokens`), with the number of
listed people who bear it and whether the Census lists it. Read by
`sanctions.normalize.common_names`.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import names

from sanctions.normalize import name_tokens
from sanctions.screening import get_index

OUT = Path(__file__).resolve().parent.parent / "sanctions" / "data" / "names" / "common.tsv"
MIN_LISTED = 3  # different listed people bearing the word
MIN_COUNTRIES = 2  # ...of at least this many countries between them
CENSUS_LAST = 0.005  # percent of the population: about the 2,750 commonest US surnames
CENSUS_FIRST = 0.01  # percent of one sex: about the 1,300 commonest first names
CENSUS_FILES = (("dist.all.last", CENSUS_LAST), ("dist.male.first", CENSUS_FIRST),
                ("dist.female.first", CENSUS_FIRST))


def listed_people(db: Path) -> dict[str, int]:
    """word -> how many listed people (clusters) carry it in one of their names, for words
    whose bearers are of MIN_COUNTRIES countries or more: a family's name ('maduro',
    'putin', 'makhlouf') is listed many times over and is no common name."""
    idx = get_index(db)
    bearers: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, set[str]] = defaultdict(set)
    for n, row in enumerate(idx.names):
        e = idx.entities[row.entity]
        if e.type == "person":
            for t in idx.tokens[n]:
                if len(t) > 1 and t.isalpha() and t.isascii():
                    bearers[t].add(e.cluster or e.id)
                    countries[t].update(e.countries)
    return {t: len(people) for t, people in bearers.items()
            if len(countries[t]) >= MIN_COUNTRIES}


def census() -> set[str]:
    """Words of the commonest US surnames and first names (1990 Census, public domain)."""
    folder = Path(names.__file__).parent
    found: set[str] = set()
    for file, floor in CENSUS_FILES:
        for line in (folder / file).read_text(encoding="ascii").splitlines():
            name, percent = line.split()[:2]
            if float(percent) >= floor:
                found.update(t for t in name_tokens(name) if len(t) > 1)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a built database (the lists)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    listed, us = listed_people(args.db), census()
    words = sorted({t for t, n in listed.items() if n >= MIN_LISTED} | us)
    with args.out.open("w", encoding="utf-8") as f:
        f.write(f"# word\tlisted people bearing it ({MIN_LISTED}+ counts)\tin the 1990 US "
                "Census commonest names (1/0); scripts/make_common_names.py\n")
        for t in words:
            f.write(f"{t}\t{listed.get(t, 0)}\t{int(t in us)}\n")
    print(f"wrote {len(words)} words to {args.out} "
          f"({sum(1 for t in words if listed.get(t, 0) >= MIN_LISTED)} from the lists, "
          f"{len(us)} from the Census)")


if __name__ == "__main__":
    main()
