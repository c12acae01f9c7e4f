"""fbi_wanted: trimmed real API items, the newest-modified rule, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import BirthDate, Designation, Name, Nationality, Property, Record, Reward
from sanctions.sources import fbi_wanted
from sanctions.sources.base import Report

FIXTURES = Path(__file__).parent / "fixtures" / "fbi"
PAGE_2024 = FIXTURES / "2024-09-07_list_page1_trimmed.json"
PAGE_2025 = FIXTURES / "2025-04-18_list_page1_trimmed.json"
FBI = "Federal Bureau of Investigation"


def parse(paths: dict[str, Path]) -> tuple[dict[str, Record], Report]:
    report = Report()
    return {r.source_id: r for r in fbi_wanted.parse(paths, report)}, report


def test_items_map_to_person_records() -> None:
    records, report = parse({"page1_2024-09-07": PAGE_2024, "page1_2025-04-18": PAGE_2025})
    assert list(records) == [
        "b953c05b852a4b719c0a152ef8a73ffd",  # Livshits
        "63317cf0ccc44bb8a3f4bf834e2231f9",  # Mantilla
        "f0afd3df02e142aaae0af3027beaf149",  # Perez-Sanchez
    ]
    assert report.rows == {"page1_2024-09-07": 3, "page1_2025-04-18": 2}
    assert report.counts == {
        "posters in more than one file": 0,
        "skipped: seeking-information poster (incident or victim)": 1,  # temple arson
        "skipped: missing person": 1,  # JOHN BALISTRERI (ViCAP Missing Persons)
    }

    mantilla = records["63317cf0ccc44bb8a3f4bf834e2231f9"]
    url = "https://www.fbi.gov/wanted/cei/rodolfo-mantilla"
    assert (mantilla.id, mantilla.type, mantilla.name, mantilla.listed_on, mantilla.url,
            mantilla.gender) == (
        "fbi_wanted:63317cf0ccc44bb8a3f4bf834e2231f9", "person", "RODOLFO MANTILLA",
        "2024-07-16", url, "male")
    # reward_min/reward_max are 0: the amount comes from reward_text.
    assert mantilla.raw["reward_max"] == 0
    assert mantilla.rewards == [Reward(
        "FBI", 10_000, "2024-07-16", "na", None, url,
        "The FBI is offering a reward of up to $10,000 for information leading to the arrest "
        "and conviction of Rodolfo Mantilla.")]
    assert mantilla.names == [Name("RODOLFO MANTILLA", "primary"), Name("Rudy", "weak")]
    assert mantilla.birth_dates == [BirthDate("February 27, 1981", "1981-02-27")]
    assert mantilla.birth_places == ["Florida"]
    assert mantilla.designations == [Designation(FBI, "FBI Wanted", "FBI Wanted", "2024-07-16")]

    livshits = records["b953c05b852a4b719c0a152ef8a73ffd"]
    assert livshits.names[1:] == [Name("Boris Levitan"), Name("Boris Livshitc"),
                                  Name("David Wetzky")]
    assert livshits.nationalities == [Nationality("Russian")]
    assert livshits.rewards == []
    assert livshits.properties == [
        Property("subject", "Counterintelligence"), Property("field_office", "newyork"),
        Property("poster_classification", "default"), Property("person_classification", "Main"),
    ]

    captured = records["f0afd3df02e142aaae0af3027beaf149"]
    assert captured.designations[0].status == "captured"
    assert [(w.amount_usd, w.status) for w in captured.rewards] == [(30_000, "captured")]


def test_same_uid_in_two_files_keeps_newest_modified(tmp_path: Path) -> None:
    data = json.loads(PAGE_2024.read_text(encoding="utf-8"))
    newer = dict(data["items"][0], modified="2025-01-01T00:00:00+00:00", title="BORIS LIVSHITS")
    older = dict(data["items"][0], modified="2020-01-01T00:00:00+00:00", title="B. LIVSHITS")
    for name, item in (("a.json", newer), ("b.json", older)):
        (tmp_path / name).write_text(json.dumps({"total": 1, "items": [item], "page": 1}))
    records, report = parse({"a": tmp_path / "a.json", "b": tmp_path / "b.json"})
    assert [r.name for r in records.values()] == ["BORIS LIVSHITS"]
    assert report.counts == {"posters in more than one file": 1}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("May 9, 1970", BirthDate("May 9, 1970", "1970-05-09")),
        ("1970", BirthDate("1970", "1970")),
        ("Approximately 1970", BirthDate("Approximately 1970")),
    ],
)
def test_birth_date(raw: str, expected: BirthDate) -> None:
    assert fbi_wanted.birth_date(raw) == expected


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "file is empty"),
        ("<!DOCTYPE html><html><body>Too Many Requests</body></html>",
         "file is an HTML page, not the expected data file"),
        ('{"total": 1007, "items": [{"uid": "x"', "not valid JSON (truncated?): "
         "Expecting ',' delimiter at line 1"),
        ("[]", "expected a JSON object, got list"),
        ('{"total": 1, "results": []}', "missing keys: items, page"),
        ('{"total": 1, "items": {}, "page": 1}', "'items' is not a list"),
        ('{"total": 1, "items": [{"uid": "x", "title": "X"}], "page": 1}',
         "item 0: missing modified"),
    ],
)
def test_malformed_input_is_a_source_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "page.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(fbi_wanted.parse({"page": path}, Report()))
    assert (err.value.source, err.value.problem, err.value.path) == (
        "fbi_wanted", problem, str(path))


@pytest.mark.slow
def test_full_bundled_snapshot() -> None:
    source = fbi_wanted.SOURCE
    records, report = parse(source.snapshot_paths())
    assert report.rows == {"page1_2024-09-07": 20, "page1_2025-04-18": 20}
    assert report.counts == {
        "posters in more than one file": 0,
        "skipped: missing person": 16,
        "skipped: seeking-information poster (incident or victim)": 5,
        "skipped: unidentified person": 1,
        "skipped: victim": 1,
    }
    assert len(records) == 17
    assert all(r.type == "person" for r in records.values())
    assert source.expected.total[0] <= len(records) <= source.expected.total[1]
    rewards = {r.name: w.amount_usd for r in records.values() for w in r.rewards}
    assert rewards == {
        "RODOLFO MANTILLA": 10_000,
        "FREDERICK ARIAS": 25_000,
        "DARASY S. CHHIM": 10_000,
        "OSWALDO NATHANAHEL PEREZ-SANCHEZ": 30_000,
    }


def test_fetch_pages_until_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls: list[str] = []

    def fake_download(source: str, url: str, dest: Path) -> Path:
        urls.append(url)
        page = int(url.rsplit("=", 1)[1])
        items = [{"uid": f"{page}-{i}", "title": "X", "modified": "2025-01-01T00:00:00+00:00"}
                 for i in range(20 if page < 3 else 5)]
        dest.write_text(json.dumps({"total": 45, "items": items, "page": page}))
        return dest

    monkeypatch.setattr(fbi_wanted, "download", fake_download)
    paths = fbi_wanted.fetch(tmp_path)
    assert list(paths) == ["page_001", "page_002", "page_003"]
    assert urls == [f"https://api.fbi.gov/wanted/v1/list?page={n}" for n in (1, 2, 3)]
