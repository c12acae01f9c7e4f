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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import Record
from .base import Expected, Report, SnapshotFile, Source
from .ftm_map import ATTACHED, SCHEMATA, attach, finish, referenced, to_record

ROLE = "entities"
FORMAT = "FollowTheMoney JSON lines"
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# OpenSanctions' default collection holds about a million entities; the bound only stops a
# runaway file, as a registered source's does.
MOST = 20_000_000


def _lines(key: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, entity) for every non-blank line; refuses the file at its first bad line."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; read as bytes to name bad lines
    except OSError as exc:
        raise SourceError(key, f"cannot read file: {exc.strerror}", str(path)) from exc
    with fh:
        seen = False
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            if not seen and raw.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
                raise SourceError(key, "file is an HTML page, not FtM entities", str(path))
            seen = True
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
            yield number, entity
        if not seen:
            raise SourceError(key, "file is empty", str(path))


def parse_file(key: str, path: Path, report: Report, authority: str) -> Iterator[Record]:
    """Every listed entity of the file as a record, its sanctions and documents attached."""
    records: dict[str, Record] = {}
    by_ref: dict[str, str] = {}  # an id or referent -> the record's id
    parts: list[dict[str, Any]] = []
    for _number, entity in _lines(key, path):
        report.row(ROLE)
        schema = entity["schema"]
        if schema in SCHEMATA:
            record = to_record(key, entity)
            if record is None:
                report.count(f"{schema} entities without a name (left out)")
                continue
            if record.source_id in records:
                raise SourceError(key, f"the entity id {record.source_id!r} is on two lines",
                                  str(path))
            records[record.source_id] = record
            for ref in [record.source_id, *(p.value for p in record.properties
                                            if p.key == "ftm_referent")]:
                by_ref.setdefault(ref, record.source_id)
        elif schema in ATTACHED:
            parts.append(entity)
        else:
            report.count(f"{schema} entities (not imported)")
    for part in parts:
        targets = {by_ref[i] for i in referenced(part) if i in by_ref}
        if not targets:
            report.count(f"{part['schema']} entities naming no imported entity")
        for target in sorted(targets):
            attach(records[target], part)
    for record in records.values():
        finish(record, authority)
        yield record


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
