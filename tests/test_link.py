"""Cross-list linking: the links that must exist, and the parties that must stay apart."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.dates import birth_bounds
from sanctions.errors import SanctionsError
from sanctions.ingest import link
from sanctions.ingest.build import build
from sanctions.ingest.link import Clusters, Linker, read_judgements
from sanctions.ingest.link_data import Ent, Lists
from sanctions.ingest.link_evidence import births_compatible, judge
from sanctions.ingest.link_names import PRIMARY, name_forms, name_key, near_names
from sanctions.sources import get_source
from sanctions.store.entities import show

runner = CliRunner()


def cluster_of(db: Path, eid: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT cluster_id FROM clusters WHERE entity_id = ?",
                            (eid,)).fetchone()[0]
    finally:
        conn.close()


def ent(eid: str, etype: str = "person", names: tuple[str, ...] = (), **kw: object) -> Ent:
    """A record as the linker loads it: its names as primary, then aliases."""
    e = Ent(eid, eid.split(":")[0], etype, list(kw.pop("programs", [])))  # type: ignore[call-overload]
    for i, name in enumerate(names):
        for key, rank in name_forms(name, etype, PRIMARY if i == 0 else 1):
            e.names.setdefault(key, rank)
            if rank == PRIMARY and " " in key:
                e.primaries.append(key)
    for attr, value in kw.items():
        setattr(e, attr, value)
    if e.births:
        e.days = {lo for lo, hi in e.births if lo == hi}
    return e


def linker(*ents: Ent) -> Linker:
    found = {e.id: e for e in ents}
    lists = Lists(found)
    for e in ents:
        for key in e.names:
            lists.index.setdefault((e.type, key), []).append(e.id)
    return Linker(found, lists)


def test_name_key_ignores_order_and_case() -> None:
    assert name_key(["maduro", "moros", "nicolas"]) == name_key(["nicolas", "maduro", "moros"])


@pytest.mark.parametrize(
    ("name", "etype", "forms"),
    [
        # an acronym in brackets is a weak name; the rest keeps its rank
        ("TEHRIK-E TALIBAN PAKISTAN (TTP)", "organization",
         [("e pakistan taliban tehrik", 2), ("ttp", 0)]),
        # a qualifier is part of the name: Kenya's branch is not Tanzania's
        ("AL-HARAMAYN FOUNDATION (KENYA)", "organization",
         [("al foundation haramayn kenya", 2),
          ("al foundation haramayn", 0), ("alharamaynfoundation", 0), ("kenya", 0)]),
        # an apostrophe splits no word, 'the' and titles are dropped
        ("AL QA'IDA", "organization", [("al qaida", 2), ("alqaida", 2)]),
        ("THE HOUTHIS", "organization", [("houthis", 2)]),
        ("AL-BADRI, Dr. Ibrahim", "person", [("al badri ibrahim", 2)]),
    ],
)
def test_name_forms(name: str, etype: str, forms: list[tuple[str, int]]) -> None:
    assert name_forms(name, etype, PRIMARY) == forms


def test_near_names_use_the_matchers_token_comparison() -> None:
    assert near_names("lyubov prigozhina valentinovna", "lyubov prigozhina valentinova") == 0.9167
    assert near_names("ivan ivanov petrovich", "ivan ivanov sergeevich") == 0.0


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


def test_union_refused_when_any_two_members_are_judged_different() -> None:
    """A-B and B-C may each look fine, but A and C were born years apart: no chain merge."""
    a = ent("x:a", births=[("1979-08-01", "1979-08-01")])
    b = ent("y:b")
    c = ent("z:c", births=[("1985-08-30", "1985-08-30")])
    clusters = Clusters(linker(a, b, c))
    assert clusters.union("x:a", "y:b") is None
    assert clusters.union("y:b", "z:c") == "x:a and z:c judged different (different birth dates)"
    assert clusters.find("z:c") != clusters.find("x:a")


def test_union_refused_for_two_entries_of_one_list() -> None:
    """A bridging link may not pull a second entry of the same list into a cluster."""
    a, b = ent("un:1", "organization"), ent("un:2", "organization")
    x = ent("uk:1", "organization")
    clusters = Clusters(linker(a, b, x))
    assert clusters.union("un:1", "uk:1") is None
    assert clusters.union("uk:1", "un:2") == (
        "un:1 and un:2 judged different (two separate entries on un)")


def test_a_shared_number_between_unrelated_names_on_one_list_is_evidence_against() -> None:
    bank = ent("ofac_cons:1", "organization", ("STATE DEVELOPMENT BANK VNESHECONOMBANK",),
               ids={"tax_id": {"7750004150"}}, programs=["RUSSIA-EO14024"])
    subsidiary = ent("ofac_cons:2", "organization", ("BANK BELVEB OJSC",),
                     ids={"tax_id": {"7750004150"}}, programs=["RUSSIA-EO14024"])
    found = linker(bank, subsidiary)
    found.lists.df = {"bank": 400}  # 'bank' is in hundreds of names: it ties nothing
    d = judge(bank, subsidiary, found.lists)
    assert (d.score, d.same, d.different) == (-1.0, False, False)
    assert d.detail == "tax_id 7750004150, names unrelated | against: two separate entries on ofac"


def test_a_ship_without_a_number_links_to_the_only_ship_of_its_name_elsewhere() -> None:
    """The UK's summary list gives no IMO. Its ONYX (Russia) is the EU's ONYX, IMO 9236640,
    the only vessel so named on the other lists; its RIGEL, beside two EU RIGELs with two
    IMOs, could be either and stays unlinked."""
    uk = ent("uk_sanctions:RUS2793", "vessel", ("ONYX",), programs=["Russia"])
    eu = ent("eu_vessels:9236640", "vessel", ("Onyx",), programs=["EU-RUS"], imos={"9236640"})
    d = judge(uk, eu, linker(uk, eu).lists)
    assert (d.score, d.same, d.reason) == (3.25, True, "same_name_sole_vessel")
    assert d.detail == (
        "same name 'onyx' (primary = primary); unique in each list; both listed under russia"
        " sanctions; no number on uk_sanctions:RUS2793; the only vessel named 'onyx' on the"
        " other lists is IMO 9236640 | against: one short word, as ships reuse them")
    rigel = ent("uk_sanctions:RUS2565", "vessel", ("RIGEL",), programs=["Russia"])
    eu_rigels = [ent(f"eu_vessels:{imo}", "vessel", ("Rigel",), programs=["EU-RUS"],
                     imos={imo}) for imo in ("9296406", "9511533")]
    found = linker(rigel, *eu_rigels)
    assert [judge(rigel, e, found.lists).same for e in eu_rigels] == [False, False]
    # the same hull on a second list (OFAC's LADY R, IMO 9161003) is still one ship
    lady = ent("uk_sanctions:RUS2185", "vessel", ("LADY R",), programs=["Russia"])
    eu_lady = ent("eu_vessels:9161003", "vessel", ("Lady R",), programs=["EU-RUS"],
                  imos={"9161003"})
    ofac_lady = ent("ofac_sdn:37095", "vessel", ("LADY R",), programs=["RUSSIA-EO14024"],
                    imos={"9161003"})
    found = linker(lady, eu_lady, ofac_lady)
    assert [judge(lady, e, found.lists).reason for e in (eu_lady, ofac_lady)] == [
        "same_name_sole_vessel", "same_name_sole_vessel"]


def test_an_alias_that_is_another_records_primary_name_counts_against() -> None:
    hizballah = ent("ofac_sdn:1", "organization", ("HIZBALLAH", "PARTY OF GOD", "ANSAR ALLAH"),
                    programs=["FTO"])
    ansarallah = ent("ofac_sdn:2", "organization", ("ANSARALLAH", "ANSAR ALLAH"),
                     programs=["SDGT"])
    fto = ent("state_fto:ansarallah", "organization", ("Ansarallah", "Houthis", "Ansar Allah"),
              programs=["FTO"])
    found = linker(hizballah, ansarallah, fto)
    d = judge(hizballah, fto, found.lists)
    assert "'ansarallah' is the primary name of ofac_sdn:2" in d.cons
    assert not d.same
    assert judge(ansarallah, fto, found.lists).same


def test_read_judgements_skips_comments_and_refuses_a_bad_row(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("# why\nentity_a,entity_b,judgement,note\nb:2,a:1,same,one person\n")
    assert read_judgements(good) == {("a:1", "b:2"): ("same", "one person")}
    bad = tmp_path / "bad.csv"
    bad.write_text("entity_a,entity_b,judgement,note\na:1,b:2,maybe,?\n")
    with pytest.raises(SanctionsError) as err:
        read_judgements(bad)
    assert str(err.value) == (
        "bad.csv: row 2: expected entity_a, entity_b and a judgement of 'same' or 'different',"
        " got {'entity_a': 'a:1', 'entity_b': 'b:2', 'judgement': 'maybe', 'note': '?'}")


def test_judgements_are_applied_and_link_changes_are_not_entity_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reviewer's 'different' splits a cluster on the next build; the change history, which
    compares entities, records nothing; a bad judgements file stops the build, one line, and the
    database stays byte-identical."""
    db = tmp_path / "s.db"
    sources = [get_source("un_sc"), get_source("uk_sanctions")]
    pair = ("uk_sanctions:AQD0027", "un_sc:113458")  # AL-QAIDA on both lists
    monkeypatch.setattr(link, "JUDGEMENTS", tmp_path / "none.csv")
    build(db, sources=sources)
    assert cluster_of(db, pair[0]) == cluster_of(db, pair[1])
    judged = tmp_path / "judged.csv"
    judged.write_text(f"entity_a,entity_b,judgement,note\n{pair[0]},{pair[1]},different,test\n")
    monkeypatch.setattr(link, "JUDGEMENTS", judged)
    build(db, sources=sources)
    assert cluster_of(db, pair[0]) != cluster_of(db, pair[1])
    conn = sqlite3.connect(db)
    changes = conn.execute("SELECT change, count(*) FROM changes GROUP BY change").fetchall()
    conn.close()
    assert changes == [("baseline", 2)]
    before = db.read_bytes()
    judged.write_text("entity_a,entity_b,judgement,note\nx,y,perhaps,\n")
    with pytest.raises(SanctionsError, match="^judged.csv: row 2: expected"):
        build(db, sources=sources)
    assert db.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ofac_sdn:24143", "ofac_sdn:36397"),  # OFAC lists USTINOV twice: same name, DOB, POB
        ("ofac_sdn:49756", "state_fto:tren-de-aragua"),
        ("ofac_sdn:55025", "state_fto:cartel-de-los-soles"),
        ("ofac_sdn:56547", "eu_vessels:9255684"),  # GOLDEN EAGLE, IMO 9255684
        ("ofac_sdn:22790", "state_rewards:nicolas-maduro-moros"),
        ("ofac_sdn:4697", "state_fto:hizballah"),
        ("ofac_sdn:47664", "state_fto:ansarallah"),
        ("state_fto:ansarallah", "un_sc:6908876"),  # the Houthis
        ("ofac_sdn:6366", "state_fto:al-qa-ida"),  # AL QA'IDA / al-Qa'ida
        ("un_sc:113236", "state_fto:al-jihad-egyptian-islamic-jihad"),
        ("ofac_sdn:16696", "state_fto:isis-drc"),  # a weak a.k.a. and the FTO tag
        ("ofac_sdn:31372", "state_fto:isis-mozambique"),
        ("ofac_sdn:12206", "state_fto:tehrik-e-taliban-pakistan"),  # '... (TTP)'
        ("ofac_sdn:35430", "uk_sanctions:RUS0295"),  # MATVEYEV / MATVEEV Mikhail Nikolayevich
        ("ofac_sdn:13109", "un_sc:110327"),  # Pouya Air = Yas Air, by a reviewer's judgement
        # reward offers: the organisation named stands for a regime (al-Shabaab: terrorism)
        ("ofac_sdn:39298", "state_rewards:hassan-afgooye"),
        ("ofac_sdn:15241", "state_rewards:talal-hamiyah"),  # Hizballah (External Security ...)
        ("state_rewards:jimmy-cherizier", "uk_sanctions:HAI0001"),  # Viv Ansanm (Haiti)
        ("ofac_sdn:15945", "state_rewards:abu-mohammad-al-jolani"),  # by a judgement
        # UK ships (no IMO on its summary list) and the only listed ship of their name
        ("eu_vessels:9236640", "uk_sanctions:RUS2793"),  # ONYX
        ("ofac_sdn:37095", "uk_sanctions:RUS2185"),  # LADY R, also the EU's, IMO 9161003
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
        ("ofac_sdn:4697", "state_fto:ansarallah"),  # HIZBALLAH a.k.a. ANSAR ALLAH, not the Houthis
        ("ofac_sdn:4697", "un_sc:6908876"),
        ("ofac_sdn:6366", "un_sc:113236"),  # al-Qaida is not Egyptian Islamic Jihad
        ("ofac_sdn:6366", "state_fto:al-jihad-egyptian-islamic-jihad"),
        ("ofac_sdn:6366", "uk_sanctions:AQD0041"),
        ("ofac_cons:17015", "ofac_cons:18291"),  # VEB and its subsidiary Belveb, one tax number
        ("ofac_sdn:17015", "ofac_sdn:18291"),
        ("ofac_sdn:12299", "ofac_sdn:7472"),  # Jaysh al-Adl / Ansar al-Islam: 'Soldiers of God'
        ("ofac_sdn:7149", "un_sc:113226"),  # RIHS / the Afghan Support Committee
        ("ofac_sdn:13109", "un_sc:110353"),  # Pouya Air / Pars Aviation Services
        ("un_sc:110406", "un_sc:110444"),  # two UN officers repeating the same passports
        ("uk_sanctions:AQD0022", "uk_sanctions:AQD0023"),  # Al-Haramayn Kenya / Tanzania
        ("state_fto:ansarallah", "state_rewards:ansarallah-financial-mechanisms-disruption"),
        ("eu_vessels:9296406", "uk_sanctions:RUS2565"),  # the UK's RIGEL: one of two EU RIGELs
        ("eu_vessels:9511533", "uk_sanctions:RUS2565"),
    ],
)
def test_different_parties_stay_apart(full_db: Path, a: str, b: str) -> None:
    assert cluster_of(full_db, a) != cluster_of(full_db, b)


@pytest.mark.slow
def test_prigozhina_is_linked_on_near_names_unique_in_each_list_and_one_regime(
        full_db: Path) -> None:
    """OFAC's 'PRIGOZHINA, Lyubov Valentinovna' and the UK's '... Valentinova': a letter apart,
    no other record as near on either list, both under Russia sanctions; the UK record has no
    birth date or number, so that is all the evidence, and the link says so."""
    links = show("ofac_sdn:31673", db=full_db)["links"]
    assert links == [{
        "entity_a": "ofac_sdn:31673", "entity_b": "uk_sanctions:RUS0701",
        "reason": "close_name_corroborated", "confidence": 0.818,
        "detail": "near names 'lyubov prigozhina valentinovna' ~ 'lyubov prigozhina valentinova'"
                  " (primary = primary, 0.92); no other record as near on either list; both"
                  " listed under russia sanctions",
    }]


@pytest.mark.slow
def test_show_tren_de_aragua_includes_fto_record(full_db: Path) -> None:
    result = show("ofac_sdn:49756", db=full_db)
    ids = [r["id"] for r in result["records"]]
    assert ids[0] == "ofac_sdn:49756"
    assert "state_fto:tren-de-aragua" in ids
    fto = [d for d in result["listings"] if d["list"] == "FTO" and d["source"] == "state_fto"]
    assert [(d["authority"], d["listed_on"]) for d in fto] == [
        ("U.S. Department of State", "2025-02-20")]


@pytest.mark.slow
def test_show_maduro_includes_50m_reward(full_db: Path) -> None:
    rewards = show("ofac_sdn:22790", db=full_db)["rewards"]
    assert {(w["amount_usd"], w["announced"]) for w in rewards} >= {
        (50_000_000, "2025-08-07"), (15_000_000, "2020-03-26")}


@pytest.mark.slow
def test_show_cartel_de_los_soles_fto_date(full_db: Path) -> None:
    listings = show("ofac_sdn:55025", db=full_db)["listings"]
    assert ("state_fto", "FTO", "2025-11-24") in {
        (d["source"], d["list"], d["listed_on"]) for d in listings}


@pytest.mark.slow
def test_show_golden_eagle_eu_listing(full_db: Path) -> None:
    result = show("ofac_sdn:56547", db=full_db)
    eu = [d for d in result["listings"] if d["source"] == "eu_vessels"]
    assert eu and all(d["authority"] == "European Union" for d in eu)
    assert {r["vessel"]["imo"] for r in result["records"]} == {"9255684"}
    # one decision over all the evidence: the IMO, and the same name as corroboration
    assert [(lk["reason"], lk["detail"]) for lk in result["links"]] == [
        ("shared_imo", "same name 'eagle golden' (primary = primary); unique in each list;"
                       " IMO 9255684")]


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
