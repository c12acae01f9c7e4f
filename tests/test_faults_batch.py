"""The batch fault cases of scripts/faults.py (scripts/fault_cases/batch.py), run as tests:
every input row gets a result, I/O errors are one line and exit 2, a crash exits 3."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fault_cases.batch import CASES  # noqa: E402
from faults import Case  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=[c.name.removeprefix("batch: ") for c in CASES])
def test_batch_fault(case: Case, tmp_path: Path) -> None:
    observed = case.run(tmp_path)
    assert observed == case.expected


def test_every_case_is_named_for_its_module() -> None:
    assert all(c.name.startswith("batch: ") for c in CASES)
    assert len({c.name for c in CASES}) == len(CASES)
