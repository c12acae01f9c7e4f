"""Cross-list linking: the links that must exist, and the people who must stay apart."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.dates import birth_bounds
from sanctions.ingest.link import Clusters, Ent, births_compatible, conflict, name_key
from sanctions.store.entities import show

runner = CliRunner()


def cluster_of(db: Path, eid: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT cluster_id FROM clusters WHERE entity_id = ?",
                            (eid,)).fetchone()[0]
    finally:
        conn.close()


def test_name_key_ignores_order_and_case() -> None:
    assert name_key("maduro moros nicolas") == name_key("nicolas maduro moros")
    assert name_key("tren de aragua") == "aragua de tren"


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        (("1962-11-23", None, None, False), ("1962-11-23", None, None, False), True),
        (("1962-11-23", None, None, False), ("1962", None, None, False), True),
        (("1962-11-23", None, None, False), ("1963", None, None, False), False),
        (("1979-08-01", None, None, False), ("1985-08-30", None, None, False), False),
        ((None, "1960", "1965", False), ("1963-04-01", None, None, False), True),
        (("1947", None, None, True), ("1946-05-05", None, None, False), True),  # circa 1947
        (("1947", None, None, True), ("1962-02-18", None, None, False), False),
    ],
)
def test_birth_date_compatibility(a: tuple, b: tuple, compatible: bool) -> None:
    ba, bb = birth_bounds(*a), birth_bounds(*b)
    assert ba is not None and bb is not None
    assert births_compatible([ba], [bb]) is compatible


def test_union_refused_when_any_two_members_conflict() -> None:
    """A-B and B-C may each look fine, but A and C were born years apart: no chain merge."""
    a = Ent("x:a", "x", "person", [], births=[("1979-08-01", "1979-08-01")])
    b = Ent("y:b", "y", "person", [])
    c = Ent("z:c", "z", "person", [], births=[("1985-08-30", "1985-08-30")])
    clusters = Clusters({e.id: e for e in (a, b, c)})
    assert clusters.union("x:a", "y:b") is None
    assert clusters.union("y:b", "z:c") == "different birth dates"
    assert clusters.find("z:c") != clusters.find("x:a")
    assert conflict(a, Ent("v:v", "v", "vessel", [])) == "different types"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ofac_sdn:24143", "ofac_sdn:36397"),  # OFAC lists USTINOV twice: same name, DOB, POB
        ("ofac_sdn:49756", "state_fto:tren-de-aragua"),
        ("ofac_sdn:55025", "state_fto:cartel-de-los-soles"),
        ("ofac_sdn:56547", "eu_vessels:9255684"),  # GOLDEN EAGLE, IMO 9255684
        ("ofac_sdn:22790", "state_rewards:nicolas-maduro-moros"),
    ],
)
def test_same_entity_is_linked(full_db: Path, a: str, b: str) -> None:
    assert cluster_of(full_db, a) == cluster_of(full_db, b)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ofac_sdn:22113", "ofac_sdn:22151"),  # 'ALI, Muhammad, born 1979 and 1985
        ("ofac_sdn:12211", "ofac_sdn:17614"),  # KIM, Yong Chol, circa 1947 and 1962
    ],
)
def test_different_people_with_one_name_stay_apart(full_db: Path, a: str, b: str) -> None:
    assert cluster_of(full_db, a) != cluster_of(full_db, b)


@pytest.mark.slow
def test_show_tren_de_aragua_includes_fto_record(full_db: Path) -> None:
    result = show(full_db, "ofac_sdn:49756")
    ids = [r["id"] for r in result["records"]]
    assert ids[0] == "ofac_sdn:49756"
    assert "state_fto:tren-de-aragua" in ids
    fto = [d for d in result["listings"] if d["list"] == "FTO" and d["source"] == "state_fto"]
    assert [(d["authority"], d["listed_on"]) for d in fto] == [
        ("U.S. Department of State", "2025-02-20")]


@pytest.mark.slow
def test_show_maduro_includes_50m_reward(full_db: Path) -> None:
    rewards = show(full_db, "ofac_sdn:22790")["rewards"]
    assert {(w["amount_usd"], w["announced"]) for w in rewards} >= {
        (50_000_000, "2025-08-07"), (15_000_000, "2020-03-26")}


@pytest.mark.slow
def test_show_cartel_de_los_soles_fto_date(full_db: Path) -> None:
    listings = show(full_db, "ofac_sdn:55025")["listings"]
    assert ("state_fto", "FTO", "2025-11-24") in {
        (d["source"], d["list"], d["listed_on"]) for d in listings}


@pytest.mark.slow
def test_show_golden_eagle_eu_listing(full_db: Path) -> None:
    result = show(full_db, "ofac_sdn:56547")
    eu = [d for d in result["listings"] if d["source"] == "eu_vessels"]
    assert eu and all(d["authority"] == "European Union" for d in eu)
    assert {r["vessel"]["imo"] for r in result["records"]} == {"9255684"}
    # the IMO joined them; the same name is kept as corroborating evidence
    assert [(lk["reason"], lk["detail"]) for lk in result["links"]] == [
        ("shared_imo", "IMO 9255684"), ("same_name_unique", "'eagle golden', unique in each list")]


@pytest.mark.slow
def test_show_cli_json_and_table(full_db: Path) -> None:
    out = runner.invoke(app, ["show", "ofac_sdn:22790", "--db", str(full_db), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["records"][0]["name"] == "MADURO MOROS, Nicolas"
    out = runner.invoke(app, ["show", "ofac_sdn:22790", "--db", str(full_db)])
    assert out.exit_code == 0
    assert "$50,000,000" in out.stdout and "cedula 5892464 (Venezuela)" in out.stdout
    out = runner.invoke(app, ["show", "ofac_sdn:0", "--db", str(full_db)])
    assert out.exit_code == 2
    assert "no entity 'ofac_sdn:0'" in out.stderr
