"""UN Security Council Consolidated List (XML).

Official format: https://scsanctions.un.org/resources/xml/en/consolidated.xml, root
`CONSOLIDATED_LIST dateGenerated=...` with `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`. Names
come in parts (FIRST_NAME .. FOURTH_NAME; entities use FIRST_NAME only), aliases carry a QUALITY
("Good", "a.k.a.", "Low", "f.k.a."), dates of birth a TYPE_OF_DATE (EXACT, APPROXIMATELY, BETWEEN)
with DATE, YEAR or FROM_YEAR/TO_YEAR. The list carries no vessels.

Keys: `DATAID`, the UN's numeric record key. REFERENCE_NUMBER ("QDi.001") is what people quote
and is kept as the designation reference, but it encodes the committee and has been renumbered
when regimes were split (1267 -> 1988 Taliban "TI" numbers in 2011); DATAID survives that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError
from ..models import (
    Address,
    BirthDate,
    Designation,
    EntityType,
    Identifier,
    Name,
    NameKind,
    Nationality,
    Property,
    Record,
)
from .base import Expected, Report, SnapshotFile, Source, dedupe, read_text
from .get import download

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

KEY = "un_sc"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
PAGE_URL = "https://www.un.org/securitycouncil/content/un-sc-consolidated-list"
AUTHORITY = "United Nations Security Council"
LIST = "UN SC Consolidated"

# (section, entry tag, alias tag, address tag, record type)
SECTIONS: tuple[tuple[str, str, str, str, EntityType], ...] = (
    ("INDIVIDUALS", "INDIVIDUAL", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS", "person"),
    ("ENTITIES", "ENTITY", "ENTITY_ALIAS", "ENTITY_ADDRESS", "organization"),
)
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Alias QUALITY -> name kind; a blank quality is an ordinary alias.
ALIAS_QUALITY: dict[str, NameKind] = {
    "Good": "aka",
    "a.k.a.": "aka",
    "Low": "weak",
    "f.k.a.": "fka",
    "": "aka",
}
# TYPE_OF_DOCUMENT, whitespace-squeezed and lower-cased -> identifier scheme.
DOCUMENT_SCHEMES: dict[str, str] = {
    "passport": "passport",
    "numéro de passeport": "passport",
    "número de pasaporte": "passport",
    "national identification number": "national_id",
}
DEFAULT_SCHEME = "other"


def _squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


def _text(el: Element, tag: str) -> str:
    """Whitespace-squeezed text of the first child `tag`, '' when absent or empty."""
    return _squeeze(el.findtext(tag))


def _values(el: Element, tag: str) -> list[str]:
    """The VALUE children of every `tag` child: NATIONALITY/VALUE, DESIGNATION/VALUE..."""
    return dedupe(_squeeze(v.text) for t in el.findall(tag) for v in t.findall("VALUE"))


def element_to_raw(el: Element) -> Any:
    """An element as JSON: leaf -> its text (None if blank); a repeated child tag -> a list."""
    if len(el) == 0:
        return (el.text or "").strip() or None
    grouped: dict[str, list[Any]] = {}
    for child in el:
        grouped.setdefault(child.tag, []).append(element_to_raw(child))
    return {tag: vals[0] if len(vals) == 1 else vals for tag, vals in grouped.items()}


def birth_date(el: Element) -> BirthDate | None:
    """An INDIVIDUAL_DATE_OF_BIRTH -> BirthDate; None when it holds no date at all.

    EXACT with DATE "1962-11-23" or YEAR "1971"; APPROXIMATELY YEAR -> circa; BETWEEN
    FROM_YEAR/TO_YEAR -> a range. `raw` spells the element out, NOTE included.
    """
    kind = _text(el, "TYPE_OF_DATE")
    date = _text(el, "DATE") or _text(el, "YEAR")
    low, high = _text(el, "FROM_YEAR"), _text(el, "TO_YEAR")
    note = _text(el, "NOTE")
    if low or high:
        raw = f"between {low} and {high}"
        result = BirthDate(raw, date_from=low or None, date_to=high or None)
    elif date:
        circa = kind == "APPROXIMATELY"
        result = BirthDate(f"approximately {date}" if circa else date, date=date, circa=circa)
    else:
        return None
    if note:
        result.raw += f" ({note})"
    return result


def birth_place(el: Element) -> str | None:
    parts = [_text(el, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
    place = ", ".join(p for p in parts if p)
    note = _text(el, "NOTE")
    if note:
        place = f"{place} ({note})" if place else note
    return place or None


def address(el: Element) -> Address | None:
    addr = Address(
        address=_text(el, "STREET") or None,
        city=_text(el, "CITY") or None,
        state=_text(el, "STATE_PROVINCE") or None,
        postal_code=_text(el, "ZIP_CODE") or None,
        country=_text(el, "COUNTRY") or None,
        remarks=_text(el, "NOTE") or None,
    )
    fields = (addr.address, addr.city, addr.state, addr.postal_code, addr.country, addr.remarks)
    return addr if any(fields) else None


def document(el: Element, report: Report) -> Identifier | None:
    number = _text(el, "NUMBER")
    if not number:
        if len(el):
            report.count("documents without a number")
        return None
    kind = _text(el, "TYPE_OF_DOCUMENT")
    scheme = DOCUMENT_SCHEMES.get(kind.lower(), DEFAULT_SCHEME)
    if scheme == DEFAULT_SCHEME:
        report.count("documents of an unmapped type")
    notes = [_text(el, "TYPE_OF_DOCUMENT2")]
    if scheme == DEFAULT_SCHEME and kind:
        notes.insert(0, kind)
    issued = ", ".join(p for p in (_text(el, "DATE_OF_ISSUE"), _text(el, "CITY_OF_ISSUE")) if p)
    notes += [f"issued {issued}" if issued else "", _text(el, "NOTE")]
    return Identifier(
        scheme=scheme,
        value=number,
        country=_text(el, "ISSUING_COUNTRY") or _text(el, "COUNTRY_OF_ISSUE") or None,
        note="; ".join(n for n in notes if n) or None,
    )


def to_record(el: Element, kind: EntityType, alias_tag: str, address_tag: str,
              report: Report) -> Record:
    """One INDIVIDUAL or ENTITY element -> Record."""
    dataid = _text(el, "DATAID")
    if not dataid:
        raise SourceError(KEY, f"{el.tag} without DATAID: {_text(el, 'FIRST_NAME')!r}")
    name = " ".join(p for p in (_text(el, t) for t in NAME_PARTS) if p)
    if not name:
        raise SourceError(KEY, f"{el.tag} {dataid} has no name")
    names = [Name(name, "primary")]
    originals = dedupe(_squeeze(o.text) for o in el.findall("NAME_ORIGINAL_SCRIPT"))
    names += [Name(n, "aka") for n in originals]
    for alias in el.findall(alias_tag):
        alias_name = _text(alias, "ALIAS_NAME")
        if not alias_name:
            continue
        quality = _text(alias, "QUALITY")
        alias_kind = ALIAS_QUALITY.get(quality)
        if alias_kind is None:
            report.count(f"aliases of unknown quality {quality!r}")
            alias_kind = "aka"
        names.append(Name(alias_name, alias_kind, quality or None))

    identifiers = [i for d in el.findall("INDIVIDUAL_DOCUMENT") if (i := document(d, report))]
    births = [b for d in el.findall("INDIVIDUAL_DATE_OF_BIRTH") if (b := birth_date(d))]
    places = dedupe(birth_place(d) or "" for d in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"))
    addresses = [a for d in el.findall(address_tag) if (a := address(d))]
    listed_on = _text(el, "LISTED_ON") or None
    properties = [Property("honorific", t) for t in _values(el, "TITLE")]
    updated = _values(el, "LAST_DAY_UPDATED")
    if updated:
        properties.append(Property("last_updated", max(updated)))
    return Record(
        source=KEY,
        source_id=dataid,
        type=kind,
        name=name,
        listed_on=listed_on,
        remarks=(el.findtext("COMMENTS1") or "").strip() or None,
        url=PAGE_URL,
        gender=_text(el, "GENDER") or None,
        title="; ".join(_values(el, "DESIGNATION")) or None,
        names=names,
        identifiers=identifiers,
        addresses=addresses,
        birth_dates=births,
        birth_places=places,
        nationalities=[Nationality(v) for v in _values(el, "NATIONALITY")],
        designations=[
            Designation(
                AUTHORITY,
                LIST,
                program=_text(el, "UN_LIST_TYPE") or None,
                listed_on=listed_on,
                reference=_text(el, "REFERENCE_NUMBER") or None,
            )
        ],
        properties=properties,
        raw=element_to_raw(el),
    )


def load_root(path: Path) -> Element:
    """Parse the file with defusedxml, turning every failure into a SourceError."""
    # imported here, not with the declaration: the registry reads SOURCE without the parser
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    text = read_text(KEY, path)
    try:
        root: Element = DET.fromstring(text)
    except ParseError as exc:
        raise SourceError(KEY, f"not well-formed XML (truncated?): {exc}", str(path)) from None
    except DefusedXmlException as exc:
        raise SourceError(KEY, f"refused unsafe XML: {exc}", str(path)) from None
    if root.tag != "CONSOLIDATED_LIST":
        problem = f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>"
        raise SourceError(KEY, problem, str(path))
    if root.find("INDIVIDUALS") is None and root.find("ENTITIES") is None:
        raise SourceError(KEY, "no INDIVIDUALS or ENTITIES section", str(path))
    return root


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    for role, path in paths.items():
        if role != "xml":
            raise SourceError(KEY, f"unknown snapshot role {role!r}", str(path))
        root = load_root(path)
        for section, tag, alias_tag, address_tag, kind in SECTIONS:
            for el in root.iterfind(f"{section}/{tag}"):
                report.row(role)
                try:
                    yield to_record(el, kind, alias_tag, address_tag, report)
                except SourceError as exc:
                    raise SourceError(KEY, exc.problem, str(path)) from None


def fetch(dest_dir: Path) -> dict[str, Path]:
    return {"xml": download(KEY, URL, dest_dir / "consolidated.xml")}


SOURCE = Source(
    key=KEY,
    title="UN Security Council Consolidated List",
    publisher="United Nations Security Council",
    urls=(URL, PAGE_URL),
    format="XML (CONSOLIDATED_LIST)",
    licence="UN public information; free to reuse with attribution",
    kind="official",
    snapshot=(
        SnapshotFile(
            "xml",
            "un/2026-02-27/consolidated.xml",
            "2026-02-27",
            "official",
            "byte-exact copy, dateGenerated 2026-02-27T00:00:09.554Z; 730 individuals, "
            "273 entities; see SOURCES.md section 3",
        ),
    ),
    expected=Expected(total=(900, 1300), min_by_type={"person": 650, "organization": 230}),
    parse=parse,
    fetch=fetch,
    priority=60,
    short="UN SC",
    snapshot_note="the consolidated XML of 2026-02-27",
    description="Individuals and entities subject to measures imposed by the UN Security "
    "Council (Al-Qaida/ISIL, Taliban, DPRK, Iran 2231, Iraq, Libya, DRC, Somalia, ...).",
)
