"""Fault cases of build and update: short or garbled lists, and housekeeping.

Every case runs the real `sanctions` command in a subprocess (cwd = the scratch directory, so
messages name relative paths) against real SQLite files; update cases fetch from a local
static server on 127.0.0.1. Two base databases are built once per process and copied.
`tests/test_faults_ingest.py` runs the same cases.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import http.server
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from faults import Case

from sanctions.sources import get_source

SDN, CONS, UN = get_source("ofac_sdn"), get_source("ofac_cons"), get_source("un_sc")
TIMEOUT = 300  # seconds, per command: a hung command is a failed case, never a hung run
OKUKA = "ofac_sdn:48179"  # "OKUKA, Branislav", line 14,500 of the 2024 SDN.CSV: in the cut part
_BASE = Path(tempfile.mkdtemp(prefix="faults-ingest-"))
atexit.register(shutil.rmtree, _BASE, True)


def sh(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `sanctions ARGS` in cwd: (exit status, last line of stderr)."""
    r = subprocess.run([sys.executable, "-m", "sanctions", *args], cwd=cwd, capture_output=True,
                       text=True, timeout=TIMEOUT, env={**os.environ, **(env or {})})
    lines = r.stderr.strip().splitlines()
    return r.returncode, lines[-1] if lines else ""


@functools.cache
def base_db(name: str) -> Path:
    """A database built once per process: 'sdn' (ofac_sdn) or 'small' (ofac_cons + un_sc)."""
    from sanctions.ingest.build import build

    path = _BASE / name / "sanctions.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    build(path, sources=[SDN] if name == "sdn" else [CONS, UN])
    return path


def scratch_db(scratch: Path, name: str) -> Path:
    path = scratch / "s.db"
    copy_db(base_db(name), path)
    return path


def copy_db(src: Path, dest: Path) -> None:
    """A database and the index file its build wrote, renamed for the copy, as a published
    database sits. Without the file, the first screen of each copy (finds_okuka) would build
    the index from the database again, some 15 s of CPU; a database that changes gets a new
    build id, so a copied file is never the index of another build."""
    from sanctions.store import reading
    from sanctions.store.index import read_build_id
    from sanctions.store.index_write import index_path

    shutil.copyfile(src, dest)
    with reading(src, immutable=True) as conn:
        build_id = read_build_id(conn)
    if build_id is not None and index_path(src, build_id).exists():
        shutil.copyfile(index_path(src, build_id), index_path(dest, build_id))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def finds_okuka(db: Path) -> bool:
    from sanctions.screening import screen

    matches = screen("OKUKA, Branislav", db=db)["matches"]
    return bool(matches) and matches[0]["entity_id"] == OKUKA


def q(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Bad files.

SDN_BYTES = SDN.snapshot_paths()["sdn"].read_bytes()
SDN_ROWS = SDN_BYTES.rstrip(b"\x1a").split(b"\r\n")[:-1]  # 14,965 rows


def cut_sdn(dest: Path, marker: bool) -> Path:
    """SDN.CSV cut at a row boundary, 5% of its rows gone (749 of 14,965)."""
    keep = SDN_ROWS[: len(SDN_ROWS) * 95 // 100]
    dest.write_bytes(b"\r\n".join(keep) + b"\r\n" + (b"\x1a" if marker else b""))
    return dest


def refused(scratch: Path, spec: str, make: Callable[[Path], Path], base: str = "sdn",
            extra: tuple[str, ...] = ()) -> str:
    db = scratch_db(scratch, base)
    before = sha(db)
    bad = make(scratch)
    code, line = sh(scratch, "build", "--db", "s.db", "--source", spec.split(":")[0],
                    "--file", f"{spec}={bad.name}", *extra)
    same = "db identical" if sha(db) == before else "DB CHANGED"
    found = ("; OKUKA found" if finds_okuka(db) else "; OKUKA LOST") if base == "sdn" else ""
    return f"exit {code}; {line}; {same}{found}"


KEPT = "; the previous database at s.db is unchanged; db identical"
CUT_LINE = ("error: ofac_sdn (SDN.CSV): no end-of-file marker (0x1A) after line 14,216: the file "
            "was cut short (OFAC ends every CSV with one)")
DROP = ("14,342 entities, 735 (4.9%) fewer than the last good build's 15,077; refused (accept "
        "with --accept-drop ofac_sdn)")


def latin1_byte(scratch: Path) -> Path:
    rows = list(SDN_ROWS)
    rows[8000] = rows[8000].replace(b'"', b'"\xc1', 1)  # one Latin-1 byte (A acute) on line 8,001
    path = scratch / "SDN.CSV"
    path.write_bytes(b"\r\n".join(rows) + b"\r\n\x1a")
    return path


def duplicate_id(scratch: Path) -> Path:
    rows = [*SDN_ROWS[:100], SDN_ROWS[50], *SDN_ROWS[100:]]
    path = scratch / "SDN.CSV"
    path.write_bytes(b"\r\n".join(rows) + b"\r\n\x1a")
    return path


def too_many(scratch: Path) -> Path:
    """CONS_PRIM.CSV with 6,000 distinct rows: more than ofac_cons can hold (5,000)."""
    row = CONS.snapshot_paths()["prim"].read_bytes().split(b"\r\n")[0]
    rest = row.split(b",", 1)[1]
    path = scratch / "CONS_PRIM.CSV"
    path.write_bytes(b"".join(b"%d,%s\r\n" % (900000 + i, rest) for i in range(6000)) + b"\x1a")
    return path


def unknown_role(scratch: Path) -> str:
    db = scratch_db(scratch, "small")
    before = sha(db)
    (scratch / "SDN.CSV").write_bytes(SDN_BYTES)
    code, line = sh(scratch, "build", "--db", "s.db", "--file", "ofac_sdn:SDN=SDN.CSV")
    return f"exit {code}; {line}; {'db identical' if sha(db) == before else 'DB CHANGED'}"


# ---------------------------------------------------------------------------------------------
# update from a local static server.


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def update_with(scratch: Path, marker: bool) -> str:
    db = scratch_db(scratch, "sdn")
    mirror = scratch / "mirror" / "ofac_sdn"
    mirror.mkdir(parents=True)
    snap = SDN.snapshot_paths()
    for role, name in (("alt", "ALT.CSV"), ("add", "ADD.CSV"), ("comments", "SDN_COMMENTS.CSV")):
        shutil.copyfile(snap[role], mirror / name)
    cut_sdn(mirror / "SDN.CSV", marker)
    before = sha(db)
    with static_server(scratch / "mirror") as url:
        code, line = sh(scratch, "update", "--db", "s.db", "--source", "ofac_sdn",
                        "--mirror", url)
    cached = "cache kept clean" if not (scratch / "cache" / "ofac_sdn").exists() else "CACHED"
    same = "db identical" if sha(db) == before else "DB CHANGED"
    return f"exit {code}; {line}; {same}; {cached}; OKUKA {'found' if finds_okuka(db) else 'LOST'}"


# ---------------------------------------------------------------------------------------------
# Housekeeping.


def partial_build(scratch: Path) -> str:
    db = scratch_db(scratch, "small")
    un_before = q(db, "SELECT id, name FROM entities WHERE source='un_sc' ORDER BY id")
    code, _ = sh(scratch, "build", "--db", "s.db", "--source", "ofac_cons")
    kept = q(db, "SELECT id, name FROM entities WHERE source='un_sc' ORDER BY id") == un_before
    changes = q(db, "SELECT source, change, count(*) FROM changes GROUP BY 1, 2 ORDER BY 1, 2")
    return f"exit {code}; un_sc kept: {kept}; changes {changes}"


def lock_held(scratch: Path) -> str:
    db = scratch_db(scratch, "small")
    before = sha(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from sanctions.ingest.housekeeping import locked\n"
         "with locked(Path('s.db')):\n    print('held', flush=True)\n    time.sleep(60)\n"],
        cwd=scratch, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, line = sh(scratch, "build", "--db", "s.db", env={"SANCTIONS_LOCK_WAIT": "0.5"})
    finally:
        holder.kill()
        holder.wait()
    line = line.replace(f"pid {holder.pid}", "pid N")
    return f"exit {code}; {line}; {'db identical' if sha(db) == before else 'DB CHANGED'}"


def overlapping(scratch: Path) -> str:
    """Two partial builds at once: the second waits for the first, and keeps its work."""
    procs = [subprocess.Popen([sys.executable, "-m", "sanctions", "build", "--db", "s.db",
                               "--source", key], cwd=scratch, stderr=subprocess.DEVNULL)
             for key in ("ofac_cons", "un_sc")]
    codes = [p.wait(timeout=TIMEOUT) for p in procs]
    held = q(scratch / "s.db", "SELECT key FROM sources ORDER BY key")
    return f"exits {codes}; db holds {[k for (k,) in held]}"


def killed_build(scratch: Path) -> str:
    db = scratch_db(scratch, "small")
    before = sha(db)
    proc = subprocess.Popen([sys.executable, "-m", "sanctions", "build", "--db", "s.db",
                             "--source", "ofac_sdn"], cwd=scratch, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + TIMEOUT
    while not list(scratch.glob(".s.db.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = len(list(scratch.glob(".s.db.*.tmp")))
    same = "db identical" if sha(db) == before else "DB CHANGED"
    code, _ = sh(scratch, "build", "--db", "s.db", "--source", "un_sc")
    after = len(list(scratch.glob(".s.db.*.tmp")))
    return f"kill -9 leaves {left} tmp, {same}; next build exit {code}, {after} tmp left"


def corrupt_previous(scratch: Path) -> str:
    """A damaged database: a partial build that would have to keep un_sc from it is refused; a
    build of everything it holds goes through, and history restarts with a baseline."""
    db = scratch_db(scratch, "small")
    data = bytearray(db.read_bytes())
    data[len(data) // 2: len(data) // 2 + 65536] = b"\xa5" * 65536  # pages of garbage
    db.write_bytes(bytes(data))
    before = sha(db)
    code1, line1 = sh(scratch, "build", "--db", "s.db", "--source", "ofac_cons")
    same = "db identical" if sha(db) == before else "DB CHANGED"
    r = subprocess.run([sys.executable, "-m", "sanctions", "build", "--db", "s.db", "--source",
                        "ofac_cons", "--source", "un_sc"], cwd=scratch, capture_output=True,
                       text=True, timeout=TIMEOUT)
    said = [ln for ln in r.stderr.splitlines() if "cannot be read" in ln]
    changes = q(db, "SELECT source, change FROM changes ORDER BY id")
    return (f"exit {code1}; {line1}; {same} | exit {r.returncode}; {len(said)} line: "
            f"{said[0] if said else ''}; changes {changes}")


def in_mount(scratch: Path, readonly: bool) -> str:
    """build in a private tmpfs (a mount namespace: root only): full, or remounted read-only."""
    db = scratch_db(scratch, "small")
    size = f"{db.stat().st_size // 1024 + 256}k"  # the database and a little: the build fills it
    mnt = scratch / "m"
    mnt.mkdir()
    remount = f"mount -o remount,ro {mnt} && " if readonly else ""
    script = (f"mount -t tmpfs -o size={size} tmpfs {mnt} && cp {db} {mnt}/s.db && "
              f"sha256sum {mnt}/s.db > {scratch}/before && {remount}"
              f"cd {mnt} && {sys.executable} -m sanctions build --db s.db --source ofac_cons "
              f"2> {scratch}/err; echo $? > {scratch}/code; sha256sum {mnt}/s.db > {scratch}/after"
              f"; ls -a {mnt} > {scratch}/ls")
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                       timeout=TIMEOUT)
    if not (scratch / "code").exists():
        return f"cannot run: {r.stderr.strip()[:80]}"
    code = (scratch / "code").read_text().strip()
    line = (scratch / "err").read_text().strip().splitlines()[-1]
    same = (scratch / "before").read_text() == (scratch / "after").read_text()
    left = sorted(set((scratch / "ls").read_text().split()) - {".", "..", "s.db", ".s.db.lock"})
    return f"exit {code}; {line}; {'db identical' if same else 'DB CHANGED'}; left {left}"


def db_is_directory(scratch: Path) -> str:
    (scratch / "d.db").mkdir()
    code, line = sh(scratch, "build", "--db", "d.db", "--source", "ofac_cons")
    return f"exit {code}; {line}"


def no_server_paths(scratch: Path) -> str:
    db = scratch / "db" / "s.db"  # the file given is outside the database's directory
    db.parent.mkdir()
    shutil.copyfile(base_db("small"), db)
    prim = scratch / "deep" / "CONS_PRIM.CSV"
    prim.parent.mkdir()
    shutil.copyfile(CONS.snapshot_paths()["prim"], prim)
    code, _ = sh(scratch, "build", "--db", str(db.resolve()), "--source", "ofac_cons",
                 "--file", f"ofac_cons:prim={prim.resolve()}")
    paths = q(db, "SELECT role, path, as_of, note FROM source_files WHERE source='ofac_cons' "
              "ORDER BY id")
    absolute = [p for (p,) in q(db, "SELECT path FROM source_files") if str(p).startswith("/")]
    return f"exit {code}; {paths}; absolute paths: {len(absolute)}"


E = "error: "
CASES: list[Case] = [
    Case("ingest: 5% row cut of SDN.CSV, build --file",
         f"exit 2; {CUT_LINE}{KEPT}; OKUKA found",
         lambda s: refused(s, "ofac_sdn:sdn", lambda d: cut_sdn(d / "SDN.CSV", marker=False))),
    Case("ingest: 5% row cut of SDN.CSV, update",
         "exit 1; error: ofac_sdn: no end-of-file marker (0x1A) after line 14,216: the file was "
         "cut short (OFAC ends every CSV with one); its previous data is kept; db identical; "
         "cache kept clean; OKUKA found",
         lambda s: update_with(s, marker=False)),
    Case("ingest: 5% row cut, end marker restored, build --file",
         f"exit 2; {E}ofac_sdn: {DROP}{KEPT}; OKUKA found",
         lambda s: refused(s, "ofac_sdn:sdn", lambda d: cut_sdn(d / "SDN.CSV", marker=True))),
    Case("ingest: 5% row cut, end marker restored, update",
         f"exit 1; {E}ofac_sdn: 14,216 entities, 861 (5.7%) fewer than the last good build's "
         "15,077; refused (accept with --accept-drop ofac_sdn); its previous data is kept; "
         "db identical; cache kept clean; OKUKA found",
         lambda s: update_with(s, marker=True)),
    Case("ingest: one Latin-1 byte at line 8,001 of SDN.CSV",
         f"exit 2; {E}ofac_sdn (SDN.CSV): line 8,001 is not valid UTF-8 (byte C1: invalid start "
         f"byte); refused rather than guessing the encoding{KEPT}; OKUKA found",
         lambda s: refused(s, "ofac_sdn:sdn", latin1_byte)),
    Case("ingest: duplicate ent_num in SDN.CSV",
         f"exit 2; {E}ofac_sdn (SDN.CSV): line 101: ent_num {SDN_ROWS[50].split(b',')[0].decode()}"
         f" appears again (first on line 51); duplicate ids{KEPT}; OKUKA found",
         lambda s: refused(s, "ofac_sdn:sdn", duplicate_id)),
    Case("ingest: mistyped --file role (ofac_sdn:SDN=...)",
         f"exit 2; {E}ofac_sdn: unknown file role(s) 'SDN' (its roles: sdn, sdn_excerpt, alt, add,"
         f" comments){KEPT}",
         unknown_role),
    Case("ingest: more entities than the source can hold: parsing stops",
         f"exit 2; {E}ofac_cons: validation failed: more than 5,000 entities, the most expected; "
         f"parsing stopped{KEPT}",
         lambda s: refused(s, "ofac_cons:prim", too_many, base="small")),
    Case("ingest: build --source ofac_cons keeps un_sc, records no removal",
         "exit 0; un_sc kept: True; changes [('ofac_cons', 'baseline', 1), "
         "('un_sc', 'baseline', 1)]",
         partial_build),
    Case("ingest: a second build while one runs",
         f"exit 2; {E}another build or update of s.db is running (pid N); waited 0.5 s, try "
         f"again when it has finished{KEPT}",
         lock_held),
    Case("ingest: two overlapping partial builds",
         "exits [0, 0]; db holds ['ofac_cons', 'un_sc']", overlapping),
    Case("ingest: kill -9 during build, then build",
         "kill -9 leaves 1 tmp, db identical; next build exit 0, 0 tmp left", killed_build),
    Case("ingest: corrupt previous database",
         f"exit 2; {E}the previous database at s.db cannot be read (it fails SQLite's quick_check)"
         f", so un_sc cannot be kept: build every source (no --source){KEPT} | exit 0; 1 line: "
         "the previous database at s.db cannot be read (it fails SQLite's quick_check): no drop "
         "check against it, and the change history restarts with a baseline; changes "
         "[('ofac_cons', 'baseline'), ('un_sc', 'baseline')]",
         corrupt_previous),
    Case("ingest: disk full",
         f"exit 2; {E}cannot write the new database in ./: disk full{KEPT}; left []",
         lambda s: in_mount(s, readonly=False)),
    Case("ingest: read-only directory",
         f"exit 2; {E}cannot write the new database in ./: read-only file system{KEPT}; left []",
         lambda s: in_mount(s, readonly=True)),
    Case("ingest: a directory as --db",
         f"exit 2; {E}d.db is a directory, not a database file", db_is_directory),
    Case("ingest: no server paths in source_files",
         "exit 0; [('xml', 'ofac_cons/2025-03-28/consolidated.xml', '2025-03-28', 'Publish_Date "
         "03/28/2025, Record_Count 443'), ('prim', 'CONS_PRIM.CSV', None, 'given with --file'), "
         "('add', 'ofac_cons/2025-04-21/cons_add.csv', '2025-04-21', 'line endings turned into LF"
         " by the committer')]; absolute paths: 0", no_server_paths),
]
