"""Shared fixtures: one full build of the bundled snapshots per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.ingest.build import build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def full_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from every bundled snapshot, as `sanctions build` makes it."""
    path = tmp_path_factory.mktemp("full") / "sanctions.db"
    build(path)
    return path
