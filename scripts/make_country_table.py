#!/usr/bin/env python
"""Write sanctions/data/countries.json, the table `sanctions.countries` looks names up in.

    python scripts/make_country_table.py [--check]

The table is countrynames' own name table (about 23,000 normalised names in many languages,
keyed the way `countrynames.to_code` keys them) with its codes already brought to the ones we
return, plus pycountry's official names as the fallback. Building it at run time took half a
second and pulled in ICU; the file loads in milliseconds. The header names the versions of the
two packages the data comes from. tests/test_countries.py fails when the file differs from what
this script makes from the installed packages: after upgrading countrynames or pycountry (or
normality, which keys the names), run it again and read the diff.

Codes countrynames uses beyond ISO 3166-1 are brought back to it here: regions to their country
("UA-CRI" for Crimea → UA, "GB-SCT" → GB), the three withdrawn codes we have always returned
(USSR → SU, Yugoslavia → YU, Serbia and Montenegro → CS), and its non-countries ("FAIL" for
"unknown", ZZ, EU, UN) to null.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from typing import Any

import countrynames
import pycountry

from sanctions.countries import TABLE_PATH, _key

# countrynames' ISO 3166-3 codes for dissolved states → the alpha-2 code they had. Not
# Czechoslovakia (CSHH): its CS was reassigned to Serbia and Montenegro.
WITHDRAWN = {"SUHH": "SU", "YUCS": "YU", "CSXX": "CS"}


def iso_codes() -> frozenset[str]:
    """Alpha-2 codes we return: ISO 3166-1, Kosovo's XK, and withdrawn ones (AN, SU, YU...)."""
    current = {c.alpha_2 for c in pycountry.countries}
    withdrawn = {getattr(c, "alpha_2", "") for c in pycountry.historic_countries}
    return frozenset(current | withdrawn | {"XK"}) - {""}


def alpha2(code: str, iso: frozenset[str]) -> str | None:
    code = WITHDRAWN.get(code, code).split("-")[0]  # "GB-SCT" (Scotland) → GB
    return code if code in iso else None


def grouped(index: dict[str, str]) -> dict[str, list[str]]:
    """{key: code} as {code: sorted keys}: smaller, and a diff reads country by country."""
    groups: dict[str, list[str]] = {}
    for key, code in index.items():
        groups.setdefault(code, []).append(key)
    return {code: sorted(groups[code]) for code in sorted(groups)}


def build_table() -> dict[str, Any]:
    countrynames.to_code("")  # fills countrynames.COUNTRY_NAMES, the table to_code reads
    names: dict[str, str] = dict(countrynames.COUNTRY_NAMES)  # normalised name → its code
    if not names:
        sys.exit("countrynames.COUNTRY_NAMES is empty: has countrynames changed how it loads?")
    iso = iso_codes()
    # to_code returns an input equal to one of its codes (after upper() and strip()) as is,
    # names or not; "FAIL" among them. Those whose answer is null must stay: they stop the
    # name lookup.
    codes = {code: alpha2(code, iso) for code in sorted(set(names.values()))}
    # Names whose answer is null are left out: an absent name means the same (the fallback).
    found = {name: a for name, code in names.items() if (a := alpha2(code, iso))}
    official: dict[str, str] = {}  # pycountry's names, keyed by sanctions.countries._key
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if value := getattr(c, attr, None):
                official[_key(value)] = c.alpha_2
    return {
        "made_by": "scripts/make_country_table.py",
        "countrynames": version("countrynames"),
        "pycountry": version("pycountry"),
        "codes": codes,
        "names": grouped(found),
        "official": grouped(official),
    }


def render(table: dict[str, Any]) -> str:
    """One name a line, so that an upgrade's diff shows each name added, dropped or moved."""
    return json.dumps(table, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the file is current (exit 1 if not)")
    args = parser.parse_args()
    text = render(build_table())
    current = TABLE_PATH.read_text(encoding="utf-8") if TABLE_PATH.exists() else None
    if args.check:
        if text != current:
            sys.exit(f"{TABLE_PATH} is stale: run scripts/make_country_table.py")
        print(f"{TABLE_PATH} is current")
        return
    if text == current:
        print(f"{TABLE_PATH} unchanged")
        return
    TABLE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE_PATH} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
