"""OFAC Specially Designated Nationals (SDN) list, from the legacy CSV files or SDN.XML.

Bundled snapshot (see sanctions/data/SOURCES.md, sections 1 and 9): the last complete SDN.CSV
(2024-05-03) is the backbone; a 126-row excerpt of a mid-2026 SDN.CSV replaces the rows with the
same ent_num and adds 112 entries (TREN DE ARAGUA, CARTEL DE LOS SOLES, 2025-26 tankers);
ALT/ADD of 2026-06-02 and SDN_COMMENTS of 2025-12-24 are joined by ent_num. Rows of those files
whose entry is not in this older SDN.CSV are counted in the report, not fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..models import Record
from .base import Expected, Report, SnapshotFile, Source
from .get import download
from .ofac_xml import DATE_FORMATS

KEY = "ofac_sdn"
BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
# role -> official file name; fetch() downloads the CSV set (SDN.XML is an alternative to it).
FILES = {"sdn": "SDN.CSV", "alt": "ALT.CSV", "add": "ADD.CSV", "comments": "SDN_COMMENTS.CSV"}
# The excerpt is applied after the full file: its rows are newer.
MAIN_ROLES = ("sdn", "sdn_excerpt")


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    """Records from roles sdn (+ sdn_excerpt, alt, add, comments), or xml (SDN.XML)."""
    from .ofac_common import parse_ofac  # the parser: imported when a build runs it

    yield from parse_ofac(KEY, "SDN", paths, report, MAIN_ROLES)


def fetch(dest_dir: Path) -> dict[str, Path]:
    """Download the current official CSV set into dest_dir."""
    return {role: download(KEY, BASE_URL + name, dest_dir / name) for role, name in FILES.items()}


SOURCE = Source(
    key=KEY,
    title="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    publisher="U.S. Department of the Treasury, Office of Foreign Assets Control",
    urls=tuple(BASE_URL + name for name in (*FILES.values(), "SDN.XML")),
    format="OFAC legacy CSV (SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV) or sdnList XML",
    licence="Public domain (U.S. Government work)",
    kind="official",
    snapshot=(
        SnapshotFile(
            "sdn",
            "ofac_sdn/2024-05-03/sdn.csv",
            "2024-05-03",
            "official",
            "last complete SDN.CSV available offline; 14,965 rows",
        ),
        SnapshotFile(
            "sdn_excerpt",
            "ofac_sdn/2026-excerpt/sdn_excerpt.csv",
            "2026-06-02",
            "excerpt",
            "mid-2026 or later (as_of is a lower bound: its max ent_num is above the "
            "2026-06-02 add.csv's); excerpt of 126 rows, not the full list",
        ),
        # aliases, addresses and cut remarks of the entries above: no records of their own
        SnapshotFile("alt", "ofac_sdn/2026-06-02/alt.csv", "2026-06-02", "official",
                     records=False),
        SnapshotFile("add", "ofac_sdn/2026-06-02/add.csv", "2026-06-02", "official",
                     records=False),
        SnapshotFile("comments", "ofac_sdn/2025-12-24/sdn_comments.csv", "2025-12-24",
                     "official", records=False),
    ),
    expected=Expected(
        total=(14000, 40000),
        min_by_type={"person": 5000, "organization": 5000, "vessel": 500, "aircraft": 200},
    ),
    parse=parse,
    fetch=fetch,
    priority=10,
    short="OFAC SDN",
    snapshot_note=("the full sdn.csv of 2024-05-03, a 126-row excerpt of a mid-2026 sdn.csv, "
                   "ALT/ADD of 2026-06-02, comments of 2025-12-24"),
    date_formats=DATE_FORMATS,
    description="U.S. sanctions list of individuals, entities, vessels and aircraft whose "
    "property is blocked; one record per ent_num, programs as designations.",
)
