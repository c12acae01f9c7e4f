"""Honest dates: a source is as old, and as official, as the file that supplied most of its
records; every record names its file; compiled records name the sites they were read from.
All on a real build of the bundled snapshot (the `full_db` fixture)."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from sanctions.cli.render import print_sources
from sanctions.ingest.provenance import FileUse, Provenance
from sanctions.sources import all_sources, get_source
from sanctions.sources.base import FILE_KINDS
from sanctions.store.catalog import dates_line, source_status
from sanctions.store.entities import show

TODAY = date(2026, 11, 30)
SDN_DATES = "2024-05-03, with 126 records (0.8%) from the 2026-06-02 excerpt"
TEMPLATES = Path(__file__).parent.parent / "sanctions" / "web" / "templates"


@pytest.fixture(scope="module")
def status(full_db: Path) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in source_status(full_db, TODAY)}


def test_ofac_sdn_is_as_old_as_its_2024_list(status: dict[str, dict[str, Any]]) -> None:
    sdn = status["ofac_sdn"]
    assert (sdn["as_of"], sdn["age_days"], sdn["kind"], sdn["dates"], sdn["newest_file"]) == (
        "2024-05-03", 941, "official", SDN_DATES, "2026-06-02")
    assert [(f["role"], f["as_of"], f["kind"], f["rows"], f["records"], f["share"])
            for f in sdn["files"]] == [
        ("sdn", "2024-05-03", "official", 14965, 14951, 0.9916),
        ("sdn_excerpt", "2026-06-02", "excerpt", 126, 126, 0.0084),
        ("alt", "2026-06-02", "official", 20260, 0, 0.0),
        ("add", "2026-06-02", "official", 24776, 0, 0.0),
        ("comments", "2025-12-24", "official", 28, 0, 0.0),
    ]


def test_every_source_dates_and_kind(status: dict[str, dict[str, Any]]) -> None:
    assert {k: (r["as_of"], r["kind"], r["dates"]) for k, r in status.items()} == {
        "ofac_sdn": ("2024-05-03", "official", SDN_DATES),
        "ofac_cons": ("2025-08-18", "official", "2025-08-18"),
        "state_fto": ("2026-08-22", "compiled", "2026-08-22"),
        "state_rewards": ("2026-11-24", "compiled", "2026-11-24"),
        "fbi_wanted": ("2025-04-18", "partial",
                       "2025-04-18, with 7 records (41.2%) from the 2024-09-07 partial file"),
        "un_sc": ("2026-02-27", "official", "2026-02-27"),
        "uk_sanctions": ("2025-08-11", "official", "2025-08-11"),
        "eu_vessels": ("2026-07-17", "compiled",
                       "2026-07-17, with 61 records (8.3%) from the 2025-12-17 compiled file, "
                       "42 records (5.7%) from the 2026-07-24 compiled file and 1 record (0.1%) "
                       "from the 2026-08-07 compiled file"),
    }


def test_no_source_is_official_unless_most_records_come_from_an_official_file(
        status: dict[str, dict[str, Any]]) -> None:
    for key, r in status.items():
        by_kind: dict[str, int] = {}
        for f in r["files"]:
            by_kind[f["kind"]] = by_kind.get(f["kind"], 0) + f["records"]
        assert sum(by_kind.values()) == r["entity_count"], key
        official = by_kind.get("official", 0) > r["entity_count"] / 2
        assert (r["kind"] == "official") == official, key


def test_declarations_agree_with_the_build(status: dict[str, dict[str, Any]]) -> None:
    """The declared main file is the one that supplies most records; the declared kind is its."""
    for s in all_sources():
        built = max(status[s.key]["files"], key=lambda f: f["records"])
        assert (s.main_file.role, s.as_of, s.main_file.kind, s.kind) == (
            built["role"], built["as_of"], built["kind"], built["kind"]), s.key
        assert all(f.kind in FILE_KINDS for f in s.snapshot), s.key


def test_every_record_names_its_file(full_db: Path) -> None:
    conn = sqlite3.connect(full_db)
    try:
        missing = conn.execute("SELECT count(*) FROM entities e LEFT JOIN entity_files f"
                               " ON f.entity_id = e.id WHERE f.role IS NULL").fetchone()[0]
        by_file = conn.execute(
            "SELECT e.source, f.role, count(*) FROM entity_files f JOIN entities e"
            " ON e.id = f.entity_id GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
        recorded = conn.execute("SELECT source, role, records FROM source_files"
                                " WHERE records > 0 ORDER BY 1, 2").fetchall()
    finally:
        conn.close()
    assert missing == 0 and by_file == recorded


def test_a_record_of_the_2024_list_says_it_may_be_out_of_date(full_db: Path) -> None:
    """Tornado Cash: OFAC delisted it on 2025-03-21; the bundled 2024 list still has it."""
    record = show("ofac_sdn:39796", full_db)["records"][0]
    assert record["file"] == {
        "role": "sdn", "path": "ofac_sdn/2024-05-03/sdn.csv", "as_of": "2024-05-03",
        "kind": "official", "note": "last complete SDN.CSV available offline; 14,965 rows",
        "stale": "from the 2024-05-03 file; ofac_sdn has records from files up to 2026-06-02, "
                 "so this record may have changed or been removed since",
    }
    assert record["citations"] == []


def test_a_record_of_the_newest_file_is_not_stale(full_db: Path) -> None:
    record = show("ofac_sdn:49756", full_db)["records"][0]  # TREN DE ARAGUA, from the excerpt
    assert (record["file"]["role"], record["file"]["kind"], record["file"]["stale"]) == (
        "sdn_excerpt", "excerpt", None)


def test_a_compiled_reward_offer_names_the_sites_it_was_read_from(full_db: Path) -> None:
    found = show("state_rewards:nicolas-maduro-moros", full_db)
    record = next(r for r in found["records"] if r["id"] == "state_rewards:nicolas-maduro-moros")
    assert (record["file"]["kind"], record["file"]["path"]) == (
        "compiled", "rewards/rewards_compiled.csv")
    assert [c["publisher"] for c in record["citations"]] == [
        "newsgram.com", "finanznachrichten.de", "nuestraamericanews.blogspot.com"]


def test_sources_at_80_columns_names_the_2026_excerpt(status: dict[str, dict[str, Any]]) -> None:
    buf = io.StringIO()
    print_sources(list(status.values()), buf, 80)
    lines = buf.getvalue().splitlines()
    sdn = lines[2:8]
    assert max(len(line) for line in lines) <= 80
    assert sdn[0].split()[:1] + sdn[0].split()[-4:] == [
        "ofac_sdn", "2024-05-03", "941d", "official", "15,077"]
    said = " ".join(" ".join(line.split()) for line in sdn)
    assert "List (SDN); with 126 records (0.8%) from the 2026-06-02 excerpt" in said


def test_sources_json_has_the_dates(full_db: Path) -> None:
    from typer.testing import CliRunner

    from sanctions.cli import app

    done = CliRunner().invoke(app, ["sources", "--db", str(full_db), "--format", "json"])
    assert done.exit_code == 0, done.output
    sdn = next(r for r in json.loads(done.stdout) if r["key"] == "ofac_sdn")
    assert (sdn["as_of"], sdn["dates"]) == ("2024-05-03", SDN_DATES)


def test_the_footer_shows_the_main_date_and_the_excerpt(full_db: Path) -> None:
    """The plugin's footer template, given the rows the served State holds (with `dates`)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)))
    env.filters["tilde_encode"] = lambda s: s
    text = (TEMPLATES / "_footer.html").read_text(encoding="utf-8")
    text = text.replace('{% include "default:_footer.html" %}', "")
    rows = source_status(full_db, TODAY)
    short = {s.key: s.short for s in all_sources()}

    class Urls:
        def row(self, *parts: str) -> str:
            return "/" + "/".join(parts)

        def path(self, p: str) -> str:
            return "/" + p

    html = env.from_string(text).render(
        sanctions_sources=[r | {"short": short[r["key"]]} for r in rows],
        sanctions_database="sanctions", urls=Urls())
    assert f">OFAC SDN</a> {SDN_DATES} · " in html
    assert ">State FTO</a> 2026-08-22 (compiled) · " in html


def test_every_page_footer_says_2024_05_03_and_names_the_excerpt(full_db: Path) -> None:
    """A real Datasette with the plugin, serving the real build: the footer's source line (from
    the declarations) and the plugin's as-of line."""
    import asyncio

    from datasette.app import Datasette
    from datasette.plugins import pm

    from sanctions import web
    from sanctions.web.metadata import load_metadata

    if not pm.is_registered(web):
        pm.register(web, name="sanctions")

    async def home() -> str:
        ds = Datasette(immutables=[str(full_db)], metadata=load_metadata(full_db))
        await ds.invoke_startup()
        page = await ds.client.get("/")
        assert page.status_code == 200
        return page.text

    html = asyncio.run(home())
    assert "OFAC SDN (as of 2024-05-03, some records from an excerpt of 2026-06-02)" in html
    as_of = html.split('<p class="sanctions-as-of">')[1].split("</p>")[0]
    assert ">OFAC SDN</a> 2024-05-03" in as_of


def test_provenance_puts_a_record_without_an_origin_on_the_main_file() -> None:
    from sanctions.ingest.provenance import provenance
    from sanctions.models import Record
    from sanctions.sources.base import Report

    source = get_source("ofac_sdn")
    records = [Record(source="ofac_sdn", source_id=str(n), type="person", name=f"P {n}")
               for n in range(4)]
    report = Report()
    report.origin("3", "sdn_excerpt")
    described = {f.role: (f.kind, f.as_of) for f in source.snapshot}
    prov, roles = provenance(source, records, report, described)
    assert roles == ["sdn", "sdn", "sdn", "sdn_excerpt"]
    assert (prov.as_of, prov.kind, prov.main) == ("2024-05-03", "official", "sdn")
    assert prov.files["sdn_excerpt"] == FileUse("sdn_excerpt", "2026-06-02", "excerpt", 1, 0.25)
    assert isinstance(prov, Provenance)


def test_dates_line_words() -> None:
    files = [{"as_of": "2025-04-18", "kind": "partial", "records": 10, "share": 0.5882},
             {"as_of": "2024-09-07", "kind": "partial", "records": 7, "share": 0.4118}]
    assert dates_line("2025-04-18", files) == (
        "2025-04-18, with 7 records (41.2%) from the 2024-09-07 partial file")
    assert dates_line("2026-02-27", [{"as_of": "2026-02-27", "kind": "official",
                                      "records": 1003, "share": 1.0}]) == "2026-02-27"
    assert dates_line(None, []) == "undated"
