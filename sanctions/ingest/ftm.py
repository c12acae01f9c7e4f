"""FtM files in a build: the sources `--ftm KEY=PATH` makes, and the ones a build keeps.

An FtM source has no bundled snapshot to rebuild from, so a build of every source keeps the FtM
sources of the previous database (as a partial build keeps the sources it does not import) until
the file is given again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SanctionsError
from ..sources import source_keys
from ..sources.base import Source
from ..sources.ftm import FORMAT, ROLE, file_date, ftm_source
from ..store import schema
from . import previous as prev_db

if TYPE_CHECKING:
    from .build import Input


def ftm_inputs(files: Mapping[str, Path]) -> tuple[list[Source], dict[str, Input]]:
    """The sources and inputs of `--ftm KEY=PATH` files; a key that names a registered source,
    or is not a plain lower-case name, is refused."""
    from .build import Input  # build.py imports this module: imported here, not at the top

    sources: list[Source] = []
    inputs: dict[str, Input] = {}
    for key, path in files.items():
        if key in source_keys():
            raise SanctionsError(f"--ftm {key}: {key!r} is a bundled source; choose another key")
        try:
            sources.append(ftm_source(key))
        except ValueError as exc:
            raise SanctionsError(str(exc)) from None
        # the file's own date (its entities' newest last_seen), else undated: never today's
        inputs[key] = Input({ROLE: Path(path)}, as_of=file_date(Path(path)), kind="compiled",
                            note="given with --ftm")
    return sources, inputs


def kept_imports(previous: prev_db.Previous, building: set[str]) -> list[str]:
    """The FtM sources of the previous database a build of every source keeps (none from a
    database of another schema version, which cannot be copied)."""
    if not previous.readable or previous.schema_version != schema.SCHEMA_VERSION:
        return []
    conn = sqlite3.connect(f"{previous.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        keys = {k for (k,) in conn.execute("SELECT key FROM sources WHERE format = ?", (FORMAT,))}
    finally:
        conn.close()
    return sorted(keys - building)
