"""Shared fixtures: one full build of the bundled snapshots per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanctions.ingest.build import build

FIXTURES = Path(__file__).parent / "fixtures"

# Test modules import datasette_fixtures by name before naming it in `pytest_plugins`; registered
# here, before any test module loads, its asserts are rewritten like a test's (else pytest warns
# that it could not rewrite a module already imported, and a failing assert there says less).
pytest.register_assert_rewrite("datasette_fixtures")


@pytest.fixture(scope="session", autouse=True)
def serial_terminal() -> None:
    """No COLUMNS or LINES: pytest-xdist's workers (`-n 2`) have COLUMNS=80 and LINES=24 in their
    environment, where a run without workers has neither, and the CLI's tables take their width
    from COLUMNS (120 without it): a test would see a narrower table on a worker than alone.
    Tests that want a width set it themselves (monkeypatch or a subprocess's env)."""
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)


@pytest.fixture(scope="session")
def full_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from every bundled snapshot, as `sanctions build` makes it."""
    path = tmp_path_factory.mktemp("full") / "sanctions.db"
    build(path)
    return path
