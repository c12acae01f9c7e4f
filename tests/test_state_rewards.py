"""state_rewards: compiled CSV (trimmed real rows), documented NRP/RFJ layouts, malformed input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import BirthDate, Designation, Name, Nationality, Property, Record, Reward
from sanctions.sources import state_rewards
from sanctions.sources.base import Report
from sanctions.sources.money import find_usd, parse_usd

FIXTURES = Path(__file__).parent / "fixtures" / "rewards"
STATE = "U.S. Department of State"


def parse(paths: dict[str, Path]) -> tuple[dict[str, Record], Report]:
    report = Report()
    return {r.source_id: r for r in state_rewards.parse(paths, report)}, report


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$5 million", 5_000_000),
        ("The FBI is offering a reward of up to $10,000 for information", 10_000),
        ("offering a reward of up to US$50 million", 50_000_000),
        ("up to $2.5 million", 2_500_000),
        ("a reward of $250,000", 250_000),
        ("USD 1,000,000", 1_000_000),
        ("no amount here", None),
        (None, None),
    ],
)
def test_parse_usd(text: str | None, amount: int | None) -> None:
    assert parse_usd(text) == amount


def test_find_usd_keeps_every_amount_in_order() -> None:
    assert find_usd("up to $10 million for leaders and up to $5 million for any participant") == [
        10_000_000, 5_000_000]


def test_compiled_offers_grouped_by_subject() -> None:
    records, report = parse({"csv": FIXTURES / "rewards_compiled_trimmed.csv"})
    assert sorted(records) == [
        "ahmed-diriye", "darkside-ransomware-group-key-leaders-identification-location",
        "hector-rusthenford-guerrero-flores", "nicolas-maduro-moros", "rodolfo-mantilla",
    ]
    assert report.rows == {"csv": 9}
    assert report.counts == {"offers without a subject to screen": 1}

    maduro = records["nicolas-maduro-moros"]
    assert (maduro.id, maduro.type, maduro.name, maduro.listed_on) == (
        "state_rewards:nicolas-maduro-moros", "person", "Nicolás Maduro Moros", "2020-03-26")
    assert [(r.program, r.amount_usd, r.announced, r.status, r.organization) for r in
            maduro.rewards] == [
        ("NRP", 50_000_000, "2025-08-07", "reported captured by U.S. forces (early Jan 2026)",
         "Cartel de los Soles"),
        ("NRP", 25_000_000, None, "superseded (raised to $50M on 2025-08-07)",
         "Cartel de los Soles"),
        ("NRP", 15_000_000, "2020-03-26", "superseded", "Cartel de los Soles"),
    ]
    assert maduro.designations == [Designation(STATE, "NRP", "NRP", "2020-03-26")]
    assert len(maduro.raw["rows"]) == 3

    nino = records["hector-rusthenford-guerrero-flores"]
    assert nino.names == [Name("Héctor Rusthenford Guerrero Flores", "primary"),
                          Name("Niño Guerrero")]
    assert nino.rewards == [Reward("TOCRP", 5_000_000, "2024-07-11", "active as of source",
                                   "Tren de Aragua", nino.rewards[0].url, None)]
    assert Property("organization", "Tren de Aragua") in nino.properties

    # "Abu Ubaidah Direye" is an alias of Ahmed Diriye: his earlier $6M offer joins the record.
    diriye = records["ahmed-diriye"]
    assert diriye.names == [Name("Ahmed Diriye", "primary"), Name("Abu Ubaidah Direye"),
                            Name("Abu Ubaidah")]
    assert [(r.amount_usd, r.announced) for r in diriye.rewards] == [
        (10_000_000, "2022-11-14"), (6_000_000, None)]

    darkside = records["darkside-ransomware-group-key-leaders-identification-location"]
    assert (darkside.type, darkside.rewards[0].amount_usd) == ("organization", 10_000_000)

    fbi = records["rodolfo-mantilla"]
    assert fbi.designations == [Designation("Federal Bureau of Investigation", "FBI", "FBI",
                                            "2024-07-16")]
    assert fbi.names == [Name("RODOLFO MANTILLA", "primary"), Name("Rudy")]


def test_nrp_target_page_in_documented_layout() -> None:
    records, report = parse({"nrp_juan-ejemplo-muestra": FIXTURES / "nrp_target.html"})
    url = "https://www.state.gov/juan-ejemplo-muestra/"
    r = records["nrp-juan-ejemplo-muestra"]
    assert (r.type, r.name, r.listed_on, r.url, r.gender) == (
        "person", "Juan Ejemplo Muestra", "2020-03-26", url, "male")
    assert r.names == [Name("Juan Ejemplo Muestra", "primary"), Name("El Ejemplo"),
                       Name("Juanito Muestra")]
    assert r.birth_dates == [BirthDate("March 2, 1967", "1967-03-02")]
    assert r.birth_places == ["Ciudad Ficticia, Colombia"]
    assert r.nationalities == [Nationality("Colombian")]
    assert r.designations == [Designation(STATE, "NRP", "NRP", "2020-03-26")]
    assert r.rewards == [Reward(
        "NRP", 10_000_000, "2020-03-26", None, None, url,
        "The U.S. Department of State is offering a reward of up to $10 million for information "
        "leading to the arrest and/or conviction of Juan Ejemplo Muestra.")]
    assert r.properties == [
        Property("hair", "Black"),
        Property("poster", "https://www.state.gov/wp-content/uploads/juan-ejemplo-muestra-poster.pdf"),
        Property("tag", "Narcotics Rewards Program"),
        Property("tag", "Colombia"),
    ]
    assert report.counts == {"unmapped label: HAIR": 1}
    assert r.raw["labels"][0] == ("ALIASES", "El Ejemplo; Juanito Muestra")


def test_nrp_target_page_with_unclosed_paragraphs_reads_the_same(tmp_path: Path) -> None:
    """<p> left open and a comment inside a label line: each <p> still ends where the next one
    starts, as in a browser, so no label is read twice."""
    page = (FIXTURES / "nrp_target.html").read_text(encoding="utf-8")
    sloppy = page.replace("</p>", "").replace("HAIR: Black", "HAIR: <!-- colour -->Black")
    path = tmp_path / "nrp_juan-ejemplo-muestra.html"
    path.write_text(sloppy, encoding="utf-8")
    record = parse({"nrp_juan-ejemplo-muestra": path})[0]["nrp-juan-ejemplo-muestra"]
    tidy = parse({"nrp_juan-ejemplo-muestra": FIXTURES / "nrp_target.html"})[0][record.source_id]
    assert replace(record, raw={}) == replace(tidy, raw={})
    # The last <p> runs on to its </div>, over the poster link, as a browser reads it.
    assert record.raw["text"] == [*tidy.raw["text"], "Wanted poster (PDF)"]
    assert record.raw["labels"] == tidy.raw["labels"]


def test_rfj_post_with_unclosed_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "rfj.json"
    path.write_text(json.dumps([{
        "id": 7, "link": "https://rewardsforjustice.net/rewards/x/",
        "date_gmt": "2024-05-01T12:00:00",
        "title": {"rendered": "Abu X"},
        "content": {"rendered": "<p>A reward of up to $5 million<p>ALIASES: Abu Y; Abu Z"},
    }]), encoding="utf-8")
    record = parse({"rfj": path})[0]["rfj-7"]
    assert record.names == [Name("Abu X", "primary"), Name("Abu Y"), Name("Abu Z")]
    assert [(w.amount_usd, w.announced, w.text) for w in record.rewards] == [
        (5_000_000, "2024-05-01", "A reward of up to $5 million")]


def test_rfj_posts_in_documented_layout() -> None:
    records, _ = parse({"rfj": FIXTURES / "rfj_rewards.json"})
    person, org = records["rfj-90001"], records["rfj-90002"]
    assert (person.type, person.name, person.listed_on) == (
        "person", "Abu Ejemplo al-Mu’stra", "2022-11-14")
    assert person.names[1:] == [Name("Abu Muestra"), Name("Ejemplo al-Muestri")]
    assert person.birth_dates == [BirthDate("1975", "1975")]
    assert [(w.program, w.amount_usd, w.announced, w.url) for w in person.rewards] == [
        ("RFJ", 10_000_000, "2022-11-14",
         "https://rewardsforjustice.net/rewards/abu-ejemplo-al-muestra/")]
    assert person.raw["id"] == 90001
    assert (org.type, org.rewards[0].amount_usd) == ("organization", 10_000_000)


CSV_HEADER = ",".join(state_rewards.CSV_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("role", "content", "problem"),
    [
        ("csv", "", "file is empty"),
        ("csv", "<html><head><title>404</title></head></html>",
         "file is an HTML page, not the expected data file"),
        ("csv", "program,subject,amount\nNRP,X,5\n",
         "missing columns: aliases, amount_usd, currency, announced, organization, status, "
         "source, notes"),
        ("csv", CSV_HEADER + "DEA,X,,5000000,USD,2020,,,,\n", "row 2: unknown program 'DEA'"),
        ("csv", CSV_HEADER + "NRP,X,,$5 million,USD,2020,,,,\n",
         "row 2: amount '$5 million' 'USD' is not whole US dollars"),
        ("csv", CSV_HEADER + "NRP,X,,5000000,EUR,2020,,,,\n",
         "row 2: amount '5000000' 'EUR' is not whole US dollars"),
        ("csv", CSV_HEADER + "NRP,X,,5000000,USD,26/03/2020,,,,\n",
         "row 2: announced '26/03/2020' is not an ISO date"),
        ("csv", CSV_HEADER + "NRP,X,,5000000\n", "row 2: wrong number of fields"),
        ("rfj", "[{\"id\": 1, \"link\": \"x\", \"title\": {\"rendered\"",
         "not valid JSON (truncated?): Expecting ':' delimiter at line 1"),
        ("rfj", "{\"code\": \"rest_post_invalid_page_number\"}",
         "WordPress error 'rest_post_invalid_page_number'"),
        ("rfj", "{\"posts\": []}", "expected a JSON list of reward posts"),
        ("rfj", "[{\"title\": {\"rendered\": \"X\"}}]", "post without id or link: ['title']"),
        ("rfj", "[{\"id\": 7, \"link\": \"x\", \"title\": \"X\"}]", "post 7: no title.rendered"),
        ("nrp_x", "", "file is empty"),
        ("nrp_x", "<html><body><h1>Page not found</h1></body></html>",
         "no h1.featured-content__headline: not a target page"),
        ("nrp_x", "<!-- only a comment -->", "no h1.featured-content__headline: not a target page"),
        ("nrp_x", "<html><body><h1 class=\"featured-content__headline\">Juan Ejemplo</h1>"
                  "<div class=\"entry-content\"><p>offering a reward of up to $10 milli",
         "page ends before </html> (truncated download?)"),
        ("pdf", "x", "unknown snapshot role 'pdf'"),
    ],
)
def test_malformed_input_is_a_source_error(
    tmp_path: Path, role: str, content: str, problem: str
) -> None:
    path = tmp_path / "rewards"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(state_rewards.parse({role: path}, Report()))
    assert (err.value.source, err.value.problem, err.value.path) == (
        "state_rewards", problem, str(path))


@pytest.mark.slow
def test_full_bundled_snapshot() -> None:
    source = state_rewards.SOURCE
    records, report = parse(source.snapshot_paths())
    assert report.rows == {"csv": 114}
    assert report.counts == {"offers without a subject to screen": 9}
    assert len(records) == 100
    assert sum(len(r.rewards) for r in records.values()) == 105  # 114 offers - 9 skipped
    by_type = {t: sum(r.type == t for r in records.values()) for t in ("person", "organization")}
    assert by_type == {"person": 81, "organization": 19}
    assert source.expected.total[0] <= len(records) <= source.expected.total[1]

    maduro = records["nicolas-maduro-moros"]
    assert [(w.amount_usd, w.announced) for w in maduro.rewards] == [
        (50_000_000, "2025-08-07"), (25_000_000, None), (15_000_000, "2020-03-26")]
    nino = records["hector-rusthenford-guerrero-flores"]
    assert [(w.program, w.amount_usd) for w in nino.rewards] == [("TOCRP", 5_000_000)]
    assert Name("Niño Guerrero") in nino.names
    assert {r.name for r in records.values() if Property("organization", "Tren de Aragua")
            in r.properties} == {"Héctor Rusthenford Guerrero Flores", "Yohan Jose Romero",
                                 "Giovanny San Vicente"}
    # Both spellings of Caro Quintero's name are one subject with two offers.
    assert [w.amount_usd for w in records["rafael-caro-quintero"].rewards] == [
        20_000_000, 5_000_000]
    jolani = records["abu-mohammad-al-jolani"]
    assert jolani.designations == [Designation(STATE, "RFJ", "RFJ", "2017", None, "withdrawn")]
