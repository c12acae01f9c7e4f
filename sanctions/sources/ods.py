"""OpenDocument spreadsheets (.ods): the first sheet's rows, streamed from the zip.

content.xml is read with defusedxml's iterparse (0.2 s for the UK snapshot). odfpy, tried
first, took 2.4 s just to load the document, and on malformed XML it prints the whole part to
stdout and returns an empty document instead of raising, so a truncated download would pass as
"no rows". ODS is a zip of XML, so this still reads the official file, not a conversion.

A zip says how large each entry unpacks to, and `zipfile` never inflates past that size (it
fails the CRC instead), so checking the declared sizes before reading bounds the work: a 1 MB
zip bomb is refused without inflating it. Parsing keeps memory flat as well: every element is
dropped once read, a row may hold only so many elements, and a cell only so much text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import SourceError

_ODS_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE, _ROW = _ODS_T + "table", _ODS_T + "table-row"
_CELLS = (_ODS_T + "table-cell", _ODS_T + "covered-table-cell")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MAX_REPEAT = 64  # repeated blank cells/rows pad the sheet to 16384 x 1048576; never expand those
# Limits far above any real sheet: the UK summary's content.xml unpacks to 7.4 MB for 5,302
# rows of about 20 elements, and its longest cell has 181 characters.
MAX_CONTENT_BYTES = 64 * 1024 * 1024
MAX_MIMETYPE_BYTES = 1024
MAX_ROW_ELEMENTS = 10_000
MAX_CELLS = 16_384  # the widest sheet an ODS editor makes
MAX_CELL_CHARS = 10_000


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


def _member(source: str, path: Path, zf: zipfile.ZipFile, name: str, limit: int) -> None:
    """Refuse an entry that declares more than `limit` bytes unpacked, before inflating it."""
    size = zf.getinfo(name).file_size  # KeyError when missing, as zf.open would raise
    if size > limit:
        raise SourceError(source, f"{name} would unpack to {size:,} bytes, over the {limit:,}-"
                          "byte limit; refused (a zip bomb?)", str(path))


def ods_rows(source: str, path: Path) -> Iterator[list[str]]:
    """The first sheet's rows as lists of stripped cell texts (trailing blanks dropped); every
    failure is a SourceError of `source`."""
    _check_binary(source, path)
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                _member(source, path, zf, "mimetype", MAX_MIMETYPE_BYTES)
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
            except KeyError:
                mimetype = ""
            if mimetype != ODS_MIMETYPE:
                raise SourceError(
                    source, f"not an ODS spreadsheet (mimetype {mimetype!r})", str(path))
            _member(source, path, zf, "content.xml", MAX_CONTENT_BYTES)
            with zf.open("content.xml") as fh:
                yield from _sheet_rows(source, path, fh)
    except zipfile.BadZipFile as exc:
        # A CRC failure is what an entry that unpacks past its declared size ends in.
        detail = str(exc) if "CRC" in str(exc) else "truncated?"
        raise SourceError(source, f"not a valid ODS/zip file ({detail})", str(path)) from None
    except KeyError:
        raise SourceError(source, "ODS file has no content.xml", str(path)) from None
    except ParseError as exc:
        raise SourceError(source, f"content.xml is not well-formed XML: {exc}", str(path)) from None
    except DefusedXmlException as exc:
        raise SourceError(source, f"refused unsafe XML: {exc}", str(path)) from None
    except (zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise SourceError(source, f"cannot read ODS: {exc}", str(path)) from None


def _sheet_rows(source: str, path: Path, fh: object) -> Iterator[list[str]]:
    stack: list[Element] = []  # the open elements, to drop each one from its parent once read
    tables = rows = seen = 0
    row: Element | None = None
    row_from = 0  # elements seen when the current row started
    for event, el in iterparse(fh, events=("start", "end")):
        if event == "start":
            stack.append(el)
            seen += 1
            if el.tag == _TABLE:
                tables += 1
            if row is None and el.tag == _ROW:
                row, row_from = el, seen
                rows += 1
            elif row is not None and seen - row_from > MAX_ROW_ELEMENTS:
                raise SourceError(source, f"content.xml row {rows} has more than "
                                  f"{MAX_ROW_ELEMENTS:,} elements; refused", str(path))
            continue
        stack.pop()
        if el is row:
            if tables == 1:
                cells = _cells(source, path, row, rows)
                if cells:
                    yield cells
            row = None
        if row is None and stack and len(stack[-1]) and stack[-1][-1] is el:
            del stack[-1][-1]  # read: outside a row nothing needs it again


def _cells(source: str, path: Path, row: Element, n: int) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        text = "\n".join("".join(p.itertext()) for p in cell.iter(_ODS_TEXT + "p"))
        if len(text) > MAX_CELL_CHARS:
            raise SourceError(source, f"content.xml row {n} has a cell of {len(text):,} "
                              f"characters, over the {MAX_CELL_CHARS:,} limit; refused", str(path))
        repeat = cell.get(_ODS_T + "number-columns-repeated", "1")
        count = min(int(repeat), MAX_REPEAT) if repeat.isdigit() and len(repeat) < 9 else (
            MAX_REPEAT if repeat.isdigit() else 1)
        cells += [text.strip()] * count
        if len(cells) > MAX_CELLS:
            raise SourceError(source, f"content.xml row {n} has more than {MAX_CELLS:,} cells; "
                              "refused", str(path))
    while cells and not cells[-1]:
        cells.pop()
    return cells
