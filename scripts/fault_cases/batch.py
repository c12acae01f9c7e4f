"""Fault cases of `sanctions screen --input`: bad rows, bad outputs, crashes (issue 12, point 2).

A batch always finishes: every input row gets a result, a bad row is an error for that row only
and the rows after it are screened; an I/O error is one line and exit 2; a crash is one line and
exit 3 (never 1, which means "a match was found"); names print literally. Each case runs the real
command in a subprocess against a small real database (the bundled State FTO list).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from faults import Case

TIMEOUT = 180
_DB: list[Path] = []  # built once per process, on first use


def database() -> Path:
    """A real database of one small source (State FTO: 110 entities, Tren de Aragua among them)."""
    if not _DB:
        from sanctions.ingest.build import build
        from sanctions.sources import get_source

        where = Path(tempfile.mkdtemp(prefix="faults-batch-"))
        atexit.register(shutil.rmtree, where, True)
        build(where / "fto.db", sources=[get_source("state_fto")])
        _DB.append(where / "fto.db")
    return _DB[0]


def screen(*args: str | Path, db: Path | None = None) -> tuple[int, str, str]:
    cmd = [sys.executable, "-m", "sanctions.cli", "screen", "--db", str(db or database()),
           *map(str, args)]
    env = {**os.environ, "SANCTIONS_DEBUG": ""}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env,
                       errors="replace")
    return r.returncode, r.stdout, r.stderr


def _stderr(err: str) -> str:
    lines = err.splitlines()
    return " | ".join(lines) if len(lines) <= 3 else f"{len(lines)} lines: {lines[0]} ..."


def _batch(scratch: Path, src: Path) -> str:
    """Screen `src` to JSONL: exit code, result count, rows that matched, stderr."""
    out = scratch / "out.jsonl"
    code, _, err = screen("--input", src, "--output", out, "--format", "jsonl")
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()] \
        if out.exists() else []
    hits = [f"{r['query'].get('id')}={r['matches'][0]['entity_id']}" for r in results
            if r["matches"]]
    return f"exit {code}; {len(results)} results; matched {', '.join(hits) or 'none'}; " \
           f"stderr: {_stderr(err)}"


def _customers(n: int, hit: int | None) -> list[bytes]:
    lines = [b"id,name,customer_ref"]
    for i in range(1, n + 1):
        name = b"Tren de Aragua" if i == hit else f"Qwzx Plorin {i}".encode()
        lines.append(f"{i},".encode() + name + f",R-{i}".encode())
    return lines


def latin1_row(scratch: Path, hit: int | None) -> str:
    """10,000 rows; row 8,000 holds one Latin-1 byte (é as 0xE9)."""
    lines = _customers(10_000, hit)
    lines[8000] = lines[8000].replace(b"Qwzx", b"Qw\xe9zx")
    src = scratch / "customers.csv"
    src.write_bytes(b"\n".join(lines) + b"\n")
    return _batch(scratch, src)


def oversize_field(scratch: Path) -> str:
    lines = _customers(4, hit=4)
    lines[2] = b"2," + b"x" * 200_000 + b",R-2"  # over the csv module's 128 KB field limit
    src = scratch / "customers.csv"
    src.write_bytes(b"\n".join(lines) + b"\n")
    return _batch(scratch, src)


def unclosed_quote(scratch: Path) -> str:
    lines = _customers(5, hit=5)
    lines[2] = b'2,"Qwzx Plorin 2,R-2'
    src = scratch / "customers.csv"
    src.write_bytes(b"\n".join(lines) + b"\n")
    return _batch(scratch, src)


def no_name(scratch: Path) -> str:
    src = scratch / "customers.csv"
    src.write_text("id,name,imo\n1,,\n2,Tren de Aragua,\n")
    return _batch(scratch, src)


def bad_json(scratch: Path) -> str:
    src = scratch / "customers.jsonl"
    src.write_text('{"id": "1", "name": "Qwzx Plorin"}\n{"id": "2", "name": \n'
                   '{"id": "3", "name": "\\ud800 Plorin"}\n[1, 2]\n'
                   '{"id": "5", "name": "Tren de Aragua"}\n')
    return _batch(scratch, src)


def _refusal(code: int, err: str, scratch: Path, extra: str = "") -> str:
    left = sorted(p.name for p in scratch.iterdir() if p.name.endswith(".tmp"))
    return f"exit {code}; stderr: {_stderr(err.replace(str(scratch), '<dir>'))}{extra}" \
           + (f"; temp files left: {left}" if left else "")


def _small(scratch: Path) -> Path:
    src = scratch / "customers.csv"
    src.write_text("id,name\n1,Tren de Aragua\n2,Qwzx Plorin\n")
    return src


def output_unwritable(scratch: Path) -> str:
    src = _small(scratch)
    if os.geteuid() != 0:
        locked = scratch / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out.csv"
    else:  # root writes through permissions; sysfs refuses new files even to root
        target = Path("/sys/sanctions-out.csv")
    code, _, err = screen("--input", src, "--output", target)
    return _refusal(code, err.replace(str(target), "<out>"), scratch)


def output_is_directory(scratch: Path) -> str:
    code, _, err = screen("--input", _small(scratch), "--output", scratch)
    return _refusal(code, err, scratch)


def disk_full(scratch: Path) -> str:
    code, _, err = screen("--input", _small(scratch), "--output", "/dev/full", "--format", "csv")
    return _refusal(code, err, scratch)


def missing_input(scratch: Path) -> str:
    code, _, err = screen("--input", scratch / "none.csv", "--output", scratch / "out.csv")
    made = " (an output was written)" if (scratch / "out.csv").exists() else ""
    return _refusal(code, err, scratch, made)


def output_is_input(scratch: Path) -> str:
    src = _small(scratch)
    before = src.read_bytes()
    code, _, err = screen("--input", src, "--output", src)
    same = "input unchanged" if src.read_bytes() == before else "INPUT CHANGED"
    return _refusal(code, err, scratch, f"; {same}")


def broken_pipe(scratch: Path) -> str:
    """The reader of stdout goes away after one line (`| head -1`)."""
    src = scratch / "customers.csv"
    src.write_bytes(b"\n".join(_customers(3000, hit=None)) + b"\n")
    cmd = [sys.executable, "-m", "sanctions.cli", "screen", "--db", str(database()), "--input",
           str(src), "--format", "jsonl"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=TIMEOUT)
    return _refusal(code, err, scratch)


def crash(scratch: Path) -> str:
    """A database whose data a component does not expect (corrupt JSON in entities.programs):
    one line, exit 3; the previous output file is left as it was."""
    db = scratch / "corrupt.db"
    shutil.copyfile(database(), db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE entities SET programs = '{' WHERE id = 'state_fto:tren-de-aragua'")
    conn.close()
    out = scratch / "out.csv"
    out.write_text("previous results\n")
    code, _, err = screen("--input", _small(scratch), "--output", out, db=db)
    kept = "previous output kept" if out.read_text() == "previous results\n" else "OUTPUT CHANGED"
    return _refusal(code, err, scratch, f"; {kept}")


def markup_name(scratch: Path) -> str:
    code, out, err = screen("[b]Tren de Aragua[/b]", "--threshold", "0.5")
    title = out.splitlines()[0].strip() if out else ""
    return f"exit {code}; title {title}; stderr: {_stderr(err)}"


def undecodable_argument(scratch: Path) -> str:
    cmd = [sys.executable.encode(), b"-m", b"sanctions.cli", b"screen", b"--db",
           bytes(database()), b"Tren \xe9 Aragua"]
    r = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    return _refusal(r.returncode, r.stderr.decode("utf-8", "replace"), scratch)


BAD_BYTE = "row 8001: not valid UTF-8 (byte 0xE9 at position 8 of line 8001)"
CASES: list[Case] = [
    Case("batch: Latin-1 byte at row 8,000 of 10,000, a match after it",
         f"exit 1; 10000 results; matched 9000=state_fto:tren-de-aragua; stderr: {BAD_BYTE}",
         lambda d: latin1_row(d, hit=9000)),
    Case("batch: Latin-1 byte at row 8,000 of 10,000, no match",
         f"exit 2; 10000 results; matched none; stderr: {BAD_BYTE}",
         lambda d: latin1_row(d, hit=None)),
    Case("batch: a field over 128 KB",
         "exit 1; 4 results; matched 4=state_fto:tren-de-aragua; stderr: row 3: a field is "
         "longer than 65,536 characters", oversize_field),
    Case("batch: a quote never closed",
         "exit 1; 5 results; matched 5=state_fto:tren-de-aragua; stderr: row 3: a quoted field "
         "is not closed", unclosed_quote),
    Case("batch: a row with neither name nor imo",
         "exit 1; 2 results; matched 2=state_fto:tren-de-aragua; stderr: row 2: name is required",
         no_name),
    Case("batch: bad JSON lines (cut, lone surrogate, not an object)",
         "exit 1; 5 results; matched 5=state_fto:tren-de-aragua; stderr: row 2: not valid JSON: "
         "Expecting value (column 21) | row 3: not valid JSON: a string holds a lone surrogate "
         "(\\ud800-\\udfff) | row 4: not a JSON object", bad_json),
    Case("batch: --output not writable",
         "exit 2; stderr: error: cannot write <out>: Permission denied", output_unwritable),
    Case("batch: a directory as --output",
         "exit 2; stderr: error: cannot write <dir>: it is a directory", output_is_directory),
    Case("batch: disk full (--output /dev/full)",
         "exit 2; stderr: error: cannot write /dev/full: No space left on device", disk_full),
    Case("batch: missing --input",
         "exit 2; stderr: error: cannot read <dir>/none.csv: No such file or directory",
         missing_input),
    Case("batch: --output is the --input",
         "exit 2; stderr: error: --output <dir>/customers.csv is the --input file; write the "
         "results elsewhere; input unchanged", output_is_input),
    Case("batch: stdout closed early (| head -1)",
         "exit 2; stderr: error: cannot write standard output: Broken pipe", broken_pipe),
    Case("batch: unexpected exception",
         "exit 3; stderr: internal error: JSONDecodeError: Expecting property name enclosed in "
         "double quotes: line 1 column 2 (char 1); please report it (SANCTIONS_DEBUG=1 shows the "
         "traceback); previous output kept", crash),
    Case("batch: rich markup in a name prints literally",
         "exit 1; title '[b]Tren de Aragua[/b]'; stderr: ", markup_name),
    Case("batch: a NAME argument that is not UTF-8",
         "exit 2; stderr: error: NAME is not valid UTF-8", undecodable_argument),
]
