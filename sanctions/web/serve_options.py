"""Datasette's own `serve` options through `sanctions serve`: `--cors`, `--setting NAME VALUE`,
`--template-dir`, `--static`, ... pass through as they are; `--metadata FILE` is merged into
the project's metadata (which `sanctions serve` always gives) instead of replacing it.

    >>> passthrough(["--setting", "base_url", "/lists/", "--cors"])
    ['--setting', 'base_url', '/lists/', '--cors']
    >>> merge({"title": "a", "plugins": {"x": {"k": 1}}}, {"plugins": {"x": {"j": 2}}})
    {'title': 'a', 'plugins': {'x': {'k': 1, 'j': 2}}}
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import SanctionsError

# Options `sanctions serve` sets itself, or that cannot work through it.
REFUSED = {
    "--reload": "--reload restarts Datasette's own command, not `sanctions serve`",
    "-i": "the database is always served immutable",
    "--immutable": "the database is always served immutable",
    "--host": "use sanctions serve's own --host",
    "--port": "use sanctions serve's own --port",
    "-p": "use sanctions serve's own --port",
    "-h": "use sanctions serve's own --host",
    "--metadata": "use sanctions serve's own --metadata",
    "-m": "use sanctions serve's own --metadata",
}


def passthrough(args: Sequence[str]) -> list[str]:
    """The Datasette options given after sanctions serve's own, checked; Datasette itself
    refuses one it does not know, with its usage message."""
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in REFUSED:
            raise SanctionsError(f"{name}: {REFUSED[name]}")
    return list(args)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`, objects merged key by key (a title replaced, a plugin's settings
    added to the others)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def read_metadata(path: Path) -> dict[str, Any]:
    """A metadata file (JSON or YAML, as Datasette reads them), or one line saying why not."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SanctionsError(f"--metadata {path}: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SanctionsError(f"--metadata {path}: not JSON or YAML ({first})") from None
    if not isinstance(data, dict):
        raise SanctionsError(f"--metadata {path}: must be an object (JSON) or a mapping (YAML)")
    return data
