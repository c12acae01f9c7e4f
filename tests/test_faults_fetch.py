"""The download fault cases of scripts/faults.py (scripts/fault_cases/fetch.py), run as tests,
and the .ods reader's limits on crafted spreadsheets."""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fault_cases.fetch import (  # noqa: E402
    CASES,
    CONTENT_HEAD,
    CONTENT_TAIL,
    HEADER_ROW,
    MIMETYPE,
    ods,
    zip_file,
)

from sanctions.errors import SourceError  # noqa: E402
from sanctions.sources.ods import ods_rows  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_case(case: object, tmp_path: Path) -> None:
    observed = case.run(tmp_path)  # type: ignore[attr-defined]
    if case.ok is None:  # type: ignore[attr-defined]
        assert observed == case.expected  # type: ignore[attr-defined]
    else:
        assert case.ok(observed), observed  # type: ignore[attr-defined]


def sheet(rows: bytes) -> bytes:
    """A one-sheet .ods: the UK header row, then `rows`."""
    prefix = CONTENT_HEAD + b"<table:table-row>" + HEADER_ROW + b"</table:table-row>"
    return ods(prefix + rows, b"", 0, CONTENT_TAIL)


def rows_of(tmp_path: Path, data: bytes) -> list[list[str]]:
    path = tmp_path / "list.ods"
    path.write_bytes(data)
    return list(ods_rows("uk_sanctions", path))


def refusal(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(SourceError) as err:
        rows_of(tmp_path, data)
    return str(err.value).replace(str(tmp_path) + "/", "")


def cell(text: str, repeat: str | None = None) -> bytes:
    attr = f' table:number-columns-repeated="{repeat}"' if repeat else ""
    return f"<table:table-cell{attr}><text:p>{text}</text:p></table:table-cell>".encode()


def test_a_crafted_sheet_reads_as_rows(tmp_path: Path) -> None:
    row = b"<table:table-row>" + cell("X1") + cell("") + cell("Name") + b"</table:table-row>"
    assert rows_of(tmp_path, sheet(row * 2)) == [
        ["Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Designation source",
         "Date Designated", "Sanctions Imposed"],
        ["X1", "", "Name"], ["X1", "", "Name"]]


@pytest.mark.parametrize(
    ("repeat", "cells"),
    [("3", ["a", "a", "a", "b"]), ("99999999999999999999", ["a"] * 64 + ["b"]),
     ("x", ["a", "b"])],
)
def test_repeated_cells_never_expand_far(tmp_path: Path, repeat: str, cells: list[str]) -> None:
    row = b"<table:table-row>" + cell("a", repeat) + cell("b") + b"</table:table-row>"
    assert rows_of(tmp_path, sheet(row))[1] == cells


def test_a_row_of_too_many_elements_is_refused(tmp_path: Path) -> None:
    row = b"<table:table-row>" + b"<table:table-cell/>" * 10_001 + b"</table:table-row>"
    assert refusal(tmp_path, sheet(row)) == (
        "uk_sanctions (list.ods): content.xml row 2 has more than 10,000 elements; refused")


def test_a_row_of_too_many_cells_is_refused(tmp_path: Path) -> None:
    row = b"<table:table-row>" + cell("a", "64") * 257 + b"</table:table-row>"
    assert refusal(tmp_path, sheet(row)) == (
        "uk_sanctions (list.ods): content.xml row 2 has more than 16,384 cells; refused")


def test_a_mimetype_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    body = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = body.compress(b" " * (8 << 20)) + body.flush()
    bomb = zip_file([("mimetype", 8, 0, data, 8 << 20)])
    assert refusal(tmp_path, bomb) == (
        "uk_sanctions (list.ods): mimetype would unpack to 8,388,608 bytes, over the 1,024-byte "
        "limit; refused (a zip bomb?)")


def test_an_ods_without_content_is_refused(tmp_path: Path) -> None:
    only = zip_file([("mimetype", 0, zlib.crc32(MIMETYPE), MIMETYPE, len(MIMETYPE))])
    assert refusal(tmp_path, only) == "uk_sanctions (list.ods): ODS file has no content.xml"
