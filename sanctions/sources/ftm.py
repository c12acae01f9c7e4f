"""Lists in the FollowTheMoney format: a file of FtM entities, one JSON object a line.

This is the shape OpenSanctions publishes its collections in (`entities.ftm.json`) and our own
`sanctions export --format ftm` writes. A user gives one with `sanctions build --ftm KEY=PATH`;
it becomes the source KEY. There is no bundled snapshot, so this module declares no `SOURCE`
(the registry lists only sources it can build by itself): `ftm_source(key)` makes one.

People, organisations, companies, vessels and aircraft are imported as records (ftm_map);
`Sanction`, `Identification` and `Passport` entities are attached to the entity they name
(`entity`, `holder`, also through its `referents`); every other schema is counted and left out.
A file that cannot be read whole (not UTF-8, a line that is not a JSON entity, a truncated
last line) is refused with one line naming the source, the file and the line.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import Record
from .base import Expected, Report, SnapshotFile, Source
from .ftm_map import ATTACHED, SCHEMATA, Part, attach, finish, read_part, referenced, to_record

ROLE = "entities"
FORMAT = "FollowTheMoney JSON lines"
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# OpenSanctions' default collection holds about a million entities; the bound only stops a
# runaway file, as a registered source's does.
MOST = 20_000_000


def _raw_lines(key: str, path: Path) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, bytes) of every non-blank line; refuses an HTML page or an
    empty file."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; read as bytes to name bad lines
    except OSError as exc:
        raise SourceError(key, f"cannot read file: {exc.strerror}", str(path)) from exc
    with fh:
        seen = False
        offset = 0
        for number, raw in enumerate(fh, 1):
            at, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            if not seen and raw.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
                raise SourceError(key, "file is an HTML page, not FtM entities", str(path))
            seen = True
            yield number, at, raw
        if not seen:
            raise SourceError(key, "file is empty", str(path))


def _entity(key: str, path: Path, number: int, raw: bytes) -> dict[str, Any]:
    """The entity on a line; refuses the file at a line that is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(key, f"line {number:,} is not valid UTF-8 (byte "
                          f"{raw[exc.start:exc.end].hex(' ').upper()}); refused rather "
                          "than guessing the encoding", str(path)) from exc
    try:
        entity = json.loads(text)
    except json.JSONDecodeError as exc:
        last = not raw.endswith(b"\n")
        raise SourceError(key, f"line {number:,} is not a JSON object ({exc.msg})"
                          + ("; the file looks truncated" if last else ""),
                          str(path)) from exc
    if not (isinstance(entity, dict) and isinstance(entity.get("id"), str)
            and entity["id"] and isinstance(entity.get("schema"), str)
            and isinstance(entity.get("properties", {}), dict)):
        raise SourceError(key, f"line {number:,} is not an FtM entity (it needs an "
                          "\"id\", a \"schema\" and \"properties\")", str(path))
    entity.setdefault("properties", {})
    return entity


# A line can only hold an attached schema if it has the schema's name in it, or a \u escape
# that could spell it: the first pass decodes only such lines.
_MAYBE_ATTACHED = re.compile(b"|".join([*(s.encode() for s in ATTACHED), rb"\\u"]))


@dataclass
class _Parts:
    """The first pass: what each Sanction/Identification/Passport line says and whom it names.
    Only what attaching needs is kept (`read_part`: OpenSanctions has more sanctions than
    entities), so no part is decoded twice and the file is not held."""

    said: list[Part] = field(default_factory=list)  # part -> what it says
    schema: list[str] = field(default_factory=list)  # part -> its schema
    lines: set[int] = field(default_factory=set)  # line numbers of parts
    naming: dict[str, list[int]] = field(default_factory=dict)  # id -> parts naming it
    used: set[int] = field(default_factory=set)


def _first_pass(key: str, path: Path) -> _Parts:
    parts = _Parts()
    for number, _at, raw in _raw_lines(key, path):
        if not _MAYBE_ATTACHED.search(raw):
            continue
        entity = _entity(key, path, number, raw)
        if entity["schema"] not in ATTACHED:
            continue
        n = len(parts.said)
        parts.said.append(read_part(entity))
        parts.schema.append(sys.intern(entity["schema"]))  # one copy, not one a line
        parts.lines.add(number)
        for ref in dict.fromkeys(referenced(entity)):
            parts.naming.setdefault(ref, []).append(n)
    return parts


def parse_file(key: str, path: Path, report: Report, authority: str) -> Iterator[Record]:
    """Every listed entity of the file as a record, its sanctions and documents attached, in
    the file's order. Two passes, so that no more than one record is held at a time: the first
    reads the parts (which may come before or after their entity), the second maps each entity
    and attaches the parts that name it (by its id or one of its referents, each id going to
    the first record that claims it)."""
    parts = _first_pass(key, path)
    ids: set[str] = set()
    claimed: set[str] = set()  # ids (named by parts) that a record has claimed
    for number, _at, raw in _raw_lines(key, path):
        report.row(ROLE)
        if number in parts.lines:
            continue  # a part, read by the first pass
        entity = _entity(key, path, number, raw)
        schema = entity["schema"]
        if schema not in SCHEMATA:
            report.count(f"{schema} entities (not imported)")
            continue
        record = to_record(key, entity)
        if record is None:
            report.count(f"{schema} entities without a name (left out)")
            continue
        if record.source_id in ids:
            raise SourceError(key, f"the entity id {record.source_id!r} is on two lines",
                              str(path))
        ids.add(record.source_id)
        mine: set[int] = set()
        for ref in [record.source_id, *(p.value for p in record.properties
                                        if p.key == "ftm_referent")]:
            if ref in parts.naming and ref not in claimed:
                claimed.add(ref)
                mine.update(parts.naming[ref])
        for n in sorted(mine):
            attach(record, parts.said[n])
        parts.used |= mine
        finish(record, authority)
        yield record
    for n, schema in enumerate(parts.schema):
        if n not in parts.used:
            report.count(f"{schema} entities naming no imported entity")


_LAST_SEEN = re.compile(rb'"last_seen": ?"(\d{4}-\d{2}-\d{2})')


def file_date(path: Path) -> str | None:
    """The newest `last_seen` day of the file's entities: when the publisher last saw them,
    so the day its data is as of (OpenSanctions stamps every entity); None when no entity says.
    A scan of the bytes, about a second a GB; an unreadable file is left to the parse to refuse.
    """
    newest = b""
    tail = b""
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 24):
                block = tail + block
                for m in _LAST_SEEN.finditer(block):
                    newest = max(newest, m.group(1))
                tail = block[-40:]  # a stamp cut by the block's end is found whole next time
    except OSError:
        return None
    return newest.decode() if newest else None


def ftm_source(key: str, *, title: str | None = None, publisher: str = "as given") -> Source:
    """The source of an FtM file imported as KEY (lower-case letters, digits, underscores)."""
    if not KEY.match(key):
        raise ValueError(f"FtM source key {key!r}: use lower-case letters, digits and "
                         "underscores, starting with a letter")
    label = title or f"FollowTheMoney file ({key})"

    def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
        if ROLE not in paths:
            raise SourceError(key, f"no {ROLE} file given")
        yield from parse_file(key, paths[ROLE], report, label)

    def fetch(_dest: Path) -> dict[str, Path]:
        raise SourceError(key, "an FtM file is given with `sanctions build --ftm`; it is not "
                          "downloaded")

    return Source(
        key=key, title=label, publisher=publisher, urls=(), format=FORMAT,
        licence="as the file's publisher states", kind="compiled",
        # The one file role, declared as every source declares its files (the build's
        # provenance names a source's main file), though nothing is bundled: the build always
        # gets the path as an Input.
        snapshot=(SnapshotFile(ROLE, "", as_of="", kind="compiled", note="given with --ftm"),),
        expected=Expected(total=(1, MOST)), parse=parse, fetch=fetch,
        description="FollowTheMoney entities imported from a file the user gave.",
        priority=500, short=key, snapshot_note="none: given with --ftm",
    )
