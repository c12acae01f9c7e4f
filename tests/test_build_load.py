"""The build's load of a large source: chunks written on a thread of their own while the parser
reads on (sanctions/ingest/load.py), and a file refused after chunks were written.

The file is the real FtM sample's Maduro entity and its Sanction, repeated with numbered ids
(`test-copy-N`): SYNTHETIC volume, not a list entry; its only purpose is more records than a
few chunks.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.ingest.build import build
from sanctions.ingest.ftm import ftm_inputs
from sanctions.ingest.load import CHUNK

SAMPLE = Path(__file__).parent / "fixtures" / "ftm_sample.ftm.json"
COPIES = 2 * CHUNK + 7  # three chunks, the last one short


def _copies(n: int) -> bytes:
    lines = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    person = next(e for e in lines if e["id"] == "ofac-sdn-22790")
    sanction = next(e for e in lines if e["schema"] == "Sanction"
                    and e["properties"].get("entity") == ["ofac-sdn-22790"])
    out = []
    for i in range(n):
        eid = f"test-copy-{i}"
        out.append(json.dumps({**person, "id": eid, "referents": []}))
        out.append(json.dumps({**sanction, "id": f"{eid}-sanction",
                               "properties": {**sanction["properties"], "entity": [eid]}}))
    return ("\n".join(out) + "\n").encode()


def _build(db: Path, path: Path) -> None:
    sources, inputs = ftm_inputs({"copies": path})
    build(db, sources=sources, inputs=inputs)


def test_every_chunk_is_written_in_the_files_order(tmp_path: Path) -> None:
    path = tmp_path / "copies.ftm.json"
    path.write_bytes(_copies(COPIES))
    db = tmp_path / "sanctions.db"
    _build(db, path)
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT source_id FROM entities ORDER BY rowid")]
    assert ids == [f"test-copy-{i}" for i in range(COPIES)]
    # each copy got its own Sanction, attached once: the same listings as the first copy
    listings: dict[str, list[tuple[str, ...]]] = {}
    for eid, *listing in conn.execute("SELECT entity_id, authority, list, program, listed_on, "
                                      "status, reference FROM designations ORDER BY id"):
        listings.setdefault(eid, []).append(tuple(listing))
    first = listings["copies:test-copy-0"]
    assert len(first) == 3
    assert len(listings) == COPIES
    assert all(found == first for found in listings.values())
    conn.close()


def test_a_bad_line_after_written_chunks_refuses_the_file_and_keeps_the_database(
        tmp_path: Path) -> None:
    db = tmp_path / "sanctions.db"
    good = tmp_path / "good.ftm.json"
    good.write_bytes(_copies(3))
    _build(db, good)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / "cut.ftm.json"
    data = _copies(COPIES)
    bad.write_bytes(data[: len(data) - 30])  # the last line cut: 2 x COPIES - 1 lines before it
    with pytest.raises(SourceError) as err:
        _build(db, bad)
    assert str(err.value).startswith(f"copies (cut.ftm.json): line {2 * COPIES:,} is not a "
                                     "JSON object (")
    assert str(err.value).endswith("; the file looks truncated")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []
