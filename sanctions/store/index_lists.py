"""The index file's key -> list tables (`sanctions.store.index_file`): the join, identifier,
cluster, group and key maps as int32 lists, and the consonant-key map as listed words, each
read a key at a time and kept (a key the table has not included too), so a key asked for
again costs no statement. Kept apart from the file's row readers only to keep each module
small: they share the file's connection (`Reader`) and nothing else."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

CACHE_ROWS = 200_000  # rows kept per process and table, here and in index_file (cleared past it)
K = TypeVar("K")


class Reader(Protocol):
    """The file's connection (`index_file._File`)."""

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any: ...


class Lists(Mapping[K, Sequence[int]]):
    """A table of key -> int32 list, read per key."""

    def __init__(self, f: Reader, table: str) -> None:
        self.f, self.table = f, table
        self.cache: dict[Any, list[int] | None] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self.cache:
            found = self.cache[key]
        else:
            row = self.f.one(f"SELECT rows FROM {self.table} WHERE k = ?", (key,))
            found = array("i", row[0]).tolist() if row else None
            if len(self.cache) >= CACHE_ROWS:
                self.cache.clear()
            self.cache[key] = found
        return default if found is None else found

    def many(self, keys: Iterable[Any]) -> None:
        """Hold these keys' lists (and that a key has none) in one statement per 500 keys not
        held yet, so that `get` then reads them with no statement: a batch's chunk asks for
        thousands of keys a statement each otherwise, most of them absent (6 us a statement,
        0.5 us a key so). Room is made before they are added, never while a caller reads."""
        todo = [k for k in dict.fromkeys(keys) if k not in self.cache]
        if not todo:
            return
        if len(self.cache) + len(todo) > CACHE_ROWS:
            self.cache.clear()
        for at in range(0, len(todo), 500):
            part = todo[at:at + 500]
            found: dict[Any, list[int] | None] = dict.fromkeys(part)
            read = {k: array("i", rows).tolist() for k, rows in self.f.all(
                f"SELECT k, rows FROM {self.table} WHERE k IN ({','.join('?' * len(part))})",
                part)}
            if not read.keys() <= found.keys():  # a key of another type than the table's:
                continue  # which were absent is not known, so none is held (`get` reads them)
            found.update(read)
            self.cache.update(found)

    def __getitem__(self, key: Any) -> Sequence[int]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[K]:
        return iter([k for (k,) in self.f.all(f"SELECT k FROM {self.table}")])

    def __len__(self) -> int:
        return int(self.f.one(f"SELECT count(*) FROM {self.table}")[0])


class Words(Mapping[str, Sequence[str]]):
    """Key -> listed words, stored as vocabulary ids (the consonant-key map)."""

    def __init__(self, f: Reader, table: str, vocab_list: list[str]) -> None:
        self.ids: Lists[str] = Lists(f, table)
        self.vocab_list = vocab_list

    def get(self, key: Any, default: Any = None) -> Any:
        found = self.ids.get(key)
        return default if found is None else [self.vocab_list[j] for j in found]

    def __getitem__(self, key: str) -> Sequence[str]:
        return [self.vocab_list[j] for j in self.ids[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)
