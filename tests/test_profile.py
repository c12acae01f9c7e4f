"""The profile of a real-world entity (sanctions.store.profile and /-/profile/<id>), on the full
build of the bundled snapshots: Maduro's records with his reward, Hezbollah without the Houthis.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette_fixtures import register_plugin

from sanctions.store.profile import REASONS, match_facts, profile, script_of
from sanctions.web.metadata import load_metadata

MADURO = "ofac_sdn:22790"
MADURO_REWARD = "state_rewards:nicolas-maduro-moros"
HIZBALLAH = "ofac_sdn:4697"
HOUTHIS = ("state_fto:ansarallah", "ofac_sdn:47664", "un_sc:6908876", "uk_sanctions:YEM0010")


@pytest.fixture(scope="module")
def conn(full_db: Path) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(f"file:{full_db}?mode=ro", uri=True)
    yield c
    c.close()


def test_maduro_has_his_reward_his_listing_and_why(conn: sqlite3.Connection) -> None:
    p = profile(conn, MADURO)
    assert p is not None
    assert [r["id"] for r in p["records"]] == [MADURO, MADURO_REWARD]
    top = p["rewards"][0]
    assert (top["amount_usd"], top["program"], top["announced"], top["entity_id"]) == (
        50_000_000, "NRP", "2025-08-07", MADURO_REWARD)
    ofac = [(x["program"], x["status"]) for x in p["listings"] if x["source"] == "ofac_sdn"]
    assert ofac == [("VENEZUELA", "active"), ("IRAN-CON-ARMS-EO", "active")]
    assert [(lk["entity_a"], lk["entity_b"], lk["reason"], lk["because"]) for lk in p["links"]] == [
        (MADURO, MADURO_REWARD, "same_name_unique", REASONS["same_name_unique"])]
    assert [(n["name"], n["kind"], n["script"]) for n in p["names"]] == [
        ("MADURO MOROS, Nicolas", "primary", "Latin"), ("Nicolás Maduro Moros", "primary", "Latin")]
    assert [b["raw"] for b in p["birth_dates"]] == ["23 Nov 1962"]
    assert p["vessel"] is None


def test_hizballah_does_not_list_the_houthis(conn: sqlite3.Connection) -> None:
    p = profile(conn, HIZBALLAH)
    assert p is not None
    ids = {r["id"] for r in p["records"]}
    assert HIZBALLAH in ids and "state_fto:hizballah" in ids
    assert not ids & set(HOUTHIS)
    assert not any("Houthi" in (x["program"] or "") or "Ansar" in r["name"]
                   for r in p["records"] for x in r["designations"])


def test_the_houthis_form_their_own_profile(conn: sqlite3.Connection) -> None:
    p = profile(conn, "state_fto:ansarallah")
    assert p is not None
    ids = {r["id"] for r in p["records"]}
    assert HIZBALLAH not in ids and "state_fto:hizballah" not in ids


def test_a_vessel_profile_has_its_particulars(conn: sqlite3.Connection) -> None:
    imo, entity = conn.execute(
        "SELECT v.imo, v.entity_id FROM vessels v JOIN clusters c ON c.entity_id = v.entity_id"
        " WHERE v.imo_valid = 1 AND v.flag IS NOT NULL AND c.size > 1"
        " ORDER BY v.entity_id LIMIT 1").fetchone()
    p = profile(conn, entity)
    assert p is not None and p["vessel"] is not None
    assert p["vessel"]["imo"] == [imo]
    assert p["vessel"]["flag"]
    facts = match_facts(conn, [entity])
    assert facts[entity]["imo"] == imo


def test_unknown_entity_is_none(conn: sqlite3.Connection) -> None:
    assert profile(conn, "ofac_sdn:0") is None


@pytest.mark.parametrize(("name", "script"), [
    ("Nicolás Maduro", "Latin"), ("Николас Мадуро", "Cyrillic"), ("حزب الله", "Arabic"),
    ("金正恩", "Chinese"), ("김정은", "Hangul"), ("123", "Other")])
def test_script_of(name: str, script: str) -> None:
    assert script_of(name) == script


# --- the page ------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def full_ds(full_db: Path) -> AsyncIterator[Datasette]:
    register_plugin()
    ds = Datasette(immutables=[str(full_db)], metadata=load_metadata(full_db))
    await ds.invoke_startup()
    yield ds


@pytest.mark.anyio
async def test_profile_page_of_maduro(full_ds: Datasette) -> None:
    response = await full_ds.client.get("/-/profile/ofac_sdn~3A22790")
    assert response.status_code == 200
    html = response.text
    assert "<h1>MADURO MOROS, Nicolas</h1>" in html
    assert "up to $50,000,000" in html
    assert REASONS["same_name_unique"] in html
    assert "IRAN-CON-ARMS-EO" in html
    # each record's page links to the profile, and the profile to each record
    assert 'href="/sanctions/entities/ofac_sdn~3A22790"' in html
    row = await full_ds.client.get("/sanctions/entities/ofac_sdn~3A22790")
    assert 'href="/-/profile/ofac_sdn~3A22790"' in row.text
    assert "<details id=\"row\">" in row.text
    assert "0 rows from" not in row.text  # "Links from other tables" trimmed to nonzero


@pytest.mark.anyio
async def test_profile_page_of_nobody_is_404(full_ds: Datasette) -> None:
    response = await full_ds.client.get("/-/profile/ofac_sdn~3A0")
    assert response.status_code == 404
    assert "No record has the id &ldquo;ofac_sdn:0&rdquo;" in response.text


def test_screening_facts_warn_of_an_older_file(conn: sqlite3.Connection) -> None:
    # OFAC delisted Tornado Cash on 2025-03-21; the bundled SDN list of 2024-05-03 still has it
    facts = match_facts(conn, ["ofac_sdn:39796", "ofac_sdn:49756", MADURO_REWARD])
    assert facts["ofac_sdn:39796"]["stale"].startswith("from the 2024-05-03 file;")
    assert facts["ofac_sdn:49756"] == {"designated_on": None, "stale": None}  # the 2026 rows
    assert facts[MADURO_REWARD] == {"designated_on": "2020-03-26", "stale": None}
