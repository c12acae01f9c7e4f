"""Fault cases for downloads (issue 12, point 4): servers that trickle, stall, gzip, bomb or
redirect, and .ods zip bombs given with --file.

Every network case runs a real `update` of a database holding OFAC SDN and the UN list against
the local mirror (tests/mirror_server.py, 127.0.0.1) with deadlines scaled down from the
defaults (300 s a file, 1,800 s a run), and reports the fetch error line, each source's status
and whether the database stayed byte-identical. Mirror URLs print as MIRROR.
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import tracemalloc
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from functools import cache
from pathlib import Path

from faults import Case

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the mirror server lives with the tests

from sanctions.errors import SanctionsError  # noqa: E402
from sanctions.ingest.update import update  # noqa: E402
from sanctions.sources import get_source  # noqa: E402
from sanctions.sources.base import Report  # noqa: E402
from sanctions.sources.fetch import Fetcher, FetchError  # noqa: E402
from tests.mirror_server import Mirror, serve  # noqa: E402

SDN, UN, UK = get_source("ofac_sdn"), get_source("un_sc"), get_source("uk_sanctions")
SOURCES = [SDN, UN]
FAST = {"timeout": (2.0, 2.0), "retries": 1, "backoff": 0.0}
SAME = "database byte-identical"


# --- payloads --------------------------------------------------------------------------------


def _repeat_deflate(prefix: bytes, block: bytes, count: int, suffix: bytes) -> bytes:
    """Raw deflate of prefix + block * count + suffix without compressing `count` blocks: after
    a full flush the compressor forgets the past, so every block compresses to the same bytes."""
    z = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = z.compress(prefix) + z.flush(zlib.Z_FULL_FLUSH)
    one = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    return head + one * count + z.compress(suffix) + z.flush()


def zip_file(entries: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """A zip from (name, method, crc, stored bytes, declared unpacked size) entries."""
    out, central = b"", b""
    for name, method, crc, data, size in entries:
        raw = name.encode()
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc,
                               len(data), size, len(raw), 0, 0, 0, 0, 0, len(out)) + raw
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data),
                           size, len(raw), 0) + raw + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(central), len(out), 0)
    return out + central + end


MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CONTENT_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                 b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                 b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                 b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                 b"<office:body><office:spreadsheet><table:table>")
CONTENT_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"
HEADER_ROW = b"".join(
    b"<table:table-cell><text:p>" + c.encode() + b"</text:p></table:table-cell>"
    for c in ("Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Designation source",
              "Date Designated", "Sanctions Imposed"))


def ods(content_prefix: bytes, block: bytes, count: int, suffix: bytes,
         declared: int | None = None) -> bytes:
    data = _repeat_deflate(content_prefix, block, count, suffix)
    size = len(content_prefix) + len(block) * count + len(suffix)
    crc = zlib.crc32(content_prefix)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return zip_file([("mimetype", 0, zlib.crc32(MIMETYPE), MIMETYPE, len(MIMETYPE)),
                 ("content.xml", 8, crc, data, size if declared is None else declared)])


@cache
def ods_bomb() -> bytes:
    """About 1 MB of .ods whose content.xml unpacks to 1 GiB (a header row, then spaces)."""
    prefix = CONTENT_HEAD + b"<table:table-row>" + HEADER_ROW + b"</table:table-row>"
    return ods(prefix, b" " * (1 << 20), 1024, CONTENT_TAIL)


@cache
def ods_bomb_lying() -> bytes:
    """The same bomb declaring 1 MiB unpacked: the zip reader stops there (CRC fails)."""
    prefix = CONTENT_HEAD + b"<table:table-row>" + HEADER_ROW + b"</table:table-row>"
    return ods(prefix, b" " * (1 << 20), 1024, CONTENT_TAIL, declared=1 << 20)


@cache
def ods_huge_cell() -> bytes:
    """A valid .ods whose second row's Type cell holds 2 MB of text: the error must not."""
    prefix = (CONTENT_HEAD + b"<table:table-row>" + HEADER_ROW + b"</table:table-row>"
              b"<table:table-row><table:table-cell><text:p>X1</text:p></table:table-cell>"
              b"<table:table-cell><text:p>")
    suffix = b"</text:p></table:table-cell></table:table-row>" + CONTENT_TAIL
    return ods(prefix, b"A" * (1 << 20), 2, suffix)


@cache
def gzip_bomb() -> bytes:
    """5 MB of gzip that unpacks to 5 GB of CSV-looking digits (5,000 gzip members)."""
    member = gzip.compress(b"0," * (1 << 19), compresslevel=9, mtime=0)
    return member * (5 * (1 << 20) // len(member))


# --- running ---------------------------------------------------------------------------------


class Recording(Fetcher):
    """A Fetcher that keeps the line of every download it refused."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.errors: list[str] = []
        self.peak = 0  # bytes Python allocated at most during one download, when tracing

    def download(self, source: str, url: str, dest: Path) -> Path:
        tracemalloc.reset_peak()
        try:
            return super().download(source, url, dest)
        except FetchError as exc:
            self.errors.append(str(exc))
            raise
        finally:
            self.peak = max(self.peak, tracemalloc.get_traced_memory()[1])


@cache
def _snapshot_db() -> Path:
    """OFAC SDN and the UN list as `update` builds them from the mirror's files, once per
    process: a case's update then finds every file it is served unchanged."""
    tmp = Path(tempfile.mkdtemp(prefix="faults-fetch-"))
    atexit.register(shutil.rmtree, tmp, True)
    mirror_files(tmp / "mirror")
    with serve(tmp / "mirror") as m:
        update(tmp / "db" / "sanctions.db", sources=SOURCES, fetcher=Fetcher(mirror=m.url))
    return tmp / "db" / "sanctions.db"


def mirror_files(root: Path) -> None:
    """The mirror layout of the bundled official files: <key>/<official file name>."""
    snap = SDN.snapshot_paths()
    (root / "ofac_sdn").mkdir(parents=True)
    for role, name in (("sdn", "SDN.CSV"), ("alt", "ALT.CSV"), ("add", "ADD.CSV"),
                       ("comments", "SDN_COMMENTS.CSV")):
        shutil.copyfile(snap[role], root / "ofac_sdn" / name)
    (root / "un_sc").mkdir(parents=True)
    shutil.copyfile(UN.snapshot_paths()["xml"], root / "un_sc" / "consolidated.xml")


Configure = Callable[[Mirror, ExitStack], Callable[[Recording], str] | None]


def run_update(scratch: Path, configure: Configure, keys: list[str], **fetcher: object) -> str:
    """`update` of `keys` against a mirror set up by `configure` (which may start another
    server on `stack` and return a function adding a note about the run):
    '<errors> | <statuses> | <database>[ | note]'."""
    db = scratch / "db" / "sanctions.db"
    db.parent.mkdir()
    shutil.copyfile(_snapshot_db(), db)
    mirror_files(scratch / "mirror")
    before = db.read_bytes()
    with ExitStack() as stack:
        m = stack.enter_context(serve(scratch / "mirror"))
        f = Recording(mirror=m.url, **{**FAST, **fetcher})
        after = configure(m, stack)
        if after is memory:
            tracemalloc.start()
            stack.callback(tracemalloc.stop)
        result = update(db, keys=keys, sources=SOURCES, fetcher=f)
        note = after(f) if after else ""
    statuses = ", ".join(f"{s.key} {s.status}" for s in result.sources)
    same = SAME if db.read_bytes() == before else "database CHANGED"
    line = f"{' / '.join(f.errors) or 'no error'} | {statuses} | {same}"
    return (line + (f" | {note}" if note else "")).replace(m.url, "MIRROR")


def faults(table: dict[str, str], every: float = 0.5) -> Configure:
    def configure(m: Mirror, _stack: ExitStack) -> None:
        m.faults.update(table)
        m.trickle_every = every
    return configure


def stored(path: str, data: bytes, fault: str, note: Callable[[Recording], str] | None = None
           ) -> Configure:
    def configure(m: Mirror, _stack: ExitStack) -> Callable[[Recording], str] | None:
        m.put(path.lstrip("/"), data)
        m.faults[path] = fault
        return note
    return configure


def memory(f: Recording) -> str:
    """The most memory one download took (traced when a case asks for this note)."""
    size = "under 32 MB" if f.peak < 32 << 20 else f"{f.peak / (1 << 20):,.0f} MB"
    return f"download peak memory {size}"


def served_gzip(m: Mirror, _stack: ExitStack) -> Callable[[Recording], str]:
    m.faults["/ofac_sdn/SDN.CSV"] = "gzip"
    return kept_whole


def kept_whole(f: Recording) -> str:
    """Whether SDN.CSV arrived byte for byte as published."""
    meta = next(m for p, m in f.fetched.items() if p.name == "SDN.CSV")
    want = SDN.snapshot_paths()["sdn"].read_bytes()
    same = meta.sha256 == hashlib.sha256(want).hexdigest() and meta.size == len(want)
    return f"SDN.CSV {meta.size:,} bytes, {'as published' if same else 'ALTERED'}"


def redirect_away(allowed: list[str]) -> Callable[[Path], str]:
    """SDN.CSV redirects to the same file on another host name (localhost, another port)."""
    def run(scratch: Path) -> str:
        other = scratch / "other"
        mirror_files(other)

        def configure(m: Mirror, stack: ExitStack) -> Callable[[Recording], str]:
            o = stack.enter_context(serve(other))
            port = o.url.rsplit(":", 1)[1]
            m.redirects["/ofac_sdn/SDN.CSV"] = f"http://localhost:{port}/ofac_sdn/SDN.CSV"
            return lambda _f: f"the other host answered {len(o.downloads())} request(s)"
        return run_update(scratch, configure, ["ofac_sdn"], allowed_hosts=allowed)
    return run


def redirect_home(scratch: Path) -> str:
    def configure(m: Mirror, _stack: ExitStack) -> None:
        m.put("moved/SDN.CSV", SDN.snapshot_paths()["sdn"].read_bytes())
        m.redirects["/ofac_sdn/SDN.CSV"] = f"{m.url}/moved/SDN.CSV"
    return run_update(scratch, configure, ["ofac_sdn"])


def long_url(scratch: Path) -> str:
    """A redirect (same host) to a 60 KB URL that answers 404: the line stays short."""
    def configure(m: Mirror, _stack: ExitStack) -> None:
        m.redirects["/ofac_sdn/SDN.CSV"] = f"{m.url}/{'x' * 60_000}"
    out = run_update(scratch, configure, ["ofac_sdn"])
    error, rest = out.split(" | ", 1)
    return f"one line of {len(error.replace('MIRROR', 'http://127.0.0.1:00000'))} characters " \
        f"| {rest}"


def traced(run: Callable[[Path], str], limit_mb: int) -> Callable[[Path], str]:
    """`run`, adding whether the memory Python allocated stayed under `limit_mb`."""
    def wrapped(scratch: Path) -> str:
        tracemalloc.start()
        try:
            out = run(scratch)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        verdict = "under" if peak < limit_mb << 20 else f"{peak / (1 << 20):,.0f} MB, over"
        return f"{out} | peak memory {verdict} {limit_mb} MB"
    return wrapped


def parse_ods(data: Callable[[], bytes], name: str) -> Callable[[Path], str]:
    def run(scratch: Path) -> str:
        path = scratch / name
        path.write_bytes(data())
        try:
            records = list(UK.parse({"ods": path}, Report()))
        except SanctionsError as exc:
            return str(exc).replace(f"{scratch}{os.sep}", "")
        return f"accepted {len(records):,} records"
    return run


# Linux counts what a child inherited at fork in its peak RSS, so a child of a large process (a
# long pytest run) would report the parent's size: a small launcher forks the command instead
# and writes the command's own peak (KB) to the pipe whose fd is its first argument.
LAUNCHER = """
import os, sys
fd = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    os.close(fd)
    os.execv(sys.executable, [sys.executable, "-m", "sanctions", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
os.write(fd, str(usage.ru_maxrss).encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


def cli(args: list[str], cwd: Path) -> tuple[int, str, int]:
    """`sanctions ARGS` in a child process: exit status, last stderr line, peak RSS bytes."""
    read, write = os.pipe()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(write), *args], cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=err, pass_fds=(write,),
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        os.close(write)
        killer = threading.Timer(300, child.kill)  # bounded even if the refusal regressed
        killer.start()
        try:
            child.wait()
        finally:
            killer.cancel()
        with os.fdopen(read, "rb") as fh:
            peak_kb = int(fh.read() or b"0")
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return child.returncode, lines[-1] if lines else "", peak_kb * 1024


def ods_bomb_cli(scratch: Path) -> str:
    """`sanctions build --file uk_sanctions:ods=bomb.ods`: refused, flat memory, db kept."""
    db = scratch / "db" / "sanctions.db"
    db.parent.mkdir()
    shutil.copyfile(_snapshot_db(), db)
    (scratch / "bomb.ods").write_bytes(ods_bomb())
    before = db.read_bytes()
    code, line, rss = cli(["build", "--db", "db/sanctions.db", "--source", "uk_sanctions",
                           "--file", "uk_sanctions:ods=bomb.ods"], scratch)
    same = SAME if db.read_bytes() == before else "database CHANGED"
    memory = "under 400 MB" if rss < 400 << 20 else f"{rss / (1 << 20):,.0f} MB"
    return f"exit {code} | {line[:300]} | peak memory {memory} | {same}"


BOMB_SIZE = len(CONTENT_HEAD) + 17 + len(HEADER_ROW) + 18 + (1 << 30) + len(CONTENT_TAIL)
REFUSED_BOMB = (f"uk_sanctions (bomb.ods): content.xml would unpack to {BOMB_SIZE:,} bytes, over "
                "the 67,108,864-byte limit; refused (a zip bomb?)")
STALL = re.compile(r"ofac_sdn: timed out: no response from MIRROR/ofac_sdn/SDN\.CSV after 2 "
                   r"attempt\(s\), 2\.\d s in all \(up to 1\.0 s each\); gave up "
                   r"\| ofac_sdn failed \| database byte-identical")
TRICKLE = {"/ofac_sdn/SDN.CSV": "trickle"}
U = "MIRROR/ofac_sdn/SDN.CSV"

CASES = [
    Case("fetch: trickle, a byte every 0.5 s (deadline 2 s a file)",
         f"ofac_sdn (SDN.CSV): download took longer than 2.0 s; gave up | ofac_sdn failed | {SAME}",
         lambda d: run_update(d, faults(TRICKLE), ["ofac_sdn"], deadline=2.0)),
    Case("fetch: two trickling sources (2 s a file, 3 s a run)",
         "ofac_sdn (SDN.CSV): download took longer than 2.0 s; gave up / un_sc (consolidated.xml)"
         ": the downloads of this run took longer than 3.0 s in all; gave up | ofac_sdn failed, "
         f"un_sc failed | {SAME}",
         lambda d: run_update(d, faults({**TRICKLE, "/un_sc/consolidated.xml": "trickle"}),
                              ["ofac_sdn", "un_sc"], deadline=2.0, run_deadline=3.0)),
    Case("fetch: stall before headers (read timeout 1 s, 3 retries allowed)",
         f"ofac_sdn: timed out: no response from {U} after 2 attempt(s), 2.0 s in all (up to 1.0 s"
         f" each); gave up | ofac_sdn failed | {SAME}",
         lambda d: run_update(d, faults({"/ofac_sdn/SDN.CSV": "stall"}), ["ofac_sdn"],
                              timeout=(2.0, 1.0), retries=3),
         ok=lambda o: STALL.fullmatch(o) is not None),
    Case("fetch: gzip with the Content-Length of the compressed body",
         f"no error | ofac_sdn unchanged | {SAME} | SDN.CSV 3,909,739 bytes, as published",
         lambda d: run_update(d, served_gzip, ["ofac_sdn"])),
    Case("fetch: 5 MB gzip bomb (5 GB unpacked), default limits",
         f"ofac_sdn: {U} sent compressed data that unpacks to more than 67,108,864 bytes; stopped"
         f" | ofac_sdn failed | {SAME} | download peak memory under 32 MB",
         lambda d: run_update(d, stored("/ofac_sdn/SDN.CSV", gzip_bomb(), "as-gzip", memory),
                              ["ofac_sdn"])),
    Case("fetch: gzip body cut short (Content-Length of the cut)",
         f"ofac_sdn: truncated download from {U}: the gzip data ends early | "
         f"ofac_sdn failed | {SAME}",
         lambda d: run_update(d, stored("/ofac_sdn/SDN.CSV", gzip.compress(
             SDN.snapshot_paths()["sdn"].read_bytes(), mtime=0)[:300_000], "as-gzip"),
             ["ofac_sdn"])),
    Case("fetch: an encoding never asked for (br)",
         f"ofac_sdn: {U}: unsupported Content-Encoding 'br'; refused | ofac_sdn failed | {SAME}",
         lambda d: run_update(d, faults({"/ofac_sdn/SDN.CSV": "br"}), ["ofac_sdn"])),
    Case("fetch: redirect to another host",
         f"ofac_sdn: {U} redirects from 127.0.0.1 to another host, localhost; refused (allow it "
         f"with SANCTIONS_ALLOWED_HOSTS=localhost) | ofac_sdn failed | {SAME} | the other host "
         "answered 0 request(s)",
         redirect_away([])),
    Case("fetch: redirect to another host that is allowed",
         f"no error | ofac_sdn unchanged | {SAME} | the other host answered 1 request(s)",
         redirect_away(["localhost"])),
    Case("fetch: redirect within the same host",
         f"no error | ofac_sdn unchanged | {SAME}", redirect_home),
    Case("fetch: 404 for a 60 KB URL (error line length)",
         f"one line of 310 characters | ofac_sdn failed | {SAME}", long_url),
    Case("fetch: 1 MB .ods zip bomb via build --file",
         f"exit 2 | error: {REFUSED_BOMB}; the previous database at db/sanctions.db is unchanged "
         f"| peak memory under 400 MB | {SAME}",
         ods_bomb_cli,
         ok=lambda o: o.startswith(f"exit 2 | error: {REFUSED_BOMB}")
         and o.endswith(f" | peak memory under 400 MB | {SAME}")),
    Case("fetch: .ods zip bomb that declares 1 MiB unpacked",
         "uk_sanctions (bomb.ods): not a valid ODS/zip file (Bad CRC-32 for file 'content.xml') | "
         "peak memory under 32 MB",
         traced(parse_ods(ods_bomb_lying, "bomb.ods"), 32)),
    Case("fetch: .ods with a 2 MB cell (error line length)",
         "uk_sanctions (big-cell.ods): content.xml row 2 has a cell of 2,097,152 characters, over "
         "the 10,000 limit; refused",
         parse_ods(ods_huge_cell, "big-cell.ods")),
]
