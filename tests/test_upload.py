"""Screening a file on the web (sanctions.web.upload): a CSV or XLSX in, the same rows with their
matches out, every input column kept (sanctions.batch_files, as the CLI writes them); a bad file
is refused with one line and costs nothing; a bad row is that row's error. Driven through
Datasette's own client on the small real database of datasette_fixtures.
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pytest
from datasette.app import Datasette
from openpyxl import Workbook, load_workbook

from sanctions.batch_files import MATCH_COLUMNS
from sanctions.web.upload import MAX_ROWS

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures

pytestmark = pytest.mark.anyio

CUSTOMERS = ("customer_no,name,country,notes\n"
             "C1,Tren de Aragua,Venezuela,\"a note, with a comma\"\n"
             "C2,Jane Q. Nobody,,\n"
             "C3,NORD STAR,,vessel\n")
# an input column a match column also names gets an input_ prefix (sanctions.batch_files)
OUT_HEADER = ["customer_no", "input_name", "country", "notes", *MATCH_COLUMNS]


async def upload(ds: Datasette, body: bytes, query: str = "filename=customers.csv",
                 status: int = 202) -> dict[str, Any]:
    response = await ds.client.post("/-/screen/upload?" + query, content=body)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


async def finished(ds: Datasette, job: dict[str, Any]) -> dict[str, Any]:
    for _ in range(600):  # polled like the page does; the fixture's rows take well under 1 s
        status: dict[str, Any] = (await ds.client.get(job["status_url"])).json()
        if status["status"] not in ("queued", "screening"):
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"upload not finished: {status}")


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


async def test_csv_round_trip_keeps_every_column(ds: Datasette) -> None:
    job = await upload(ds, CUSTOMERS.encode())
    assert (job["file"], job["status"], job["rows"]) == ("customers.csv", "queued", 3)
    status = await finished(ds, job)
    assert {k: status[k] for k in ("status", "rows", "screened", "matched", "row_errors")} == {
        "status": "done", "rows": 3, "screened": 3, "matched": 2, "row_errors": 0}
    response = await ds.client.get(status["csv"])
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="customers-screened.csv"')
    rows = read_csv(response.content)
    assert rows[0] == OUT_HEADER
    by_entity = {(r[0], r[OUT_HEADER.index("entity_id")]): r for r in rows[1:]}
    tda = by_entity[("C1", "ofac_sdn:49756")]
    assert tda[:4] == ["C1", "Tren de Aragua", "Venezuela", "a note, with a comma"]
    assert tda[OUT_HEADER.index("name")] == "TREN DE ARAGUA"
    assert tda[OUT_HEADER.index("programs")] == "TCO;FTO;SDGT"
    assert tda[OUT_HEADER.index("score")] == "1.0"  # as the CLI's CSV writes it
    nobody = [dict(zip(OUT_HEADER, r, strict=True)) for r in rows[1:] if r[0] == "C2"]
    assert len(nobody) == 1
    assert {k: v for k, v in nobody[0].items() if v} == {
        "customer_no": "C2", "input_name": "Jane Q. Nobody", "query_name": "Jane Q. Nobody"}
    assert by_entity[("C3", "ofac_sdn:56706")][OUT_HEADER.index("band")] == "exact"


async def test_xlsx_in_and_out(ds: Datasette) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "imo", "ref"])
    sheet.append(["NORD STAR", 9323596, "=1+1"])
    sheet.cell(2, 3).data_type = "s"  # a text cell that looks like a formula
    raw = io.BytesIO()
    book.save(raw)
    status = await finished(ds, await upload(ds, raw.getvalue(), "filename=ships.xlsx"))
    assert (status["status"], status["matched"]) == ("done", 1)
    response = await ds.client.get(status["xlsx"])
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    out = load_workbook(io.BytesIO(response.content)).active
    assert out is not None
    rows = [[c.value for c in row] for row in out.iter_rows()]
    assert rows[0][:3] == ["input_name", "imo", "ref"]
    assert rows[1][:3] == ["NORD STAR", "9323596", "=1+1"]  # text stays text, no formula
    assert out.cell(2, 3).data_type == "s"
    assert rows[1][3 + MATCH_COLUMNS.index("entity_id")] == "ofac_sdn:56706"


@pytest.mark.parametrize(("body", "query", "status", "error"), [
    (b"id,full_name\n1,Tren\n", "filename=a.csv", 400,
     "a.csv: CSV needs a header row with a 'name' or 'imo' column"),
    (b"name\n", "filename=c.csv", 400, "c.csv: no rows to screen"),
    (b"PK\x03\x04 not a zip", "filename=d.xlsx", 400,
     "d.xlsx: not a readable XLSX workbook (BadZipFile: File is not a zip file)"),
    (("name\n" + "x\n" * (MAX_ROWS + 1)).encode(), "filename=e.csv", 413,
     f"e.csv: more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} per file"),
    (b"name\nMaduro\n", "filename=f.csv&threshold=2", 400,
     "threshold must be between 0 and 1"),
])
async def test_a_bad_file_is_one_line(ds: Datasette, body: bytes, query: str, status: int,
                                      error: str) -> None:
    answer = await upload(ds, body, query, status)
    assert answer == {"ok": False, "error": error, "status": status}


async def test_unknown_job_and_unfinished_download(ds: Datasette) -> None:
    response = await ds.client.get("/-/screen/upload/0123456789abcdef.json")
    assert response.status_code == 404
    assert response.json()["error"].startswith("no such upload")
    response = await ds.client.get("/-/screen/upload/0123456789abcdef.csv")
    assert response.status_code == 404


async def test_a_bad_row_is_its_own_error(ds: Datasette) -> None:
    # a BOM, an undecodable byte on line 3, an unquoted comma on line 4: the rows around them
    # are screened, each bad one is its own line with its error
    body = (b"\xef\xbb\xbfname,ref\nTren de Aragua,r1\nMadur\xff,r2\nNORD, STAR,r3\n"
            b"NORD STAR,r4\n")
    status = await finished(ds, await upload(ds, body))
    assert {k: status[k] for k in ("status", "rows", "matched", "row_errors")} == {
        "status": "done", "rows": 4, "matched": 2, "row_errors": 2}
    rows = read_csv((await ds.client.get(status["csv"])).content)
    header = rows[0]
    assert header[:2] == ["input_name", "ref"]
    errors = [(r[0], r[1], r[header.index("error")]) for r in rows[1:]
              if r[header.index("error")]]
    assert errors[0][:2] == ("Madur\ufffd", "r2") and errors[0][2].startswith("not valid UTF-8")
    assert errors[1] == ("NORD", " STAR", "row has 3 fields, the header has 2")
    assert [r[1] for r in rows[1:] if r[header.index("entity_id")]] == ["r1", "r4"] or [
        r[1] for r in rows[1:] if r[header.index("entity_id")]] == ["r1", "r1", "r4"]
