"""Datasette metadata: metadata.yml, with what is per source made from the declarations.

metadata.yml describes tables, columns and canned queries; the per-source parts (the `source`
line naming each list with its as-of date, and the licences) are the placeholders "@sources"
and "@licences", filled here from `sanctions.sources` (sanctions.sources.lines; a server
reads them ahead, sanctions.web.declared), so adding a source edits nothing else.
Its links are site paths ("/-/screen"), which Datasette writes as they are: behind a
`base_url` they are moved under it here (`rebase`), as the plugin's own links are by
Datasette's urls helpers.

    >>> load_metadata()["source"].startswith("OFAC SDN (as of ")
    True
    >>> load_metadata(base_url="/lists/")["about_url"]
    '/lists/-/screen'
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from .declared import declarations

METADATA = Path(str(resources.files("sanctions") / "metadata.yml"))
# The database name metadata.yml describes; Datasette names a database after its file's stem.
DATABASE = "sanctions"


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    return values.get(node, node) if isinstance(node, str) else node


# A site path in HTML: "/x" but not "//host/x" (scheme-relative, another site).
_HTML_LINK = re.compile(r'''(\b(?:href|src|action)\s*=\s*["']?)/(?!/)''', re.IGNORECASE)


def _is_site_path(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("/") and not value.startswith("//")


def rebase(node: Any, base_url: str) -> Any:
    """`node` with every site path under `base_url`: the values of `*_url` and `*_redirect`
    keys (about_url, source_url, license_url, a canned query's on_success_redirect, ...) and
    the href/src/action links in `*_html` values. Other text is left alone: a path in a plain
    description is prose, not a link."""
    prefix = base_url.rstrip("/")
    if not prefix:
        return node
    if isinstance(node, list):
        return [rebase(v, base_url) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.endswith(("_url", "_redirect")) and _is_site_path(value):
            out[key] = prefix + value
        elif key.endswith("_html") and isinstance(value, str):
            out[key] = _HTML_LINK.sub(lambda m: m.group(1) + prefix + "/", value)
        else:
            out[key] = rebase(value, base_url)
    return out


def load_metadata(db_path: Path | str | None = None, base_url: str = "/") -> dict[str, Any]:
    """The metadata for a database file: placeholders filled, the database renamed after
    `db_path`'s stem when that differs, its links under Datasette's `base_url`."""
    import yaml

    text = METADATA.read_text(encoding="utf-8")
    name = Path(db_path).stem if db_path is not None else DATABASE
    if name != DATABASE:
        text = text.replace(f"/{DATABASE}/", f"/{name}/").replace(f"/{DATABASE}#", f"/{name}#")
    # libyaml's loader where it is built (a seventh of the time): the same safe subset
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    declared = declarations()  # source_line() and licence_line(), read ahead by a server
    meta: dict[str, Any] = _fill(yaml.load(text, Loader=loader),  # noqa: S506
                                 {"@sources": declared["sources"],
                                  "@licences": declared["licences"]})
    databases = meta.get("databases", {})
    if name != DATABASE and DATABASE in databases:
        databases[name] = databases.pop(DATABASE)
    return rebase(meta, base_url)
