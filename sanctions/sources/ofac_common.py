"""OFAC entries to records, and the files of one snapshot composed into entries.

Both OFAC lists (SDN and consolidated non-SDN) publish the same shapes. The readers put them in
OFAC's own shape, an `Entry` (`ofac_csv` for the legacy CSV files, `ofac_xml` for the sdnList
XML); `build_entries` composes the files of one snapshot, `entry_to_record` maps each entry to a
`Record`, its Remarks split by `ofac_remarks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import SourceError
from ..models import (
    Designation,
    EntityType,
    Identifier,
    Name,
    NameKind,
    Nationality,
    Property,
    Record,
    Vessel,
)
from ..normalize import normalize_name
from .base import Report
from .ofac_csv import (
    ADD_COLUMNS,
    ALT_COLUMNS,
    COMMENTS_COLUMNS,
    REMARKS_CUT,
    SDN_COLUMNS,
    Entry,
    address_from_row,
    read_csv,
    split_programs,
)
from .ofac_remarks import identifier, parse_dob, parse_remarks, parse_statement
from .ofac_xml import read_xml

AUTHORITY = "U.S. Treasury OFAC"
# Roles whose file is an excerpt transcribed by hand (ofac_sdn's `sdn_excerpt`), not a copy of
# an official file, so it need not carry OFAC's end-of-file marker.
UNMARKED_ROLES = frozenset({"sdn_excerpt"})
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"

# ---------------------------------------------------------------------------------------------
# Entry -> Record.

TYPES: dict[str | None, EntityType] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    None: "organization",
    "entity": "organization",
}
ALT_KINDS: dict[str, NameKind] = {
    "aka": "aka",
    "a.k.a.": "aka",
    "fka": "fka",
    "f.k.a.": "fka",
    "nka": "nka",
    "n.k.a.": "nka",
}
QUALITIES = {"weak", "strong"}


def _dedupe_ids(ids: Iterable[Identifier]) -> list[Identifier]:
    seen: dict[tuple[str, str], Identifier] = {}
    for i in ids:
        seen.setdefault((i.scheme, i.value), i)
    return list(seen.values())


def entry_to_record(entry: Entry, source: str, list_name: str, report: Report) -> Record:
    row = entry.row
    ent_num = entry.ent_num
    sdn_type = (row["SDN_Type"] or "").lower() or None
    rtype = TYPES.get(sdn_type)
    if rtype is None:
        report.count(f"unknown SDN_Type {sdn_type!r} (mapped to organization)")
        rtype = "organization"
    remarks = (row["Remarks"] or "") + "".join(entry.comments) or None
    parts = parse_remarks(remarks)
    if entry.xml:  # the XML's own elements say what the CSV says inside Remarks
        for label, number, country in entry.xml.ids:
            parse_statement(f"{label} {number}" + (f" ({country})" if country else ""), parts)
        parts.birth_dates += [parse_dob(d) for d in entry.xml.birth_dates]
        parts.birth_places += entry.xml.birth_places
        parts.nationalities += [Nationality(c, "nationality") for c in entry.xml.nationalities]
        parts.nationalities += [Nationality(c, "citizenship") for c in entry.xml.citizenships]

    name = row["SDN_Name"] or ""
    names = [Name(name=name, kind="primary")]
    listed = {normalize_name(name)}
    for alt in entry.alt_rows:
        if not alt["alt_name"]:
            continue
        quality = (alt["alt_remarks"] or "").lower()
        names.append(
            Name(
                name=alt["alt_name"],
                kind=ALT_KINDS.get((alt["alt_type"] or "").lower(), "aka"),
                quality=quality if quality in QUALITIES else None,
            )
        )
        listed.add(normalize_name(alt["alt_name"]))
    for weak in parts.weak_names:  # an inline alias the ALT file also lists is that ALT row
        if (key := normalize_name(weak.name)) not in listed:
            names.append(weak)
            listed.add(key)

    if rtype == "vessel":  # OFAC sometimes writes a ship's IMO with the company label
        parts.identifiers = [
            identifier("imo", i.value) if i.scheme == "imo_company" else i
            for i in parts.identifiers
        ]
    identifiers = _dedupe_ids(parts.identifiers)
    for i in identifiers:
        if i.scheme == "imo" and i.valid is False:
            report.count("invalid IMO check digit")
    for b in parts.birth_dates:
        if not (b.date or b.date_from):
            report.count("unparsed DOB")
    if len(row["Remarks"] or "") >= REMARKS_CUT and not entry.comments:
        report.count("remarks cut at 1000 characters without a continuation")

    vessel = None
    if rtype == "vessel":
        imo = next((i for i in identifiers if i.scheme == "imo"), None)
        mmsi = next((i.value for i in identifiers if i.scheme == "mmsi"), None)
        vessel = Vessel(
            imo=imo.value if imo else None,
            imo_valid=imo.valid if imo else None,
            mmsi=mmsi,
            call_sign=row["Call_Sign"],
            vessel_type=row["Vess_type"],
            tonnage=row["Tonnage"],
            grt=row["GRT"],
            flag=row["Vess_flag"],
            owner=row["Vess_owner"],
        )
    title = row["Title"]
    properties = parts.properties + [Property("remark", o) for o in parts.other if o != title]
    return Record(
        source=source,
        source_id=ent_num,
        type=rtype,
        name=name,
        remarks=remarks,
        url=DETAILS_URL.format(ent_num),
        gender=parts.gender,
        title=title,
        names=names,
        identifiers=identifiers,
        addresses=entry.addresses,
        birth_dates=list({b.raw: b for b in parts.birth_dates}.values()),
        birth_places=list(dict.fromkeys(parts.birth_places)),
        nationalities=list({(n.country, n.kind): n for n in parts.nationalities}.values()),
        vessel=vessel,
        designations=[
            Designation(authority=AUTHORITY, list=list_name, program=p)
            for p in split_programs(row["Program"])
        ],
        relations=list({r.target_name: r for r in parts.relations}.values()),
        properties=properties,
        raw={**row, "alt": entry.alt_rows, "comments": entry.comments}
        if entry.alt_rows or entry.comments
        else dict(row),
    )


# ---------------------------------------------------------------------------------------------
# Composition: the files of one bundled or downloaded snapshot -> records.


def build_entries(
    source: str, paths: dict[str, Path], report: Report, main_roles: tuple[str, ...]
) -> dict[str, Entry]:
    """Entries keyed by ent_num, from role 'xml' and/or the SDN-shaped CSVs in `main_roles`.

    Later files win: a main-CSV row replaces the primary fields of the entry with the same
    ent_num (or adds one). 'alt' and 'add', when given, supersede the XML's aliases and
    addresses for every entry; 'comments' continue Remarks that were cut at 1000 characters.
    """
    entries: dict[str, Entry] = {}
    if "xml" in paths:
        xml = read_xml(source, paths["xml"])
        report.rows["xml"] = len(xml.entries)
        for e in xml.entries:
            if e.ent_num in entries:  # a silent "last one wins" would hide an entry
                raise SourceError(source, f"uid {e.ent_num} appears more than once; duplicate "
                                  "ids", str(paths["xml"]))
            entries[e.ent_num] = e
            report.origin(e.ent_num, "xml")
    for role in main_roles:
        if role not in paths:
            continue
        rows = read_csv(source, paths[role], SDN_COLUMNS, unique=True,
                        end_marker=role not in UNMARKED_ROLES)
        report.rows[role] = len(rows)
        for row in rows:
            report.origin(row["ent_num"] or "", role)  # a later file's row replaces the entry
            old = entries.get(row["ent_num"] or "")
            if old is None:
                entries[row["ent_num"] or ""] = Entry(row=row)
                continue
            report.count(f"{role} rows replacing an earlier entry")
            old.row = row
            # The newer Remarks restate the XML's IDs and dates, unless they were cut short.
            if old.xml and len(row["Remarks"] or "") < REMARKS_CUT:
                old.xml = None
    if not entries:
        wanted = ", ".join(("xml", *main_roles))
        raise SourceError(source, f"no entry file in the snapshot (expected a role among {wanted})")

    if "alt" in paths:
        alt_rows = read_csv(source, paths["alt"], ALT_COLUMNS)
        report.rows["alt"] = len(alt_rows)
        for e in entries.values():
            e.alt_rows = []
        for alt in alt_rows:
            if (owner := entries.get(alt["ent_num"] or "")) is None:
                report.count("alt rows without an entry")
            else:
                owner.alt_rows.append(alt)
    if "add" in paths:
        add_rows = read_csv(source, paths["add"], ADD_COLUMNS)
        report.rows["add"] = len(add_rows)
        for e in entries.values():
            e.addresses = []
        for add in add_rows:
            if (owner := entries.get(add["ent_num"] or "")) is None:
                report.count("add rows without an entry")
            elif (address := address_from_row(add)) is not None:
                owner.addresses.append(address)
    if "comments" in paths:
        comment_rows = read_csv(source, paths["comments"], COMMENTS_COLUMNS)
        report.rows["comments"] = len(comment_rows)
        for c in comment_rows:
            if (owner := entries.get(c["ent_num"] or "")) is None:
                report.count("comments rows without an entry")
            elif len(owner.row["Remarks"] or "") < REMARKS_CUT:
                # From another version of the list: this entry's Remarks are complete.
                report.count("comments rows for remarks that were not cut")
            else:
                owner.comments.append(c["remarks_continuation"] or "")
    return entries


def parse_ofac(
    source: str, list_name: str, paths: dict[str, Path], report: Report, main_roles: tuple[str, ...]
) -> list[Record]:
    """All records of one OFAC list, ordered by ent_num, with 'Linked To' names resolved."""
    entries = build_entries(source, paths, report, main_roles)
    records = [
        entry_to_record(entries[k], source, list_name, report)
        for k in sorted(entries, key=lambda k: int(k))
    ]
    by_name: dict[str, str] = {}
    for r in records:
        by_name.setdefault(r.name.upper(), r.id)
    for r in records:
        for rel in r.relations:
            # The closing '.' of Remarks may have eaten the one ending 'CO., LTD.'.
            key = rel.target_name.upper()
            rel.target_id = by_name.get(key) or by_name.get(key + ".")
            if rel.target_id is None:
                report.count("linked-to names not found in the list")
    return records
