"""OFAC Consolidated Sanctions List (non-SDN lists: SSI, NS-MBS, CMIC, PLC, CAPTA, ...).

How the bundled files combine (SOURCES.md section 2): CONSOLIDATED.XML of 2025-03-28 is the
backbone and the only file with aliases (akaList, with strong/weak category). CONS_PRIM.CSV of
2025-08-18 is newer: each of its rows replaces the name, type, programs, title and remarks of the
entry with the same uid/ent_num (or adds one), and since its Remarks restate IDs, dates of birth
and nationalities, the XML's copies of those are dropped unless the Remarks were cut at 1000
characters. CONS_ADD.CSV of 2025-04-21 replaces the XML's addresses for every entry. A
downloaded update uses the same rules with CONS_ALT.CSV and CONS_COMMENTS.CSV when present.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..models import Record
from .base import Expected, Report, SnapshotFile, Source
from .get import download
from .ofac_xml import DATE_FORMATS

KEY = "ofac_cons"
BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
FILES = {
    "xml": "CONSOLIDATED.XML",
    "prim": "CONS_PRIM.CSV",
    "alt": "CONS_ALT.CSV",
    "add": "CONS_ADD.CSV",
    "comments": "CONS_COMMENTS.CSV",
}


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    """Records from roles xml and/or prim (+ alt, add, comments)."""
    from .ofac_common import parse_ofac  # the parser: imported when a build runs it

    yield from parse_ofac(KEY, "Non-SDN", paths, report, ("prim",))


def fetch(dest_dir: Path) -> dict[str, Path]:
    """Download the current official files into dest_dir."""
    return {role: download(KEY, BASE_URL + name, dest_dir / name) for role, name in FILES.items()}


SOURCE = Source(
    key=KEY,
    title="OFAC Consolidated Sanctions List (non-SDN)",
    publisher="U.S. Department of the Treasury, Office of Foreign Assets Control",
    urls=tuple(BASE_URL + name for name in FILES.values()),
    format="OFAC sdnList XML (CONSOLIDATED.XML) and legacy CSV (CONS_PRIM.CSV, CONS_ADD.CSV, ...)",
    licence="Public domain (U.S. Government work)",
    kind="official",
    snapshot=(
        SnapshotFile(
            "xml",
            "ofac_cons/2025-03-28/consolidated.xml",
            "2025-03-28",
            "official",
            "Publish_Date 03/28/2025, Record_Count 443",
            # in this snapshot CONS_PRIM's rows replace every entry's primary fields, so the
            # records are CONS_PRIM's (the main file) and this one adds identifiers and dates
            records=False,
        ),
        SnapshotFile("prim", "ofac_cons/2025-08-18/cons_prim.csv", "2025-08-18", "official"),
        SnapshotFile(
            "add",
            "ofac_cons/2025-04-21/cons_add.csv",
            "2025-04-21",
            "official",
            "line endings turned into LF by the committer",
            records=False,
        ),
    ),
    expected=Expected(total=(300, 5000), min_by_type={"person": 30, "organization": 200}),
    parse=parse,
    fetch=fetch,
    priority=20,
    max_shrink=0.05,  # 443 entries: one delisted program is dozens
    short="OFAC Consolidated",
    snapshot_note=("CONSOLIDATED.XML of 2025-03-28, overlaid by CONS_PRIM (2025-08-18) and "
                   "CONS_ADD (2025-04-21)"),
    date_formats=DATE_FORMATS,
    description="Persons on OFAC's non-SDN lists (sectoral, menu-based, CMIC, ...).",
)
