#!/usr/bin/env python
"""Time `update` from a local mirror (127.0.0.1) serving the bundled official files.

    python scripts/bench_update.py

The database holds every source (built from the snapshots first); the mirror serves the
sources whose official files are bundled byte-exact: OFAC SDN (SDN.CSV, ALT.CSV, ADD.CSV,
SDN_COMMENTS.CSV) and the UN list. Three runs: cold (every file downloaded, parsed, validated,
one full rebuild), warm (every file answers 304, no rebuild) and one changed SDN.CSV.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanctions.ingest.build import build  # noqa: E402
from sanctions.ingest.update import update  # noqa: E402
from sanctions.sources.fetch import Fetcher  # noqa: E402
from tests.mirror_server import serve  # noqa: E402
from tests.test_update import _edit_sdn, snapshot_mirror  # noqa: E402

KEYS = ["ofac_sdn", "un_sc"]


def timed(label: str, db: Path, mirror: str) -> None:
    start = time.perf_counter()
    result = update(db, keys=KEYS, fetcher=Fetcher(mirror=mirror))
    wall = time.perf_counter() - start
    states = ", ".join(f"{s.key} {s.status} ({s.downloaded} dl)" for s in result.sources)
    print(f"{label:<14} {wall:6.2f} s  rebuilt={result.rebuilt!s:<5}  {states}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, db = Path(tmp) / "mirror", Path(tmp) / "db" / "sanctions.db"
        snapshot_mirror(root)
        start = time.perf_counter()
        build(db)
        print(f"{'initial build':<14} {time.perf_counter() - start:6.2f} s  (snapshots, not timed "
              "as update)")
        with serve(root) as m:
            timed("cold update", db, m.url)
            timed("warm update", db, m.url)
            _edit_sdn(root / "ofac_sdn" / "SDN.CSV")
            timed("changed SDN", db, m.url)


if __name__ == "__main__":
    main()
