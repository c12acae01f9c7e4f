"""US reward offers: Narcotics Rewards (NRP), Transnational Organized Crime Rewards (TOCRP) and
Rewards for Justice (RFJ), with a few FBI offers.

Official formats (SOURCES.md section 13), one parser each, chosen by the snapshot role's prefix;
`rewards_pages` reads the pages, this module maps what they say to records:
* NRP/TOCRP target page (state.gov HTML; roles `nrp_*`, `tocrp_*`): name in
  `h1.featured-content__headline`, date in `p.article-meta__publish-date`, `div.entry-content p`
  lines `UPPERCASE LABEL: value`, posters `a.external-link__pdf`, tags `div.related-tags__pills a`.
  Key: the page's URL slug (`nrp-<slug>`).
* RFJ WordPress JSON (`/wp-json/wp/v2/rewards`, roles `rfj*`): a list of posts with `id`, `link`,
  `title.rendered`, `content.rendered` ("offering a reward of up to $10 million"), `date_gmt`.
  Key: the post id (`rfj-<id>`).

Bundled (role `csv`): `rewards/rewards_compiled.csv`, COMPILED from press statements and news pages,
114 offers, one row per announced amount. Offers are grouped by subject so one subject is one
record with one `Reward` per row (Maduro: $15M 2020, $25M, $50M 2025-08-07). The file has no ids:
the key is the slug of the normalised subject (`state_rewards:nicolas-maduro-moros`), and a row
whose subject is another row's alias joins that row's group ("Abu Ubaidah Direye" -> Ahmed Diriye).
Rows that name no one to screen (a policy, an incident, a victim) are skipped: see SUBJECT_TYPES.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

from ..dates import parse_date
from ..errors import SourceError
from ..models import (
    BirthDate,
    Designation,
    EntityType,
    Name,
    Nationality,
    Property,
    Record,
    Reward,
)
from ..normalize import normalize_name
from .base import Expected, Report, SnapshotFile, Source, dedupe, none_if_blank, read_text
from .get import download
from .money import parse_usd
from .rewards_pages import (
    DATE_FORMATS,
    KEY,
    TargetPage,
    load_rfj,
    read_target_page,
    rfj_page,
    target_links,
)

STATE = "U.S. Department of State"
NRP_URL = "https://www.state.gov/inl-rewards-program/narcotics-rewards-program/"
TOCRP_URL = "https://www.state.gov/transnational-organized-crime-rewards-program/"
RFJ_URL = "https://rewardsforjustice.net/wp-json/wp/v2/rewards"
MAX_PAGES = 50

# Program code -> the authority that offers it.
PROGRAMS: dict[str, str] = {
    "NRP": STATE,
    "TOCRP": STATE,
    "RFJ": STATE,
    "INL (program not stated)": STATE,
    "FBI": "Federal Bureau of Investigation",
}
CSV_COLUMNS = ("program", "subject", "aliases", "amount_usd", "currency", "announced",
               "organization", "status", "source", "notes")
_REDUCED_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Subjects that are not a person. None: the offer names no one to screen, so the row is skipped.
SUBJECT_TYPES: dict[str, EntityType | None] = {
    # Group-wide offers: the subject is the organisation.
    "ALPHV/BlackCat ransomware group - key leaders (identification/location)": "organization",
    "ALPHV/BlackCat ransomware - any participant (arrest/conviction)": "organization",
    "Conti ransomware group - key leaders (identification/location)": "organization",
    "Conti ransomware - any participant (arrest/conviction)": "organization",
    "Hive ransomware group - key leaders (identification/location)": "organization",
    "Hive ransomware - any participant (arrest/conviction)": "organization",
    "LockBit ransomware group - key leaders (identification/location)": "organization",
    "LockBit ransomware - affiliates (arrest/conviction)": "organization",
    "DarkSide ransomware group - key leaders (identification/location)": "organization",
    "DarkSide ransomware - any participant (arrest/conviction)": "organization",
    "Clan del Golfo - any key leader involved in human smuggling in the Darién "
    "(arrest/conviction)": "organization",
    "Clan del Golfo - disruption of financial mechanisms for Darién human smuggling":
        "organization",
    "Clan del Golfo - any key leader, Darién smuggling resulting in death (8 U.S.C. 1324) "
    "(arrest/conviction)": "organization",
    "Hizballah financial mechanisms (disruption)": "organization",
    "IRGC activities/financial networks in Yemen and Iraq": "organization",
    "Ansarallah financial mechanisms (disruption)": "organization",
    "al-Shabaab financial mechanisms (disruption)": "organization",
    "Six GRU Unit 74455 officers (NotPetya)": "organization",
    "North Korea-linked APT group members (Andariel, APT38, Bluenoroff, Guardians of Peace, "
    "Kimsuky, Lazarus Group)": "organization",
    # Policies and standing offers: no subject.
    "Any Ten Most Wanted Fugitive (standard reward)": None,
    "Any person participating in foreign-government-directed malicious cyber activity against "
    "U.S. critical infrastructure (CFAA)": None,
    # FBI appeals about an incident, a victim or a missing person: the name is not a suspect's.
    "HUYEN TRANG TEMPLE - ARSON": None,
    "DHULFIQAR KAREEM MSEER": None,
    "ISIAH TERRELL BILLY": None,
    "ELSIE ELDORA LUSCIER": None,
    "MARY JOHNSON (DAVIS)": None,
    "SHELBIE LYNN DWYER": None,
    "GIOVANNA TYLER": None,
}
_TYPES = {normalize_name(k): v for k, v in SUBJECT_TYPES.items()}


def subject_type(subject: str) -> EntityType | None:
    return _TYPES.get(normalize_name(subject), "person")


def _slug(text: str) -> str:
    return normalize_name(text).replace(" ", "-")


# --- compiled CSV ---------------------------------------------------------------------------


@dataclass(slots=True)
class Offer:
    """One row of the compiled file, in its own shape."""

    program: str
    subject: str
    aliases: list[str]
    amount_usd: int
    announced: str | None
    organization: str | None
    status: str | None
    sources: list[str]
    notes: str | None
    raw: dict[str, str] = field(default_factory=dict)


def offers_from_csv(path: Path) -> list[Offer]:
    reader = csv.DictReader(read_text(KEY, path).splitlines())
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(KEY, f"missing columns: {', '.join(missing)}", str(path))
    offers = []
    for n, raw in enumerate(reader, start=2):
        if None in raw or any(v is None for v in raw.values()):
            raise SourceError(KEY, f"row {n}: wrong number of fields", str(path))
        if raw["program"] not in PROGRAMS:
            raise SourceError(KEY, f"row {n}: unknown program {raw['program']!r}", str(path))
        if raw["currency"] != "USD" or not raw["amount_usd"].isdigit():
            raise SourceError(KEY, f"row {n}: amount {raw['amount_usd']!r} {raw['currency']!r} "
                              "is not whole US dollars", str(path))
        announced = raw["announced"].strip()
        if announced and not _REDUCED_ISO.match(announced):
            raise SourceError(KEY, f"row {n}: announced {announced!r} is not an ISO date",
                              str(path))
        if not raw["subject"].strip():
            raise SourceError(KEY, f"row {n}: empty subject", str(path))
        offers.append(Offer(
            program=raw["program"],
            subject=raw["subject"].strip(),
            aliases=dedupe(a.strip() for a in raw["aliases"].split(";")),
            amount_usd=int(raw["amount_usd"]),
            announced=announced or None,
            organization=none_if_blank(raw["organization"]),
            status=none_if_blank(raw["status"]),
            sources=dedupe(s.strip() for s in raw["source"].split(";")),
            notes=none_if_blank(raw["notes"]),
            raw=dict(raw),
        ))
    return offers


def group_offers(offers: list[Offer]) -> dict[str, list[Offer]]:
    """Offers by subject key; a subject that is another row's alias joins that row's subject."""
    alias_of: dict[str, str] = {}
    for o in offers:
        for a in o.aliases:
            alias_of.setdefault(normalize_name(a), normalize_name(o.subject))
    groups: dict[str, list[Offer]] = {}
    for o in offers:
        key = normalize_name(o.subject)
        groups.setdefault(alias_of.get(key, key) if key not in groups else key, []).append(o)
    return groups


def _designation_status(status: str | None) -> str:
    # Only a withdrawal ends an offer; other statuses describe the person as of the source date.
    return "withdrawn" if (status or "").startswith("withdrawn") else "active"


def offers_to_record(key: str, offers: list[Offer], type_: EntityType) -> Record:
    head = offers[0]
    names = [Name(head.subject, "primary")]
    seen = {normalize_name(head.subject)}
    for text in [o.subject for o in offers] + [a for o in offers for a in o.aliases]:
        if normalize_name(text) not in seen:
            seen.add(normalize_name(text))
            names.append(Name(text, "aka"))
    designations = []
    for program in dedupe(o.program for o in offers):
        own = [o for o in offers if o.program == program]
        dates = [o.announced for o in own if o.announced]
        designations.append(Designation(
            PROGRAMS[program], program, program, min(dates) if dates else None, None,
            _designation_status(own[0].status),
        ))
    dates = [o.announced for o in offers if o.announced]
    properties = [Property("organization", v) for v in dedupe(o.organization or "" for o in offers)]
    properties += [Property("note", o.notes) for o in offers if o.notes]
    properties += [Property("source_page", s) for s in dedupe(s for o in offers for s in o.sources)]
    return Record(
        source=KEY,
        source_id=key.replace(" ", "-"),
        type=type_,
        name=head.subject,
        listed_on=min(dates) if dates else None,
        url=head.sources[0] if head.sources else None,
        names=names,
        designations=designations,
        properties=properties,
        rewards=[
            Reward(o.program, o.amount_usd, o.announced, o.status, o.organization,
                   o.sources[0] if o.sources else None, o.notes)
            for o in offers
        ],
        raw={"rows": [o.raw for o in offers]},
    )


def records_from_csv(path: Path, report: Report) -> Iterator[Record]:
    offers = offers_from_csv(path)
    report.rows["csv"] = len(offers)
    for key, group in group_offers(offers).items():
        type_ = subject_type(group[0].subject)
        if type_ is None:
            report.count("offers without a subject to screen", len(group))
            continue
        yield offers_to_record(key, group, type_)


# --- state.gov target pages and RFJ posts (read by rewards_pages) ---------------------------

# Label (as printed, upper case) -> field. Unknown labels are kept as properties.
LABELS: dict[str, str] = {
    "ALIAS": "alias", "ALIASES": "alias", "AKA": "alias", "ALSO KNOWN AS": "alias",
    "DATE OF BIRTH": "dob", "DATES OF BIRTH": "dob", "DOB": "dob",
    "PLACE OF BIRTH": "pob", "POB": "pob",
    "NATIONALITY": "nationality", "CITIZENSHIP": "citizenship",
    "SEX": "gender", "GENDER": "gender",
}
GENDERS: dict[str, str] = {"male": "male", "female": "female", "m": "male", "f": "female"}
NATIONALITY_KINDS: dict[str, Literal["nationality", "citizenship"]] = {
    "nationality": "nationality",
    "citizenship": "citizenship",
}


def birth_date(raw: str) -> BirthDate:
    """A date of birth as a page prints it; unreadable ("circa 1967") keeps raw only."""
    return BirthDate(raw=raw, date=parse_date(raw, DATE_FORMATS))


def target_to_record(
    page: TargetPage, program: str, report: Report, raw: dict[str, Any] | None = None
) -> Record:
    """`raw` defaults to the page as parsed (headline, labels, text), for HTML pages."""
    names = [Name(page.name, "primary")]
    record = Record(source=KEY, source_id=page.id, type=subject_type(page.name) or "person",
                    name=page.name, listed_on=page.published, url=page.url, names=names,
                    raw=raw if raw is not None else asdict(page))
    for label, value in page.labels:
        kind = LABELS.get(label)
        if kind == "alias":
            names += [Name(v.strip(), "aka") for v in re.split(r"[;,]", value) if v.strip()]
        elif kind == "dob":
            record.birth_dates += [birth_date(v.strip()) for v in value.split(";") if v.strip()]
        elif kind == "pob":
            record.birth_places.append(value)
        elif kind in NATIONALITY_KINDS:
            record.nationalities += [
                Nationality(v.strip(), NATIONALITY_KINDS[kind]) for v in re.split(r"[;,]", value)
            ]
        elif kind == "gender":
            record.gender = GENDERS.get(value.lower())
        else:
            report.count(f"unmapped label: {label}")
            record.properties.append(Property(label.lower(), value))
    offer = next((t for t in page.text if "reward" in t.lower() and parse_usd(t)), None)
    record.rewards.append(Reward(program, parse_usd(offer), page.published, None, None,
                                 page.url, offer))
    record.designations.append(Designation(PROGRAMS[program], program, program, page.published))
    record.properties += [Property("poster", p) for p in page.posters]
    record.properties += [Property("tag", t) for t in page.tags]
    return record


def records_from_target_page(path: Path, report: Report, program: str) -> Iterator[Record]:
    yield target_to_record(read_target_page(path, program), program, report)


def records_from_rfj(path: Path, report: Report) -> Iterator[Record]:
    for post in load_rfj(path):
        yield target_to_record(rfj_page(post, path), "RFJ", report, raw=post)


# --- dispatch and fetch ---------------------------------------------------------------------

ROLE_PARSERS: dict[str, Callable[[Path, Report], Iterator[Record]]] = {
    "csv": records_from_csv,
    "nrp": partial(records_from_target_page, program="NRP"),
    "tocrp": partial(records_from_target_page, program="TOCRP"),
    "rfj": records_from_rfj,
}


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    for role, path in paths.items():
        parser = ROLE_PARSERS.get(role.split("_", 1)[0])
        if parser is None:
            raise SourceError(KEY, f"unknown snapshot role {role!r}", str(path))
        yield from parser(path, report)


def fetch(dest_dir: Path) -> dict[str, Path]:
    """RFJ posts (100 a page until a short page) and every NRP target page.

    The TOCRP target listing URL is not known (SOURCES.md section 13), so TOCRP is not fetched.
    """
    paths: dict[str, Path] = {}
    for page in range(1, MAX_PAGES + 1):
        url = f"{RFJ_URL}?per_page=100&page={page}"
        path = download(KEY, url, dest_dir / f"rfj_{page:02d}.json")
        paths[f"rfj_{page:02d}"] = path
        if len(load_rfj(path)) < 100:
            break
    listing = download(KEY, f"{NRP_URL}?results=500&gotopage=&total_pages=1",
                       dest_dir / "nrp_listing.html")
    links = [urljoin(NRP_URL, h) for h in target_links(listing)]
    for url in dedupe(links)[:500]:
        slug = url.rstrip("/").rsplit("/", 1)[-1]
        paths[f"nrp_{slug}"] = download(KEY, url, dest_dir / "nrp" / f"{slug}.html")
    return paths


SOURCE = Source(
    key=KEY,
    title="US reward offers (Narcotics, Transnational Organized Crime, Rewards for Justice)",
    publisher="U.S. Department of State (INL, Diplomatic Security); FBI",
    urls=(NRP_URL, TOCRP_URL, "https://rewardsforjustice.net/"),
    format="HTML target pages and WordPress JSON; bundled: CSV compiled from public statements",
    licence="US Government work (public domain)",
    kind="compiled",
    snapshot=(
        SnapshotFile("csv", "rewards/rewards_compiled.csv", "2026-11-24", "compiled",
                     "114 offers compiled from State statements and news re-publications; "
                     "see SOURCES.md section 13"),
    ),
    expected=Expected(total=(60, 2000), min_by_type={"person": 50, "organization": 5}),
    parse=parse,
    fetch=fetch,
    description="Reward offers for information on narcotics traffickers, organised-crime leaders "
    "and terrorists, with each subject's amount history.",
    priority=40,
    max_shrink=0.10,  # offers are withdrawn in batches
    date_formats=DATE_FORMATS,
    short="US reward offers",
    snapshot_note=("Narcotics, Transnational Organized Crime and Rewards for Justice offers, "
                   "compiled from public pages, 2026-11-24"),
)
