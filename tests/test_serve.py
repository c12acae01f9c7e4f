"""`sanctions serve`: the Datasette arguments, and one real served process on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from datasette_fixtures import free_port, ready, served

from sanctions.cli.serving import parse_serve
from sanctions.errors import SanctionsError
from sanctions.web.metadata import METADATA, load_metadata
from sanctions.web.serve import datasette_args

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures


def test_datasette_args_serve_immutable_with_metadata() -> None:
    args = datasette_args(Path("db/sanctions.db"), "127.0.0.1", 9000)
    assert args[:3] == ["serve", "-i", "db/sanctions.db"]
    meta = json.loads(Path(args[args.index("--metadata") + 1]).read_text())
    assert meta == load_metadata()
    assert "@sources" in METADATA.read_text() and "@sources" not in json.dumps(meta)
    assert args[args.index("--port") + 1] == "9000"
    assert "sql_time_limit_ms" in args


def test_other_file_names_get_the_same_metadata(tmp_path: Path) -> None:
    args = datasette_args(tmp_path / "lists.db")
    renamed = json.loads(Path(args[args.index("--metadata") + 1]).read_text())
    assert renamed == load_metadata(tmp_path / "lists.db")
    assert set(renamed["databases"]) == {"lists"}
    original = load_metadata()["databases"]["sanctions"]
    assert renamed["databases"]["lists"]["tables"] == original["tables"]
    assert renamed["databases"]["lists"]["queries"] == original["queries"]
    assert renamed["databases"]["lists"]["source_url"] == "/lists/sources"
    assert 'href="/lists/entities"' in renamed["description_html"]


def test_served_process(db_path: Path) -> None:
    with served(db_path) as url, httpx.Client(base_url=url, timeout=10) as client:
        rows = client.get("/sanctions/entities.json?_search=aragua&_shape=array&_col=name").json()
        assert {r["id"] for r in rows} == {"ofac_sdn:49756", "state_fto:tren-de-aragua"}
        one = client.get("/-/screen.json", params={"name": "Tren de Aragua", "source": "ofac_sdn"})
        assert one.status_code == 200
        assert one.json()["matches"][0]["entity_id"] == "ofac_sdn:49756"
        batch = client.post("/-/screen.json", json={"queries": [{"name": "NORD STAR"},
                                                                {"name": "Tren de Aragua"}]})
        assert batch.status_code == 200
        assert [r["matches"][0]["name"] for r in batch.json()["results"]][0] == "NORD STAR"
        bad = client.post("/-/screen.json", content=b"nope")
        assert bad.status_code == 400
        assert bad.json()["ok"] is False
        # Immutable: Datasette knows the database cannot change.
        databases = client.get("/-/databases.json").json()
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("sanctions", False)]
        assert "2026-06-02" in client.get("/-/screen").text


@contextmanager
def serving(db: Path, *options: str, prefix: str = "/", timeout: float = 60.0) -> Iterator[str]:
    """`sanctions serve --db db OPTIONS...` on a free loopback port, as a user types it; yields
    its URL (with the base_url `prefix`) once /-/readyz answers 200."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db), "--port", str(port),
         *options], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with ready(proc, f"http://127.0.0.1:{port}{prefix.rstrip('/')}", timeout) as url:
        yield url


def test_datasette_options_pass_through_and_metadata_merges() -> None:
    args = datasette_args(Path("db/sanctions.db"), options=["--cors", "--setting", "base_url",
                                                            "/lists/"],
                          metadata={"title": "Our lists", "plugins": {"other": {"a": 1}}})
    assert args[-4:] == ["--cors", "--setting", "base_url", "/lists/"]
    meta = json.loads(Path(args[args.index("--metadata") + 1]).read_text())
    # the project's links under base_url (tests/test_base_url.py), the user's merged in
    project = load_metadata(base_url="/lists/")
    assert meta == {**project, "title": "Our lists",
                    "plugins": {**project.get("plugins", {}), "other": {"a": 1}}}
    for option, why in (("--reload", "--reload restarts Datasette's own command, not "
                                     "`sanctions serve`"),
                        ("--immutable", "the database is always served immutable"),
                        ("--port=9", "use sanctions serve's own --port")):
        with pytest.raises(SanctionsError) as refused:
            datasette_args(Path("db/sanctions.db"), options=[option])
        assert str(refused.value) == f"{option.split('=')[0]}: {why}"


def test_serve_refuses_bad_options_in_one_line(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "meta.yml"
    bad.write_text("- a list\n")
    for options, line in (
            (["--reload"], "error: --reload: --reload restarts Datasette's own command, not "
                           "`sanctions serve`"),
            (["--metadata", str(tmp_path / "none.yml")],
             f"error: --metadata {tmp_path / 'none.yml'}: No such file or directory"),
            (["--metadata", str(bad)],
             f"error: --metadata {bad}: must be an object (JSON) or a mapping (YAML)")):
        done = subprocess.run([sys.executable, "-m", "sanctions.cli", "serve", "--db",
                               str(db_path), *options], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, check=False)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n")


def test_datasette_settings_reach_the_server(db_path: Path, tmp_path: Path) -> None:
    meta = tmp_path / "extra.yml"
    meta.write_text("title: Screening desk\n")
    with serving(db_path, "--setting", "base_url", "/lists/", "--setting",
                 "sql_time_limit_ms", "5000", "--metadata", str(meta),
                 prefix="/lists/") as url, httpx.Client(base_url=url, timeout=10) as client:
        settings = client.get("/-/settings.json").json()
        assert (settings["base_url"], settings["sql_time_limit_ms"],
                settings["facet_time_limit_ms"]) == ("/lists/", 5000, 1000)
        metadata = client.get("/-/metadata.json").json()
        assert metadata["title"] == "Screening desk"
        assert set(metadata["databases"]) == {"sanctions"}  # the project's is still there
        one = client.get("/-/screen.json", params={"name": "NORD STAR"}).json()
        assert one["matches"][0]["entity_id"] == "ofac_sdn:56706"
        # every generated URL is under the base_url
        manifest = client.get("/-/reconcile").json()
        assert manifest["view"] == {"url": url + "/-/reconcile/view?id={{id}}"}
        assert manifest["identifierSpace"] == url + "/sanctions/entities"
        assert manifest["suggest"]["entity"] == {
            "service_url": url, "service_path": "/-/reconcile/suggest/entity"}
        view = client.get("/-/reconcile/view", params={"id": "ofac_sdn:56706"})
        assert view.headers["location"] == "/lists/sanctions/entities/ofac_sdn~3A56706"
        assert client.get("/-/openapi.json").json()["servers"] == [{"url": url}]


@pytest.mark.parametrize("argv", [
    ["serve", "--cors"], ["serve", "--help"], ["serve", "--port", "x"], ["serve", "--db"],
    ["serve", "--setting", "base_url", "/a/"], ["serve", "--port", "1", "--port", "2"],
    ["serve", "--token", "t"], ["screen", "x"], [],
])
def test_anything_but_a_plain_serve_goes_to_typer(argv: list[str]) -> None:
    assert parse_serve(argv) is None


def test_a_plain_serve_is_read_as_typer_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_TOKEN", "secret")
    monkeypatch.delenv("SANCTIONS_DB", raising=False)
    monkeypatch.delenv("SANCTIONS_DECISIONS", raising=False)
    assert parse_serve(["serve", "--db=x.db", "--port", "9000", "--host", "0.0.0.0",
                        "--access-log"]) == {
        "db": Path("x.db"), "port": 9000, "host": "0.0.0.0", "access_log": True,
        "decisions": None, "token": "secret"}


@pytest.mark.parametrize("options", [(), ("--access-log",), ("--access-log", "--cors")])
def test_no_line_per_request_unless_asked(db_path: Path, tmp_path: Path,
                                          options: tuple[str, ...]) -> None:
    """Without --access-log the API's query strings (customers' names) are not logged."""
    log = tmp_path / "output.txt"
    port = free_port()
    with open(log, "wb") as out:  # uvicorn's access log goes to standard output
        proc = subprocess.Popen(
            [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db_path), "--port",
             str(port), *options], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        with ready(proc, f"http://127.0.0.1:{port}", 60) as url:
            answer = httpx.get(url + "/-/screen.json", params={"name": "Jane Customer"})
            assert answer.status_code == 200
    logged = [line for line in log.read_text().splitlines() if "/-/screen.json" in line]
    assert len(logged) == (1 if options else 0)
    if options:
        assert '"GET /-/screen.json?name=Jane+Customer HTTP/1.1" 200' in logged[0]


def test_the_unit_registry_is_built_on_first_use() -> None:
    """`sanctions serve` defers Datasette's pint registry; a column's `units` still work."""
    code = ("import sys\nfrom sanctions.web.serve import defer_units\ndefer_units()\n"
            "from datasette.views.base import ureg\n"
            "built = 'datasette.vendored.pint.facets' in sys.modules\n"
            "print(built, (5 * ureg('km')).to('m'), type(ureg('10 m')).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout == "False 5000.0 meter Quantity\n"


def test_datasette_cli_installs_no_rich_tracebacks() -> None:
    """datasette.cli installs rich's traceback handler (every frame's locals: the names being
    screened) when rich is installed; the server imports it without, and rich.traceback stays
    importable for anything else."""
    code = ("import sys\nfrom sanctions.web.serve import _datasette_cli\n_datasette_cli()\n"
            "print('rich.traceback' in sys.modules, sys.excepthook is sys.__excepthook__)\n"
            "import rich.traceback\nprint(rich.traceback.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "False True\nrich.traceback\n"
