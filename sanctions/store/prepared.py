"""The re-screen's stored preparation of customer files: each name's tokens and each word's
spelling forms and abjad reading (sanctions.matching.reach_prepared), kept so that the next
re-screen of the same or a slightly changed file reads them back instead of working them out
(about a quarter of the filter's work). A cache and nothing more:

- It lives in a writable file of its own beside the decisions file (`db/sanctions.db` ->
  `db/sanctions.decisions.prepared.db`; store.decisions.decisions_path), never in the
  published database, which is only ever read.
- It is keyed by what makes its values (`made_by`: a digest of the modules whose functions
  make them, and of the libraries they call), not by the build: a nightly re-screen after a
  new build reads it as well. A store made by other code is not read, and the next write
  replaces it.
- It holds an entry a name and a word, so a file that changes a little reads most of it back
  (and works out only its new names and words); and a record a file (`files`: what its names
  in order make before an index is read, `reach_prepared.FileWork`), of the latest `MAX_FILES`
  files re-screened, each read only when its file comes again (a file's record is one row).
- Growth and trimming: a re-screen that worked out new entries writes the store anew, with
  what it read and what it added. When that is more than twice the entries the file in hand
  uses, plus `SLACK`, only that file's are kept; so it stays within about twice the largest
  file re-screened lately (20,000 customers: 36,000 entries, 1.3 MB).
- Never a reason to fail or to answer otherwise: a store that is absent, unreadable, locked,
  corrupt, made by other code or changed by anything but `save` (its checksum, checked on
  every read) is read as empty, and the re-screen works everything out, as with none; a write
  that cannot be made is skipped (the next re-screen tries again).
- Never a reason to lose a file: a damaged store is made anew, but a file at its path that is
  no SQLite file at all (a user's own, by a clash of names) is neither read nor replaced.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable
from functools import lru_cache, partial
from pathlib import Path

from ..matching.reach_prepared import MAX_FILES, Prepared
from .decisions import decisions_path

# The modules whose functions make the stored values (query_tokens, may_respell,
# spelling_variants, clean_text, romanise's respellings, abjad_words, aside_form, the script
# patterns of script_names), and the libraries they call.
MADE_BY = ("normalize.py", "scripts.py", "romanise.py", "matching/reach_forms.py",
           "matching/reach_prepared.py", "matching/consonants.py", "matching/asides.py",
           "matching/query.py", "matching/hangul.py", "matching/hanzi.py", "matching/kana.py",
           "matching/letters.py")
SLACK = 50_000  # entries a store may hold beyond twice a file's before it is trimmed
TIMEOUT = 0.2  # seconds to wait for another process's write, then go without

# One row a column of the whole store: its entries' texts and their values, each as one text
# a line (no clean text nor value holds a line break), read back in milliseconds. (A row an
# entry cost some 190 M instructions to read for 20,000 customers: a tenth of a pass.)
_SCHEMA = "CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
# a file's record a row, with the code that made it and its checksum (read alone, by its key)
_FILES = ("CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
          "made_by TEXT NOT NULL, crc INTEGER NOT NULL)")
_SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite file
_COLUMNS = ("names", "name_values", "words", "word_values", "readings", "reading_values")


@lru_cache(maxsize=1)
def made_by() -> str:
    """What the stored values are made by: the code (`MADE_BY`), its libraries, Unicode's
    tables."""
    from .index_write import code_fingerprint

    libraries = {}
    for name in ("anyascii", "rapidfuzz"):
        try:
            libraries[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            libraries[name] = "?"
    return json.dumps({"code": code_fingerprint(MADE_BY), "unicode": unicodedata.unidata_version,
                       **libraries}, sort_keys=True)


def prepared_path(db: Path | str, decisions: Path | str | None = None) -> Path:
    """The store beside the decisions file of `db`: `x.decisions.db` ->
    `x.decisions.prepared.db`."""
    path = decisions_path(db, decisions)
    return path.with_name(f"{path.stem}.prepared{path.suffix or '.db'}")


def load(path: Path | str) -> Prepared:
    """The store's preparation, or an empty one if it cannot be read as this code's."""
    if not os.path.isfile(path):
        return Prepared()
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                               timeout=TIMEOUT)
        try:
            # as bytes: checked as stored, then read (a number or a blob fails here)
            found = dict(conn.execute("SELECT key, CAST(value AS BLOB) FROM store"))
        finally:
            conn.close()
        if found.get("made_by") != made_by().encode():
            return Prepared()
        # what `save` wrote, byte for byte
        if found.get("digest") != _digest([found[c] for c in _COLUMNS]).encode():
            return Prepared()
        words, word_values, readings, reading_values = (
            found[c].decode().split("\n") if found[c] else [] for c in _COLUMNS[2:])
        if (found["names"].count(b"\n") != found["name_values"].count(b"\n")
                or len(words) != len(word_values) or len(readings) != len(reading_values)):
            return Prepared()
        return Prepared(partial(_names, found["names"], found["name_values"]),
                        dict(zip(words, word_values, strict=True)),
                        dict(zip(readings, reading_values, strict=True)),
                        fetch=partial(_record, path))
    except (sqlite3.Error, OSError, ValueError, TypeError, KeyError):
        return Prepared()


def _names(names: bytes, values: bytes) -> dict[str, str]:
    """The names' column read (only when asked: a file whose record is held reads none)."""
    try:
        return dict(zip(names.decode().split("\n"), values.decode().split("\n"), strict=True)
                    ) if names and values else {}
    except ValueError:  # not what `save` wrote (nor text): read as none
        return {}


def _record(path: Path | str, key: str) -> str | None:
    """The record of the file of this key, if the store holds one made by this code and as
    `save` wrote it; else None (and the file is worked out)."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                               timeout=TIMEOUT)
        try:
            found = conn.execute("SELECT CAST(value AS BLOB), made_by, crc FROM files "
                                 "WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
        if found is None or found[1] != made_by() or zlib.crc32(found[0]) != found[2]:
            return None
        return str(found[0].decode())
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return None


def _digest(columns: list[bytes]) -> str:
    """A checksum of the columns (CRC-32 each: a damaged or edited store is told from what
    `save` wrote, for a millisecond where a cryptographic digest costs a tenth of the read)."""
    return " ".join(f"{len(c)}:{zlib.crc32(c):08x}" for c in columns)


def save(path: Path | str, prep: Prepared, used: Iterable[str]) -> bool:
    """Write what `prep` holds (what it read and what it worked out anew, if anything is new);
    `used`: the clean texts of the file in hand, all that is kept when the store has grown
    past its bound (see the module's docstring). Whether it was written (not: nothing new, or
    the store could not be written). A damaged store (a SQLite file SQLite cannot read) is
    made anew: it is only ever this cache; a file of another kind at its path is left as it
    is, unwritten (`_ours_to_remake`)."""
    if not any(prep.new):
        return False
    texts = set(used)
    names, words, readings = prep.names, prep.words, prep.readings
    keep = {w for t in texts for w in t.split()}
    uses = len(texts) + len(keep) + len(keep.intersection(readings))  # the file's entries
    if len(names) + len(words) + len(readings) > 2 * uses + SLACK:
        names = {t: v for t in texts if (v := names.get(t)) is not None}
        words = {w: v for w in keep if (v := words.get(w)) is not None}
        readings = {w: v for w in keep if (v := readings.get(w)) is not None}
    # no line break in a text or value, as every clean text and value (else not stored)
    columns = []
    for held in (names, words, readings):
        held = {t: v for t, v in held.items() if "\n" not in t and "\n" not in v}
        columns += ["\n".join(held), "\n".join(held.values())]
    rows = [*zip(_COLUMNS, columns, strict=True), ("made_by", made_by()),
            ("digest", _digest([c.encode() for c in columns]))]
    records = [(k, v, made_by(), zlib.crc32(v.encode())) for k, v in prep.new_files.items()]
    try:
        _write(path, rows, records)
    except sqlite3.OperationalError:
        return False  # locked, read-only, no such folder...: the next re-screen tries again
    except sqlite3.DatabaseError:
        if not _ours_to_remake(path):
            return False  # someone's file of another kind at the store's name: left as it is
        try:
            os.unlink(path)
            _write(path, rows, records)
        except (sqlite3.Error, OSError, ValueError):
            return False
    except (OSError, ValueError):
        return False
    prep.new_names, prep.new_words, prep.new_readings, prep.new_files = {}, {}, {}, {}
    return True


def _ours_to_remake(path: Path | str) -> bool:
    """Whether a file SQLite cannot read at the store's path may be replaced: only a damaged
    SQLite file (its header says so: a store, damaged) or an empty one. Anything else there is
    not this cache's, and a cache never costs anyone a file: it is left, and the re-screen goes
    without a store."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except OSError:
        return False
    return head in (b"", _SQLITE_HEADER)


def _write(path: Path | str, rows: list[tuple[str, str]],
           records: list[tuple[str, str, str, int]]) -> None:
    conn = sqlite3.connect(str(path), timeout=TIMEOUT, isolation_level=None)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entities'").fetchone():
            raise sqlite3.OperationalError("a database, not a store: never written")
        conn.execute(_SCHEMA)
        conn.execute(_FILES)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM store")
            conn.executemany("INSERT INTO store VALUES (?, ?)", rows)
            # the new files' records last; of the others, the latest, made by this code
            conn.executemany("DELETE FROM files WHERE key = ?", [r[:1] for r in records])
            conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", records)
            conn.execute("DELETE FROM files WHERE made_by != ? OR rowid NOT IN (SELECT rowid "
                         "FROM files ORDER BY rowid DESC LIMIT ?)", (made_by(), MAX_FILES))
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
