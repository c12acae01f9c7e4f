"""A tenth of the bundled OFAC SDN snapshot, for tests of update logic that need a real list of
the real shape but not its 15,000 entries (a build of the full SDN costs some 15 s of CPU).

Every tenth row of the bundled SDN.CSV and of the 2026 excerpt is kept, with the "OKUKA,
Branislav" row (line 14,500: in the part a 5% cut drops); the alias, address and comment rows
of the entries kept come along. Rows are copied byte for byte, OFAC's end marker included:
nothing is invented. The source is the registered one with these files as its snapshot and
its count bounds scaled by the same tenth.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sanctions.sources import get_source
from sanctions.sources.base import Expected, Source

EVERY = 10
OKUKA = b"48179"  # ent_num of "OKUKA, Branislav"


def _lines(data: bytes) -> tuple[list[bytes], bytes]:
    """A file's lines (each with its line end) and what follows the last one (OFAC's 0x1a)."""
    lines = data.splitlines(keepends=True)
    tail = b""
    if lines and not lines[-1].endswith(b"\n"):
        tail = lines.pop()
    return lines, tail


def _ent_num(line: bytes) -> bytes:
    return line.split(b",", 1)[0]


def small_sdn(dest: Path) -> Source:
    """Write the trimmed snapshot files into dest; the SDN source that reads them."""
    sdn = get_source("ofac_sdn")
    paths = sdn.snapshot_paths()
    dest.mkdir(parents=True, exist_ok=True)
    kept: set[bytes] = set()
    out: dict[str, Path] = {}
    for role in ("sdn", "sdn_excerpt"):  # the files with records: pick entries
        lines, tail = _lines(paths[role].read_bytes())
        pick = [ln for i, ln in enumerate(lines) if i % EVERY == 0 or _ent_num(ln) == OKUKA]
        kept.update(_ent_num(ln) for ln in pick)
        out[role] = dest / paths[role].name
        out[role].write_bytes(b"".join(pick) + tail)
    for role in ("alt", "add", "comments"):  # the rows of the entries picked
        lines, tail = _lines(paths[role].read_bytes())
        out[role] = dest / paths[role].name
        out[role].write_bytes(b"".join(ln for ln in lines if _ent_num(ln) in kept) + tail)
    snapshot = tuple(dataclasses.replace(f, path=str(out[f.role])) for f in sdn.snapshot)
    lo, hi = sdn.expected.total
    expected = Expected((lo // EVERY, hi // EVERY),
                        {t: n // EVERY for t, n in sdn.expected.min_by_type.items()})
    return dataclasses.replace(sdn, snapshot=snapshot, expected=expected)
