"""Reading the official reward pages for state_rewards, each into a `TargetPage`.

* NRP/TOCRP target page (state.gov HTML): name in `h1.featured-content__headline`, date in
  `p.article-meta__publish-date`, `div.entry-content p` lines `UPPERCASE LABEL: value`, posters
  `a.external-link__pdf`, tags `div.related-tags__pills a`; the key is the canonical URL's slug.
* RFJ WordPress JSON (`/wp-json/wp/v2/rewards`): a list of posts with `id`, `link`,
  `title.rendered`, `content.rendered` (HTML paragraphs, the same label lines), `date_gmt`.

What the labels mean (aliases, dates of birth, ...) is state_rewards' business, not this module's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import SourceError
from .base import read_text
from .html_pages import has_class, parse_html, read_html, text_of

if TYPE_CHECKING:  # lxml itself is imported on first parse (html_pages)
    from lxml.html import HtmlElement

KEY = "state_rewards"  # the source these pages are read for: its errors name it
# Dates on target pages ("March 26, 2020") and RFJ's `date_gmt` ("2022-11-14T15:00:00").
DATE_FORMATS = ("%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
# Selector: (class of an ancestor or None, tag, class of the element or None).
Selector = tuple[str | None, str, str | None]
NRP_SELECTORS: dict[str, Selector] = {
    "headline": (None, "h1", "featured-content__headline"),
    "published": (None, "p", "article-meta__publish-date"),
    "paragraph": ("entry-content", "p", None),
    "poster": (None, "a", "external-link__pdf"),
    "tag": ("related-tags__pills", "a", None),
    "target": ("collection-result", "a", "collection-result__link"),
}
# Only <br> breaks a line: each label line of a paragraph ends with one.
BREAKS = frozenset({"br"})
_LABEL_LINE = re.compile(r"^(?P<label>[A-Z][A-Z0-9 ()/&'-]*[A-Z)])\s*:\s*(?P<value>.+)$")
_TAGS = re.compile(r"<[^>]+>")


@dataclass(slots=True)
class TargetPage:
    """A reward target as an official page shows it, in the page's own shape."""

    id: str
    name: str
    url: str | None
    published: str | None
    labels: list[tuple[str, str]]  # (LABEL, value) in page order
    text: list[str]  # paragraphs that are not label lines
    posters: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --- HTML -----------------------------------------------------------------------------------


def select(page: HtmlElement, selector: Selector) -> list[HtmlElement]:
    """The elements `selector` matches, in page order (CSS `.ancestor tag.class`)."""
    ancestor, tag, cls = selector
    return [
        el for el in page.iter(tag)
        if (cls is None or has_class(el, cls))
        and (ancestor is None or any(has_class(a, ancestor) for a in el.iterancestors()))
    ]


def element_text(element: HtmlElement) -> str:
    """The element's text, one line per <br>, spaces collapsed, blank lines dropped.

    >>> element_text(parse_html("<p> SEX:  Male <br><br>HAIR: Black</p>").find(".//p"))
    'SEX: Male\\nHAIR: Black'
    """
    lines = (" ".join(line.split()) for line in text_of(element, BREAKS).split("\n"))
    return "\n".join(x for x in lines if x)


def texts(page: HtmlElement, selector: Selector) -> list[str]:
    return [element_text(el) for el in select(page, selector)]


def hrefs(page: HtmlElement, selector: Selector) -> list[str]:
    return [href for el in select(page, selector) if (href := el.get("href"))]


def canonical_url(page: HtmlElement) -> str | None:
    """The last <link rel="canonical">, as a browser would take it."""
    links = [el.get("href") for el in page.iter("link") if el.get("rel") == "canonical"]
    return links[-1] if links else None


def split_labels(paragraphs: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Paragraph lines -> (LABEL, value) pairs and the other lines.

    >>> split_labels(["DOB: May 9, 1970\\nWanted for trafficking."])
    ([('DOB', 'May 9, 1970')], ['Wanted for trafficking.'])
    """
    labels, text = [], []
    for para in paragraphs:
        for line in para.split("\n"):
            m = _LABEL_LINE.match(line)
            if m:
                labels.append((m.group("label"), m.group("value").strip()))
            elif line:
                text.append(line)
    return labels, text


def read_target_page(path: Path, program: str) -> TargetPage:
    """An NRP or TOCRP target page; without the headline it is not one (a 404, a listing)."""
    page = read_html(KEY, path)
    headline = [t for t in texts(page, NRP_SELECTORS["headline"]) if t]
    if not headline:
        raise SourceError(KEY, "no h1.featured-content__headline: not a target page", str(path))
    labels, text = split_labels(texts(page, NRP_SELECTORS["paragraph"]))
    url = canonical_url(page)
    slug = url.rstrip("/").rsplit("/", 1)[-1] if url else path.stem
    published = texts(page, NRP_SELECTORS["published"])
    return TargetPage(
        id=f"{program.lower()}-{slug}",
        name=headline[0].replace("\n", " "),
        url=url,
        published=parse_date(published[0] if published else None, DATE_FORMATS),
        labels=labels,
        text=text,
        posters=hrefs(page, NRP_SELECTORS["poster"]),
        tags=[t for t in texts(page, NRP_SELECTORS["tag"]) if t],
    )


def target_links(path: Path) -> list[str]:
    """The target pages a program's listing page links to, as written (maybe relative)."""
    return hrefs(read_html(KEY, path), NRP_SELECTORS["target"])


# --- RFJ JSON -------------------------------------------------------------------------------


def load_rfj(path: Path) -> list[dict[str, Any]]:
    """One page of RFJ posts, checked for shape: a list of objects, each with id and link."""
    try:
        posts = json.loads(read_text(KEY, path))
    except json.JSONDecodeError as exc:
        raise SourceError(KEY, f"not valid JSON (truncated?): {exc.msg} at line {exc.lineno}",
                          str(path)) from None
    if isinstance(posts, dict) and "code" in posts:  # a WordPress error object
        raise SourceError(KEY, f"WordPress error {posts.get('code')!r}", str(path))
    if not isinstance(posts, list) or not all(isinstance(p, dict) for p in posts):
        raise SourceError(KEY, "expected a JSON list of reward posts", str(path))
    for p in posts:
        if "id" not in p or "link" not in p:
            raise SourceError(KEY, f"post without id or link: {sorted(p)[:8]}", str(path))
    return posts


def _rendered(post: dict[str, Any], key: str, path: Path) -> str:
    value = post.get(key)
    if not isinstance(value, dict) or not isinstance(value.get("rendered"), str):
        raise SourceError(KEY, f"post {post.get('id')}: no {key}.rendered", str(path))
    return value["rendered"]


def rfj_page(post: dict[str, Any], path: Path) -> TargetPage:
    """One RFJ post; its content is an HTML fragment of paragraphs."""
    title = " ".join(unescape(_TAGS.sub(" ", _rendered(post, "title", path))).split())
    content = parse_html(_rendered(post, "content", path))
    labels, text = split_labels([element_text(p) for p in content.iter("p")])
    return TargetPage(
        id=f"rfj-{post['id']}",
        name=title,
        url=post["link"],
        published=parse_date(post.get("date_gmt") or post.get("date"), DATE_FORMATS),
        labels=labels,
        text=text,
    )
