"""A new source is its module, its snapshot and its tests: the registry, the metadata and the
README's source table pick it up with no other file edited."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import sanctions.sources as registry
from sanctions.sources import all_sources, get_source, source_priority
from sanctions.sources.table import markdown_table, with_table
from sanctions.web.metadata import load_metadata

README = Path(__file__).resolve().parent.parent / "README.md"

DEMO = '''
from sanctions.models import Designation, Record
from sanctions.sources.base import Expected, SnapshotFile, Source


def parse(paths, report):
    for n, line in enumerate(paths["csv"].read_text().splitlines()[1:], 1):
        report.row("csv")
        yield Record("demo_list", str(n), "organization", line,
                     designations=[Designation("Demo authority", "Demo list")])


def fetch(dest):
    raise NotImplementedError


SOURCE = Source(
    key="demo_list", title="Demo designation list", publisher="Demo publisher",
    urls=("https://example.org/list.csv",), format="CSV", licence="Demo licence",
    kind="official", snapshot=(SnapshotFile("csv", "{csv}", "2026-11-30"),),
    expected=Expected(total=(1, 10)), parse=parse, fetch=fetch,
    priority=5, short="Demo", snapshot_note="a two-row demo file",
)
'''


@pytest.fixture
def demo_source(tmp_path: Path) -> Iterator[Path]:
    """A source module in a directory of its own, added to the package's search path."""
    data = tmp_path / "demo.csv"
    data.write_text("name\nACME DEMO TRADING LLC\nBETA DEMO SHIPPING\n")
    (tmp_path / "demo_list.py").write_text(DEMO.replace("{csv}", str(data)))
    registry.__path__.append(str(tmp_path))
    registry.refresh()
    try:
        yield tmp_path
    finally:
        registry.__path__.remove(str(tmp_path))
        registry.refresh()


def test_a_new_module_is_registered_everywhere(demo_source: Path, tmp_path: Path) -> None:
    source = get_source("demo_list")
    assert all_sources()[0] is source  # priority 5 comes before OFAC's 10
    assert source_priority("demo_list") == 5
    meta = load_metadata()
    assert meta["source"].startswith("Demo (as of 2026-11-30); OFAC SDN (as of ")
    assert "Demo licence" in meta["license"]
    assert meta["databases"]["sanctions"]["tables"]["entities"]["source"] == meta["source"]
    table = markdown_table(all_sources())
    assert ("| `demo_list` | Demo designation list | 2026-11-30 | a two-row demo file | official |"
            in table)
    assert "`demo_list`" in with_table(README.read_text(encoding="utf-8"), all_sources())


def test_the_new_source_builds(demo_source: Path, tmp_path: Path) -> None:
    from sanctions import screen
    from sanctions.ingest.build import build

    db = tmp_path / "demo.db"
    result = build(db, sources=[get_source("demo_list")])
    assert [(s.key, s.total) for s in result.sources] == [("demo_list", 2)]
    assert screen("Acme Demo Trading", db=db)["matches"][0]["entity_id"] == "demo_list:1"


def test_without_it_nothing_changed() -> None:
    keys = [s.key for s in all_sources()]
    assert "demo_list" not in keys
    assert keys == ["ofac_sdn", "ofac_cons", "state_fto", "state_rewards", "fbi_wanted",
                    "un_sc", "uk_sanctions", "eu_vessels"]


def test_the_modules_read_are_exactly_those_that_declare_a_source() -> None:
    """The registry picks the modules to import by their text, so that the parsers' helpers
    (ofac_common, ods, fetch, ...) are not imported to read the declarations: it picks every
    module that importing them all finds a SOURCE in, and no other."""
    infos = list(pkgutil.iter_modules(registry.__path__))
    picked = {i.name for i in infos if registry._declares(i)}
    declaring = {i.name for i in infos
                 if hasattr(importlib.import_module(f"sanctions.sources.{i.name}"), "SOURCE")}
    assert picked == declaring
    assert {"ofac_common", "ofac_remarks", "ods", "fetch", "base"}.isdisjoint(picked)
    assert len(picked) == len(all_sources()) == 8


def test_readme_table_is_made_from_the_declarations() -> None:
    text = README.read_text(encoding="utf-8")
    assert with_table(text, all_sources()) == text, "run scripts/gen_docs.py"


def test_every_bundled_file_has_its_provenance_written_up() -> None:
    provenance = (Path(registry.__file__).parent.parent / "data" / "SOURCES.md").read_text()
    for source in all_sources():
        for f in source.snapshot:
            assert f.full_path.exists(), f.path
            assert f.path.rsplit("/", 1)[-1] in provenance, (source.key, f.path)
