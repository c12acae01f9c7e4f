#!/usr/bin/env python
"""Write equivalents.tsv: spellings of the same given name or surname, from rigour's name data.

    pip install rigour faker        # tools for this script only, not dependencies
    python scripts/make_name_equivalents.py --db /tmp/x.db

rigour (MIT, maintained by OpenSanctions) tags name parts with Wikidata name items
(``Q4925477`` is "Alexander" in every spelling it knows). Its data is compiled into its native
module, so it cannot be listed; this script asks it about a fixed universe of spellings instead:
every person-name token of the built database, Faker's first and last names of many locales,
and romanisation variants of listed tokens made by simple rules (o/u, e/i, y/i, doubled
letters, ks/x, ...). Two spellings are written as equivalent when rigour gives them a common
name item and at least one of them is listed. Output: one line per name item, its spellings.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections import defaultdict
from pathlib import Path

from faker import Faker
from rigour.names import NameTypeTag, SymbolCategory, analyze_names

from sanctions.normalize import name_tokens

OUT = Path(__file__).resolve().parent.parent / "sanctions" / "data" / "names" / "equivalents.tsv"
LOCALES = ["ar_AA", "ar_SA", "az_AZ", "bg_BG", "cs_CZ", "de_DE", "el_GR", "en_US", "es_ES",
           "es_MX", "fa_IR", "fr_FR", "he_IL", "hy_AM", "id_ID", "it_IT", "ja_JP", "ka_GE",
           "ko_KR", "pl_PL", "pt_BR", "ro_RO", "ru_RU", "sk_SK", "sl_SI", "sq_AL",
           "tr_TR", "uk_UA", "vi_VN", "zh_CN"]
RULES = [("o", "u"), ("u", "o"), ("e", "i"), ("i", "e"), ("y", "i"), ("i", "y"), ("a", "e"),
         ("e", "a"), ("ks", "x"), ("x", "ks"), ("ou", "u"), ("u", "ou"), ("ee", "i"),
         ("j", "y"), ("y", "j"), ("kh", "h"), ("h", "kh"), ("ph", "f"), ("f", "ph"),
         ("iy", "y"), ("y", "iy"), ("ii", "y"), ("yu", "iu"), ("ya", "ia"), ("ia", "ya"),
         ("yo", "io"), ("zh", "j"), ("dzh", "j"), ("ch", "tch"), ("ie", "i"), ("w", "v"),
         ("v", "w"), ("c", "k"), ("k", "c"), ("q", "k"), ("oo", "u"), ("ei", "ey"),
         ("ay", "ai"), ("ai", "ay"), ("ts", "tz"), ("sch", "sh"), ("sh", "sch")]


def variants(token: str) -> set[str]:
    out = set()
    for a, b in RULES:
        start = token.find(a)
        while start >= 0:
            out.add(token[:start] + b + token[start + len(a):])
            start = token.find(a, start + 1)
    for i in range(1, len(token)):  # doubled letters, and doubled written single
        if token[i] == token[i - 1]:
            out.add(token[:i] + token[i + 1:])
        elif token[i].isalpha():
            out.add(token[:i] + token[i] + token[i:])
    return {v for v in out if len(v) >= 3}


def symbols(token: str) -> set[str]:
    return {s.id for n in analyze_names(NameTypeTag.PER, [token]) for s in n.symbols
            if s.category == SymbolCategory.NAME}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    conn = sqlite3.connect(args.db)
    listed: set[str] = set()
    for (name,) in conn.execute("SELECT n.name FROM names n JOIN entities e ON e.id = n.entity_id"
                                " WHERE e.type = 'person'"):
        listed.update(t for t in name_tokens(name) if t.isalpha() and len(t) >= 3)
    universe = set(listed)
    for loc in LOCALES:
        try:
            fake = Faker(loc)
        except AttributeError:  # a locale this Faker version lacks
            continue
        fake.seed_instance(1)
        for attr in ("first_names", "last_names", "first_names_male", "first_names_female"):
            pool = getattr(fake, attr, None)
            items = pool.keys() if isinstance(pool, dict) else (pool or ())
            for n in items:
                universe.update(t for t in name_tokens(str(n)) if t.isalpha() and len(t) >= 3)
    for t in list(listed):
        universe |= variants(t)
    by_symbol: dict[str, set[str]] = defaultdict(set)
    for t in sorted(universe):
        for s in symbols(t):
            by_symbol[s].add(t)
    lines = []
    for s, toks in sorted(by_symbol.items(), key=lambda kv: (len(kv[0]), kv[0])):
        if len(toks) >= 2 and toks & listed:
            lines.append(f"{s}\t{' '.join(sorted(toks))}")
    OUT.write_text("# spellings of one name (Wikidata item), from rigour; see README.md\n"
                   + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} names, {sum(len(x.split()) - 1 for x in lines)} spellings -> {OUT}")


if __name__ == "__main__":
    main()
