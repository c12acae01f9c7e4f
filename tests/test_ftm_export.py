"""FollowTheMoney export: every line is an entity that `followthemoney` reads unchanged, on a
small database built from the trimmed real fixtures of every source and on the full bundled
build; the facts this project adds (rewards, FTO dates, cross-list links) come through."""

from __future__ import annotations

import functools
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import typer
from datasette_fixtures import make_db
from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.statement import StatementEntity
from typer.testing import CliRunner

from sanctions.cli.export import export
from sanctions.export.ftm import export_ftm
from sanctions.export.ftm_entity import ftm_id
from sanctions.export.ftm_parts import NOT_SANCTIONS
from sanctions.ingest.build import POST_IMPORT_STEPS
from sanctions.sources import get_source, source_keys
from sanctions.sources.base import Report
from sanctions.store import schema, write

FIX = Path(__file__).parent / "fixtures"
# Each source's trimmed real fixture files, by the role its parser reads them as.
FIXTURE_FILES: dict[str, dict[str, Path]] = {
    "ofac_sdn": {"sdn": FIX / "ofac/sdn.csv", "sdn_excerpt": FIX / "ofac/sdn_excerpt.csv",
                 "alt": FIX / "ofac/alt.csv", "add": FIX / "ofac/add.csv",
                 "comments": FIX / "ofac/sdn_comments.csv"},
    "ofac_cons": {"xml": FIX / "ofac/consolidated.xml", "prim": FIX / "ofac/cons_prim.csv",
                  "add": FIX / "ofac/cons_add.csv"},
    "state_fto": {"csv": FIX / "state_fto/fto_compiled_trimmed.csv"},
    "state_rewards": {"csv": FIX / "rewards/rewards_compiled_trimmed.csv"},
    "fbi_wanted": {"page1_2025-04-18": FIX / "fbi/2025-04-18_list_page1_trimmed.json"},
    "un_sc": {"xml": FIX / "un/consolidated_trimmed.xml"},
    "uk_sanctions": {"ods": FIX / "uk/FCDO_SL_trimmed.ods"},
    "eu_vessels": {"journal_32014R0833": FIX / "eu/32014R0833_trimmed.csv",
                   "journal_32017R1509": FIX / "eu/32017R1509_trimmed.csv"},
}
CONTEXT_KEYS = {"referents", "datasets", "first_seen", "last_seen", "target"}


def build_from_fixtures(path: Path) -> Path:
    """Parse every source's fixtures with its real parser and store them as a build does
    (schema, writer, linking, history); the count bounds of a full build do not apply."""
    conn = schema.connect(path)
    schema.create_schema(conn)
    for key, paths in FIXTURE_FILES.items():
        source = get_source(key)
        records = list(source.parse(paths, Report()))
        write.write_records(conn, records)
        conn.execute("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            key, source.title, source.publisher, source.urls[0], source.format, source.licence,
            source.kind, source.as_of, len(records), "{}", "{}", "", "2026-06-03T00:00:00+00:00"))
    conn.execute("INSERT INTO build_info VALUES ('built_at', '2026-06-03T00:00:00+00:00')")
    schema.create_indexes(conn)
    for step in POST_IMPORT_STEPS:
        step(conn, None)
    conn.commit()
    conn.close()
    return path


def exported(db: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    out = io.StringIO()
    counts = export_ftm(db, out)
    return [json.loads(line) for line in out.getvalue().splitlines()], counts


@functools.lru_cache(maxsize=1 << 16)
def cleaned(type_: Any, format_: str | None, value: str) -> str | None:
    """What followthemoney's cleaning makes of a value. Remembered: a full build repeats the
    same source URLs, countries and dates on thousands of entities, and cleaning a URL costs."""
    return type_.clean(value, format=format_)


def ftm_problems(entities: list[dict[str, Any]]) -> list[str]:
    """Everything followthemoney would refuse, drop or rewrite, one line each: an unknown or
    abstract schema, a bad id, a property the schema lacks, a failed validation (required
    properties, value types), a value its cleaning changes or drops, one longer than the
    property keeps, an entity reference to nothing or to the wrong schema."""
    schemata = {e["id"]: e["schema"] for e in entities}
    problems = []
    for e in entities:
        where = f"{e.get('schema')} {e.get('id')}"
        schema_ = model.get(e["schema"])
        if schema_ is None or schema_.abstract:
            problems.append(f"{where}: no such concrete schema")
            continue
        if not registry.entity.validate(e["id"]):
            problems.append(f"{where}: invalid id")
        if set(e) - {"id", "schema", "properties"} - CONTEXT_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(e) - CONTEXT_KEYS)}")
        try:
            schema_.validate(e)  # type: ignore[arg-type]
        except InvalidData as exc:
            problems.append(f"{where}: {exc.errors}")
        for name, values in e["properties"].items():
            prop = schema_.get(name)
            if prop is None:
                problems.append(f"{where}: no property {name}")
                continue
            for value in values:
                clean = cleaned(prop.type, prop.format, value)
                if clean != value:
                    problems.append(f"{where}: {name} {value!r} cleans to {clean!r}")
                if len(value) > prop.max_length:
                    problems.append(f"{where}: {name} longer than {prop.max_length}")
                if prop.type == registry.entity and (
                        value not in schemata or not model[schemata[value]].is_a(prop.range)):
                    problems.append(f"{where}: {name} -> {value} ({schemata.get(value)})")
        if "referents" not in e:
            continue
        # The statement reader (nomenklatura, yente) keeps the merged entity whole.
        read = StatementEntity.from_dict(e, cleaned=False)
        back = {k: sorted(v) for k, v in read.to_dict()["properties"].items()}
        if read.referents != set(e.get("referents", [])) or back != {
                k: sorted(v) for k, v in e["properties"].items()}:
            problems.append(f"{where}: read back as {read.to_dict()}")
    return problems


@pytest.fixture(scope="module")
def fixtures_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_fixtures(tmp_path_factory.mktemp("ftm") / "fixtures.db")


def test_every_line_of_the_fixture_build_validates(fixtures_db: Path) -> None:
    entities, counts = exported(fixtures_db)
    assert ftm_problems(entities) == []
    assert counts == dict(sorted(Counter(e["schema"] for e in entities).items()))
    # every source's records are in it, each once: as an entity or as a referent of one
    listed = [e for e in entities if "datasets" in e and "referents" in e]
    ids = [e["id"] for e in listed] + [r for e in listed for r in e["referents"]]
    assert len(ids) == len(set(ids))
    assert {d for e in listed for d in e["datasets"]} == set(FIXTURE_FILES)
    assert {"Person", "Organization", "Vessel", "Sanction", "Risk", "Address",
            "Identification", "Passport"} <= set(counts)


def test_the_export_is_the_same_every_time(fixtures_db: Path) -> None:
    first, second = io.StringIO(), io.StringIO()
    export_ftm(fixtures_db, first)
    export_ftm(fixtures_db, second)
    assert first.getvalue() == second.getvalue()


# --- whole entities, on the hand-trimmed rows of tests/datasette_fixtures.py ---------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    entities, _ = exported(make_db(tmp_path_factory.mktemp("small") / "sanctions.db"))
    assert ftm_problems(entities) == []
    return {e["id"]: e for e in entities}


def parts_of(entities: dict[str, dict[str, Any]], subject: str, schema_: str
             ) -> list[dict[str, Any]]:
    prop = {"Sanction": "entity", "Risk": "entity", "Identification": "holder",
            "UnknownLink": "subject"}[schema_]
    return [e for e in entities.values()
            if e["schema"] == schema_ and e["properties"][prop] == [subject]]


def test_linked_records_are_one_entity_with_referents(small: dict[str, dict[str, Any]]) -> None:
    maduro = small["ofac-sdn-22790"]
    assert maduro == {
        "id": "ofac-sdn-22790", "schema": "Person",
        "properties": {
            "name": ["MADURO MOROS, Nicolas"], "country": ["ve"],
            "program": ["VENEZUELA", "IRAN-CON-ARMS-EO"],
            "position": ["President of the Bolivarian Republic of Venezuela"],
            "gender": ["male"], "birthDate": ["1962-11-23"],
            "birthPlace": ["Caracas, Venezuela"], "citizenship": ["ve"],
            "idNumber": ["5892464"],
            "addressEntity": [maduro["properties"]["addressEntity"][0]],
            "address": ["Caracas, Capital District, Venezuela"],
            "alias": ["Nicolás Maduro Moros"], "topics": ["sanction", "wanted"],
        },
        "referents": ["state-rewards-nrp-maduro"], "datasets": ["ofac_sdn", "state_rewards"],
        "first_seen": "2026-06-03T00:00:00+00:00", "last_seen": "2026-06-03T00:00:00+00:00",
        "target": True,
    }
    assert "state-rewards-nrp-maduro" not in small  # merged, not repeated
    address = small[maduro["properties"]["addressEntity"][0]]
    assert address["properties"] == {"full": ["Caracas, Capital District, Venezuela"],
                                     "city": ["Caracas, Capital District"], "country": ["ve"]}


def test_rewards_are_risks_with_their_amounts(small: dict[str, dict[str, Any]]) -> None:
    risks = sorted((r["properties"] for r in parts_of(small, "ofac-sdn-22790", "Risk")),
                   key=lambda p: p["startDate"])
    assert risks == [
        {"entity": ["ofac-sdn-22790"], "program": ["Narcotics Rewards Program"],
         "summary": [f"Reward of up to US${amount:,}"], "startDate": [announced],
         "topics": ["wanted"], "recordId": ["state_rewards:nrp-maduro"],
         "publisher": ["U.S. Department of State"], "publisherUrl": ["https://www.state.gov/"]}
        for amount, announced in ((15_000_000, "2020-03-26"), (50_000_000, "2025-08-07"))
    ]


def test_listings_are_sanctions(small: dict[str, dict[str, Any]]) -> None:
    tda = small["ofac-sdn-49756"]
    assert tda["referents"] == ["state-fto-tren-de-aragua"]
    assert tda["properties"]["alias"] == ["EL TREN DE ARAGUA", "Tren de Aragua", "TdA"]
    assert tda["properties"]["weakAlias"] == ["ARAGUA TRAIN"]
    sanctions = sorted((s["properties"] for s in parts_of(small, "ofac-sdn-49756", "Sanction")),
                       key=lambda p: (p["recordId"], p["program"]))
    assert [(p["recordId"], p["authority"], p["program"], p.get("summary"), p["startDate"])
            for p in sanctions] == [
        (["ofac_sdn:49756"], ["U.S. Treasury OFAC"], ["FTO"], ["SDN"], ["2025-02-20"]),
        (["ofac_sdn:49756"], ["U.S. Treasury OFAC"], ["SDGT"], ["SDN"], ["2025-02-20"]),
        (["ofac_sdn:49756"], ["U.S. Treasury OFAC"], ["TCO"], ["SDN"], ["2024-07-11"]),
        (["state_fto:tren-de-aragua"], ["U.S. Department of State"], ["FTO"], None,
         ["2025-02-20"]),
    ]
    assert sanctions[3] == {
        "entity": ["ofac-sdn-49756"], "authority": ["U.S. Department of State"],
        "program": ["FTO"], "listingDate": ["2025-02-20"], "startDate": ["2025-02-20"],
        "status": ["active"], "recordId": ["state_fto:tren-de-aragua"],
        "publisher": ["U.S. Department of State"],
        "publisherUrl": ["https://www.state.gov/foreign-terrorist-organizations/"]}


def test_vessels_and_stated_links(small: dict[str, dict[str, Any]]) -> None:
    assert small["ofac-sdn-56706"]["properties"] == {
        "name": ["NORD STAR"], "country": ["pa"], "program": ["VENEZUELA-EO13850"],
        "imoNumber": ["IMO9323596"], "mmsi": ["352003296"], "callSign": ["3E7463"],
        "type": ["Crude Oil Tanker"], "flag": ["pa"],
        "notes": ["Linked to: KRAPE MYRTLE CO LTD"], "topics": ["sanction"]}
    (link,) = parts_of(small, "ofac-sdn-56706", "UnknownLink")
    assert link["properties"] == {"subject": ["ofac-sdn-56706"], "object": ["ofac-sdn-49756"],
                                  "role": ["linked to"], "recordId": ["ofac_sdn:56706"]}


def test_ids_are_ours_and_valid() -> None:
    assert ftm_id("ofac_sdn:22790") == "ofac-sdn-22790"
    assert ftm_id("uk_sanctions:RUS0001") == "uk-sanctions-RUS0001"
    odd = ftm_id("eu_vessels:32017R1509-XIV.B-MIN NING DE YOU 078")
    assert registry.entity.validate(odd)
    assert odd != ftm_id("eu_vessels:32017R1509-XIV.B-MIN-NING-DE-YOU-078")


# --- the command -----------------------------------------------------------------------------

def command() -> typer.Typer:
    app = typer.Typer()
    app.command()(export)
    return app


def test_command_writes_a_file_and_reports_counts(tmp_path: Path) -> None:
    db = make_db(tmp_path / "sanctions.db")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(command(), ["--format", "ftm", "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    entities, counts = exported(db)
    assert out.read_text(encoding="utf-8").splitlines() == [
        json.dumps(e, ensure_ascii=False) for e in entities]
    per_schema = ", ".join(f"{s} {n}" for s, n in counts.items())
    assert result.stderr == f"Exported {sum(counts.values())} entities ({per_schema})\n"
    assert not list(tmp_path.glob(".*partial"))


def test_command_refuses_unknown_format_and_missing_database(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(command(), ["--format", "senzing", "--db", str(tmp_path / "x.db")])
    assert bad.exit_code == 2
    assert "'senzing' is not one of 'ftm'" in bad.stderr
    missing = runner.invoke(command(), ["--db", str(tmp_path / "x.db"), "-o",
                                        str(tmp_path / "out.jsonl")])
    assert (missing.exit_code, missing.stderr) == (
        2, f"error: no database at {tmp_path / 'x.db'}; run `sanctions build` first\n")
    assert not (tmp_path / "out.jsonl").exists()


# --- the full bundled build --------------------------------------------------------------------

@pytest.mark.slow
def test_full_build_exports_valid_ftm(full_db: Path) -> None:
    entities, counts = exported(full_db)
    assert ftm_problems(entities) == []
    print("FtM entities per schema:", counts)  # reported with -s
    by_id = {e["id"]: e for e in entities}
    assert set(counts) == {"Address", "Airplane", "Identification", "Organization", "Passport",
                           "Person", "Risk", "Sanction", "UnknownLink", "Vessel"}
    assert counts["Airplane"] == 376

    maduro = by_id["ofac-sdn-22790"]
    assert maduro["schema"] == "Person"
    assert "state-rewards-nicolas-maduro-moros" in maduro["referents"]
    rewards = [r["properties"] for r in parts_of(by_id, "ofac-sdn-22790", "Risk")]
    assert {"program": ["NRP"], "authority": ["U.S. Department of State"],
            "summary": ["Reward of up to US$50,000,000"], "startDate": ["2025-08-07"]
            } in [{k: p[k] for k in ("program", "authority", "summary", "startDate") if k in p}
                  for p in rewards]
    ofac = [s["properties"]["program"] for s in parts_of(by_id, "ofac-sdn-22790", "Sanction")
            if s["properties"]["authority"] == ["U.S. Treasury OFAC"]]
    assert ofac == [["VENEZUELA"], ["IRAN-CON-ARMS-EO"]]

    tda = by_id["ofac-sdn-49756"]
    assert "state-fto-tren-de-aragua" in tda["referents"]
    fto = [s["properties"] for s in parts_of(by_id, "ofac-sdn-49756", "Sanction")
           if s["properties"]["recordId"] == ["state_fto:tren-de-aragua"]]
    assert [(p["program"], p["listingDate"], p["startDate"]) for p in fto] == [
        (["FTO"], ["2025-02-20"], ["2025-02-20"])]


def test_command_writes_stdout_by_default(tmp_path: Path) -> None:
    db = make_db(tmp_path / "sanctions.db")
    result = CliRunner().invoke(command(), ["--db", str(db)])
    assert result.exit_code == 0, result.output
    entities, _ = exported(db)
    assert result.stdout.splitlines() == [json.dumps(e, ensure_ascii=False) for e in entities]


def test_the_sources_that_are_not_sanctions_exist() -> None:
    assert set(source_keys()) >= NOT_SANCTIONS
