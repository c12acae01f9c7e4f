"""A small real database for the Datasette tests: three OFAC rows, one FTO row, one reward.

The rows are hand-trimmed from the bundled snapshots (sdn_excerpt.csv, add.csv, alt.csv) so
the tests exercise the real schema, FTS and writer, not a mock.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette.app import Datasette
from datasette.plugins import pm

from sanctions import web
from sanctions.ingest.build import POST_IMPORT_STEPS
from sanctions.models import (
    Address,
    BirthDate,
    Designation,
    Identifier,
    Name,
    Nationality,
    Property,
    Record,
    Relation,
    Reward,
    Vessel,
)
from sanctions.store import schema, write
from sanctions.web.metadata import load_metadata

OFAC = "U.S. Treasury OFAC"
STATE = "U.S. Department of State"

RECORDS = [
    Record(
        source="ofac_sdn", source_id="49756", type="organization", name="TREN DE ARAGUA",
        listed_on="2024-07-11",
        names=[Name("EL TREN DE ARAGUA", "aka", "strong"), Name("ARAGUA TRAIN", "weak")],
        addresses=[Address(country=c) for c in ("Venezuela", "Colombia", "Chile", "Peru")],
        designations=[
            Designation(OFAC, "SDN", "TCO", "2024-07-11"),
            Designation(OFAC, "SDN", "FTO", "2025-02-20"),
            Designation(OFAC, "SDN", "SDGT", "2025-02-20"),
        ],
        properties=[Property("Organization Type", "Transnational Terrorist Group")],
        raw={"ent_num": "49756", "SDN_Type": "-0-", "Program": "FTO] [SDGT] [TCO"},
    ),
    Record(
        source="ofac_sdn", source_id="22790", type="person", name="MADURO MOROS, Nicolas",
        listed_on="2017-07-31", gender="Male",
        title="President of the Bolivarian Republic of Venezuela",
        identifiers=[Identifier("cedula", "5892464", "Venezuela")],
        addresses=[Address(city="Caracas, Capital District", country="Venezuela")],
        birth_dates=[BirthDate("23 Nov 1962", "1962-11-23")],
        birth_places=["Caracas, Venezuela"],
        nationalities=[Nationality("Venezuela", "citizenship")],
        designations=[
            Designation(OFAC, "SDN", "VENEZUELA", "2017-07-31"),
            Designation(OFAC, "SDN", "IRAN-CON-ARMS-EO", "2020-03-26"),
        ],
        raw={"ent_num": "22790", "SDN_Type": "individual"},
    ),
    Record(
        source="ofac_sdn", source_id="56706", type="vessel", name="NORD STAR",
        listed_on="2025-12-10",
        identifiers=[Identifier("imo", "9323596", valid=True), Identifier("mmsi", "352003296")],
        vessel=Vessel(imo="9323596", imo_valid=True, mmsi="352003296", call_sign="3E7463",
                      vessel_type="Crude Oil Tanker", flag="Panama"),
        designations=[Designation(OFAC, "SDN", "VENEZUELA-EO13850", "2025-12-10")],
        relations=[Relation("linked_to", "KRAPE MYRTLE CO LTD"),
                   Relation("linked_to", "TREN DE ARAGUA", "ofac_sdn:49756")],
        raw={"ent_num": "56706", "SDN_Type": "vessel"},
    ),
    Record(
        source="state_fto", source_id="tren-de-aragua", type="organization",
        name="Tren de Aragua", listed_on="2025-02-20",
        names=[Name("TdA", "aka")],
        designations=[Designation(STATE, "FTO", "FTO", "2025-02-20")],
        raw={"name": "Tren de Aragua"},
    ),
    Record(
        source="state_rewards", source_id="nrp-maduro", type="person",
        name="Nicolás Maduro Moros",
        rewards=[Reward("Narcotics Rewards Program", 15_000_000, "2020-03-26"),
                 Reward("Narcotics Rewards Program", 50_000_000, "2025-08-07")],
        raw={},
    ),
]

SOURCES = [
    ("ofac_sdn", "OFAC Specially Designated Nationals (SDN) List", OFAC,
     "https://sanctionslist.ofac.treas.gov/", "CSV", "US Government work (public domain)",
     "official", "2026-06-02"),
    ("state_fto", "US State Department Foreign Terrorist Organizations", STATE,
     "https://www.state.gov/foreign-terrorist-organizations/", "HTML",
     "US Government work (public domain)", "compiled", "2026-01-15"),
    ("state_rewards", "US reward offers", STATE, "https://www.state.gov/", "HTML",
     "US Government work (public domain)", "compiled", "2025-08-07"),
]


# A designation the fixture's next version adds (tests of swapping a served database).
NEW_RECORD = Record(
    source="ofac_sdn", source_id="99001", type="organization", name="ZORVANTHEX MARITIME LLC",
    listed_on="2026-06-10", designations=[Designation(OFAC, "SDN", "SDGT", "2026-06-10")],
    raw={"ent_num": "99001", "SDN_Type": "-0-"},
)
NEW_BUILT_AT = "2026-06-11T00:00:00+00:00"
NEW_AS_OF = "2026-06-10"  # the next version's OFAC SDN date, in every page's footer


def make_db(path: Path, records: list[Record] = RECORDS, previous: Path | None = None,
            built_at: str = "2026-06-03T00:00:00+00:00",
            as_of: dict[str, str] | None = None) -> Path:
    """Write the fixture database to `path` the way the build does (schema, rows, indexes, FTS);
    with `previous`, the change history says what changed since that database."""
    conn = schema.connect(path)
    schema.create_schema(conn)
    write.write_records(conn, records)
    for key, title, publisher, url, fmt, licence, kind, date in SOURCES:
        n = sum(1 for r in records if r.source == key)
        conn.execute(
            "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (key, title, publisher, url, fmt, licence, kind, (as_of or {}).get(key, date), n,
             json.dumps({}), "{}", "", built_at),
        )
    conn.execute("INSERT INTO build_info VALUES ('built_at', ?)", (built_at,))
    schema.create_indexes(conn)
    for step in POST_IMPORT_STEPS:  # linking and change history, as every build runs them
        step(conn, previous or path.with_name("no-previous.db"))
    write.enable_fts(conn)
    conn.commit()
    conn.close()
    return path


def register_plugin() -> None:
    """Register the plugin module as its entry point would (pytest skips entry points)."""
    if not pm.is_registered(web):
        pm.register(web, name="sanctions")


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("ds") / "sanctions.db")


@pytest.fixture
def db_copy(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture database of a test's own (decisions and the audit trail go
    beside it), with neither switched on or moved by the environment."""
    monkeypatch.delenv("SANCTIONS_DECISIONS", raising=False)
    monkeypatch.delenv("SANCTIONS_AUDIT", raising=False)
    copy = tmp_path / "sanctions.db"
    shutil.copy(db_path, copy)
    return copy


def sha(path: Path) -> str:
    """A file's content hash: the published database must not change under decisions."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def ds(db_path: Path) -> AsyncIterator[Datasette]:
    register_plugin()
    datasette = Datasette(immutables=[str(db_path)], metadata=load_metadata(db_path))
    await datasette.invoke_startup()
    yield datasette


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """A read-only connection with the plugin's SQL functions, as Datasette would prepare it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    web.prepare_connection(conn)
    return conn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_next_db(served: Path) -> Path:
    """The fixture's next version, built beside `served` (history against it), not yet in place:
    os.replace it over `served` as `sanctions build` does."""
    return make_db(served.with_name("next-" + served.name), [*RECORDS, NEW_RECORD], served,
                   NEW_BUILT_AT, {"ofac_sdn": NEW_AS_OF})


# `sanctions serve` with the plugin configured (`plugins: sanctions:` in the metadata).
SERVE_WITH_CONFIG = (
    "import json, sys; from pathlib import Path; from sanctions.web.serve import serve; "
    "serve(Path(sys.argv[1]), port=int(sys.argv[2]), config=json.loads(sys.argv[3]))"
)


@contextmanager
def served(db: Path, timeout: float = 30.0, config: dict[str, Any] | None = None,
           stderr: Any = subprocess.PIPE, settings: dict[str, str] | None = None,
           ) -> Iterator[str]:
    """`sanctions serve --db db` in a subprocess on a free loopback port; yields its base URL.
    `config`: the plugin's settings (sanctions.web.limits), e.g. shorter timeouts; `settings`:
    Datasette's (`--setting NAME VALUE`), with the plain command only."""
    port = free_port()
    args = (["-c", SERVE_WITH_CONFIG, str(db), str(port), json.dumps(config)] if config
            else ["-m", "sanctions.cli", "serve", "--db", str(db), "--port", str(port),
                  *[a for k, v in (settings or {}).items() for a in ("--setting", k, v)]])
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL, stderr=stderr,
    )
    with ready(proc, f"http://127.0.0.1:{port}", timeout) as url:
        yield url


@contextmanager
def ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> Iterator[str]:
    """Yields `url` once the server `proc` answers 200 on /-/readyz (its stderr in the error
    when it exits first); stops it afterwards, whatever happened."""
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise RuntimeError(f"sanctions serve exited: {err}")
            try:
                if httpx.get(url + "/-/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"sanctions serve did not answer on {url} in {timeout} s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
