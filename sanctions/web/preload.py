"""What `sanctions serve` reads from the database while it imports Datasette: the file's
version (checksum, table counts, sources: sanctions.web.pinned.read_version) and the server's
own matcher index.

Both used to wait for Datasette's startup hook, after its imports and the metadata, one after
the other on one core. A thread started as soon as the workers are forked reads them beside
those imports instead: the checksum and SQLite's reads release the GIL, so those parts run
on the other core. sanctions.web.live takes what was read when it serves that file, and only if the
file is still the version read; anything else (a test's Datasette, a file replaced meanwhile,
a read that failed) is read again there, as before, and says what went wrong there.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from .. import screening
from .pinned import FileKey, Read, file_key, read_version


@dataclass(eq=False)
class _Ahead:
    read: Read | None = None
    index: Any = None
    index_key: FileKey | None = None  # the file's version before and after the index was read
    read_done: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)


_ahead: dict[str, _Ahead] = {}
_lock = threading.Lock()


def read_ahead(db_path: str) -> None:
    """Start reading `db_path` in a thread (the server's start: after its workers are forked,
    which must happen while no other thread runs)."""
    # the index's modules are imported here, by the main thread: the thread then imports
    # nothing while the main thread imports Datasette (two threads importing modules that
    # import each other can deadlock)
    from ..store import index, index_file, version  # noqa: F401

    ahead = _Ahead()
    with _lock:
        _ahead[os.path.realpath(db_path)] = ahead
    threading.Thread(target=_read, args=(db_path, ahead), name="sanctions-read-ahead",
                     daemon=True).start()


def _read(db_path: str, ahead: _Ahead) -> None:
    try:
        try:
            ahead.read = read_version(db_path)
        finally:
            ahead.read_done.set()
        before = file_key(db_path)
        index = screening.load_index(db_path)
        if before is not None and file_key(db_path) == before:
            ahead.index, ahead.index_key = index, before
    except Exception:  # read again where it is needed, which says what is wrong
        pass
    finally:
        ahead.done.set()


def take_read(db_path: str) -> Read | None:
    """What was read ahead of `db_path`, if anything, once read (open_version checks it is
    the version it opens)."""
    with _lock:
        ahead = _ahead.get(os.path.realpath(db_path))
    if ahead is None:
        return None
    ahead.read_done.wait()
    return ahead.read


def take_index(db_path: str, key: FileKey | None, wait: bool = True) -> Any:
    """The index read ahead of `db_path` if the file was version `key` throughout, else None;
    given up either way (the State that takes it holds the only reference). `wait`: for the
    read to end; else None while it goes on (left for a later call)."""
    with _lock:
        ahead = _ahead.get(os.path.realpath(db_path))
        if ahead is None or not (wait or ahead.done.is_set()):
            return None
        del _ahead[os.path.realpath(db_path)]
    ahead.done.wait()
    return ahead.index if ahead.index_key == key else None
