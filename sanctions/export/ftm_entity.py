"""FollowTheMoney entities as plain dicts: ids, the entity builder and value normalisers.

Written without the `followthemoney` library (a test-only dependency): every value is put in the
canonical form that library's cleaning gives, so that reading our lines with it changes nothing,
and a value that would not survive its cleaning goes to `notes` instead of being dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..countries import country_code

# FollowTheMoney entity ids: letters, digits, dots and dashes, at most 200 characters.
_ID_OK = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
_SLUG = re.compile(r"[^0-9a-zA-Z.]+")
MAX_ID = 200
# Longest value followthemoney keeps, by the type of the properties we write.
LIMITS = {"identifier": 64, "country": 16, "date": 32, "string": 1024, "text": 65000,
          "name": 384, "url": 4096, "entity": MAX_ID, "address": 250}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# Properties that keep shorter values than their type does.
PROP_LIMITS = {"postalCode": 16, "imoNumber": 16, "mmsi": 16, "dunsCode": 16, "swiftBic": 16,
               "unscId": 16, "vatCode": 32, "leiCode": 32}
_QUOTES = "\"'"
# followthemoney's address clean-up: line breaks and doubled commas become ", ".
_LINE_BREAKS = re.compile(r"(\r\n|\n|<BR/>|<BR>|\t|ESQ\.,|ESQ,|;)")
_COMMATA = re.compile(r"(,\s?[,.])")
GENDERS = {"male": "male", "female": "female", "m": "male", "f": "female"}
# Country codes our table gives that followthemoney's territory list does not know (historic
# states): kept as text in `notes` rather than written as a country.
NOT_TERRITORIES = frozenset({"SU", "YU", "CS", "DD", "AN"})


def ftm_id(entity_id: str) -> str:
    """The FtM id of one of our entities: `<source with dashes>-<source id>`, readable and
    stable across builds; a source id with other characters is slugged and given a digest of
    itself, so that two ids never collide.

    >>> ftm_id("ofac_sdn:22790"), ftm_id("state_fto:tren-de-aragua")
    ('ofac-sdn-22790', 'state-fto-tren-de-aragua')
    >>> ftm_id("eu_vessels:32017R1509-XIV.B-MIN NING DE YOU 078")
    'eu-vessels-32017R1509-XIV.B-MIN-NING-DE-YOU-078-c3e3c467'
    """
    source, _, source_id = entity_id.partition(":")
    head = source.replace("_", "-")
    candidate = f"{head}-{source_id}"
    if _ID_OK.match(candidate) and len(candidate) <= MAX_ID:
        return candidate
    slug = _SLUG.sub("-", source_id).strip("-.")[: MAX_ID - len(head) - 12]
    return f"{head}-{slug}-{_digest(source_id)[:8]}".replace("--", "-")


def child_id(kind: str, *parts: Any) -> str:
    """A stable id for an entity made from our rows (a sanction, an address): the kind and a
    digest of what identifies it, so that the same row gets the same id in every export."""
    return f"{kind}-{_digest(*parts)[:24]}"


def _digest(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def country(text: str | None) -> str | None:
    """A lower-case ISO code, as followthemoney writes countries; None when unknown."""
    code = country_code(text) if text else None
    return code.lower() if code and code not in NOT_TERRITORIES else None


def iso_date(text: str | None) -> str | None:
    """An ISO date or a reduced one (`1962`, `1962-11`); anything else is not a date here."""
    return text if text and _DATE.match(text.strip()) else None


def url(text: str | None) -> str | None:
    """A URL with its scheme and a path (the sources write `www.example.ir`)."""
    if not text or not text.strip() or " " in text.strip():
        return None
    text = text.strip()
    parts = urlsplit(text if "://" in text else f"http://{text}")
    if not parts.netloc or "." not in parts.netloc:
        return None
    return urlunsplit(parts._replace(path=parts.path or "/"))


def email(text: str | None) -> str | None:
    """An e-mail address with its domain in lower case; None when it is not one."""
    if not text or not _EMAIL.match(text.strip()):
        return None
    local, _, domain = text.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def _tidy(text: str, kind: str) -> str:
    """NFC, odd spaces as plain ones; names, strings and addresses on one line with single
    spaces, and a name without the quotes around it (`'GODANE'`)."""
    if not text.isascii():  # the common case needs none of this, and it is most of the time
        text = unicodedata.normalize("NFC", text)
        if kind not in ("name", "string", "address"):
            text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    if kind == "address":
        text = _COMMATA.sub(", ", _LINE_BREAKS.sub(", ", text))
    text = " ".join(text.split()) if kind in ("name", "string", "address") else text.strip()
    if kind == "name" and len(text) > 2 and text[0] == text[-1] and text[0] in _QUOTES:
        text = text[1:-1].strip()
    return text


def gender(text: str | None) -> str | None:
    return GENDERS.get(text.strip().lower()) if text else None


class Entity:
    """One FtM entity being built: values are added once each, in order, blanks skipped."""

    def __init__(self, id: str, schema: str, **context: Any) -> None:
        self.id, self.schema, self.context = id, schema, context
        self.properties: dict[str, list[str]] = {}

    def add(self, prop: str, value: Any, kind: str = "string") -> bool:
        """Add a value; False when it is blank, or longer than followthemoney keeps."""
        if value is None:
            return False
        text = _tidy(str(value), kind)
        if not text or len(text) > min(LIMITS[kind], PROP_LIMITS.get(prop, LIMITS[kind])):
            return False
        values = self.properties.setdefault(prop, [])
        if text not in values:
            values.append(text)
        return True

    def note(self, label: str, value: Any) -> None:
        """Something the source says that has no FtM property: kept, as `label: value`."""
        if value is not None and str(value).strip():
            self.add("notes", f"{label}: {value}", "text")

    def has(self, prop: str) -> bool:
        return bool(self.properties.get(prop))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema,
                "properties": {k: v for k, v in self.properties.items() if v}, **self.context}
