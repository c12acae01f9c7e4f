"""FtM import: a sample of our own export (real OFAC rows) imported back and screened.

tests/fixtures/ftm_sample.ftm.json holds six listed entities of `sanctions export --format ftm`
of the bundled build (Maduro, Tren de Aragua, the NORD STAR, Hamid al-Ali, an Airbus of Mahan
Air, Gazprombank) with every entity that refers to them (sanctions, documents, addresses, risks,
links).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli.app import app
from sanctions.errors import SourceError
from sanctions.ingest import previous as prev_db
from sanctions.ingest.build import build
from sanctions.ingest.ftm import ftm_inputs, kept_imports
from sanctions.screening import screen
from sanctions.sources import get_source
from sanctions.sources.base import Report
from sanctions.sources.ftm import parse_file
from sanctions.store.entities import show

SAMPLE = Path(__file__).parent / "fixtures" / "ftm_sample.ftm.json"


@pytest.fixture(scope="module")
def ftm_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ftm") / "sanctions.db"
    sources, inputs = ftm_inputs({"sample": SAMPLE})
    build(path, sources=sources, inputs=inputs)
    return path


def test_the_sample_is_valid_followthemoney() -> None:
    from followthemoney import model

    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.id == data["id"]


def test_parse_counts_what_it_leaves_out() -> None:
    report = Report()
    records = list(parse_file("sample", SAMPLE, report, "FollowTheMoney file (sample)"))
    assert sorted(r.source_id for r in records) == [
        "ofac-cons-17016", "ofac-sdn-10009", "ofac-sdn-18150", "ofac-sdn-22790",
        "ofac-sdn-49756", "ofac-sdn-56706"]
    assert report.counts == {"Address entities (not imported)": 6,
                             "Risk entities (not imported)": 3,
                             "UnknownLink entities (not imported)": 3}
    assert report.rows == {"entities": 40}


def test_a_person_round_trips(ftm_db: Path) -> None:
    record = show("sample:ofac-sdn-22790", db=ftm_db)["records"][0]
    assert record["name"] == "MADURO MOROS, Nicolas"
    assert [(n["kind"], n["name"]) for n in record["names"]] == [
        ("primary", "MADURO MOROS, Nicolas"), ("aka", "Nicolás Maduro Moros")]
    assert [(i["scheme"], i["value"]) for i in record["identifiers"]] == [
        ("cedula", "5892464")]
    assert [b["date"] for b in record["birth_dates"]] == ["1962-11-23"]
    assert [(n["country"], n["kind"]) for n in record["nationalities"]] == [
        ("VE", "citizenship")]
    assert [(p["key"], p["value"]) for p in record["properties"]] == [
        ("topic", "sanction"), ("topic", "wanted"), ("dataset", "ofac_sdn"),
        ("dataset", "state_rewards"), ("ftm_referent", "state-rewards-nicolas-maduro-moros")]
    # Sanction entities become listings; a program with none (the reward offer) too
    assert [(d["authority"], d["program"], d["listed_on"]) for d in record["designations"]] == [
        ("U.S. Treasury OFAC", "VENEZUELA", None),
        ("U.S. Treasury OFAC", "IRAN-CON-ARMS-EO", None),
        ("FollowTheMoney file (sample)", "NRP", None)]


def test_a_vessel_and_a_company_keep_their_identifiers(ftm_db: Path) -> None:
    vessel = show("sample:ofac-sdn-56706", db=ftm_db)["records"][0]
    assert {k: vessel["vessel"][k] for k in ("imo", "mmsi", "call_sign", "flag")} == {
        "imo": "9323596", "mmsi": "352003296", "call_sign": "3E7463", "flag": "PA"}
    bank = show("sample:ofac-cons-17016", db=ftm_db)["records"][0]
    schemes = sorted({i["scheme"] for i in bank["identifiers"]})
    assert "swift_bic" in schemes and "registration_number" in schemes


def test_screening_finds_the_imported_entities(ftm_db: Path) -> None:
    top = {q: screen(q, db=ftm_db, limit=1)["matches"][0]
           for q in ("Nicolas Maduro", "Tren de Aragua", "Gazprombank")}
    assert {q: (m["entity_id"], m["band"]) for q, m in top.items()} == {
        "Nicolas Maduro": ("sample:ofac-sdn-22790", "strong"),
        "Tren de Aragua": ("sample:ofac-sdn-49756", "exact"),
        "Gazprombank": ("sample:ofac-cons-17016", "strong")}
    assert top["Nicolas Maduro"]["programs"] == ["VENEZUELA", "IRAN-CON-ARMS-EO", "NRP"]
    vessel = screen(None, imo="9323596", db=ftm_db, limit=1)["matches"]
    assert [m["entity_id"] for m in vessel] == ["sample:ofac-sdn-56706"]


def test_first_and_last_names_make_a_name(tmp_path: Path) -> None:
    line = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    line["properties"].pop("name")
    line["properties"]["firstName"], line["properties"]["lastName"] = ["Nicolas"], ["Maduro"]
    path = tmp_path / "one.ftm.json"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    [record] = parse_file("one", path, Report(), "x")
    assert (record.name, [n.name for n in record.names]) == (
        "Nicolas Maduro", ["Nicolás Maduro Moros"])


BAD = {
    "truncated": (lambda data: data[: data.index(b"\n", 5000) + 40],
                  "sample (bad.ftm.json): line 5 is not a JSON object (Unterminated string "
                  "starting at); the file looks truncated"),
    "garbled": (lambda data: data.replace(b"Nicol\xc3\xa1s", b"Nicol\xe1s", 1),
                "sample (bad.ftm.json): line 1 is not valid UTF-8 (byte E1); refused rather "
                "than guessing the encoding"),
    "html": (lambda data: b"<!DOCTYPE html><html><body>Rate limited</body></html>\n",
             "sample (bad.ftm.json): file is an HTML page, not FtM entities"),
    "empty": (lambda data: b"\n\n", "sample (bad.ftm.json): file is empty"),
    "not entities": (lambda data: b'{"id": "x"}\n' + data,
                     "sample (bad.ftm.json): line 1 is not an FtM entity (it needs an \"id\", "
                     "a \"schema\" and \"properties\")"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_in_one_line(case: str, tmp_path: Path) -> None:
    make, message = BAD[case]
    path = tmp_path / "bad.ftm.json"
    path.write_bytes(make(SAMPLE.read_bytes()))
    with pytest.raises(SourceError) as err:
        list(parse_file("sample", path, Report(), "x"))
    assert str(err.value) == message


def test_the_cli_refuses_a_bad_file_and_keeps_the_database(tmp_path: Path) -> None:
    db = tmp_path / "sanctions.db"
    runner = CliRunner()
    ok = runner.invoke(app, ["build", "--db", str(db), "--source", "fbi_wanted",
                             "--ftm", f"sample={SAMPLE}"])
    assert ok.exit_code == 0, ok.output
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / "cut.ftm.json"
    bad.write_bytes(SAMPLE.read_bytes()[:3000])
    res = runner.invoke(app, ["build", "--db", str(db), "--source", "fbi_wanted",
                              "--ftm", f"sample={bad}"])
    assert res.exit_code == 2
    last = res.output.strip().splitlines()[-1]
    assert last.startswith("error: sample (cut.ftm.json): line 2 is not a JSON object")
    assert last.endswith("the file looks truncated; the previous database at "
                         f"{db} is unchanged")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # a build of every source keeps the import (there is no snapshot to rebuild it from)
    assert kept_imports(prev_db.inspect(db), {"fbi_wanted"}) == ["sample"]


def test_a_key_of_a_bundled_source_is_refused() -> None:
    get_source("ofac_sdn")
    res = CliRunner().invoke(app, ["build", "--ftm", f"ofac_sdn={SAMPLE}"])
    assert (res.exit_code, res.output.strip().splitlines()[-1]) == (
        2, "error: --ftm ofac_sdn: 'ofac_sdn' is a bundled source; choose another key")


def _records(path: Path) -> list[str]:
    return sorted(map(repr, parse_file("sample", path, Report(), "x")))


def test_parts_before_their_entity_attach_as_after_it(tmp_path: Path) -> None:
    """The parse streams (one record held at a time), yet a sanction or document that comes
    before the entity it names attaches as one that follows it does."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    listed = [li for li in lines if json.loads(li)["schema"] in ("Person", "Organization",
                                                                 "Vessel", "Airplane")]
    assert len(listed) == 6
    last = tmp_path / "entities_last.ftm.json"
    last.write_text("".join([li for li in lines if li not in listed] + listed[::-1]),
                    encoding="utf-8")
    assert _records(last) == _records(SAMPLE)


def test_a_part_naming_a_referent_attaches_to_the_first_record_holding_it(
        tmp_path: Path) -> None:
    entities = [
        {"id": "pass-1", "schema": "Passport", "properties": {
            "holder": ["state-rewards-nicolas-maduro-moros"], "number": ["P123456"]}},
        {"id": "a", "schema": "Person", "properties": {"name": ["Nicolas Maduro"]},
         "referents": ["state-rewards-nicolas-maduro-moros"]},
        {"id": "b", "schema": "Person", "properties": {"name": ["Nicolas Maduro Moros"]},
         "referents": ["state-rewards-nicolas-maduro-moros"]},
        {"id": "s-1", "schema": "Sanction", "properties": {"entity": ["nobody"],
                                                           "program": ["X"]}},
    ]
    path = tmp_path / "refs.ftm.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    report = Report()
    a, b = parse_file("refs", path, report, "x")
    assert [(i.scheme, i.value) for i in a.identifiers] == [("passport", "P123456")]
    assert b.identifiers == []
    assert report.counts == {"Sanction entities naming no imported entity": 1}
    assert report.rows == {"entities": 4}


def test_a_database_with_an_ftm_import_lists_it_in_sources(ftm_db: Path) -> None:
    """`sanctions sources` reads the database's catalog: the FtM key is listed with its file,
    date (the entities' newest last_seen) and counts, after every registered source."""
    res = CliRunner().invoke(app, ["sources", "--db", str(ftm_db), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["key"]: r for r in json.loads(res.output)}
    sample = rows["sample"]
    assert list(rows)[-1] == "sample"
    assert {k: sample[k] for k in ("title", "publisher", "url", "as_of", "kind", "dates",
                                   "entity_count", "counts")} == {
        "title": "FollowTheMoney file (sample)", "publisher": "as given", "url": None,
        "as_of": "2026-11-30", "kind": "compiled",
        "dates": "2026-11-30, from ftm_sample.ftm.json", "entity_count": 6,
        "counts": {"aircraft": 1, "organization": 2, "person": 2, "vessel": 1}}
    assert [{k: f[k] for k in ("role", "path", "as_of", "kind", "rows", "records")}
            for f in sample["files"]] == [
        {"role": "entities", "path": "ftm_sample.ftm.json", "as_of": "2026-11-30",
         "kind": "compiled", "rows": 40, "records": 6}]
    table = CliRunner().invoke(app, ["sources", "--db", str(ftm_db)], env={"COLUMNS": "200"})
    line = next(li for li in table.output.splitlines() if li.startswith("sample"))
    assert line.split()[:8] == ["sample", "FollowTheMoney", "file", "(sample);", "from",
                                "ftm_sample.ftm.json", "2026-11-30", line.split()[7]]
    assert "compiled" in line and line.rstrip().endswith("as given")


def test_screening_takes_the_ftm_key_as_a_source(ftm_db: Path) -> None:
    from sanctions.screening import QueryError

    top = screen("Nicolas Maduro", source="sample", db=ftm_db, limit=1)["matches"]
    assert [m["entity_id"] for m in top] == ["sample:ofac-sdn-22790"]
    res = CliRunner().invoke(app, ["screen", "Nicolas Maduro", "--source", "sample", "--db",
                                   str(ftm_db), "--format", "json"])
    assert res.exit_code == 1, res.output  # 1: a match
    assert json.loads(res.output)["matches"][0]["entity_id"] == "sample:ofac-sdn-22790"
    with pytest.raises(QueryError) as err:
        screen("Nicolas Maduro", source="nosuch", db=ftm_db)
    assert str(err.value).startswith("unknown source 'nosuch'; known: ")
