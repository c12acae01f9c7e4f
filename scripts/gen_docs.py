#!/usr/bin/env python
"""Write the README's source table from the source declarations.

    python scripts/gen_docs.py [--check]

With --check, exit 1 when README.md is out of date instead of writing it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sanctions.sources import all_sources
from sanctions.sources.table import with_table

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    old = README.read_text(encoding="utf-8")
    new = with_table(old, all_sources())
    if args.check:
        print("README.md source table is " + ("up to date" if new == old else "OUT OF DATE"))
        sys.exit(0 if new == old else 1)
    README.write_text(new, encoding="utf-8")
    print(f"wrote the source table of {README.name} ({len(all_sources())} sources)")


if __name__ == "__main__":
    main()
