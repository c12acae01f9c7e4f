"""What build and update do around the work: one at a time, leftovers cleared, I/O failures told.

- `locked(db)`: an exclusive lock on `.<name>.lock` beside the database, held for a whole build
  or update. A second one waits up to `wait` seconds, then refuses with one line; two runs
  never both publish, so neither's changes are lost.
- Under the lock, temp files of dead builds (`.<name>.<pid>.tmp`, left by a `kill -9`) are
  removed: any live build would hold the lock.
- `io_error(...)`: disk full, a read-only directory, a permission problem as one line.

    >>> with locked(Path("db/sanctions.db")):  # doctest: +SKIP
    ...     pass
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SanctionsError

# How long a second build or update waits for the first before refusing. A build takes tens of
# seconds; an update can download for minutes, and waiting that long in a cron job is worse than
# a clear refusal that the next run retries.
# SANCTIONS_LOCK_WAIT overrides it (seconds).
LOCK_WAIT = float(os.environ.get("SANCTIONS_LOCK_WAIT", "30"))
POLL = 0.1


def check_db_path(db_path: Path) -> None:
    if db_path.is_dir():
        raise SanctionsError(f"{db_path} is a directory, not a database file")


def temp_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")


def stale_temp_files(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f".{db_path.name}.*.tmp"))


def io_error(exc: BaseException, db_path: Path) -> SanctionsError:
    """One line for an OSError or SQLite error met while writing next to the database."""
    where = db_path.parent if str(db_path.parent) != "" else Path(".")
    if isinstance(exc, OSError):
        code = exc.errno
        why = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded",
               errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied"}.get(code or 0, exc.strerror or str(exc))
    else:
        text = str(exc)
        why = ("disk full" if "full" in text else
               "read-only file system or no permission" if "readonly" in text
               or "unable to open" in text else text)
    return SanctionsError(f"cannot write the new database in {where}/: {why}")


@contextmanager
def locked(
    db_path: Path, wait: float = LOCK_WAIT, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the database's build lock; clear temp files of dead builds once it is held."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise io_error(exc, db_path) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    raise SanctionsError(
                        f"another build or update of {db_path} is running (pid {holder}); "
                        f"waited {wait:g} s, try again when it has finished") from None
                time.sleep(POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _remove_stale(db_path, say)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_stale(db_path: Path, say: Callable[[str], None] | None) -> None:
    stale = stale_temp_files(db_path)
    size = 0
    for path in stale:
        try:
            size += path.stat().st_size
            path.unlink()
        except OSError:
            continue  # gone already, or not ours to remove: the build does not depend on it
    if stale and say:
        say(f"removed {len(stale)} temporary file(s) of interrupted builds "
            f"({size / 1e6:,.1f} MB)")


IO_ERRORS = (OSError, sqlite3.OperationalError)
