"""Official HTML pages read with lxml: the page as a tree, and an element's text with its breaks.

Shared by the sources that read state.gov pages (state_fto, the reward target pages). lxml's
HTML parser repairs what the pages get wrong (an unclosed <td> or <p>, tags in upper case), so the
readers only pick elements; the text rules (which tags are line breaks) stay with each reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SourceError

if TYPE_CHECKING:  # lxml is imported on first parse: every process that lists the sources
    from lxml.html import HtmlElement  # imports this module, the server included

_HTML_OPEN = re.compile(r"<html[\s>]", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"</html\s*>", re.IGNORECASE)


def parse_html(text: str) -> HtmlElement:
    """`text` as an lxml document; a page with no element at all (only comments) is an empty
    <html>, so that a reader reports what it did not find rather than a parser error.

    >>> parse_html("<TABLE><tr><td>a<td>b</TABLE>").findtext(".//td[2]")
    'b'
    """
    # Bytes with a fixed encoding: a str with an XML declaration is refused by lxml, and the
    # text is already decoded, so a <meta charset> must not make libxml2 decode it again.
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError:  # "Document is empty"
        return lxml.html.Element("html")


def read_html(source: str, path: Path) -> HtmlElement:
    """The page at `path`; unreadable, blank or cut off is a SourceError. Bytes that are not
    UTF-8 become U+FFFD rather than an error: one bad byte in a name must not lose the page."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise SourceError(source, f"cannot read file: {exc.strerror}", str(path)) from exc
    if not text.strip():
        raise SourceError(source, "file is empty", str(path))
    # lxml closes whatever a truncated download left open, so a page cut mid-table would read
    # as a shorter list with a half name in its last row. A page that opens <html> must end it.
    if _HTML_OPEN.search(text) and not _HTML_CLOSE.search(text):
        raise SourceError(source, "page ends before </html> (truncated download?)", str(path))
    return parse_html(text)


def text_of(element: HtmlElement, breaks: frozenset[str]) -> str:
    """All the text inside `element` in page order, "\\n" where an element named in `breaks`
    starts; comments are not text (the text after them is).

    >>> text_of(parse_html("<td>a<br>b <!-- x -->c</td>").find(".//td"), frozenset({"br"}))
    'a\\nb c'
    """
    return "".join(_texts(element, breaks))


def _texts(element: HtmlElement, breaks: frozenset[str]) -> Iterator[str]:
    from lxml import etree

    # iterwalk, not recursion: a hostile page may nest deeper than Python's recursion limit.
    for event, el in etree.iterwalk(element, events=("start", "end", "comment", "pi")):
        if event == "start":
            if el.tag in breaks:
                yield "\n"
            yield el.text or ""
        elif el is not element:  # "end" of a child, or a comment: the text that follows it
            yield el.tail or ""


def has_class(element: HtmlElement, name: str) -> bool:
    """Whether `name` is one of the element's classes (a whole token, as CSS `.name` matches)."""
    return name in (element.get("class") or "").split()
