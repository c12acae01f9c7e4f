"""The server fault cases of scripts/faults.py (scripts/fault_cases/server.py), run as tests:
hostile clients get a clean 4xx, slow bodies a 408, a big batch cannot starve a GET, and a
database swapped under load or replaced by a corrupt file is served without one error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fault_cases.server import CASES  # noqa: E402
from faults import Case  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=[c.name.removeprefix("server: ") for c in CASES])
def test_server_fault(case: Case, tmp_path: Path) -> None:
    observed = case.run(tmp_path)
    assert case.ok(observed) if case.ok else observed == case.expected, observed


def test_every_case_is_named_for_its_module() -> None:
    assert all(c.name.startswith("server: ") for c in CASES)
    assert len({c.name for c in CASES}) == len(CASES)
