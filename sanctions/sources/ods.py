"""OpenDocument spreadsheets (.ods): the first sheet's rows, streamed from the zip.

content.xml is read with defusedxml's iterparse (0.2 s for the UK snapshot). odfpy, tried
first, took 2.4 s just to load the document, and on malformed XML it prints the whole part to
stdout and returns an empty document instead of raising, so a truncated download would pass as
"no rows". ODS is a zip of XML, so this still reads the official file, not a conversion.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import SourceError

_ODS_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MAX_REPEAT = 64  # repeated blank cells/rows pad the sheet to 16384 x 1048576; never expand those


def _check_binary(source: str, path: Path) -> None:
    """Refuse an empty file or an HTML error page before opening it as a zip."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise SourceError(source, f"cannot read file: {exc.strerror}", str(path)) from exc
    if not head.strip():
        raise SourceError(source, "file is empty", str(path))
    if b"<html" in head.lower() or head.lstrip().lower().startswith(b"<!doctype html"):
        raise SourceError(source, "file is an HTML page, not the expected data file", str(path))


def ods_rows(source: str, path: Path) -> Iterator[list[str]]:
    """The first sheet's rows as lists of stripped cell texts (trailing blanks dropped); every
    failure is a SourceError of `source`."""
    _check_binary(source, path)
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
            except KeyError:
                mimetype = ""
            if mimetype != ODS_MIMETYPE:
                raise SourceError(
                    source, f"not an ODS spreadsheet (mimetype {mimetype!r})", str(path))
            with zf.open("content.xml") as fh:
                yield from _sheet_rows(fh)
    except zipfile.BadZipFile:
        raise SourceError(source, "not a valid ODS/zip file (truncated?)", str(path)) from None
    except KeyError:
        raise SourceError(source, "ODS file has no content.xml", str(path)) from None
    except ParseError as exc:
        raise SourceError(source, f"content.xml is not well-formed XML: {exc}", str(path)) from None
    except DefusedXmlException as exc:
        raise SourceError(source, f"refused unsafe XML: {exc}", str(path)) from None
    except (zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise SourceError(source, f"cannot read ODS: {exc}", str(path)) from None


def _sheet_rows(fh: object) -> Iterator[list[str]]:
    tables = 0
    for event, el in iterparse(fh, events=("start", "end")):
        if event == "start":
            if el.tag == _ODS_T + "table":
                tables += 1
            continue
        if el.tag == _ODS_T + "table-row" and tables == 1:
            cells: list[str] = []
            for cell in el:
                if cell.tag not in (_ODS_T + "table-cell", _ODS_T + "covered-table-cell"):
                    continue
                text = "\n".join("".join(p.itertext()) for p in cell.iter(_ODS_TEXT + "p"))
                repeat = int(cell.get(_ODS_T + "number-columns-repeated", "1"))
                cells += [text.strip()] * min(repeat, MAX_REPEAT)
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield cells
            el.clear()
        elif el.tag == _ODS_T + "table":
            el.clear()
