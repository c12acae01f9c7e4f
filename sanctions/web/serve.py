"""Run Datasette on the built database: immutable, with the project's metadata and plugin.

    >>> datasette_args(Path("db/sanctions.db"))[:3]
    ['serve', '-i', 'db/sanctions.db']
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import tempfile
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import quiet_access
from .metadata import load_metadata
from .serve_options import merge, passthrough

SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Array facets (programs, countries) over every entity need more than the default 200 ms.
    "facet_time_limit_ms": "1000",
}


def base_url(options: Sequence[str]) -> str:
    """The `--setting base_url` among Datasette's options (the last one wins, as in Datasette),
    or "/".

    >>> base_url(["--cors", "--setting", "base_url", "/lists/"])
    '/lists/'
    """
    found = "/"
    for i, arg in enumerate(options[:-2]):
        if arg == "--setting" and options[i + 1] == "base_url":
            found = options[i + 2]
    return found


def metadata_path(db_path: Path, config: dict[str, Any] | None = None,
                  extra: dict[str, Any] | None = None, base: str = "/") -> Path:
    """The metadata for this database, written as JSON for Datasette's --metadata; `config`:
    the plugin's settings (sanctions.web.limits); `extra`: the user's --metadata, merged in
    as written; `base`: the base_url the project's own links are put under."""
    project = load_metadata(db_path, base)
    meta = merge(project, extra) if extra else project
    if config:
        meta.setdefault("plugins", {})["sanctions"] = config
    fd, tmp = tempfile.mkstemp(prefix="sanctions-metadata-", suffix=".json")
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return Path(tmp)


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                   config: dict[str, Any] | None = None,
                   decisions: Path | None = None, options: Sequence[str] = (),
                   metadata: dict[str, Any] | None = None) -> list[str]:
    """`options`: Datasette serve options passed through (--cors, --setting NAME VALUE, ...:
    sanctions.web.serve_options); `metadata`: the user's, merged into the project's."""
    # -i: the database is rebuilt, never edited (a rebuild replaces the file, and the plugin
    # swaps to the new one: sanctions.web.live), so Datasette may count and cache freely.
    args = ["serve", "-i", str(db_path), "--metadata",
            str(metadata_path(db_path, config, metadata, base_url(options))),
            "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    if decisions is not None and decisions.is_file():
        # The decisions and audit file, browsable: Datasette reads a mutable file read-only;
        # only sanctions.web.decide writes it, with the token.
        args.append(str(decisions))
    return args + passthrough(options)  # a --setting given here wins over SETTINGS


def register_plugin() -> None:
    """Load the plugin even when the package is not installed (no `datasette` entry point)."""
    from datasette.plugins import pm

    from .. import web

    if not pm.is_registered(web) and not pm.has_plugin("sanctions"):
        pm.register(web, name="sanctions")


class _LazyUnits:
    """Datasette's unit registry (column `units` in metadata), built on first use.

    Datasette 0.65 builds a pint UnitRegistry when its views are imported: about a quarter of a
    second, a quarter of `sanctions serve`'s start, for a feature this database's metadata does
    not use. `defer_units` puts this in its place; any use builds the real one."""

    def __init__(self) -> None:
        self._registry: Any = None

    def _real(self) -> Any:
        if self._registry is None:
            import datasette.vendored

            sys.modules.pop("datasette.vendored.pint", None)  # the stand-in module below
            vars(datasette.vendored).pop("pint", None)
            from datasette.vendored import pint

            self._registry = pint.UnitRegistry()
        return self._registry

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._real()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)


def defer_units() -> None:
    """Before Datasette's views are imported: their unit registry is built on first use."""
    if "datasette.views.base" in sys.modules or "datasette.vendored.pint" in sys.modules:
        return
    import datasette.vendored

    stand_in = types.ModuleType("datasette.vendored.pint")
    stand_in.UnitRegistry = _LazyUnits  # type: ignore[attr-defined]
    sys.modules[stand_in.__name__] = stand_in
    datasette.vendored.pint = stand_in  # type: ignore[attr-defined]


class _OnFirstUse(types.ModuleType):
    """Stands in for a module while Datasette is imported; the real one is imported when an
    attribute is first asked for."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _datasette_cli() -> Any:
    """Datasette's command line, without rich's traceback handler: datasette.cli installs it
    (with every frame's local variables) when rich is installed, a tenth of the server's start
    for rich and pygments, and a crash would print the names being screened. Blocked for this
    import only, so that anything else may still use rich.traceback.

    httpx is imported when first used: datasette.app imports it for `datasette.client` (a
    plugin's requests to its own server, which this one does not make), about a third of
    importing Datasette's command line."""
    blocked = "rich.traceback" not in sys.modules
    deferred = "httpx" not in sys.modules
    if blocked:
        sys.modules["rich.traceback"] = None  # type: ignore[assignment]
    if deferred:
        sys.modules["httpx"] = _OnFirstUse("httpx")
    try:
        from datasette.cli import cli
    finally:
        if blocked and sys.modules.get("rich.traceback", False) is None:
            del sys.modules["rich.traceback"]
        if deferred and isinstance(sys.modules.get("httpx"), _OnFirstUse):
            del sys.modules["httpx"]  # any other import of it gets the real one
    return cli


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
          config: dict[str, Any] | None = None, decisions: Path | None = None,
          options: Sequence[str] = (), metadata: dict[str, Any] | None = None,
          access_log: bool = False) -> None:
    from .declared import read_ahead as read_declarations
    from .lane import LANE
    from .preload import read_ahead

    # the workers, forked (they share the matcher this process has imported already), open the
    # index on the other core while this process imports Datasette: /-/readyz waits for them
    # (sanctions.web.api). The command starts without the cyclic garbage collector
    # (sanctions.cli.main): the workers, which run as long as the server, are forked with it
    # on, and with what this process has made so far frozen (their collections never walk
    # it, nor write to its pages); this process turns it on once Datasette is imported, below
    collecting = gc.isenabled()
    gc.freeze()
    gc.enable()
    # the declarations' lines for the metadata, in a process of their own (sanctions.web.declared)
    read_declarations()
    LANE.start_workers(preload=str(db_path), fork=True)
    if not collecting:
        gc.disable()
    # and this process's own index and the file's checksum, in a thread, beside the imports
    # below (sanctions.web.preload); sanctions.web.live takes them when Datasette starts
    read_ahead(str(db_path))
    defer_units()
    if "httpx" not in sys.modules:
        # httpx (Datasette's test client) imports its own command line, and with it rich and
        # pygments, when it can: a fifth of the server's start. A None entry makes that import
        # fail, and httpx then goes without its command line, as it does when rich is missing.
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    cli = _datasette_cli()
    from datasette.plugins import pm

    register_plugin()
    if not access_log and not pm.is_registered(quiet_access):
        pm.register(quiet_access, name="sanctions-quiet-access")
    args = datasette_args(db_path, host, port, config, decisions, options, metadata)
    gc.enable()  # on for as long as it serves
    try:
        cli.main(args, standalone_mode=True)
    finally:  # the metadata file is ours: do not leave one in /tmp per run
        Path(args[args.index("--metadata") + 1]).unlink(missing_ok=True)
