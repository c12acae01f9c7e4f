"""The store: the only code that knows the database's schema.

`schema` declares every table; `write` stores parsed records; `entities`, `catalog` and `index`
read (one entity with everything about it; sources and changes; the matcher's index). The
default path lives here, light to import: the CLI needs it for `--help`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SanctionsError

DEFAULT_DB = Path(os.environ.get("SANCTIONS_DB", "db/sanctions.db"))
FileKey = tuple[int, int, int, int]  # st_dev, st_ino, st_mtime_ns, st_size


def file_key(path: str | Path) -> FileKey | None:
    """What identifies one version of the file (a build replaces a database or an index file by
    another, with another identity); None when there is no file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def reading(db_path: Path | str, *, immutable: bool = False) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a built database, with one clear error for every way it can be
    missing or wrong, closed afterwards."""
    path = Path(db_path)
    if not path.exists():
        raise SanctionsError(f"no database at {path}; run `sanctions build` first")
    if path.is_dir():
        raise SanctionsError(f"{path} is a directory, not a database file")
    flags = "&immutable=1" if immutable else ""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{flags}", uri=True)
        conn.row_factory = sqlite3.Row
    except sqlite3.Error as exc:
        raise SanctionsError(f"{path}: cannot open ({exc})") from exc
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        raise SanctionsError(f"{path}: not a sanctions database ({exc})") from exc
    finally:
        conn.close()


def has_tables(conn: sqlite3.Connection, *names: str) -> bool:
    found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(names) <= found
