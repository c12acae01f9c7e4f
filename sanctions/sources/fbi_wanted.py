"""FBI Wanted: the public API behind fbi.gov/wanted.

Official format: `GET https://api.fbi.gov/wanted/v1/list?page=N` returns
`{"total": int, "items": [...], "page": int}`, 20 items a page. Each item is one poster, keyed by
its `uid`. Quirk: `reward_min`/`reward_max` are 0 even when `reward_text` states an amount, so the
amount is read from the text ("up to $10,000" -> 10000).

Bundled: two real copies of page 1 only (2024-09-07, 2025-04-18), hence kind "partial". A uid in
both files is one record; the copy with the newest `modified` wins.

The list mixes wanted people with posters about victims: missing and unidentified persons,
homicide victims, and "seeking information" appeals about an incident ("TESLA CHARGING STATION
ARSON"). A screening hit on a victim's name is noise, so those posters are skipped (see
`NOT_WANTED`) and counted in the report. Every other poster is a person: the API has no poster
type for organisations.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any

from ..dates import parse_date
from ..errors import SourceError
from ..models import BirthDate, Designation, Name, Nationality, Property, Record, Reward
from .base import Expected, Report, SnapshotFile, Source, dedupe, read_text
from .get import download
from .money import parse_usd

KEY = "fbi_wanted"
LIST_URL = "https://api.fbi.gov/wanted/v1/list"
AUTHORITY = "Federal Bureau of Investigation"
PAGE_SIZE = 20
MAX_PAGES = 200  # about 1,050 items (53 pages) in 2025; the bound stops a runaway loop

LIST_KEYS = ("total", "items", "page")
ITEM_KEYS = ("uid", "title", "modified")
# (field, value) -> why a poster is not about a wanted subject. `subjects` is a list: any match.
NOT_WANTED: dict[tuple[str, str], str] = {
    ("poster_classification", "information"): "seeking-information poster (incident or victim)",
    ("poster_classification", "missing"): "missing person",
    ("person_classification", "Victim"): "victim",
    ("subjects", "ViCAP Missing Persons"): "missing person",
    ("subjects", "ViCAP Unidentified Persons"): "unidentified person",
    ("subjects", "ViCAP Homicides and Sexual Assaults"): "victim",
}
GENDERS: dict[str, str] = {"Male": "male", "Female": "female"}
# API `status` -> Designation.status; "na" is what open posters carry.
STATUSES: dict[str, str] = {"na": "active"}
# `dates_of_birth_used` ("May 9, 1970"); the SOURCE declares them.
DATE_FORMATS = ("%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d")
_QUOTES = "\"'“”‘’"
_TAGS = re.compile(r"<[^>]+>")


def birth_date(raw: str) -> BirthDate:
    """A date of birth as the poster gives it; unreadable ("Approximately 1970") keeps raw only.

    >>> birth_date("May 9, 1970")
    BirthDate(raw='May 9, 1970', date='1970-05-09', date_from=None, date_to=None, circa=False)
    """
    return BirthDate(raw=raw, date=parse_date(raw, DATE_FORMATS))


def alias(text: str) -> Name:
    """A nickname in quotes ('"Rudy"') is a weak alias; a full name is a strong one."""
    stripped = text.strip().strip(_QUOTES).strip()
    return Name(stripped, "weak" if stripped != text.strip() else "aka")


def plain(html: str | None) -> str | None:
    text = " ".join(unescape(_TAGS.sub(" ", html or "")).split())
    return text or None


def load_page(path: Path) -> dict[str, Any]:
    """One list page, checked for shape: {"total", "items": [{"uid", "title", ...}], "page"}."""
    try:
        data = json.loads(read_text(KEY, path))
    except json.JSONDecodeError as exc:
        raise SourceError(KEY, f"not valid JSON (truncated?): {exc.msg} at line {exc.lineno}",
                          str(path)) from None
    if not isinstance(data, dict):
        raise SourceError(KEY, f"expected a JSON object, got {type(data).__name__}", str(path))
    missing = [k for k in LIST_KEYS if k not in data]
    if missing:
        raise SourceError(KEY, f"missing keys: {', '.join(missing)}", str(path))
    if not isinstance(data["items"], list):
        raise SourceError(KEY, "'items' is not a list", str(path))
    for n, item in enumerate(data["items"]):
        if not isinstance(item, dict):
            raise SourceError(KEY, f"item {n} is not an object", str(path))
        absent = [k for k in ITEM_KEYS if not item.get(k)]
        if absent:
            raise SourceError(KEY, f"item {n}: missing {', '.join(absent)}", str(path))
    return data


def skip_reason(item: dict[str, Any]) -> str | None:
    for (key, value), reason in NOT_WANTED.items():
        found = item.get(key)
        if value == found or (isinstance(found, list) and value in found):
            return reason
    return None


def to_record(item: dict[str, Any]) -> Record:
    title = " ".join(item["title"].split())
    # ViCAP-style titles append a place: "JOHN BALISTRERI - MIDDLETON, WISCONSIN".
    name = title.split(" - ")[0]
    published = (item.get("publication") or "")[:10] or None
    status = item.get("status") or "na"
    properties = [Property("subject", s) for s in item.get("subjects") or []]
    properties += [Property("field_office", s) for s in item.get("field_offices") or []]
    classes = ("poster_classification", "person_classification")
    properties += [Property(k, item[k]) for k in classes if item.get(k)]
    if name != title:
        properties.append(Property("poster_title", title))
    rewards = []
    if item.get("reward_text"):
        rewards.append(
            Reward(
                program="FBI",
                amount_usd=parse_usd(item["reward_text"]) or item.get("reward_max") or None,
                announced=published,
                status=status,
                url=item.get("url"),
                text=item["reward_text"],
            )
        )
    aliases = [alias(a) for a in dedupe(item.get("aliases") or [])]
    return Record(
        source=KEY,
        source_id=item["uid"],
        type="person",
        name=name,
        listed_on=published,
        remarks=plain(item.get("description")),
        url=item.get("url"),
        gender=GENDERS.get(item.get("sex") or ""),
        names=[Name(name, "primary"), *[a for a in aliases if a.name]],
        birth_dates=[birth_date(d) for d in item.get("dates_of_birth_used") or []],
        birth_places=[item["place_of_birth"]] if item.get("place_of_birth") else [],
        nationalities=[Nationality(item["nationality"])] if item.get("nationality") else [],
        designations=[
            Designation(AUTHORITY, "FBI Wanted", "FBI Wanted", published, None,
                        STATUSES.get(status, status))
        ],
        properties=properties,
        rewards=rewards,
        raw=item,
    )


def _modified(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["modified"])


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    newest: dict[str, dict[str, Any]] = {}
    for role, path in sorted(paths.items()):
        items = load_page(path)["items"]
        report.rows[role] = len(items)
        for item in items:
            seen = newest.get(item["uid"])
            if seen is None or _modified(item) > _modified(seen):
                newest[item["uid"]] = item
                report.origin(item["uid"], role)
    report.count("posters in more than one file", sum(report.rows.values()) - len(newest))
    for item in newest.values():
        reason = skip_reason(item)
        if reason:
            report.count(f"skipped: {reason}")
            continue
        yield to_record(item)


def fetch(dest_dir: Path) -> dict[str, Path]:
    """Every list page: page 1 gives `total`, then ceil(total / 20) pages, at most MAX_PAGES."""
    paths: dict[str, Path] = {}
    pages = 1
    page = 1
    while page <= pages:
        path = download(KEY, f"{LIST_URL}?page={page}", dest_dir / f"list_page{page:03d}.json")
        data = load_page(path)
        paths[f"page_{page:03d}"] = path
        if page == 1:
            pages = min(MAX_PAGES, math.ceil(int(data["total"]) / PAGE_SIZE))
        if not data["items"]:
            break
        page += 1
    return paths


SOURCE = Source(
    key=KEY,
    title="FBI Wanted",
    publisher="Federal Bureau of Investigation",
    urls=(LIST_URL, "https://www.fbi.gov/wanted"),
    format="JSON API, 20 posters a page",
    licence="US Government work (public domain)",
    kind="partial",
    snapshot=(
        # the newer page supplies most records (a poster on both is taken from the newer)
        SnapshotFile("page1_2025-04-18", "rewards/fbi_api/2025-04-18_list_page1.json",
                     "2025-04-18", "partial", "page 1 of 53 (20 of 1044 items)"),
        SnapshotFile("page1_2024-09-07", "rewards/fbi_api/2024-09-07_list_page1.json",
                     "2024-09-07", "partial", "page 1 of 51 (20 of 1007 items)"),
    ),
    expected=Expected(total=(10, 2000), min_by_type={"person": 10}),
    parse=parse,
    fetch=fetch,
    description="People the FBI seeks, with reward offers parsed from the poster's reward text. "
    "Posters about victims, missing persons and incidents are left out.",
    priority=50,
    date_formats=DATE_FORMATS,
    short="FBI Wanted",
    snapshot_note="two real API pages (2024-09-07, 2025-04-18)",
)
